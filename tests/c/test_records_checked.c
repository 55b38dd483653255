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

int main(void) {
  test_modes();
  return finish("test_records_checked");
}
