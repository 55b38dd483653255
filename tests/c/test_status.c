/* gridgov C ABI: every status constant of the header is named after itself by
 * gridgov_status_name (the 6 statuses of the boundary and the 11 core error kinds), and a
 * number that is no status is named GRIDGOV_STATUS_UNKNOWN_CODE. */
#include "check.h"

#define NAMED(status) {status, #status}

static const struct {
  gridgov_status status;
  const char *name;
} STATUSES[] = {
    NAMED(GRIDGOV_STATUS_OK),
    NAMED(GRIDGOV_STATUS_NULL_POINTER),
    NAMED(GRIDGOV_STATUS_INVALID_UTF8),
    NAMED(GRIDGOV_STATUS_PANIC),
    NAMED(GRIDGOV_STATUS_INSUFFICIENT_SIZE),
    NAMED(GRIDGOV_STATUS_INVALID_ENUM),
    NAMED(GRIDGOV_STATUS_INVALID_VALUE),
    NAMED(GRIDGOV_STATUS_INVALID_CODE),
    NAMED(GRIDGOV_STATUS_UNKNOWN),
    NAMED(GRIDGOV_STATUS_CALENDAR_RANGE),
    NAMED(GRIDGOV_STATUS_NO_RESPONSIBLE_UNIT),
    NAMED(GRIDGOV_STATUS_DUTY_CONFLICT),
    NAMED(GRIDGOV_STATUS_MODEL),
    NAMED(GRIDGOV_STATUS_PARSE),
    NAMED(GRIDGOV_STATUS_IO),
    NAMED(GRIDGOV_STATUS_INVALID_TRANSITION),
    NAMED(GRIDGOV_STATUS_PERMISSION_DENIED),
    NAMED(GRIDGOV_STATUS_JOURNAL),
    NAMED(GRIDGOV_STATUS_TAMPERED),
    NAMED(GRIDGOV_STATUS_SINK),
    NAMED(GRIDGOV_STATUS_SINK_BEHIND),
};

static void test_every_status_is_named(void) {
  size_t n = sizeof STATUSES / sizeof *STATUSES;
  CHECK(n == 21);
  for (size_t i = 0; i < n; i++) {
    const char *got = gridgov_status_name(STATUSES[i].status);
    CHECK(got != NULL && strcmp(got, STATUSES[i].name) == 0);
    if (got == NULL || strcmp(got, STATUSES[i].name) != 0) {
      fprintf(stderr, "  status %u is named %s, expected %s\n", (unsigned)STATUSES[i].status,
              got ? got : "(NULL)", STATUSES[i].name);
    }
    /* The same static string every time (never freed by the caller). */
    CHECK(gridgov_status_name(STATUSES[i].status) == got);
  }
  /* Boundary statuses are 0-5, core kinds 100 and up. */
  CHECK(GRIDGOV_STATUS_INVALID_ENUM == 5 && GRIDGOV_STATUS_INVALID_VALUE == 100);
  CHECK(GRIDGOV_STATUS_PERMISSION_DENIED == 110);
  CHECK(GRIDGOV_STATUS_JOURNAL == 111 && GRIDGOV_STATUS_SINK == 113);
  CHECK(GRIDGOV_STATUS_SINK_BEHIND == 114);
}

static void test_unknown_numbers(void) {
  const uint32_t unknown[] = {6, 99, 115, 9999, UINT32_MAX};
  for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
    CHECK(strcmp(gridgov_status_name(unknown[i]), "GRIDGOV_STATUS_UNKNOWN_CODE") == 0);
  }
}

/* Statuses returned by real calls, one from the boundary and one from a core kind. */
static void test_returned_statuses(void) {
  gridgov_model *m = NULL;
  gridgov_status st = gridgov_model_sample(NULL);
  CHECK_STATUS(st, GRIDGOV_STATUS_NULL_POINTER);
  CHECK(strcmp(gridgov_status_name(st), "GRIDGOV_STATUS_NULL_POINTER") == 0);
  const char *bad = "name = ";
  st = gridgov_model_from_text(bad, strlen(bad), GRIDGOV_FORMAT_TOML, &m);
  CHECK_STATUS(st, GRIDGOV_STATUS_PARSE);
  CHECK(strcmp(gridgov_status_name(st), "GRIDGOV_STATUS_PARSE") == 0);
  CHECK(m == NULL);
}

int main(void) {
  test_every_status_is_named();
  test_unknown_numbers();
  test_returned_statuses();
  return finish("test_status");
}
