/* gridgov C ABI: the workflow as cities run it (issue 12), hand-computed on the sample city —
 * every node is timed (a report nobody accepts goes yellow, red and escalates to the shift
 * leader's unit), rework keeps the original deadline (and `rework = "restart"` restarts it),
 * verification depends on the source as the model says, returns and voids after filing are
 * requested and approved (and scored by their cause), 督办 is an order with a reply deadline
 * that escalates unanswered, an unsatisfied callback sends the case back for redo, and bad
 * settings are typed errors.
 *
 * The sample calendar counts 08:00-12:00 and 14:00-18:00 on working days; acceptance and filing
 * (and closing) have 10 working minutes; E0102 (normal) 4 working hours of handling; yellow from 80 %. */
#include <stdint.h>

#include "check.h"

#define GRID "37990100100101" /* patrolled by SV001 */
#define MIN 60000LL
#define HOUR 3600000LL
#define DAY (24 * HOUR)
#define T0 1762131600000LL /* Monday 2025-11-03 09:00 +08:00 */

#define SV001 "{\"worker\":\"SV001\"}"
#define AC01 "{\"worker\":\"AC01\"}"
#define SL01 "{\"worker\":\"SL01\"}"
#define DP01 "{\"worker\":\"DP01\"}"
#define HS1 "{\"worker\":\"H-SANIT-1\"}"
#define MG01 "{\"worker\":\"MG01\"}"
#define CITIZEN "{\"citizen\":\"c-1\"}"
#define PUBLIC_REPORT "{\"category\":\"E0102\",\"grid\":\"" GRID "\",\"source\":\"app\"}"
#define SUPERVISOR_REPORT "{\"category\":\"E0102\",\"grid\":\"" GRID "\",\"source\":\"supervisor\"}"

static gridgov_status act(gridgov_engine *e, uint64_t id, const char *actor, int64_t at,
                          const char *action) {
  char *event = NULL;
  gridgov_status st = gridgov_engine_act(e, id, actor, at, action, &event, NULL);
  gridgov_string_free(event);
  return st;
}

static int has(const char *json, const char *needle) {
  int ok = json != NULL && strstr(json, needle) != NULL;
  if (!ok) fprintf(stderr, "  \"%s\" not in %s\n", needle, json ? json : "(NULL)");
  return ok;
}

static char *case_json(const gridgov_engine *e, uint64_t id, int64_t now) {
  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_engine_case_json(e, id, now, &json, &len), GRIDGOV_STATUS_OK);
  return json;
}

/* Whether case `id` shows `deadline` and `light` at `now`. */
static int shows(const gridgov_engine *e, uint64_t id, int64_t now, int64_t deadline,
                 const char *light) {
  char want_deadline[64], want_light[64];
  snprintf(want_deadline, sizeof want_deadline, "\"deadline\":%lld", (long long)deadline);
  snprintf(want_light, sizeof want_light, "\"light\":\"%s\"", light);
  char *json = case_json(e, id, now);
  int ok = has(json, want_deadline) && has(json, want_light);
  gridgov_string_free(json);
  return ok;
}

/* The sample city's text with `from` replaced by `to` (once), loaded; NULL when it does not
 * load (the status in *st). */
static gridgov_model *sample_with(const char *from, const char *to, gridgov_status *st) {
  char path[512];
  const char *dir = getenv("GRIDGOV_SAMPLE_DIR");
  snprintf(path, sizeof path, "%s/sample_city.toml", dir && *dir ? dir : "core/data");
  size_t len = 0;
  char *text = read_file(path, &len);
  if (text == NULL) return NULL;
  char *at = strstr(text, from);
  CHECK(at != NULL);
  gridgov_model *m = NULL;
  if (at != NULL) {
    size_t head = (size_t)(at - text), fl = strlen(from), tl = strlen(to);
    char *out = malloc(len - fl + tl + 1);
    if (out != NULL) {
      memcpy(out, text, head);
      memcpy(out + head, to, tl);
      memcpy(out + head + tl, at + fl, len - head - fl + 1);
      *st = gridgov_model_from_text(out, len - fl + tl, GRIDGOV_FORMAT_TOML, &m);
      free(out);
    }
  }
  free(text);
  return m;
}

