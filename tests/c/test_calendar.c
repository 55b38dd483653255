/* gridgov C ABI: working calendars, single values and arrays. */
#include "check.h"

#define H (3600LL * 1000LL)
#define MIN (60LL * 1000LL)
/* 2024-02-02 16:00 +08:00 (Friday) = 08:00Z */
static const int64_t FRI_1600 = 1706860800000LL;
/* 2024-02-04 09:00 +08:00 (Sunday, a 调休 make-up workday) */
static const int64_t SUN_0900 = 1707008400000LL;

static void test_single(void) {
  gridgov_calendar *c = NULL;
  CHECK_STATUS(gridgov_calendar_china(&c), GRIDGOV_STATUS_OK);
  int32_t first = 0, last = 0;
  CHECK_STATUS(gridgov_calendar_years(c, &first, &last), GRIDGOV_STATUS_OK);
  CHECK(first == 2019 && last == 2026);

  bool wd = false;
  /* History: Sat 2019-02-02 was a 调休 workday; Sat 2020-02-01, a make-up day of the 2020
   * notice, fell inside the COVID-19 extension of 春节 and was off; Mon 2020-02-03 worked. */
  CHECK_STATUS(gridgov_calendar_is_workday(c, 1549080000000LL, &wd), GRIDGOV_STATUS_OK);
  CHECK(wd);
  CHECK_STATUS(gridgov_calendar_is_workday(c, 1580529600000LL, &wd), GRIDGOV_STATUS_OK);
  CHECK(!wd);
  CHECK_STATUS(gridgov_calendar_is_workday(c, 1580702400000LL, &wd), GRIDGOV_STATUS_OK);
  CHECK(wd);
  CHECK_STATUS(gridgov_calendar_is_workday(c, SUN_0900, &wd), GRIDGOV_STATUS_OK);
  CHECK(wd);
  CHECK_STATUS(gridgov_calendar_is_workday(c, SUN_0900 - 24 * H, &wd), GRIDGOV_STATUS_OK);
  CHECK(!wd); /* Saturday 2024-02-03 */

  int64_t out = 0;
  CHECK_STATUS(gridgov_calendar_add_working(c, FRI_1600, 3 * H, &out), GRIDGOV_STATUS_OK);
  CHECK(out == SUN_0900);
  CHECK_STATUS(gridgov_calendar_working_between(c, FRI_1600, SUN_0900, &out), GRIDGOV_STATUS_OK);
  CHECK(out == 3 * H);
  CHECK_STATUS(gridgov_calendar_next_working(c, FRI_1600 + 3 * H, &out), GRIDGOV_STATUS_OK);
  CHECK(out == SUN_0900 - H); /* Friday 19:00 -> Sunday 08:00 */

  /* Errors leave outputs untouched and name the value. */
  out = 42;
  CHECK_STATUS(gridgov_calendar_add_working(c, FRI_1600, -MIN, &out), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(out == 42);
  CHECK_STATUS(gridgov_calendar_is_workday(c, 1893456000000LL, &wd), GRIDGOV_STATUS_CALENDAR_RANGE);
  CHECK_ERROR_MENTIONS("2030-01-01");
  CHECK_STATUS(gridgov_calendar_add_working(c, INT64_MIN, H, &out), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(out == 42);
  CHECK_STATUS(gridgov_calendar_add_working(NULL, FRI_1600, H, &out), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_calendar_add_working(c, FRI_1600, H, NULL), GRIDGOV_STATUS_NULL_POINTER);
  gridgov_calendar_free(c);
  gridgov_calendar_free(NULL);
}

static void test_many(void) {
  gridgov_calendar *c = NULL;
  CHECK_STATUS(gridgov_calendar_china(&c), GRIDGOV_STATUS_OK);
  enum { N = 1000 };
  int64_t starts[N], durs[N], out[N], back[N];
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < N; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    starts[i] = 1704038400000LL + (int64_t)(x % (1000ULL * 24 * 3600 * 1000));
    durs[i] = (int64_t)((x >> 20) % 2400) * MIN;
  }
  CHECK_STATUS(gridgov_calendar_add_working_many(c, starts, durs, N, out), GRIDGOV_STATUS_OK);
  int same = 1;
  for (int i = 0; i < N; i++) {
    int64_t one = 0;
    if (gridgov_calendar_add_working(c, starts[i], durs[i], &one) != GRIDGOV_STATUS_OK ||
        one != out[i]) {
      same = 0;
    }
  }
  CHECK(same);
  CHECK_STATUS(gridgov_calendar_working_between_many(c, starts, out, N, back), GRIDGOV_STATUS_OK);
  int round = 1;
  for (int i = 0; i < N; i++) {
    if (back[i] != durs[i]) round = 0;
  }
  CHECK(round);
  CHECK_STATUS(gridgov_calendar_next_working_many(c, starts, N, back), GRIDGOV_STATUS_OK);
  uint8_t wd[N];
  CHECK_STATUS(gridgov_calendar_is_workday_many(c, back, N, wd), GRIDGOV_STATUS_OK);
  int all = 1;
  for (int i = 0; i < N; i++) {
    if (wd[i] != 1) all = 0;
  }
  CHECK(all);

  /* A bad element: nothing written, the message names the index. */
  int64_t sentinel[3] = {7, 7, 7};
  int64_t s3[3] = {FRI_1600, FRI_1600, INT64_MIN};
  int64_t d3[3] = {H, H, H};
  CHECK_STATUS(gridgov_calendar_add_working_many(c, s3, d3, 3, sentinel), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(sentinel[0] == 7 && sentinel[1] == 7);
  CHECK_ERROR_MENTIONS("[2]");
  d3[2] = -H;
  s3[2] = FRI_1600;
  CHECK_STATUS(gridgov_calendar_add_working_many(c, s3, d3, 3, sentinel), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("[2]");
  CHECK_STATUS(gridgov_calendar_add_working_many(c, NULL, d3, 3, sentinel), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_calendar_add_working_many(c, NULL, NULL, 0, NULL), GRIDGOV_STATUS_OK);
  gridgov_calendar_free(c);
}

static void test_custom(void) {
  /* The China calendar extended with a made-up 2027 schedule, 元旦 2027-01-01 off. */
  size_t text_len = 0;
  char *text = fixture("calendars/china_2027.toml", &text_len);
  CHECK(text != NULL);
  gridgov_calendar *c = NULL;
  if (text != NULL) {
    CHECK_STATUS(gridgov_calendar_from_text(text, text_len, GRIDGOV_FORMAT_TOML, &c),
                 GRIDGOV_STATUS_OK);
    free(text);
  }
  int32_t first = 0, last = 0;
  CHECK_STATUS(gridgov_calendar_years(c, &first, &last), GRIDGOV_STATUS_OK);
  CHECK(last == 2027);
  bool wd = true;
  /* 2027-01-01 12:00 +08:00 */
  CHECK_STATUS(gridgov_calendar_is_workday(c, 1798776000000LL, &wd), GRIDGOV_STATUS_OK);
  CHECK(!wd);
  gridgov_calendar_free(c);

  /* 2027 added without its notice's holidays: refused, naming the year. */
  const char *no_notice = "base = \"china\"\nyears = [2019, 2027]\n";
  c = (gridgov_calendar *)0x1;
  CHECK_STATUS(gridgov_calendar_from_text(no_notice, strlen(no_notice), GRIDGOV_FORMAT_TOML, &c),
               GRIDGOV_STATUS_MODEL);
  CHECK(c == (gridgov_calendar *)0x1);
  CHECK_ERROR_MENTIONS("calendar.years");
  CHECK_ERROR_MENTIONS("year 2027");

  const char *bad = "workday = [\"08:00-12:00\", \"11:00-25:00\"]\n";
  c = NULL;
  CHECK_STATUS(gridgov_calendar_from_text(bad, strlen(bad), GRIDGOV_FORMAT_AUTO, &c),
               GRIDGOV_STATUS_MODEL);
  CHECK(c == NULL);
  CHECK_ERROR_MENTIONS("25:00");

  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_model_calendar(m, &c), GRIDGOV_STATUS_OK);
  gridgov_model_free(m); /* the calendar handle outlives the model */
  CHECK_STATUS(gridgov_calendar_years(c, &first, &last), GRIDGOV_STATUS_OK);
  CHECK(first == 2019);
  gridgov_calendar_free(c);
}

int main(void) {
  test_single();
  test_many();
  test_custom();
  return finish("test_calendar");
}
