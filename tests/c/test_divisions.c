/* The GB/T 2260 check of division codes (issue 15): tests/fixtures/cities/divisions.toml is
 * 成都 with a real district (510104) and one coded 510199, which no list has. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static gridgov_model *load(const char *text) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(text, strlen(text), GRIDGOV_FORMAT_TOML, &m), GRIDGOV_STATUS_OK);
  return m;
}

static char *replace(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  CHECK(at != NULL);
  if (at == NULL) return NULL;
  size_t head = (size_t)(at - text), n = strlen(text) - strlen(from) + strlen(to) + 1;
  char *out = malloc(n);
  memcpy(out, text, head);
  strcpy(out + head, to);
  strcat(out, at + strlen(from));
  return out;
}

static void test_builtin_list(const char *text) {
  gridgov_model *m = load(text);
  char *json = NULL;
  CHECK_STATUS(gridgov_model_check_json(m, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strstr(json, "\"unknown_divisions\":[{\"code\":\"510199\",\"level\":\"county\","
                                     "\"area\":\"510199\",\"index\":2,\"areas\":4,") != NULL);
  CHECK(json != NULL && strstr(json, "unknown county-level code 510199 (not in the division list of "
                                     "2022-10-31") != NULL);
  gridgov_string_free(json);

  json = NULL;
  CHECK_STATUS(gridgov_model_unknown_divisions_json(m, NULL, 0, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strncmp(json, "[{\"code\":\"510199\"", 17) == 0);
  gridgov_string_free(json);
  gridgov_model_free(m);
}

static void test_own_list(const char *text) {
  gridgov_model *m = load(text);
  const char *newer = "# as_of: 2027-01-01\n510100,成都市\n510104,锦江区\n510199,新区\n";
  char *json = NULL;
  CHECK_STATUS(gridgov_model_unknown_divisions_json(m, newer, strlen(newer), &json, NULL),
               GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strcmp(json, "[]") == 0);
  gridgov_string_free(json);

  /* A bad list: the bad line is named, and the output is left alone. */
  const char *bad = "510100\n51010X\n";
  json = NULL;
  CHECK_STATUS(gridgov_model_unknown_divisions_json(m, bad, strlen(bad), &json, NULL),
               GRIDGOV_STATUS_INVALID_CODE);
  CHECK(json == NULL);
  CHECK_ERROR_MENTIONS("51010X");
  CHECK_ERROR_MENTIONS("line 2");
  gridgov_model_free(m);
}

static void test_error_mode(const char *text) {
  char *strict = replace(text, "check = \"warn\"", "check = \"error\"");
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(strict, strlen(strict), GRIDGOV_FORMAT_TOML, &m), GRIDGOV_STATUS_MODEL);
  CHECK(m == NULL);
  CHECK_ERROR_MENTIONS("areas[2].code");
  CHECK_ERROR_MENTIONS("unknown county-level code 510199");
  free(strict);

  char *declared = replace(text, "check = \"warn\"", "check = \"error\"\nextra = [\"510199\"]");
  m = load(declared);
  char *json = NULL;
  CHECK_STATUS(gridgov_model_check_json(m, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strstr(json, "\"unknown_divisions\":[]") != NULL);
  gridgov_string_free(json);
  gridgov_model_free(m);
  free(declared);
}

int main(void) {
  size_t len = 0;
  char *text = fixture("cities/divisions.toml", &len);
  CHECK(text != NULL);
  if (text != NULL) {
    test_builtin_list(text);
    test_own_list(text);
    test_error_mode(text);
    free(text);
  }
  return finish("test_divisions");
}