static void test_never_accepted(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0, PUBLIC_REPORT, &id), GRIDGOV_STATUS_OK);
  /* 10 working minutes: due 09:10; yellow from 8 minutes (80 %) */
  const int64_t due = T0 + 10 * MIN;
  CHECK(shows(e, id, T0 + 7 * MIN, due, "green"));
  CHECK(shows(e, id, T0 + 8 * MIN, due, "yellow"));
  CHECK(shows(e, id, due, due, "red"));
  CHECK(shows(e, id, T0 + 3 * DAY, due, "red")); /* left three days */
  char *json = case_json(e, id, T0);
  CHECK(has(json, "\"stage\":\"accept\"") && has(json, "\"limit\":\"10 working_minutes\""));
  gridgov_string_free(json);
  /* the sweep alerts the shift leader's unit (SUP) at the deadline, once */
  char *fired = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_engine_sweep(e, T0 + 3 * DAY, &fired, &n), GRIDGOV_STATUS_OK);
  char want_at[64];
  snprintf(want_at, sizeof want_at, "\"at\":%lld", (long long)due);
  CHECK(has(fired, want_at) && has(fired, "\"target\":\"SUP\""));
  CHECK(has(fired, "alert the shift leader"));
  gridgov_string_free(fired);
  CHECK_STATUS(gridgov_engine_sweep(e, T0 + 4 * DAY, &fired, &n), GRIDGOV_STATUS_OK);
  CHECK(fired != NULL && strcmp(fired, "[]") == 0);
  gridgov_string_free(fired);
  /* Friday 17:55: 5 working minutes that day, 5 on Saturday (the sample centre accepts on its
   * duty roster, every day): due Saturday 08:05 */
  const int64_t fri = T0 + 4 * DAY + 8 * HOUR + 55 * MIN;
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, fri, PUBLIC_REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK(shows(e, id, fri, T0 + 5 * DAY - 55 * MIN, "green"));
  gridgov_engine_free(e);
}

/* A supervisor's E0102 case dispatched at 09:00 (due 15:00), fed back at 10:30, failed at
 * 11:00. */
static uint64_t reworked(gridgov_engine *e) {
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, SUPERVISOR_REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, DP01, T0, "{\"action\":\"dispatch\"}"), GRIDGOV_STATUS_OK);
  CHECK(shows(e, id, T0, T0 + 6 * HOUR, "green"));
  CHECK_STATUS(act(e, id, HS1, T0 + 90 * MIN, "{\"action\":\"handle\",\"result\":\"done\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SV001, T0 + 2 * HOUR, "{\"action\":\"check\",\"passed\":false}"),
               GRIDGOV_STATUS_OK);
  return id;
}

/* Feeds the reworked case back again at `at` and returns its record's CSV (records(): what
 * scoring reads); free it with gridgov_string_free. */
static char *records_after_second_feedback(gridgov_engine *e, uint64_t id, int64_t at) {
  CHECK_STATUS(act(e, id, HS1, at, "{\"action\":\"handle\",\"result\":\"again\"}"),
               GRIDGOV_STATUS_OK);
  gridgov_records *rec = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &rec), GRIDGOV_STATUS_OK);
  char *csv = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_records_to_csv(rec, &csv, &n), GRIDGOV_STATUS_OK);
  gridgov_records_free(rec);
  return csv;
}

static void test_rework(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  uint64_t id = reworked(e);
  /* the bundle deadline stays 15:00; the handling overdue reminder stays armed on it */
  CHECK(shows(e, id, T0 + 2 * HOUR, T0 + 6 * HOUR, "green"));
  char *json = case_json(e, id, T0 + 2 * HOUR);
  CHECK(has(json, "\"state\":\"dispatched\"") && has(json, "\"rework_count\":1"));
  gridgov_string_free(json);
  char *fired = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_engine_sweep(e, T0 + 6 * HOUR, &fired, &n), GRIDGOV_STATUS_OK);
  char want_at[64];
  snprintf(want_at, sizeof want_at, "\"at\":%lld", (long long)(T0 + 6 * HOUR));
  CHECK(has(fired, want_at) && has(fired, "\"target\":\"SANIT\""));
  gridgov_string_free(fired);
  /* the record keeps the bundle deadline after the second feedback (16:30): 15:00 +08:00 */
  char *csv = records_after_second_feedback(e, id, T0 + 7 * HOUR + 30 * MIN);
  CHECK(csv != NULL && has(csv, ",2025-11-03T07:00:00"));
  gridgov_string_free(csv);
  gridgov_engine_free(e);

  /* `rework = "restart"`: 4 working hours again from 11:00 — 1 h before noon, 3 h from 14:00 */
  gridgov_status st = GRIDGOV_STATUS_OK;
  m = sample_with("rework = \"keep\"", "rework = \"restart\"", &st);
  CHECK_STATUS(st, GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  id = reworked(e);
  CHECK(shows(e, id, T0 + 2 * HOUR, T0 + 8 * HOUR, "green"));
  /* the record carries the restarted run's deadline, 17:00 +08:00 */
  csv = records_after_second_feedback(e, id, T0 + 7 * HOUR + 30 * MIN);
  CHECK(csv != NULL && has(csv, ",2025-11-03T09:00:00") && !has(csv, ",2025-11-03T07:00:00"));
  gridgov_string_free(csv);
  gridgov_engine_free(e);
}

