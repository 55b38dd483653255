/* gridgov C ABI: the findings of the attack on the library (issue 16), each checked through
 * the C boundary: a rule with a huge repeat count is refused at load (it made a dispatch panic
 * and change the engine), instants far from now are refused where they enter, NUL bytes in
 * identifiers are refused at the door, messages are bounded, gridgov_last_error(NULL, n, &len)
 * is a NULL pointer, and a caught panic leaves its message in the last error (the Makefile runs
 * this test with stderr captured, and checks that a panic printed nothing). */
#include <stdint.h>
#include "check.h"

static gridgov_model *rules_city(const char *repeat, gridgov_status expected) {
  size_t len = 0;
  char *text = fixture("cities/rules.toml", &len);
  CHECK(text != NULL);
  if (!text) return NULL;
  const char *old = "repeat = { every = \"1 working_hours\", times = 2 }";
  char *at = strstr(text, old);
  CHECK(at != NULL);
  size_t cap = len + strlen(repeat) + 1;
  char *edited = malloc(cap);
  size_t head = (size_t)(at - text);
  memcpy(edited, text, head);
  strcpy(edited + head, repeat);
  strcat(edited, at + strlen(old));
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(edited, strlen(edited), GRIDGOV_FORMAT_TOML, &m),
               expected);
  free(edited);
  free(text);
  return m;
}

/* Finding 1 and 2: the rule that made `dispatch` panic is refused at load, naming the field,
 * so no dispatch can fail on it; at the bounds, a dispatch works and a sweep a year late
 * records 1 + 100 firings of the repeated rule and 1 of the other. */
static void test_repeat_bounds(void) {
  gridgov_model *m =
      rules_city("repeat = { every = \"1 minutes\", times = 4294967295 }", GRIDGOV_STATUS_MODEL);
  CHECK(m == NULL);
  CHECK_ERROR_MENTIONS("escalation[1].repeat.times");
  CHECK_ERROR_MENTIONS("escalation[1].repeat.every");

  m = rules_city("repeat = { every = \"30 minutes\", times = 100 }", GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  const int64_t t0 = 1772409600000; /* 2026-03-02 08:00 +08:00 */
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, "{\"worker\": \"SV1\"}", t0,
                                     "{\"category\": \"C0101\", \"grid\": \"37990100100101\"}",
                                     &id),
               GRIDGOV_STATUS_OK);
  const char *steps[][2] = {{"{\"worker\": \"AC1\"}", "{\"action\": \"accept\"}"},
                            {"{\"worker\": \"SL1\"}", "{\"action\": \"file\"}"},
                            {"{\"worker\": \"DP1\"}", "{\"action\": \"dispatch\"}"}};
  for (size_t i = 0; i < 3; i++) {
    char *ev = NULL;
    CHECK_STATUS(gridgov_engine_act(e, id, steps[i][0], t0, steps[i][1], &ev, NULL),
                 GRIDGOV_STATUS_OK);
    gridgov_string_free(ev);
  }
  char *fired = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_engine_sweep(e, t0 + 300LL * 86400000LL, &fired, &n), GRIDGOV_STATUS_OK);
  size_t count = 0;
  for (const char *p = fired; p && (p = strstr(p, "\"action\":\"escalate\"")); p++) count++;
  CHECK(count == 102);
  gridgov_string_free(fired);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

