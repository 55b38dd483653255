/* gridgov C ABI: the seeded simulator — a week of the sample city, exported, replayed and
 * verified; the same seed gives the same events; bad arguments typed, with nothing written. */
#include <stdint.h>

#include "check.h"

#define DAY 86400000LL
#define T_MAR_2 1772380800000LL /* Monday 2026-03-02 00:00 +08:00 */
#define T_2031 1924963200000LL  /* 2031-01-01, past the sample calendar's years (2019-2026) */
#define T_2018 1546185600000LL  /* 2018-12-31, before them */
#define T_DEC_20 1797696000000LL /* 2026-12-20: a month from it runs past 2026 */
#define AC01 "{\"worker\":\"AC01\"}"

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* The events of an engine as JSON lines (contact data for the acceptor), or NULL. */
static char *export(const gridgov_engine *e, const char *viewer, size_t *len) {
  char *out = NULL;
  CHECK_STATUS(gridgov_engine_events_json(e, viewer, &out, len), GRIDGOV_STATUS_OK);
  return out;
}

static void test_a_week(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_simulate(m, T_MAR_2, 7, 1, 120, &e), GRIDGOV_STATUS_OK);
  if (e == NULL) {
    gridgov_model_free(m);
    return;
  }
  size_t cases = 0, events = 0;
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  /* five working days of about 120 reports and a weekend of about 48 a day */
  CHECK(cases > 550 && cases < 800);
  CHECK(events > 5 * cases);

  size_t len = 0;
  char *plain = export(e, NULL, &len);
  CHECK(plain != NULL && strlen(plain) == len);
  CHECK(count(plain, "\n") == (int)events);
  CHECK(count(plain, "\"action\":\"report\"") == (int)cases);
  const char *kinds[] = {"accept", "reject", "verify", "file", "dispatch", "start", "handle",
                         "check", "close", "rate", "escalate"};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"action\":\"%s\"", kinds[i]);
    checks++;
    if (count(plain, needle) == 0) {
      failures++;
      fprintf(stderr, "%s:%d: no %s in a simulated week\n", __FILE__, __LINE__, kinds[i]);
    }
  }
  CHECK(count(plain, "\"source\":\"hotline\"") > 0 && count(plain, "\"citizen\":") > 0);
  /* contact data only in an export for a role that may see it */
  CHECK(strstr(plain, "\"contact\":\"1380") == NULL);
  size_t full_len = 0;
  char *full = export(e, AC01, &full_len);
  CHECK(full != NULL && strstr(full, "\"contact\":\"1380") != NULL);

  /* no action was refused */
  char *denials = NULL;
  CHECK_STATUS(gridgov_engine_denials_json(e, &denials, NULL), GRIDGOV_STATUS_OK);
  CHECK(denials != NULL && strcmp(denials, "[]") == 0);
  gridgov_string_free(denials);

  /* a case as JSON */
  char *json = NULL;
  CHECK_STATUS(gridgov_engine_case_json(e, 1, T_MAR_2 + 7 * DAY, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strstr(json, "\"id\":1") != NULL);
  gridgov_string_free(json);

  /* the same seed: the same events; another seed: others */
  gridgov_engine *same = NULL;
  CHECK_STATUS(gridgov_engine_simulate(m, T_MAR_2, 7, 1, 120, &same), GRIDGOV_STATUS_OK);
  char *again = export(same, NULL, NULL);
  CHECK(again != NULL && plain != NULL && strcmp(again, plain) == 0);
  gridgov_string_free(again);
  gridgov_engine_free(same);
  gridgov_engine *other = NULL;
  CHECK_STATUS(gridgov_engine_simulate(m, T_MAR_2, 7, 2, 120, &other), GRIDGOV_STATUS_OK);
  char *different = export(other, NULL, NULL);
  CHECK(different != NULL && plain != NULL && strcmp(different, plain) != 0);
  gridgov_string_free(different);
  gridgov_engine_free(other);

  /* the export replays to the same engine, and its audit chain verifies */
  gridgov_engine *r = NULL;
  CHECK_STATUS(gridgov_engine_replay(m, full, full_len, &r), GRIDGOV_STATUS_OK);
  char *replayed = export(r, AC01, NULL);
  CHECK(replayed != NULL && full != NULL && strcmp(replayed, full) == 0);
  gridgov_string_free(replayed);
  gridgov_engine_free(r);
  char *head = NULL;
  CHECK_STATUS(gridgov_verify_events(plain, len, &head, NULL), GRIDGOV_STATUS_OK);
  CHECK(head != NULL && strstr(head, "\"head\"") != NULL);
  gridgov_string_free(head);

  /* the simulated engine is an ordinary engine: it goes on */
  char *fired = NULL;
  CHECK_STATUS(gridgov_engine_sweep(e, T_MAR_2 + 8 * DAY, &fired, NULL), GRIDGOV_STATUS_OK);
  gridgov_string_free(fired);

  gridgov_string_free(full);
  gridgov_string_free(plain);
  gridgov_engine_free(e);

  /* no reports: an empty engine */
  CHECK_STATUS(gridgov_engine_simulate(m, T_MAR_2, 3, 1, 0, &e), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 0 && events == 0);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

/* A refused simulation: `want`, a message mentioning `needle`, `*out` untouched. */
static void refused_(int line, const gridgov_model *m, int64_t start, uint32_t days,
                     uint32_t per_day, gridgov_status want, const char *needle) {
  gridgov_engine *sentinel = (gridgov_engine *)&line;
  gridgov_engine *out = sentinel;
  gridgov_status st = gridgov_engine_simulate(m, start, days, 1, per_day, &out);
  const char *msg = last_error();
  checks++;
  if (st != want || out != sentinel || strstr(msg, needle) == NULL) {
    failures++;
    fprintf(stderr, "%s:%d: got %s (\"%s\"), expected %s mentioning \"%s\"%s\n", __FILE__, line,
            gridgov_status_name(st), msg, gridgov_status_name(want), needle,
            out != sentinel ? "; output written" : "");
    if (out != sentinel) gridgov_engine_free(out);
  }
}
#define REFUSED(m, start, days, per_day, want, needle) \
  refused_(__LINE__, m, start, days, per_day, want, needle)

static void test_bad_arguments(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  REFUSED(m, T_MAR_2, 0, 120, GRIDGOV_STATUS_INVALID_VALUE, "days");
  REFUSED(m, T_MAR_2, 100000, 120, GRIDGOV_STATUS_INVALID_VALUE, "days");
  REFUSED(m, T_MAR_2, 7, 10000000, GRIDGOV_STATUS_INVALID_VALUE, "reports_per_day");
  REFUSED(m, INT64_MIN, 7, 120, GRIDGOV_STATUS_INVALID_VALUE, "NaT");
  REFUSED(m, INT64_MAX - 5, 7, 120, GRIDGOV_STATUS_INVALID_VALUE, "overflows");
  REFUSED(m, T_2031, 7, 120, GRIDGOV_STATUS_CALENDAR_RANGE, "2031-01-01");
  REFUSED(m, T_2018, 7, 120, GRIDGOV_STATUS_CALENDAR_RANGE, "2018-12-31");
  /* starts inside, runs past the last covered year */
  REFUSED(m, T_DEC_20, 30, 120, GRIDGOV_STATUS_CALENDAR_RANGE, "2027");
  REFUSED(NULL, T_MAR_2, 7, 120, GRIDGOV_STATUS_NULL_POINTER, "model");
  CHECK_STATUS(gridgov_engine_simulate(m, T_MAR_2, 7, 1, 120, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("out");
  /* a success clears the last error */
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_simulate(m, T_MAR_2, 1, 1, 10, &e), GRIDGOV_STATUS_OK);
  CHECK(strcmp(last_error(), "") == 0);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

int main(void) {
  test_a_week();
  test_bad_arguments();
  return finish("test_simulate");
}