static void test_verification_by_source(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  uint64_t sv = 0, pub = 0;
  /* default: a supervisor's report skips verification, a public one does not */
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, SUPERVISOR_REPORT, &sv), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, sv, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  char *json = case_json(e, sv, T0);
  CHECK(has(json, "\"stage\":\"file\""));
  gridgov_string_free(json);
  CHECK_STATUS(act(e, sv, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0, PUBLIC_REPORT, &pub), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, pub, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  json = case_json(e, pub, T0);
  CHECK(has(json, "\"stage\":\"verify\""));
  gridgov_string_free(json);
  char *event = NULL;
  CHECK_STATUS(gridgov_engine_act(e, pub, SL01, T0, "{\"action\":\"file\"}", &event, NULL),
               GRIDGOV_STATUS_INVALID_TRANSITION);
  CHECK_ERROR_MENTIONS("verified first");
  CHECK(event == NULL);
  gridgov_engine_free(e);

  /* the model can change both */
  gridgov_status st = GRIDGOV_STATUS_OK;
  m = sample_with("verified_sources = [\"hotline\", \"app\", \"media\"]",
                  "verified_sources = [\"supervisor\", \"hotline\"]", &st);
  CHECK_STATUS(st, GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, SUPERVISOR_REPORT, &sv), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, sv, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, sv, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_INVALID_TRANSITION);
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0, PUBLIC_REPORT, &pub), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, pub, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, pub, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  gridgov_engine_free(e);
}

static void test_bad_settings(void) {
  gridgov_status st = GRIDGOV_STATUS_OK;
  gridgov_model *m = sample_with("verified_sources = [\"hotline\", \"app\", \"media\"]",
                                 "verified_sources = [\"hotline\", \"fax\"]", &st);
  CHECK(m == NULL);
  CHECK(st == GRIDGOV_STATUS_MODEL);
  CHECK_ERROR_MENTIONS("engine.verified_sources[1]");
  CHECK_ERROR_MENTIONS("\"fax\"");
  m = sample_with("rework = \"keep\"", "rework = \"sometimes\"", &st);
  CHECK(m == NULL);
  CHECK(st == GRIDGOV_STATUS_MODEL);
  CHECK_ERROR_MENTIONS("engine.rework");
  CHECK_ERROR_MENTIONS("\"sometimes\"");
}

/* A supervisor's E0102 case filed and dispatched (to SANIT) at T0. */
static uint64_t dispatched(gridgov_engine *e) {
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, SUPERVISOR_REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, DP01, T0, "{\"action\":\"dispatch\"}"), GRIDGOV_STATUS_OK);
  return id;
}

/* Acts, expecting status `want`; no event is returned on a refusal (the last error stays). */
static int act_status(gridgov_engine *e, uint64_t id, const char *actor, int64_t at,
                      const char *action, gridgov_status want) {
  char *event = NULL;
  gridgov_status st = gridgov_engine_act(e, id, actor, at, action, &event, NULL);
  int ok = st == want && (st == GRIDGOV_STATUS_OK) == (event != NULL);
  if (!ok) fprintf(stderr, "  %s: status %d, wanted %d\n", action, (int)st, (int)want);
  if (event != NULL) gridgov_string_free(event);
  return ok;
}

/* Whether the row of `id` in a scorecard table's JSON holds `member` ("name":value). */
static int row_has(const char *json, const char *id, const char *member) {
  char key[64];
  snprintf(key, sizeof key, "\"id\":\"%s\"", id);
  const char *at = json ? strstr(json, key) : NULL;
  const char *start = at, *end = at ? strchr(at, '}') : NULL;
  while (start != NULL && start > json && *start != '{') start--;
  int ok = 0;
  if (start != NULL && end != NULL) {
    size_t len = (size_t)(end - start), mlen = strlen(member);
    for (size_t i = 0; i + mlen <= len && !ok; i++) ok = memcmp(start + i, member, mlen) == 0;
  }
  if (!ok) fprintf(stderr, "  %s not in the row of %s: %s\n", member, id, json ? json : "(NULL)");
  return ok;
}

