/* gridgov C ABI: calendars per unit and per stage (issue 12, item 7), hand-computed on the
 * sample city. Every deadline is counted on the calendar of whoever must act (domain facts §11:
 * the centre works in duty shifts including weekends; sanitation and emergency repair units
 * work 7 days). The sample city: `seven_day` (08:00-12:00 and 14:00-18:00 every day) for the
 * sanitation units SANIT and SANIT-W, `duty_roster` (likewise) for the centre's acceptance,
 * filing, dispatch and closing, the China working week (`default`) for the rest. C0302 公厕
 * (SANIT) and C0601 液化气站 (ENFORCE) both have 1 working day = 8 working hours of handling. */
#include <stdint.h>

#include "check.h"

#define MIN 60000LL
#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define FRI 1762502400000LL /* Friday 2025-11-07 16:00 +08:00 */
#define SAT_16 (FRI + DAY)             /* Saturday 16:00 */
#define MON_16 (FRI + 3 * DAY)         /* Monday 16:00 */
#define SAT_10 (FRI + DAY - 6 * HOUR)  /* Saturday 10:00 */

static uint64_t dispatched(gridgov_engine *e, const char *category) {
  char report[160];
  snprintf(report, sizeof report,
           "{\"category\":\"%s\",\"grid\":\"37990100100101\",\"source\":\"supervisor\"}",
           category);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, "{\"worker\":\"SV001\"}", FRI, report, &id),
               GRIDGOV_STATUS_OK);
  const char *steps[][2] = {{"{\"worker\":\"AC01\"}", "{\"action\":\"accept\"}"},
                            {"{\"worker\":\"SL01\"}", "{\"action\":\"file\"}"},
                            {"{\"worker\":\"DP01\"}", "{\"action\":\"dispatch\"}"}};
  for (size_t i = 0; i < 3; i++) {
    char *event = NULL;
    CHECK_STATUS(gridgov_engine_act(e, id, steps[i][0], FRI, steps[i][1], &event, NULL),
                 GRIDGOV_STATUS_OK);
    gridgov_string_free(event);
  }
  return id;
}

static int64_t deadline_of(const gridgov_engine *e, uint64_t id, int64_t now, char *light,
                           size_t light_len) {
  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_engine_case_json(e, id, now, &json, &len), GRIDGOV_STATUS_OK);
  const char *d = json ? strstr(json, "\"deadline\":") : NULL;
  int64_t out = d ? (int64_t)strtoll(d + strlen("\"deadline\":"), NULL, 10) : -1;
  const char *l = json ? strstr(json, "\"light\":\"") : NULL;
  if (l != NULL && light != NULL) {
    l += strlen("\"light\":\"");
    size_t n = 0;
    while (l[n] != '"' && l[n] != '\0' && n + 1 < light_len) n++;
    memcpy(light, l, n);
    light[n] = '\0';
  }
  gridgov_string_free(json);
  return out;
}

