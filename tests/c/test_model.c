/* gridgov C ABI: models, the responsibility check, routing, errors. */
#include "check.h"

static void test_sample(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  CHECK(m != NULL);

  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_model_summary_json(m, &json, &len), GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strlen(json) == len);
  CHECK(strstr(json, "\"grids\":408") != NULL);
  gridgov_string_free(json);

  json = NULL;
  CHECK_STATUS(gridgov_model_check_json(m, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(strstr(json, "\"gap_cells\":0") != NULL);
  CHECK(strstr(json, "\"conflict_cells\":0") != NULL);
  gridgov_string_free(json);

  char *unit = NULL;
  CHECK_STATUS(gridgov_model_route(m, "C0101", "37990100100101", &unit, &len),
               GRIDGOV_STATUS_OK);
  CHECK(unit != NULL && strcmp(unit, "WATER") == 0 && len == 5);
  gridgov_string_free(unit);
  unit = NULL;
  CHECK_STATUS(gridgov_model_route(m, "E0102", "37990200100101", &unit, NULL),
               GRIDGOV_STATUS_OK);
  CHECK(unit != NULL && strcmp(unit, "SANIT-W") == 0);
  gridgov_string_free(unit);

  /* Errors: typed status, message names the value, output untouched. */
  unit = (char *)0x1;
  CHECK_STATUS(gridgov_model_route(m, "C0101", "37990199999999", &unit, NULL),
               GRIDGOV_STATUS_UNKNOWN);
  CHECK(unit == (char *)0x1);
  CHECK_ERROR_MENTIONS("37990199999999");
  CHECK_STATUS(gridgov_model_route(m, "X01", "37990100100101", &unit, NULL),
               GRIDGOV_STATUS_INVALID_CODE);
  CHECK_ERROR_MENTIONS("X01");
  CHECK_STATUS(gridgov_model_route(m, "C9999", "37990100100101", &unit, NULL),
               GRIDGOV_STATUS_UNKNOWN);
  CHECK_STATUS(gridgov_model_route(m, NULL, "37990100100101", &unit, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("category");
  CHECK_STATUS(gridgov_model_route(m, "C0101", "\xff\xfe", &unit, NULL),
               GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_ERROR_MENTIONS("grid");
  CHECK_STATUS(gridgov_model_route(m, "C0101", "37990100100101", NULL, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK(unit == (char *)0x1);

  /* Deadline: 2025-09-30 16:00 +08:00 (08:00Z); the catalog decides the limit. */
  int64_t due = 0;
  CHECK_STATUS(gridgov_model_deadline(m, "C0101", "normal", 1759219200000LL, &due),
               GRIDGOV_STATUS_OK);
  CHECK(due > 1759219200000LL);
  CHECK_STATUS(gridgov_model_deadline(m, "C0101", "soon", 1759219200000LL, &due),
               GRIDGOV_STATUS_UNKNOWN);
  CHECK_ERROR_MENTIONS("soon");
  CHECK_STATUS(gridgov_model_deadline(m, "E0102", "normal", 1893456000000LL, &due),
               GRIDGOV_STATUS_CALENDAR_RANGE);
  CHECK_ERROR_MENTIONS("2030");

  /* Bulk deadlines: equal to one call each; the bad element named; nothing written on failure. */
  {
    const int64_t starts[3] = {1759219200000LL, 1759219200000LL + 3600000LL, 1759219200000LL};
    int64_t dues[3] = {0, 0, 0};
    CHECK_STATUS(gridgov_model_deadlines(m, "[\"C0101\",\"E0102\",\"C0101\"]",
                                         "[\"normal\",\"normal\",\"urgent\"]", starts, 3, dues),
                 GRIDGOV_STATUS_OK);
    const char *cats[3] = {"C0101", "E0102", "C0101"};
    const char *urgs[3] = {"normal", "normal", "urgent"};
    for (int i = 0; i < 3; i++) {
      CHECK_STATUS(gridgov_model_deadline(m, cats[i], urgs[i], starts[i], &due), GRIDGOV_STATUS_OK);
      CHECK(dues[i] == due);
    }
    int64_t defaults[3] = {0, 0, 0};
    CHECK_STATUS(gridgov_model_deadlines(m, "[\"C0101\",\"E0102\",\"C0101\"]", NULL, starts, 3,
                                         defaults),
                 GRIDGOV_STATUS_OK);
    CHECK(defaults[0] == dues[0] && defaults[1] == dues[1]);
    int64_t untouched[3] = {7, 7, 7};
    CHECK_STATUS(gridgov_model_deadlines(m, "[\"C0101\",\"X9999\",\"C0101\"]", NULL, starts, 3,
                                         untouched),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK_ERROR_MENTIONS("categories[1]");
    CHECK(untouched[0] == 7 && untouched[1] == 7 && untouched[2] == 7);
    CHECK_STATUS(gridgov_model_deadlines(m, "[\"C0101\"]", NULL, starts, 3, untouched),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK_ERROR_MENTIONS("same length");
    CHECK_STATUS(gridgov_model_deadlines(m, "{", NULL, starts, 3, untouched),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK_ERROR_MENTIONS("categories_json");
    CHECK(untouched[0] == 7);
  }

  /* Listings. */
  json = NULL;
  CHECK_STATUS(gridgov_model_workers_json(m, "auditor", &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(strstr(json, "\"role\":\"auditor\"") != NULL);
  CHECK(strstr(json, "supervisor") == NULL);
  gridgov_string_free(json);
  json = NULL;
  CHECK_STATUS(gridgov_model_workers_json(m, "janitor", &json, NULL), GRIDGOV_STATUS_UNKNOWN);
  CHECK(json == NULL);
  CHECK_ERROR_MENTIONS("janitor");
  CHECK_STATUS(gridgov_model_units_json(m, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(strstr(json, "\"id\":\"WATER\"") != NULL);
  gridgov_string_free(json);
  json = NULL;
  CHECK_STATUS(gridgov_model_categories_json(m, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(strstr(json, "\"key\":\"C0101\"") != NULL);
  gridgov_string_free(json);

  /* Round trip through JSON text. */
  json = NULL;
  CHECK_STATUS(gridgov_model_to_json(m, &json, &len), GRIDGOV_STATUS_OK);
  gridgov_model *m2 = NULL;
  CHECK_STATUS(gridgov_model_from_text(json, len, GRIDGOV_FORMAT_JSON, &m2), GRIDGOV_STATUS_OK);
  gridgov_string_free(json);
  gridgov_model_free(m2);

  gridgov_model_free(m);
  gridgov_model_free(NULL);
}

static void test_bad_models(void) {
  size_t bad_len = 0;
  char *bad_model = fixture("cities/bad_model.toml", &bad_len);
  CHECK(bad_model != NULL);
  gridgov_model *m = NULL;
  if (bad_model != NULL) {
    CHECK_STATUS(gridgov_model_from_text(bad_model, bad_len, GRIDGOV_FORMAT_TOML, &m),
                 GRIDGOV_STATUS_MODEL);
    free(bad_model);
  }
  CHECK(m == NULL);
  CHECK_ERROR_MENTIONS("areas[0].code: \"11010\" is not a 14- or 15-digit grid code");
  char *issues = NULL;
  CHECK_STATUS(gridgov_last_error_issues(&issues, NULL), GRIDGOV_STATUS_OK);
  CHECK(issues != NULL && strstr(issues, "\"path\":\"areas[0].code\"") != NULL);
  gridgov_string_free(issues);

  const char *broken = "name = \"x\"\n[[areas]\n";
  CHECK_STATUS(gridgov_model_from_text(broken, strlen(broken), GRIDGOV_FORMAT_AUTO, &m),
               GRIDGOV_STATUS_PARSE);
  CHECK(m == NULL);
  CHECK_STATUS(gridgov_model_from_text("{\"name\": 3", 10, GRIDGOV_FORMAT_AUTO, &m),
               GRIDGOV_STATUS_PARSE);
  CHECK_STATUS(gridgov_model_from_text("\xc3\x28", 2, GRIDGOV_FORMAT_AUTO, &m),
               GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_STATUS(gridgov_model_from_text(NULL, 4, GRIDGOV_FORMAT_AUTO, &m),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_model_from_text("x", 1, 7, &m), GRIDGOV_STATUS_INVALID_ENUM);
  CHECK_STATUS(gridgov_model_from_path("/nonexistent/city.toml", &m), GRIDGOV_STATUS_IO);
  CHECK_ERROR_MENTIONS("/nonexistent/city.toml");
  CHECK_STATUS(gridgov_model_from_path(NULL, &m), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_model_sample(NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(m == NULL);

  /* NULL handles are refused, not dereferenced. */
  char *json = NULL;
  CHECK_STATUS(gridgov_model_check_json(NULL, &json, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(json == NULL);
}

static void test_from_path(void) {
  const char *dir = getenv("GRIDGOV_SAMPLE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/sample_city.toml", dir ? dir : "core/data");
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_path(path, &m), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
}

static void test_errors_api(void) {
  CHECK(strcmp(gridgov_status_name(GRIDGOV_STATUS_CALENDAR_RANGE),
               "GRIDGOV_STATUS_CALENDAR_RANGE") == 0);
  CHECK(strcmp(gridgov_status_name(9999), "GRIDGOV_STATUS_UNKNOWN_CODE") == 0);
  CHECK(strlen(gridgov_version()) > 0);
  /* A short buffer reports the size needed and copies nothing. */
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_path("/nonexistent/x.toml", &m), GRIDGOV_STATUS_IO);
  char small[4] = {'z', 'z', 'z', 'z'};
  size_t need = 0;
  CHECK_STATUS(gridgov_last_error(small, sizeof small, &need), GRIDGOV_STATUS_INSUFFICIENT_SIZE);
  CHECK(need > sizeof small && small[0] == 'z');
  CHECK_STATUS(gridgov_last_error(NULL, 0, NULL), GRIDGOV_STATUS_NULL_POINTER);
  /* A success clears the last error. */
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  CHECK(strcmp(last_error(), "") == 0);
  gridgov_model_free(m);
}

int main(void) {
  test_sample();
  test_bad_models();
  test_from_path();
  test_errors_api();
  return finish("test_model");
}
