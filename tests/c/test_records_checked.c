/* Case records as a city's export has them (issue 14): validation modes over
 * tests/fixtures/score/cases_bad.csv (the eight hand-made cases with Chinese labels and local
 * times, and seven bad rows between them). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static gridgov_model *score_city(void) {
  char path[1024];
  fixture_path(path, sizeof path, "score/city.toml");
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_path(path, &m), GRIDGOV_STATUS_OK);
  return m;
}

static size_t count(const char *text, const char *needle) {
  size_t n = 0;
  for (const char *p = text; p != NULL && (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

static void test_modes(void) {
  gridgov_model *m = score_city();
  size_t len = 0;
  char *csv = fixture("score/cases_bad.csv", &len);
  CHECK(csv != NULL);
  if (m == NULL || csv == NULL) {
    free(csv);
    gridgov_model_free(m);
    return;
  }
  /* raise: the first bad row is the error, nothing written */
  gridgov_records *r = (gridgov_records *)0x1;
  char *problems = (char *)0x1;
  CHECK_STATUS(gridgov_records_from_csv_checked(m, csv, len, GRIDGOV_NO_TIME, GRIDGOV_ERRORS_RAISE,
                                                &r, &problems, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(r == (gridgov_records *)0x1 && problems == (char *)0x1);
  CHECK_ERROR_MENTIONS("records[");

  /* collect: every bad row, no records */
  size_t plen = 0;
  CHECK_STATUS(gridgov_records_from_csv_checked(m, csv, len, GRIDGOV_NO_TIME,
                                                GRIDGOV_ERRORS_COLLECT, &r, &problems, &plen),
               GRIDGOV_STATUS_OK);
  CHECK(r == NULL);
  CHECK(problems != NULL && plen == strlen(problems));
  CHECK(count(problems, "\"row\":") == 7);
  CHECK(strstr(problems, "{\"row\":2,\"id\":101,\"column\":\"reported_at\",\"value\":\"2026/3/32 8:10\"") != NULL);
  CHECK(strstr(problems, "\"column\":\"category\",\"value\":\"C9999\"") != NULL);
  CHECK(strstr(problems, "\"column\":\"state\",\"value\":\"已办毕\"") != NULL);
  CHECK(strstr(problems, "\"column\":\"satisfaction\",\"value\":\"-1\"") != NULL);
  CHECK(count(problems, "\"id\":105,\"column\":\"id\"") == 2);
  CHECK(strstr(problems, "{\"row\":14,\"id\":null,\"column\":\"id\"") != NULL);
  gridgov_string_free(problems);

  /* drop: the eight good rows, the same seven problems */
  problems = NULL;
  CHECK_STATUS(gridgov_records_from_csv_checked(m, csv, len, GRIDGOV_NO_TIME, GRIDGOV_ERRORS_DROP,
                                                &r, &problems, NULL),
               GRIDGOV_STATUS_OK);
  CHECK(problems != NULL && count(problems, "\"row\":") == 7);
  gridgov_string_free(problems);
  size_t n = 0;
  CHECK(r != NULL);
  CHECK_STATUS(gridgov_records_len(r, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 8);
  gridgov_records_free(r);

  /* a mode that is not one */
  r = (gridgov_records *)0x1;
  problems = (char *)0x1;
  CHECK_STATUS(gridgov_records_from_csv_checked(m, csv, len, GRIDGOV_NO_TIME, 7, &r, &problems, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("errors");
  CHECK(r == (gridgov_records *)0x1 && problems == (char *)0x1);

  /* instants in messages as local times */
  const char *order = "id,grid,reported_at,accepted_at,filed_at\n"
                      "1,37990100100101,2026-03-02 08:00,2026-03-02 09:15,2026-03-02 08:01\n";
  r = (gridgov_records *)0x1;
  CHECK_STATUS(gridgov_records_from_csv(m, order, strlen(order), GRIDGOV_NO_TIME, &r),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("\"2026-03-02 08:01 (UTC+8)\"");
  CHECK_ERROR_MENTIONS("earlier than accepted_at (2026-03-02 09:15 (UTC+8))");

  /* a clean file: no problems */
  const char *clean = "id,grid,reported_at\n1,37990100100101,2026-03-02 08:10\n";
  CHECK_STATUS(gridgov_records_from_csv_checked(m, clean, strlen(clean), GRIDGOV_NO_TIME,
                                                GRIDGOV_ERRORS_COLLECT, &r, &problems, NULL),
               GRIDGOV_STATUS_OK);
  CHECK(r == NULL && problems != NULL && strcmp(problems, "[]") == 0);
  gridgov_string_free(problems);
  free(csv);
  gridgov_model_free(m);
}

/* The drill-down: one line per case of the period, its flags adding up to the card's counts
 * (the hand-made cases of tests/fixtures/score/cases.csv, March 2026 as of 2026-04-10). */
static void test_drill_down(void) {
  gridgov_model *m = score_city();
  size_t len = 0;
  char *csv = fixture("score/cases.csv", &len);
  CHECK(csv != NULL);
  gridgov_records *r = NULL;
  if (m == NULL || csv == NULL ||
      gridgov_records_from_csv(m, csv, len, GRIDGOV_NO_TIME, &r) != GRIDGOV_STATUS_OK) {
    CHECK(0);
    free(csv);
    gridgov_model_free(m);
    return;
  }
  const int64_t march = 1772294400000;  /* 2026-03-01 00:00 +08:00 */
  const int64_t april = 1774972800000;  /* 2026-04-01 00:00 +08:00 */
  const int64_t as_of = 1775750400000;  /* 2026-04-10 00:00 +08:00 */
  char *drill = NULL;
  size_t dlen = 0;
  CHECK_STATUS(gridgov_records_drill_down_csv(r, march, april, as_of, &drill, &dlen), GRIDGOV_STATUS_OK);
  CHECK(drill != NULL && dlen == strlen(drill));
  if (drill != NULL) {
    CHECK(strncmp(drill, "id,grid,unit,category,urgency,source,state,reported_at,", 55) == 0);
    /* cases 1..6 enter March (7 was filed in February but dispatched in March, 8 reported
     * on 31 March): every one of the eight is in a cohort */
    CHECK(count(drill, "\n") == 9);
    CHECK(strstr(drill, "\n1,37990100100101,A,C0101,") != NULL);
    CHECK(strstr(drill, "2026-03-02T08:10:00+08:00") != NULL);
  }
  gridgov_string_free(drill);
  drill = (char *)0x1;
  CHECK_STATUS(gridgov_records_drill_down_csv(r, april, march, as_of, &drill, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(drill == (char *)0x1);
  gridgov_records_free(r);
  free(csv);
  gridgov_model_free(m);
}

int main(void) {
  test_modes();
  test_drill_down();
  return finish("test_records_checked");
}