static void test_returns_and_voids_are_approved(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  const int64_t t = T0 + HOUR;
  /* a return without approval is refused, naming the case and the action */
  uint64_t a = dispatched(e);
  char *event = NULL;
  CHECK_STATUS(gridgov_engine_act(e, a, HS1, t, "{\"action\":\"return\",\"reason\":\"not ours\"}",
                                  &event, NULL),
               GRIDGOV_STATUS_INVALID_TRANSITION);
  CHECK(event == NULL);
  CHECK_ERROR_MENTIONS("case 1");
  CHECK_ERROR_MENTIONS("return");
  CHECK_ERROR_MENTIONS("approval");
  CHECK(act_status(e, a, SL01, t, "{\"action\":\"approve_return\"}",
                   GRIDGOV_STATUS_INVALID_TRANSITION));
  CHECK_ERROR_MENTIONS("no return request is pending");
  /* requested, denied: the unit keeps it */
  const char *outside =
      "{\"action\":\"request_return\",\"cause\":\"outside_duty\",\"reason\":\"permit\"}";
  CHECK_STATUS(act(e, a, HS1, t, outside), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, a, HS1, t, "{\"action\":\"approve_return\"}"), GRIDGOV_STATUS_PERMISSION_DENIED);
  CHECK_STATUS(act(e, a, SL01, t, "{\"action\":\"deny_return\"}"), GRIDGOV_STATUS_OK);
  char *json = case_json(e, a, t);
  CHECK(has(json, "\"state\":\"dispatched\"") && has(json, "\"return_count\":0"));
  gridgov_string_free(json);
  /* a bad cause is an invalid value naming it */
  CHECK(act_status(e, a, HS1, t,
                   "{\"action\":\"request_return\",\"cause\":\"bored\",\"reason\":\"x\"}",
                   GRIDGOV_STATUS_INVALID_VALUE));
  CHECK_ERROR_MENTIONS("bored");
  /* requested for a wrong unit, approved at 10:00: back for dispatch, timed from the approval */
  const char *wrong =
      "{\"action\":\"request_return\",\"cause\":\"wrong_unit\",\"reason\":\"not ours\"}";
  CHECK_STATUS(act(e, a, HS1, t, wrong), GRIDGOV_STATUS_OK);
  json = case_json(e, a, t);
  CHECK(has(json, "\"pending_return\":{\"cause\":\"wrong_unit\""));
  gridgov_string_free(json);
  CHECK_STATUS(act(e, a, SL01, t, "{\"action\":\"approve_return\"}"), GRIDGOV_STATUS_OK);
  json = case_json(e, a, t);
  CHECK(has(json, "\"state\":\"returned\"") && has(json, "\"unit\":null") &&
        has(json, "\"stage\":\"dispatch\"") && has(json, "\"return_count\":1") &&
        has(json, "\"wrong_unit_returns\":1"));
  gridgov_string_free(json);
  CHECK_STATUS(act(e, a, DP01, t, "{\"action\":\"dispatch\"}"), GRIDGOV_STATUS_OK);

  /* a filed case's void without approval is refused; on the manager's approval it is voided */
  uint64_t b = dispatched(e);
  CHECK(act_status(e, b, SL01, t, "{\"action\":\"void\",\"reason\":\"duplicate\"}",
                   GRIDGOV_STATUS_INVALID_TRANSITION));
  CHECK_ERROR_MENTIONS("case 2");
  CHECK_ERROR_MENTIONS("void");
  const char *dup =
      "{\"action\":\"request_void\",\"cause\":\"duplicate\",\"reason\":\"see case 1\"}";
  CHECK_STATUS(act(e, b, SL01, t, dup), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, b, SL01, t, "{\"action\":\"approve_void\"}"), GRIDGOV_STATUS_PERMISSION_DENIED);
  CHECK_STATUS(act(e, b, MG01, t, "{\"action\":\"approve_void\"}"), GRIDGOV_STATUS_OK);
  json = case_json(e, b, t);
  CHECK(has(json, "\"state\":\"voided\"") && has(json, "\"void_cause\":\"duplicate\"") &&
        has(json, "\"void_reason\":\"see case 1\"") && has(json, "\"deadline\":null"));
  gridgov_string_free(json);
  /* a problem gone since filing: a justified void */
  uint64_t c = dispatched(e);
  CHECK_STATUS(act(e, c, SL01, t,
                   "{\"action\":\"request_void\",\"cause\":\"problem_gone\",\"reason\":\"filled\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, c, MG01, t, "{\"action\":\"approve_void\"}"), GRIDGOV_STATUS_OK);

  /* scored (hand-computed): DP01 dispatched 3 cases (case 1 counted once, at its first
   * dispatch), 1 returned for a wrong unit: accuracy 2/3; SL01 filed 3, 1 filing error (the
   * duplicate; the problem gone is justified): accuracy 2/3 */
  gridgov_records *rec = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &rec), GRIDGOV_STATUS_OK);
  char *csv = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_records_to_csv(rec, &csv, &n), GRIDGOV_STATUS_OK);
  CHECK(has(csv, "wrong_unit_returns,void_cause") && has(csv, ",false,false,,,1,,") && has(csv, ",duplicate,") &&
        has(csv, ",problem_gone,"));
  gridgov_string_free(csv);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(rec, T0 - DAY, T0 + 30 * DAY, GRIDGOV_NO_TIME, &card), GRIDGOV_STATUS_OK);
  gridgov_records_free(rec);
  char *table = NULL;
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:dispatcher", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, "DP01", "\"dispatched\":3.0") && row_has(table, "DP01", "\"returned\":1.0"));
  gridgov_string_free(table);
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:shift_leader", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, "SL01", "\"filing_decisions\":3.0") && row_has(table, "SL01", "\"voided\":1.0"));
  gridgov_string_free(table);
  gridgov_scorecard_free(card);
  gridgov_engine_free(e);
}