/* Finding 3: instants outside 1970..2200 are refused in periods, CSV, reports and sweeps. */
static void test_instants_far_from_now(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  const char *csv = "id,grid,category,reported_at\n1,37990100100101,C0101,9000000000000000000\n";
  gridgov_records *r = (gridgov_records *)0x1;
  CHECK_STATUS(gridgov_records_from_csv(m, csv, strlen(csv), GRIDGOV_NO_TIME, &r),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(r == (gridgov_records *)0x1);
  CHECK_ERROR_MENTIONS("records[0].reported_at");
  CHECK_ERROR_MENTIONS("9000000000000000000");

  const char *ok = "id,grid,category,reported_at\n1,37990100100101,C0101,2026-03-02 08:00\n";
  r = NULL;
  CHECK_STATUS(gridgov_records_from_csv(m, ok, strlen(ok), GRIDGOV_NO_TIME, &r),
               GRIDGOV_STATUS_OK);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(r, -1, INT64_MAX, GRIDGOV_NO_TIME, &card),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("-1");
  CHECK(card == NULL);
  CHECK_STATUS(gridgov_score(r, 0, INT64_MAX, GRIDGOV_NO_TIME, &card),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("9223372036854775807");
  CHECK(card == NULL);

  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, "{\"worker\": \"SV001\"}", INT64_MAX,
                                     "{\"category\": \"C0101\", \"grid\": \"37990100100101\"}",
                                     &id),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("9223372036854775807");
  char *out = NULL;
  CHECK_STATUS(gridgov_engine_sweep(e, -5, &out, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(out == NULL);
  gridgov_engine_free(e);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

/* Finding 4: a NUL in a model id, a CSV person or a citizen id is refused at the door, naming
 * the field, and exports keep working. */
static void test_nul_in_identifiers(void) {
  const char *json = "{\"name\": \"x\", \"units\": [{\"id\": \"A\\u0000\", \"name\": \"a\"}]}";
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(json, strlen(json), GRIDGOV_FORMAT_JSON, &m),
               GRIDGOV_STATUS_MODEL);
  CHECK_ERROR_MENTIONS("units[0].id");
  CHECK_ERROR_MENTIONS("U+0000");

  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  const char csv[] = "id,grid,category,reported_at,reporter\n1,37990100100101,C0101,0,c\0x\n";
  gridgov_records *r = NULL;
  CHECK_STATUS(gridgov_records_from_csv(m, csv, sizeof csv - 1, GRIDGOV_NO_TIME, &r),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[0].reporter");

  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t id = 0;
  const char *report = "{\"category\": \"C0101\", \"grid\": \"37990100100101\", \"source\": \"app\"}";
  CHECK_STATUS(gridgov_engine_report(e, "{\"citizen\": \"c\\u0000x\"}", 1772409600000, report, &id),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("actor.citizen");
  CHECK(id == 0);
  CHECK_STATUS(gridgov_engine_report(e, "{\"citizen\": \"c-1\"}", 1772409600000, report, &id),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_records(e, &r), GRIDGOV_STATUS_OK);
  char *out = NULL;
  CHECK_STATUS(gridgov_records_to_csv(r, &out, NULL), GRIDGOV_STATUS_OK);
  gridgov_string_free(out);
  gridgov_records_free(r);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

/* Finding 5: an 8 MB one-line TOML gives a message that fits the README's 512-byte buffer
 * pattern within a few lines, not a 16 MB one. */
static void test_bounded_messages(void) {
  size_t n = 8u << 20;
  char *text = malloc(n + 16);
  memcpy(text, "name = \"x\"\n", 11);
  memset(text + 11, 'a', n);
  text[11 + n] = 0;
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(text, 11 + n, GRIDGOV_FORMAT_TOML, &m), GRIDGOV_STATUS_PARSE);
  size_t needed = 0;
  CHECK_STATUS(gridgov_last_error(NULL, 0, &needed), GRIDGOV_STATUS_INSUFFICIENT_SIZE);
  CHECK(needed > 0 && needed < 4000);
  CHECK_ERROR_MENTIONS("more bytes");
  free(text);
}

/* Finding 6: a NULL buffer with a non-zero length is a NULL pointer, and nothing is written. */
static void test_last_error_null_buffer(void) {
  gridgov_model_sample(NULL); /* leaves a message */
  size_t n = 12345;
  CHECK(gridgov_last_error(NULL, 100, &n) == GRIDGOV_STATUS_NULL_POINTER);
  CHECK(n == 12345);
  CHECK(gridgov_last_error(NULL, 0, &n) == GRIDGOV_STATUS_INSUFFICIENT_SIZE);
  CHECK(n > 0 && n != 12345);
  char buf[8];
  CHECK(gridgov_last_error(buf, sizeof buf, NULL) == GRIDGOV_STATUS_NULL_POINTER);
}

/* Finding 7: a caught panic returns PANIC with its message and location in the last error. */
static void test_panic_message(void) {
  CHECK(gridgov_test_panic() == GRIDGOV_STATUS_PANIC);
  CHECK_ERROR_MENTIONS("deliberate panic");
  CHECK_ERROR_MENTIONS("status.rs:");
  /* The next call clears it and works. */
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
}

int main(void) {
  test_repeat_bounds();
  test_instants_far_from_now();
  test_nul_in_identifiers();
  test_bounded_messages();
  test_last_error_null_buffer();
  test_panic_message();
  return finish("test_hardening");
}
