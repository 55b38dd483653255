/* gridgov C ABI: grid-division analysis (bounds, Tukey fences, adjacency, suggestions). */
#include "check.h"

/* Number of occurrences of `needle` in `hay`. */
static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
    n++;
  }
  return n;
}

/* The unsigned integer after `"key":` in `json`, or -1 when absent. */
static long number_after(const char *json, const char *key) {
  char pattern[128];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *p = strstr(json, pattern);
  if (p == NULL) {
    return -1;
  }
  return strtol(p + strlen(pattern), NULL, 10);
}

/* The pair (tests/fixtures/cities/pair.toml): two grids of one community, declared neighbours,
   one supervisor on both (1/2 each).
   Households 100 and 150 (both below 300); cases 2 and 4 -> loads per worker 4 and 8.
   Quartiles of [4, 8] (linear interpolation at (n-1)q): Q1 5, median 6, Q3 7; IQR 2;
   fences 5 - 3 = 2 and 7 + 3 = 10. Merge: 250 households, 6 cases, 1 worker -> 6 per worker. */
static void test_pair_by_hand(void) {
  size_t text_len = 0;
  char *pair = fixture("cities/pair.toml", &text_len);
  CHECK(pair != NULL);
  if (pair == NULL) {
    return;
  }
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(pair, text_len, GRIDGOV_FORMAT_TOML, &m),
               GRIDGOV_STATUS_OK);
  free(pair);
  if (m == NULL) {
    return;
  }
  char *codes = NULL;
  CHECK_STATUS(gridgov_model_grids_json(m, &codes, NULL), GRIDGOV_STATUS_OK);
  CHECK(codes != NULL && strcmp(codes, "[\"11010100100101\",\"11010100100102\"]") == 0);
  gridgov_string_free(codes);

  const uint64_t load[2] = {2, 4}; /* one count per unit grid, in the order of the codes */
  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_division_report(m, load, 2, NULL, 0, &json, &len), GRIDGOV_STATUS_OK);
  if (json == NULL) {
    gridgov_model_free(m);
    return;
  }
  CHECK(strlen(json) == len);
  CHECK(strstr(json, "\"adjacency_source\":\"declared\"") != NULL);
  CHECK(strstr(json, "\"cases\":6,") != NULL); /* summary total */
  CHECK(strstr(json, "\"load_q1\":5.0") != NULL);
  CHECK(strstr(json, "\"load_median\":6.0") != NULL);
  CHECK(strstr(json, "\"load_q3\":7.0") != NULL);
  CHECK(strstr(json, "\"lower_fence\":2.0") != NULL);
  CHECK(strstr(json, "\"upper_fence\":10.0") != NULL);
  CHECK(strstr(json, "\"workers\":0.5,\"load_per_worker\":4.0") != NULL);
  CHECK(strstr(json, "\"workers\":0.5,\"load_per_worker\":8.0") != NULL);
  CHECK(count(json, "\"households_low\":true") == 2);
  CHECK(count(json, "\"load_low\":true") == 0 && count(json, "\"load_high\":true") == 0);
  CHECK(strstr(json, "{\"a\":\"11010100100101\",\"b\":\"11010100100102\",\"shared_m\":null}") !=
        NULL);
  CHECK(strstr(json, "\"kind\":\"merge\",\"grids\":[\"11010100100101\",\"11010100100102\"]") !=
        NULL);
  CHECK(number_after(json, "combined_households") == 250);
  CHECK(number_after(json, "combined_cases") == 6);
  CHECK(strstr(json, "\"combined_load_per_worker\":6.0") != NULL);
  CHECK(count(json, "\"kind\":\"split\"") == 0);
  gridgov_string_free(json);

  /* A config given as (pointer, length): the bytes after `len` are not read. With bounds
     50-200 both grids are in bounds, so there is nothing to merge or split. */
  const char cfg[] = "{\"households_min\": 50, \"households_max\": 200}garbage";
  json = NULL;
  CHECK_STATUS(gridgov_division_report(m, load, 2, cfg, strlen(cfg) - strlen("garbage"), &json,
                                       NULL),
               GRIDGOV_STATUS_OK);
  if (json != NULL) {
    CHECK(strstr(json, "\"households_max\":200") != NULL);
    CHECK(count(json, "\"kind\":") == 0);
    CHECK(number_after(json, "merge_suggestions") == 0);
    gridgov_string_free(json);
  }
  /* Boundaries asked of a model without them. */
  const char *bcfg = "{\"adjacency\": \"boundaries\"}";
  json = (char *)0x1;
  CHECK_STATUS(gridgov_division_report(m, load, 2, bcfg, strlen(bcfg), &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(json == (char *)0x1);
  CHECK_ERROR_MENTIONS("adjacency");
  /* One count per area (6: the former contract) is not one per unit grid. */
  const uint64_t per_area[6] = {0, 0, 0, 0, 2, 4};
  CHECK_STATUS(gridgov_division_report(m, per_area, 6, NULL, 0, &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("load length \"6\"");
  CHECK_ERROR_MENTIONS("expected 2");
  CHECK(json == (char *)0x1);
  gridgov_model_free(m);
}

static void test_sample(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  char *codes = NULL;
  CHECK_STATUS(gridgov_model_grids_json(m, &codes, NULL), GRIDGOV_STATUS_OK);
  /* The 408 unit grids (not the 441 areas), first in territory order 37990100100101. */
  CHECK(codes != NULL && count(codes, ",") + 1 == 408);
  const char *first = "[\"37990100100101\",";
  CHECK(codes != NULL && strncmp(codes, first, strlen(first)) == 0);
  gridgov_string_free(codes);

  enum { GRIDS = 408 };
  static uint64_t load[GRIDS];
  for (size_t i = 0; i < GRIDS; i++) {
    load[i] = (uint64_t)((i * 7) % 23);
  }
  load[100] = 5000; /* a hot spot */
  char *json = NULL;
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, NULL, 0, &json, NULL), GRIDGOV_STATUS_OK);
  if (json != NULL) {
    CHECK(strstr(json, "\"adjacency_source\":\"boundaries\"") != NULL);
    CHECK(strstr(json, "\"grids\":408,") != NULL);
    CHECK(number_after(json, "grids_without_boundary") == 0);
    CHECK(count(json, "\"code\":\"3799") == 408);
    CHECK(count(json, "\"shared_m\":null") == 0);
    long merges = number_after(json, "merge_suggestions");
    long splits = number_after(json, "split_suggestions");
    CHECK(merges >= 0 && (size_t)merges == count(json, "\"kind\":\"merge\""));
    CHECK(splits >= 1 && (size_t)splits == count(json, "\"kind\":\"split\""));
    CHECK(number_after(json, "load_high") >= 1);
    CHECK(strstr(json, "\"upper_fence\":null") == NULL);
    gridgov_string_free(json);
  }

  /* Errors: typed status, message names the value, output untouched. */
  json = (char *)0x1;
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS - 1, NULL, 0, &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("load length \"407\"");
  CHECK_ERROR_MENTIONS("expected 408");
  CHECK_STATUS(gridgov_division_report(m, NULL, 0, NULL, 0, &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("load length \"0\"");
  CHECK_STATUS(gridgov_division_report(m, NULL, GRIDS, NULL, 0, &json, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("load");
  CHECK_STATUS(gridgov_division_report(NULL, load, GRIDS, NULL, 0, &json, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("model");
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, NULL, 0, NULL, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("out_json");
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, NULL, 4, &json, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("config_json");

  const char *bad_min = "{\"households_min\": 900}";
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, bad_min, strlen(bad_min), &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("households_min \"900\"");
  const char *bad_k = "{\"outlier_k\": -1.5}";
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, bad_k, strlen(bad_k), &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("outlier_k \"-1.5\"");
  const char *bad_type = "{\"households_max\": \"many\"}";
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, bad_type, strlen(bad_type), &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("households_max");
  const char *unknown = "{\"housholds_min\": 100}";
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, unknown, strlen(unknown), &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("housholds_min");
  const char *not_object = "[300, 500]";
  CHECK_STATUS(
      gridgov_division_report(m, load, GRIDS, not_object, strlen(not_object), &json, NULL),
      GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("object");
  const char *malformed = "{\"households_min\": ";
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, malformed, strlen(malformed), &json, NULL),
               GRIDGOV_STATUS_PARSE);
  const char *bad_utf8 = "{\"x\xff\": 1}";
  CHECK_STATUS(gridgov_division_report(m, load, GRIDS, bad_utf8, strlen(bad_utf8), &json, NULL),
               GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_ERROR_MENTIONS("config_json");
  CHECK(json == (char *)0x1);

  /* A total that overflows 64 bits. */
  static uint64_t huge[GRIDS];
  for (size_t i = 0; i < GRIDS; i++) {
    huge[i] = UINT64_MAX;
  }
  CHECK_STATUS(gridgov_division_report(m, huge, GRIDS, NULL, 0, &json, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("overflows");
  CHECK(json == (char *)0x1);

  CHECK_STATUS(gridgov_model_grids_json(NULL, &codes, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_model_grids_json(m, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  gridgov_model_free(m);
}

int main(void) {
  test_pair_by_hand();
  test_sample();
  return finish("test_division");
}