/* Item 6: a general 督办 order issued Monday 09:00 has 1 working day: due Tuesday 09:00.
 * Unanswered, it alerts the command centre (CMD) then and a working day later; answered
 * Wednesday 10:00, late. A leader's order then has 4 working hours (due 16:00), answered at
 * 15:00, on time: the dispatcher's table shows 2 orders, 1 answered on time. */
static void test_orders(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  uint64_t id = dispatched(e);
  const char *reply = "{\"action\":\"reply\",\"note\":\"on site\"}";
  CHECK(act_status(e, id, HS1, T0, reply, GRIDGOV_STATUS_INVALID_TRANSITION));
  CHECK_ERROR_MENTIONS("no 督办 order is waiting");
  CHECK_STATUS(act(e, id, MG01, T0, "{\"action\":\"supervise\",\"note\":\"today\"}"),
               GRIDGOV_STATUS_OK);
  const int64_t due = T0 + DAY; /* Tuesday 09:00 */
  char want[96];
  snprintf(want, sizeof want, "\"deadline\":%lld,\"issued_at\":%lld", (long long)due, (long long)T0);
  char *json = case_json(e, id, T0);
  CHECK(has(json, want) && has(json, "\"level\":\"general\""));
  gridgov_string_free(json);
  const char *leader = "{\"action\":\"supervise\",\"note\":\"now\",\"level\":\"leader\"}";
  CHECK(act_status(e, id, MG01, T0, leader, GRIDGOV_STATUS_INVALID_TRANSITION));
  CHECK_ERROR_MENTIONS("waiting for its reply");
  char *fired = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_engine_sweep(e, T0 + 2 * DAY + 30 * MIN, &fired, &n), GRIDGOV_STATUS_OK);
  char at1[64], at2[64];
  snprintf(at1, sizeof at1, "\"at\":%lld", (long long)due);
  snprintf(at2, sizeof at2, "\"at\":%lld", (long long)(due + DAY));
  CHECK(has(fired, "督办 order unanswered") && has(fired, at1) && has(fired, at2) &&
        has(fired, "\"target\":\"CMD\""));
  gridgov_string_free(fired);
  CHECK_STATUS(act(e, id, HS1, T0 + 2 * DAY + HOUR, reply), GRIDGOV_STATUS_OK); /* late */
  CHECK_STATUS(act(e, id, MG01, T0 + 2 * DAY + HOUR, leader), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, HS1, T0 + 2 * DAY + 6 * HOUR, reply), GRIDGOV_STATUS_OK); /* on time */
  json = case_json(e, id, T0 + 2 * DAY + 6 * HOUR);
  snprintf(want, sizeof want, "\"deadline\":%lld", (long long)(T0 + 2 * DAY + 7 * HOUR));
  CHECK(has(json, want) && has(json, "\"orders\":2") && has(json, "\"orders_replied_on_time\":1"));
  gridgov_string_free(json);
  gridgov_records *rec = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &rec), GRIDGOV_STATUS_OK);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(rec, T0 - DAY, T0 + 30 * DAY, GRIDGOV_NO_TIME, &card), GRIDGOV_STATUS_OK);
  gridgov_records_free(rec);
  char *table = NULL;
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:dispatcher", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, "DP01", "\"orders\":2.0") && row_has(table, "DP01", "\"orders_replied_on_time\":1.0") &&
        row_has(table, "DP01", "\"order_reply_on_time_rate\":0.5"));
  gridgov_string_free(table);
  gridgov_scorecard_free(card);
  gridgov_engine_free(e);
}

/* Item 8: a citizen's E0102 case checked at 10:30; the sample city redoes a callback below 4:
 * rated 2 at 11:00, it goes back to its unit with a new handling run of 4 working hours (due
 * 17:00). A callback of 6 is an invalid value; a shift leader may not call back. */
static void test_callback(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0, PUBLIC_REPORT, &id), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SV001, T0, "{\"action\":\"verify\",\"valid\":true}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, DP01, T0, "{\"action\":\"dispatch\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, HS1, T0 + HOUR, "{\"action\":\"handle\",\"result\":\"done\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SV001, T0 + 90 * MIN, "{\"action\":\"check\",\"passed\":true}"),
               GRIDGOV_STATUS_OK);
  const int64_t t = T0 + 2 * HOUR;
  CHECK(act_status(e, id, AC01, t, "{\"action\":\"callback\",\"satisfaction\":6}",
                   GRIDGOV_STATUS_INVALID_VALUE));
  CHECK_ERROR_MENTIONS("callback.satisfaction");
  CHECK(act_status(e, id, SL01, t, "{\"action\":\"callback\",\"satisfaction\":2}",
                   GRIDGOV_STATUS_PERMISSION_DENIED));
  CHECK_STATUS(act(e, id, AC01, t, "{\"action\":\"callback\",\"satisfaction\":2}"), GRIDGOV_STATUS_OK);
  char *json = case_json(e, id, t);
  CHECK(has(json, "\"state\":\"dispatched\"") && has(json, "\"stage\":\"handle\"") &&
        has(json, "\"callback\":2") && has(json, "\"callback_redos\":1"));
  gridgov_string_free(json);
  CHECK(shows(e, id, t, T0 + 8 * HOUR, "green")); /* 17:00 */
  gridgov_engine_free(e);
}

