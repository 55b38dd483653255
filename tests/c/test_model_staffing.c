/* Staffing gaps in the model check (issue 14): tests/fixtures/cities/unstaffed.toml has a
 * department that receives cases with no handler and a grid no supervisor patrols; the
 * sample city has neither. */
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void test_staffing(void) {
  char path[1024];
  fixture_path(path, sizeof path, "cities/unstaffed.toml");
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_path(path, &m), GRIDGOV_STATUS_OK);
  char *json = NULL;
  CHECK_STATUS(gridgov_model_check_json(m, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json != NULL && strstr(json, "\"units_without_handler\":[{\"unit\":\"B\"") != NULL);
  CHECK(json != NULL && strstr(json, "\"grids_without_supervisor\":[{\"code\":\"37990100100102\"") != NULL);
  gridgov_string_free(json);
  gridgov_model_free(m);

  gridgov_model *s = NULL;
  CHECK_STATUS(gridgov_model_sample(&s), GRIDGOV_STATUS_OK);
  json = NULL;
  CHECK_STATUS(gridgov_model_check_json(s, &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json != NULL &&
        strstr(json, "\"staffing\":{\"units_without_handler\":[],\"grids_without_supervisor\":[]}") != NULL);
  gridgov_string_free(json);
  gridgov_model_free(s);
}

int main(void) {
  test_staffing();
  return finish("test_model_staffing");
}
