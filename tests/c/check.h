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

/* The path of the fixture `name` (e.g. "score/city.toml") in the folder of test data shared
 * by every language: $GRIDGOV_FIXTURES (the Makefile sets it), else tests/fixtures, since the
 * tests run from the repository root. */
static inline void fixture_path(char *buf, size_t n, const char *name) {
  const char *dir = getenv("GRIDGOV_FIXTURES");
  snprintf(buf, n, "%s/%s", dir && *dir ? dir : "tests/fixtures", name);
}

/* The whole file as a NUL-terminated string (free it), its length in *len; NULL (with a
 * message) when it cannot be read. */
static inline char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) buf[n] = 0;
  *len = n;
  return buf;
}

/* The text of the fixture `name` (free it), its length in *len; NULL when it cannot be read. */
static inline char *fixture(const char *name, size_t *len) {
  char path[1024];
  fixture_path(path, sizeof path, name);
  return read_file(path, len);
}

static int finish(const char *name) {
  printf("%s: %d passed, %d failed\n", name, checks - failures, failures);
  return failures == 0 ? 0 : 1;
}

#endif