/* Item 5: two-level and joint dispatch. Case 1 (E0102, dispatched to SANIT at 09:00, due 15:00)
 * is passed on by SANIT to its sub-unit SANIT-E at 10:00 (WATER, not below SANIT, is refused
 * naming the case and both units); the deadline stays 15:00; SANIT-E feeds back at 14:30, on
 * time. Case 2 goes to SANIT as lead (主办) with WATER and POWER as co-handlers (协办): WATER
 * feeds back at 11:00 (on time), SANIT's feedback at 12:00 is refused naming POWER; POWER feeds
 * back at 16:00 (late), then SANIT. The department table credits SANIT with both cases,
 * SANIT-E with a second-level one, WATER and POWER with a co-handled case each. */
static void test_two_level_and_joint_dispatch(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  const char *hse = "{\"worker\":\"H-SANIT-E-1\"}";
  const char *hw = "{\"worker\":\"H-WATER-1\"}";
  const char *hp = "{\"worker\":\"H-POWER-1\"}";
  const char *handle = "{\"action\":\"handle\",\"result\":\"done\"}";
  const char *co_feedback = "{\"action\":\"co_feedback\",\"result\":\"our part\"}";
  uint64_t a = dispatched(e);
  CHECK(shows(e, a, T0, T0 + 6 * HOUR, "green"));
  CHECK(act_status(e, a, HS1, T0 + HOUR, "{\"action\":\"subdispatch\",\"unit\":\"WATER\"}",
                   GRIDGOV_STATUS_INVALID_VALUE));
  CHECK_ERROR_MENTIONS("\"WATER\"");
  CHECK_ERROR_MENTIONS("\"SANIT\"");
  CHECK_ERROR_MENTIONS("case 1");
  CHECK(act_status(e, a, hw, T0 + HOUR, "{\"action\":\"subdispatch\",\"unit\":\"SANIT-E\"}",
                   GRIDGOV_STATUS_PERMISSION_DENIED));
  CHECK_ERROR_MENTIONS("case 1 is not dispatched to their unit \"WATER\" (it is with \"SANIT\")");
  CHECK_STATUS(act(e, a, HS1, T0 + HOUR, "{\"action\":\"subdispatch\",\"unit\":\"SANIT-E\"}"),
               GRIDGOV_STATUS_OK);
  char *json = case_json(e, a, T0 + HOUR);
  CHECK(has(json, "\"unit\":\"SANIT\"") && has(json, "\"second_unit\":\"SANIT-E\""));
  gridgov_string_free(json);
  CHECK(shows(e, a, T0 + HOUR, T0 + 6 * HOUR, "green")); /* still due 15:00 */
  CHECK_STATUS(act(e, a, hse, T0 + 5 * HOUR + 30 * MIN, handle), GRIDGOV_STATUS_OK);

  uint64_t b = dispatched(e);
  CHECK_STATUS(act(e, b, DP01, T0, "{\"action\":\"co_dispatch\",\"unit\":\"WATER\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, b, DP01, T0, "{\"action\":\"co_dispatch\",\"unit\":\"POWER\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, b, hw, T0 + 2 * HOUR, co_feedback), GRIDGOV_STATUS_OK);
  CHECK(act_status(e, b, HS1, T0 + 3 * HOUR, handle, GRIDGOV_STATUS_INVALID_VALUE));
  CHECK_ERROR_MENTIONS("POWER");
  CHECK_ERROR_MENTIONS("case 2");
  json = case_json(e, b, T0 + 3 * HOUR);
  CHECK(has(json, "\"state\":\"dispatched\"") &&
        has(json, "\"co_handlers\":[{\"fed_back_at\":"));
  gridgov_string_free(json);
  CHECK_STATUS(act(e, b, hp, T0 + 7 * HOUR, co_feedback), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, b, HS1, T0 + 7 * HOUR + 30 * MIN, handle), GRIDGOV_STATUS_OK);

  /* the events read back and replay to the same engine */
  char *events = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_engine_events_json(e, NULL, &events, &n), GRIDGOV_STATUS_OK);
  CHECK(has(events, "\"action\":\"subdispatch\"") && has(events, "\"action\":\"co_feedback\""));
  gridgov_model *m2 = NULL;
  CHECK_STATUS(gridgov_model_sample(&m2), GRIDGOV_STATUS_OK);
  gridgov_engine *again = NULL;
  CHECK_STATUS(gridgov_engine_replay(m2, events, n, &again), GRIDGOV_STATUS_OK);
  gridgov_model_free(m2);
  gridgov_engine_free(again);
  gridgov_string_free(events);

  gridgov_records *rec = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &rec), GRIDGOV_STATUS_OK);
  char *csv = NULL;
  CHECK_STATUS(gridgov_records_to_csv(rec, &csv, &n), GRIDGOV_STATUS_OK);
  CHECK(has(csv, "second_unit,co_units,co_on_time") && has(csv, ",SANIT-E,,") &&
        has(csv, ",WATER;POWER,WATER,"));
  gridgov_string_free(csv);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(rec, T0 - DAY, T0 + 30 * DAY, GRIDGOV_NO_TIME, &card), GRIDGOV_STATUS_OK);
  gridgov_records_free(rec);
  char *table = NULL;
  CHECK_STATUS(gridgov_scorecard_table_json(card, "departments", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, "SANIT", "\"handled\":2.0") &&
        row_has(table, "SANIT", "\"handled_on_time\":1.0") &&
        row_has(table, "SANIT", "\"second_handled\":0.0"));
  CHECK(row_has(table, "SANIT-E", "\"handled\":0.0") &&
        row_has(table, "SANIT-E", "\"second_handled\":1.0") &&
        row_has(table, "SANIT-E", "\"second_handled_on_time\":1.0"));
  CHECK(row_has(table, "WATER", "\"co_assigned\":1.0") &&
        row_has(table, "WATER", "\"co_on_time\":1.0") &&
        row_has(table, "POWER", "\"co_assigned\":1.0") &&
        row_has(table, "POWER", "\"co_on_time\":0.0") &&
        row_has(table, "POWER", "\"co_on_time_rate\":0.0"));
  gridgov_string_free(table);
  gridgov_scorecard_free(card);
  gridgov_engine_free(e);
}