static void test_calendars_listed_and_opened(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_model_calendars_json(m, &json, &len), GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strncmp(json, "[{\"name\":\"default\",\"calendar\":\"china\"", 37) == 0);
  CHECK(json != NULL && strstr(json, "{\"name\":\"seven_day\",\"calendar\":\"seven_day\","
                                     "\"years\":[2019,2026],\"units\":[\"SANIT\",\"SANIT-W\",\"SANIT-E\"],"
                                     "\"stages\":[]}") != NULL);
  CHECK(json != NULL && strstr(json, "\"stages\":[\"accept\",\"file\",\"dispatch\",\"close\"]"));
  gridgov_string_free(json);

  /* a handle by name: Saturday is a workday of the 7-day week, not of the default one */
  gridgov_calendar *seven = NULL, *standard = NULL;
  CHECK_STATUS(gridgov_model_calendar_named(m, "seven_day", &seven), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_model_calendar_named(m, "default", &standard), GRIDGOV_STATUS_OK);
  bool work = false;
  CHECK_STATUS(gridgov_calendar_is_workday(seven, SAT_10, &work), GRIDGOV_STATUS_OK);
  CHECK(work);
  CHECK_STATUS(gridgov_calendar_is_workday(standard, SAT_10, &work), GRIDGOV_STATUS_OK);
  CHECK(!work);
  int64_t due = 0;
  CHECK_STATUS(gridgov_calendar_add_working(seven, FRI, 8 * HOUR, &due), GRIDGOV_STATUS_OK);
  CHECK(due == SAT_16);
  CHECK_STATUS(gridgov_calendar_add_working(standard, FRI, 8 * HOUR, &due), GRIDGOV_STATUS_OK);
  CHECK(due == MON_16);
  gridgov_calendar_free(seven);
  gridgov_calendar_free(standard);

  /* whose calendar: the unit's for handling, the stage's for the centre */
  char *name = NULL;
  CHECK_STATUS(gridgov_model_calendar_for(m, "handle", "SANIT", &name, NULL), GRIDGOV_STATUS_OK);
  CHECK(name != NULL && strcmp(name, "seven_day") == 0);
  gridgov_string_free(name);
  CHECK_STATUS(gridgov_model_calendar_for(m, "handle", "ENFORCE", &name, NULL),
               GRIDGOV_STATUS_OK);
  CHECK(name != NULL && strcmp(name, "default") == 0);
  gridgov_string_free(name);
  CHECK_STATUS(gridgov_model_calendar_for(m, "accept", NULL, &name, NULL), GRIDGOV_STATUS_OK);
  CHECK(name != NULL && strcmp(name, "duty_roster") == 0);
  gridgov_string_free(name);

  /* bad names: typed errors naming them, outputs untouched */
  gridgov_calendar *none = (gridgov_calendar *)&m;
  CHECK_STATUS(gridgov_model_calendar_named(m, "nine_day", &none), GRIDGOV_STATUS_UNKNOWN);
  CHECK(none == (gridgov_calendar *)&m);
  CHECK_ERROR_MENTIONS("nine_day");
  name = NULL;
  CHECK_STATUS(gridgov_model_calendar_for(m, "handle", "NOPE", &name, NULL),
               GRIDGOV_STATUS_UNKNOWN);
  CHECK_ERROR_MENTIONS("NOPE");
  CHECK_STATUS(gridgov_model_calendar_for(m, "lunch", NULL, &name, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("lunch");
  CHECK(name == NULL);
  gridgov_model_free(m);
}

/* Friday 16:00 + 8 working hours: Saturday 16:00 on the 7-day unit, Monday 16:00 on the
 * standard one; at Saturday 15:00 the first has used 7/8 (yellow), the second 2/8 (green). */
static void test_seven_day_unit_over_a_weekend(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t sanitation = dispatched(e, "C0302");
  uint64_t enforcement = dispatched(e, "C0601");
  char light[16] = "";
  CHECK(deadline_of(e, sanitation, SAT_16 - HOUR, light, sizeof light) == SAT_16);
  CHECK(strcmp(light, "yellow") == 0);
  CHECK(deadline_of(e, enforcement, SAT_16 - HOUR, light, sizeof light) == MON_16);
  CHECK(strcmp(light, "green") == 0);
  gridgov_engine_free(e);

  /* the centre accepts on its duty roster: a report on Saturday 10:00 is due at 10:10 */
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, "{\"citizen\":\"c-1\"}", SAT_10,
                                     "{\"category\":\"E0102\",\"grid\":\"37990100100101\","
                                     "\"source\":\"app\"}",
                                     &id),
               GRIDGOV_STATUS_OK);
  CHECK(deadline_of(e, id, SAT_10, light, sizeof light) == SAT_10 + 10 * MIN);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

/* Records without deadline columns: the handling deadline comes from the catalog on the unit's
 * calendar, so the 7-day unit's Saturday 17:00 feedback is late where the standard unit's
 * Monday 15:00 one is on time. */
static void test_records_on_the_units_calendar(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  const char *csv =
      "id,grid,category,source,state,reported_at,dispatched_at,unit,handled_at\n"
      "1,37990100100101,C0302,supervisor,handled,2025-11-07 16:00,2025-11-07 16:00,SANIT,"
      "2025-11-08 15:00\n"
      "2,37990100100101,C0302,supervisor,handled,2025-11-07 16:00,2025-11-07 16:00,SANIT,"
      "2025-11-08 17:00\n"
      "3,37990100100101,C0601,supervisor,handled,2025-11-07 16:00,2025-11-07 16:00,ENFORCE,"
      "2025-11-10 15:00\n";
  gridgov_records *r = NULL;
  CHECK_STATUS(gridgov_records_from_csv(m, csv, strlen(csv), GRIDGOV_NO_TIME, &r),
               GRIDGOV_STATUS_OK);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(r, FRI - 7 * DAY, FRI + 14 * DAY, GRIDGOV_NO_TIME, &card),
               GRIDGOV_STATUS_OK);
  char *dept = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_scorecard_table_json(card, "departments", &dept, &len),
               GRIDGOV_STATUS_OK);
  const char *want[][3] = {{"SANIT", "\"handled\":2.0", "\"handled_on_time\":1.0"},
                           {"ENFORCE", "\"handled\":1.0", "\"handled_on_time\":1.0"}};
  for (size_t i = 0; i < 2; i++) {
    char key[64];
    snprintf(key, sizeof key, "\"id\":\"%s\"", want[i][0]);
    /* the row is the object around its id */
    const char *at = dept ? strstr(dept, key) : NULL;
    const char *row = at, *end = at ? strchr(at, '}') : NULL;
    while (row != NULL && row > dept && *row != '{') row--;
    for (size_t k = 1; k < 3; k++) {
      const char *hit = row ? strstr(row, want[i][k]) : NULL;
      int ok = hit != NULL && hit < end;
      if (!ok) fprintf(stderr, "  %s: %s not in %s\n", want[i][0], want[i][k], dept);
      CHECK(ok);
    }
  }
  gridgov_string_free(dept);
  gridgov_scorecard_free(card);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

int main(void) {
  test_calendars_listed_and_opened();
  test_seven_day_unit_over_a_weekend();
  test_records_on_the_units_calendar();
  return finish("test_calendars_per_unit");
}
