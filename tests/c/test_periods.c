/* Scoring by period (issue 14): the calendar periods of a range, one card each merging into
 * the whole in either order, and comparison refusing cards judged at different instants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const int64_t T_JAN_01 = 1767196800000; /* 2026-01-01 00:00 +08:00 */
static const int64_t T_FEB_01 = 1769875200000; /* 2026-02-01 00:00 +08:00 */
static const int64_t T_FEB_15 = 1771084800000; /* 2026-02-15 00:00 +08:00 */
static const int64_t T_MAR_01 = 1772294400000; /* 2026-03-01 00:00 +08:00 */
static const int64_t T_APR_01 = 1774972800000; /* 2026-04-01 00:00 +08:00 */
static const int64_t T_APR_10 = 1775750400000; /* 2026-04-10 00:00 +08:00 */
static const int64_t T_JUL_01 = 1782835200000; /* 2026-07-01 00:00 +08:00 */

static void test_periods(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  char *json = NULL;
  CHECK_STATUS(gridgov_periods_json(m, T_FEB_15, T_APR_10, "MS", &json, NULL), GRIDGOV_STATUS_OK);
  char want[256];
  snprintf(want, sizeof want, "[[%lld,%lld],[%lld,%lld],[%lld,%lld]]", (long long)T_FEB_01,
           (long long)T_MAR_01, (long long)T_MAR_01, (long long)T_APR_01, (long long)T_APR_01,
           (long long)1777564800000);
  CHECK(json != NULL && strcmp(json, want) == 0);
  gridgov_string_free(json);
  json = NULL;
  CHECK_STATUS(gridgov_periods_json(m, T_FEB_15, T_APR_10, "QS", &json, NULL), GRIDGOV_STATUS_OK);
  snprintf(want, sizeof want, "[[%lld,%lld],[%lld,%lld]]", (long long)T_JAN_01, (long long)T_APR_01,
           (long long)T_APR_01, (long long)T_JUL_01);
  CHECK(json != NULL && strcmp(json, want) == 0);
  gridgov_string_free(json);
  json = (char *)0x1;
  CHECK_STATUS(gridgov_periods_json(m, T_FEB_15, T_APR_10, "W", &json, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("freq");
  CHECK(json == (char *)0x1);
  gridgov_model_free(m);
}

static void test_merge_and_compare(void) {
  char path[1024];
  fixture_path(path, sizeof path, "score/city.toml");
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_path(path, &m), GRIDGOV_STATUS_OK);
  size_t len = 0;
  char *csv = fixture("score/cases.csv", &len);
  gridgov_records *r = NULL;
  CHECK(csv != NULL);
  if (m == NULL || csv == NULL ||
      gridgov_records_from_csv(m, csv, len, GRIDGOV_NO_TIME, &r) != GRIDGOV_STATUS_OK) {
    CHECK(0);
    free(csv);
    gridgov_model_free(m);
    return;
  }
  gridgov_scorecard *feb = NULL, *mar = NULL, *both = NULL, *merged = NULL, *early = NULL;
  CHECK_STATUS(gridgov_score(r, T_FEB_01, T_MAR_01, T_APR_10, &feb), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_APR_01, T_APR_10, &mar), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_score(r, T_FEB_01, T_APR_01, T_APR_10, &both), GRIDGOV_STATUS_OK);
  /* later period first: the union all the same */
  CHECK_STATUS(gridgov_scorecard_merge(mar, feb, &merged), GRIDGOV_STATUS_OK);
  char *a = NULL, *b = NULL;
  CHECK_STATUS(gridgov_scorecard_to_json(merged, &a, NULL), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_scorecard_to_json(both, &b, NULL), GRIDGOV_STATUS_OK);
  CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
  gridgov_string_free(a);
  gridgov_string_free(b);

  /* compare: the unit of each change is stated */
  char *changes = NULL;
  CHECK_STATUS(gridgov_compare_at_json(feb, mar, "grid", 0, &changes, NULL), GRIDGOV_STATUS_OK);
  CHECK(changes != NULL && strstr(changes, "\"indicator\":\"on_time_closure_rate\"") != NULL);
  CHECK(changes != NULL && strstr(changes, "\"unit\":\"points\"") != NULL);
  CHECK(changes != NULL && strstr(changes, "\"unit\":\"hours\"") != NULL);
  gridgov_string_free(changes);
  /* judged at different instants: refused unless allowed */
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_APR_01, T_APR_01, &early), GRIDGOV_STATUS_OK);
  changes = (char *)0x1;
  CHECK_STATUS(gridgov_compare_at_json(early, mar, NULL, 0, &changes, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(changes == (char *)0x1);
  CHECK_ERROR_MENTIONS("after.as_of");
  CHECK_ERROR_MENTIONS("2026-04-01 00:00 (UTC+8)");
  CHECK_ERROR_MENTIONS("2026-04-10 00:00 (UTC+8)");
  changes = NULL;
  CHECK_STATUS(gridgov_compare_at_json(early, mar, NULL, 1, &changes, NULL), GRIDGOV_STATUS_OK);
  CHECK(changes != NULL);
  gridgov_string_free(changes);

  gridgov_scorecard_free(feb);
  gridgov_scorecard_free(mar);
  gridgov_scorecard_free(both);
  gridgov_scorecard_free(merged);
  gridgov_scorecard_free(early);
  gridgov_records_free(r);
  free(csv);
  gridgov_model_free(m);
}

int main(void) {
  test_periods();
  test_merge_and_compare();
  return finish("test_periods");
}