/* Item 12: every check counts. The reworked case (fed back 10:30, failed 11:00: its check due
 * 11:30, on time) fed back again at 14:30 and passed at 16:00 (due 15:30: late): its record has
 * 2 checks, 1 on time, 1 failed (rework), and SV001's table counts both. */
static void test_every_check_counts(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  uint64_t id = reworked(e);
  char *csv = records_after_second_feedback(e, id, T0 + 330 * MIN);
  gridgov_string_free(csv);
  CHECK_STATUS(act(e, id, SV001, T0 + 7 * HOUR, "{\"action\":\"check\",\"passed\":true}"),
               GRIDGOV_STATUS_OK);
  gridgov_records *rec = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &rec), GRIDGOV_STATUS_OK);
  size_t n = 0;
  csv = NULL;
  CHECK_STATUS(gridgov_records_to_csv(rec, &csv, &n), GRIDGOV_STATUS_OK);
  CHECK(has(csv, "checks,checks_on_time,last_checked_at,last_checker"));
  CHECK(has(csv, ",2,1,2025-11-03T08:00:00.000Z,SV001,")); /* 16:00 +08:00 */
  gridgov_string_free(csv);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(rec, T0 - DAY, T0 + 30 * DAY, GRIDGOV_NO_TIME, &card), GRIDGOV_STATUS_OK);
  gridgov_records_free(rec);
  char *table = NULL;
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:supervisor", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, "SV001", "\"check_due\":2.0") && row_has(table, "SV001", "\"failed_checks\":1.0") &&
        row_has(table, "SV001", "\"checked_on_time\":1.0") &&
        row_has(table, "SV001", "\"check_on_time_rate\":0.5"));
  gridgov_string_free(table);
  gridgov_scorecard_free(card);
  gridgov_engine_free(e);
}

/* Item 13: four public reports filed in SV001's grid. E0102 at 09:00 is in the sample city's
 * collection scope and patrol hours (08:00-18:00): a 漏报; E0102 at 19:00 is outside patrol
 * hours; E0401 (emergencies) outside the scope; E0102 at 10:00 voided as a duplicate is not
 * filed. One 漏报, three public filed cases. */
