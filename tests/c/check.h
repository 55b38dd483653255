/* Minimal test helpers for the gridgov C tests. */
#ifndef GRIDGOV_TEST_CHECK_H
#define GRIDGOV_TEST_CHECK_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gridgov.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_STATUS(expr, expected)                                           \
  do {                                                                         \
    gridgov_status st_ = (expr);                                               \
    checks++;                                                                  \
    if (st_ != (expected)) {                                                   \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s: %s\n", __FILE__,   \
              __LINE__, #expr, gridgov_status_name(st_),                       \
              gridgov_status_name(expected), last_error());                    \
    }                                                                          \
  } while (0)

/* The last error message of this thread (static buffer). */
static const char *last_error(void) {
  static char buf[4096];
  size_t n = 0;
  if (gridgov_last_error(buf, sizeof buf, &n) != GRIDGOV_STATUS_OK) {
    return "(message too long)";
  }
  return buf;
}

#define CHECK_ERROR_MENTIONS(needle)                                           \
  do {                                                                         \
    const char *m_ = last_error();                                             \
    checks++;                                                                  \
    if (strstr(m_, (needle)) == NULL) {                                        \
      failures++;                                                              \
      fprintf(stderr, "%s:%d: last error \"%s\" does not mention \"%s\"\n",    \
              __FILE__, __LINE__, m_, (needle));                               \
    }                                                                          \
  } while (0)

static int finish(const char *name) {
  printf("%s: %d passed, %d failed\n", name, checks - failures, failures);
  return failures == 0 ? 0 : 1;
}

#endif