static void test_missed_in_scope_only(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  const char *cats[4] = {"E0102", "E0102", "E0401", "E0102"};
  const int64_t times[4] = {T0, T0 + 10 * HOUR, T0 + HOUR, T0 + HOUR};
  uint64_t ids[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; i++) {
    char report[160];
    snprintf(report, sizeof report, "{\"category\":\"%s\",\"grid\":\"" GRID "\",\"source\":\"app\"}", cats[i]);
    CHECK_STATUS(gridgov_engine_report(e, CITIZEN, times[i], report, &ids[i]), GRIDGOV_STATUS_OK);
    CHECK_STATUS(act(e, ids[i], AC01, times[i], "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
    CHECK_STATUS(act(e, ids[i], SV001, times[i], "{\"action\":\"verify\",\"valid\":true}"), GRIDGOV_STATUS_OK);
    CHECK_STATUS(act(e, ids[i], SL01, times[i], "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  }
  const int64_t t = T0 + 90 * MIN;
  CHECK_STATUS(act(e, ids[3], SL01, t,
                   "{\"action\":\"request_void\",\"cause\":\"duplicate\",\"reason\":\"see case 1\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, ids[3], MG01, t, "{\"action\":\"approve_void\"}"), GRIDGOV_STATUS_OK);
  gridgov_records *rec = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &rec), GRIDGOV_STATUS_OK);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(rec, T0 - DAY, T0 + 30 * DAY, T0 + DAY, &card), GRIDGOV_STATUS_OK);
  gridgov_records_free(rec);
  char *table = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:supervisor", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, "SV001", "\"filed_in_grids\":3.0") && row_has(table, "SV001", "\"missed\":1.0"));
  gridgov_string_free(table);
  CHECK_STATUS(gridgov_scorecard_table_json(card, "areas:grid", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, GRID, "\"public_filed\":3.0") && row_has(table, GRID, "\"missed\":1.0"));
  gridgov_string_free(table);
  gridgov_scorecard_free(card);
  gridgov_engine_free(e);
  /* A bad setting is a model error naming it. */
  gridgov_status st = GRIDGOV_STATUS_OK;
  gridgov_model *bad = sample_with("patrol_hours = \"08:00-18:00\"", "patrol_hours = \"18:00-08:00\"", &st);
  CHECK(bad == NULL && st == GRIDGOV_STATUS_MODEL);
  CHECK_ERROR_MENTIONS("scoring.patrol_hours");
  gridgov_model_free(bad);
}

/* Item 12b: with SV002 patrolling SV001's grid too, two citizens' reports accepted at 09:00 go
 * in turn (case 1 to SV001, case 2 to SV002), recorded in the accept event; SV001 may not
 * verify case 2. SV001 verifies case 1 at 09:30 (due 10:00); case 2 stays unverified but counts
 * in SV002's 应核实数. */
static void test_verification_tasks_are_assigned(void) {
  gridgov_status st = GRIDGOV_STATUS_OK;
  gridgov_model *m = sample_with("grids = [\"37990100100106\",",
                                 "grids = [\"37990100100101\", \"37990100100106\",", &st);
  CHECK(m != NULL && st == GRIDGOV_STATUS_OK);
  if (m == NULL) return;
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m);
  uint64_t ids[2] = {0, 0};
  for (int i = 0; i < 2; i++) {
    CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0, PUBLIC_REPORT, &ids[i]), GRIDGOV_STATUS_OK);
    char *event = NULL;
    CHECK_STATUS(gridgov_engine_act(e, ids[i], AC01, T0, "{\"action\":\"accept\"}", &event, NULL),
                 GRIDGOV_STATUS_OK);
    CHECK(has(event, i == 0 ? "\"assigned_to\":\"SV001\"" : "\"assigned_to\":\"SV002\""));
    gridgov_string_free(event);
  }
  CHECK(act_status(e, ids[1], SV001, T0, "{\"action\":\"verify\",\"valid\":true}",
                   GRIDGOV_STATUS_PERMISSION_DENIED));
  CHECK_ERROR_MENTIONS("assigned to supervisor \"SV002\"");
  CHECK_STATUS(act(e, ids[0], SV001, T0 + 30 * MIN, "{\"action\":\"verify\",\"valid\":true}"),
               GRIDGOV_STATUS_OK);
  char *json = case_json(e, ids[1], T0 + HOUR);
  CHECK(has(json, "\"verify_assignee\":\"SV002\""));
  gridgov_string_free(json);
  gridgov_records *rec = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &rec), GRIDGOV_STATUS_OK);
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(rec, T0 - DAY, T0 + 30 * DAY, T0 + DAY, &card), GRIDGOV_STATUS_OK);
  gridgov_records_free(rec);
  char *table = NULL;
  size_t n = 0;
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:supervisor", &table, &n), GRIDGOV_STATUS_OK);
  CHECK(row_has(table, "SV001", "\"verify_due\":1.0") && row_has(table, "SV001", "\"verified_on_time\":1.0"));
  CHECK(row_has(table, "SV002", "\"verify_due\":1.0") && row_has(table, "SV002", "\"verified\":0.0") &&
        row_has(table, "SV002", "\"verify_on_time_rate\":0.0"));
  gridgov_string_free(table);
  gridgov_scorecard_free(card);
  gridgov_engine_free(e);
}

int main(void) {
  test_verification_tasks_are_assigned();
  test_missed_in_scope_only();
  test_every_check_counts();
  test_never_accepted();
  test_callback();
  test_two_level_and_joint_dispatch();
  test_orders();
  test_returns_and_voids_are_approved();
  test_rework();
  test_verification_by_source();
  test_bad_settings();
  return finish("test_workflow");
}
