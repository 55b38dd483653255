/* gridgov C ABI: the case engine — the main path, case JSON with deadline and light, every kind
 * of bad input typed with the engine unchanged, contact data in exports, events export and
 * replay, escalation sweeps (JSON and typed arrays, the capacity contract). */
#include <stdint.h>

#include "check.h"

#define GRID "37990100100101" /* patrolled by SV001 */
#define MIN 60000LL
#define HOUR 3600000LL
#define T0 1762131600000LL        /* Monday 2025-11-03 09:00 +08:00 */
#define T_1412 1762150320000LL    /* Monday 14:12 */
#define T_1500 1762153200000LL    /* Monday 15:00 */
#define T_TUE_10 1762221600000LL  /* Tuesday 2025-11-04 10:00 */
#define T_2031 1924995600000LL    /* 2031-01-01 09:00, past the calendar's years */

#define SV001 "{\"worker\":\"SV001\"}"
#define SV002 "{\"worker\":\"SV002\"}"
#define AC01 "{\"worker\":\"AC01\"}"
#define SL01 "{\"worker\":\"SL01\"}"
#define DP01 "{\"worker\":\"DP01\"}"
#define MG01 "{\"worker\":\"MG01\"}"
#define HW1 "{\"worker\":\"H-WATER-1\"}"
#define HP1 "{\"worker\":\"H-POWER-1\"}"
#define CITIZEN "{\"citizen\":\"c-1\"}"
#define PHONE "13800000000"

/* Applies an action and discards the event. */
static gridgov_status act(gridgov_engine *e, uint64_t id, const char *actor, int64_t at,
                          const char *action) {
  char *event = NULL;
  gridgov_status st = gridgov_engine_act(e, id, actor, at, action, &event, NULL);
  gridgov_string_free(event);
  return st;
}

/* Everything the engine holds, as text: its events and sizes. */
static char *snapshot(const gridgov_engine *e) {
  char *events = NULL;
  size_t cases = 0, n = 0;
  if (gridgov_engine_events_json(e, NULL, &events, NULL) != GRIDGOV_STATUS_OK) return NULL;
  if (gridgov_engine_len(e, &cases, &n) != GRIDGOV_STATUS_OK) return events;
  size_t len = strlen(events) + 64;
  char *out = malloc(len);
  if (out) snprintf(out, len, "%zu %zu\n%s", cases, n, events);
  gridgov_string_free(events);
  return out;
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* An action refused with `want`, a message mentioning `needle`, nothing written and the
 * engine unchanged. */
static void refused_(int line, gridgov_engine *e, uint64_t id, const char *actor, int64_t at,
                     const char *action, gridgov_status want, const char *needle) {
  char *before = snapshot(e);
  char sentinel = 0;
  char *event = &sentinel;
  size_t len = 7;
  gridgov_status st = gridgov_engine_act(e, id, actor, at, action, &event, &len);
  char msg[4096];
  snprintf(msg, sizeof msg, "%s", last_error());
  char *after = snapshot(e);
  if (event != &sentinel) gridgov_string_free(event);
  checks++;
  if (st != want || event != &sentinel || len != 7 || strstr(msg, needle) == NULL ||
      before == NULL || after == NULL || strcmp(before, after) != 0) {
    failures++;
    fprintf(stderr, "%s:%d: %s by %s: got %s (\"%s\"), expected %s mentioning \"%s\"%s%s\n",
            __FILE__, line, action ? action : "(NULL)", actor ? actor : "(NULL)",
            gridgov_status_name(st), msg, gridgov_status_name(want), needle,
            event != &sentinel || len != 7 ? "; output written" : "",
            before && after && strcmp(before, after) == 0 ? "" : "; engine changed");
  }
  free(before);
  free(after);
}
#define REFUSED(e, id, actor, at, action, want, needle) \
  refused_(__LINE__, e, id, actor, at, action, want, needle)

/* A report refused with `want` and no case created. */
static void report_refused_(int line, gridgov_engine *e, const char *actor, const char *report,
                            gridgov_status want, const char *needle) {
  char *before = snapshot(e);
  uint64_t id = 77;
  gridgov_status st = gridgov_engine_report(e, actor, T0, report, &id);
  char msg[4096];
  snprintf(msg, sizeof msg, "%s", last_error());
  char *after = snapshot(e);
  checks++;
  if (st != want || id != 77 || strstr(msg, needle) == NULL || before == NULL ||
      after == NULL || strcmp(before, after) != 0) {
    failures++;
    fprintf(stderr, "%s:%d: report %s by %s: got %s (\"%s\"), expected %s mentioning \"%s\"\n",
            __FILE__, line, report ? report : "(NULL)", actor ? actor : "(NULL)",
            gridgov_status_name(st), msg, gridgov_status_name(want), needle);
  }
  free(before);
  free(after);
}
#define REPORT_REFUSED(e, actor, report, want, needle) \
  report_refused_(__LINE__, e, actor, report, want, needle)

static char *case_json(const gridgov_engine *e, uint64_t id, int64_t now) {
  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_engine_case_json(e, id, now, &json, &len), GRIDGOV_STATUS_OK);
  CHECK(json == NULL || strlen(json) == len);
  return json;
}

static int has(const char *json, const char *needle) {
  int ok = json != NULL && strstr(json, needle) != NULL;
  if (!ok) fprintf(stderr, "  \"%s\" not in %s\n", needle, json ? json : "(NULL)");
  return ok;
}

/* Reports a C0101 case by SV001 at `t` and drives it to dispatched (to WATER) at `t`. */
static uint64_t dispatched(gridgov_engine *e, int64_t t) {
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, t,
                                     "{\"category\":\"C0101\",\"grid\":\"" GRID "\"}", &id),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, t, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, t, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, DP01, t, "{\"action\":\"dispatch\"}"), GRIDGOV_STATUS_OK);
  return id;
}

/* A citizen's C0101 case with contact data, driven to closed at T0 + 1 h. */
static uint64_t citizen_case_closed(gridgov_engine *e) {
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0,
                                     "{\"category\":\"C0101\",\"grid\":\"" GRID "\","
                                     "\"source\":\"app\",\"description\":\"cover gone\","
                                     "\"contact\":\"" PHONE "\"}",
                                     &id),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  /* a public report must be verified before it is filed */
  CHECK_STATUS(act(e, id, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_INVALID_TRANSITION);
  CHECK_STATUS(act(e, id, SV001, T0 + MIN, "{\"action\":\"verify\",\"valid\":true}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, DP01, T0 + 3 * MIN, "{\"action\":\"dispatch\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, HW1, T0 + 30 * MIN, "{\"action\":\"handle\",\"result\":\"replaced\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SV001, T0 + 40 * MIN, "{\"action\":\"check\",\"passed\":true}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + HOUR, "{\"action\":\"close\",\"reason\":\"fixed\"}"),
               GRIDGOV_STATUS_OK);
  return id;
}

static void test_main_path(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_model_free(m); /* the engine keeps its own model */

  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0,
                                     "{\"category\":\"C0101\",\"grid\":\"" GRID "\","
                                     "\"description\":\"cover missing\"}",
                                     &id),
               GRIDGOV_STATUS_OK);
  CHECK(id == 1);
  CHECK_STATUS(act(e, id, AC01, T0 + MIN, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + 2 * MIN, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);

  char *event = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_engine_act(e, id, DP01, T0 + 3 * MIN,
                                  "{\"action\": \"dispatch\", \"unit\": \"WATER\"}", &event, &len),
               GRIDGOV_STATUS_OK);
  CHECK(event != NULL && strlen(event) == len);
  CHECK(has(event, "\"action\":\"dispatch\"") && has(event, "\"unit\":\"WATER\""));
  CHECK(has(event, "\"seq\":4") && has(event, "\"case\":1") && has(event, "\"v\":1"));
  CHECK(has(event, "\"actor\":{\"worker\":\"DP01\"}") && has(event, "\"limit\":\"36 hours\""));
  gridgov_string_free(event);

  /* C0101 normal: 36 continuous hours from the dispatch; yellow from 80 % (28.8 h). */
  const int64_t due = T0 + 3 * MIN + 36 * HOUR;
  char deadline[64];
  snprintf(deadline, sizeof deadline, "\"deadline\":%lld", (long long)due);
  char *json = case_json(e, id, T0 + HOUR);
  CHECK(has(json, "\"id\":1") && has(json, "\"state\":\"dispatched\"") && has(json, "\"open\":true"));
  CHECK(has(json, "\"category\":\"C0101\"") && has(json, "\"urgency\":\"normal\""));
  CHECK(has(json, "\"grid\":\"" GRID "\"") && has(json, "\"unit\":\"WATER\""));
  CHECK(has(json, "\"source\":\"supervisor\"") && has(json, "\"reporter\":{\"worker\":\"SV001\"}"));
  CHECK(has(json, "\"stage\":\"handle\"") && has(json, "\"limit\":\"36 hours\""));
  CHECK(has(json, deadline) && has(json, "\"light\":\"green\""));
  CHECK(has(json, "\"rework_count\":0") && has(json, "\"supervised_count\":0"));
  CHECK(has(json, "\"pending_postpone\":null") && has(json, "\"satisfaction\":null"));
  CHECK(has(json, "\"self_handled\":false") && has(json, "\"description\":\"cover missing\""));
  CHECK(count(json, "\"seq\":") == 4);
  gridgov_string_free(json);
  json = case_json(e, id, T0 + 3 * MIN + 30 * HOUR);
  CHECK(has(json, "\"light\":\"yellow\""));
  gridgov_string_free(json);
  json = case_json(e, id, due);
  CHECK(has(json, "\"light\":\"red\""));
  gridgov_string_free(json);

  CHECK_STATUS(act(e, id, HW1, T0 + 10 * MIN, "{\"action\":\"start\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, HW1, T0 + HOUR, "{\"action\":\"handle\",\"result\":\"replaced\"}"),
               GRIDGOV_STATUS_OK);
  json = case_json(e, id, T0 + HOUR);
  CHECK(has(json, "\"state\":\"handled\"") && has(json, "\"stage\":\"check\""));
  gridgov_string_free(json);
  CHECK_STATUS(act(e, id, SV001, T0 + 2 * HOUR, "{\"action\":\"check\",\"passed\":true}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, SL01, T0 + 3 * HOUR, "{\"action\":\"close\",\"reason\":\"fixed\"}"),
               GRIDGOV_STATUS_OK);
  json = case_json(e, id, T0 + 3 * HOUR);
  CHECK(has(json, "\"state\":\"closed\"") && has(json, "\"closing_reason\":\"fixed\""));
  CHECK(has(json, "\"open\":false"));
  CHECK(has(json, "\"deadline\":null") && has(json, "\"light\":null"));
  /* every node is timed: the check (1 working hour from 10:00) was done at its deadline,
   * 11:00, where its light turns red and the sample city alerts the shift leaders' unit; the
   * closing (10 working minutes from 11:00) was done at 12:00, overdue since 11:10: two
   * escalations before them */
  CHECK(has(json, "\"stage\":null") && count(json, "\"seq\":") == 10);
  CHECK(has(json, "\"action\":\"escalate\"") && has(json, "\"target\":\"SUP\""));
  gridgov_string_free(json);

  size_t cases = 0, events = 0;
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 1 && events == 10);
  gridgov_engine_free(e);
  gridgov_engine_free(NULL);
}

static void test_bad_actions(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t id = dispatched(e, T0); /* dispatched to WATER; nothing due for 28.8 h */
  const int64_t t = T0 + HOUR;
  const char *close = "{\"action\":\"close\",\"reason\":\"x\"}";

  /* lifecycle, role, scope, time */
  REFUSED(e, id, SL01, t, close, GRIDGOV_STATUS_INVALID_TRANSITION, "dispatched");
  REFUSED(e, id, SV001, t, close, GRIDGOV_STATUS_PERMISSION_DENIED, "supervisor");
  REFUSED(e, id, SV002, t, "{\"action\":\"check\",\"passed\":true}",
          GRIDGOV_STATUS_PERMISSION_DENIED, GRID);
  REFUSED(e, id, HP1, t, "{\"action\":\"start\"}", GRIDGOV_STATUS_PERMISSION_DENIED, "POWER");
  REFUSED(e, id, "{\"worker\":\"AU01\"}", t, "{\"action\":\"supervise\",\"note\":\"x\"}",
          GRIDGOV_STATUS_PERMISSION_DENIED, "auditor");
  REFUSED(e, id, CITIZEN, t, "{\"action\":\"rate\",\"satisfaction\":3}",
          GRIDGOV_STATUS_PERMISSION_DENIED, "citizen");
  REFUSED(e, id, "\"system\"", t, "{\"action\":\"start\"}", GRIDGOV_STATUS_PERMISSION_DENIED,
          "system");
  REFUSED(e, id, HW1, T0 - 1, "{\"action\":\"start\"}", GRIDGOV_STATUS_INVALID_VALUE, "earlier");
  REFUSED(e, id, HW1, INT64_MIN, "{\"action\":\"start\"}", GRIDGOV_STATUS_INVALID_VALUE, "NaT");
  REFUSED(e, id, HW1, t, "{\"action\":\"approve_postpone\"}", GRIDGOV_STATUS_PERMISSION_DENIED,
          "handler");
  REFUSED(e, id, DP01, t, "{\"action\":\"approve_postpone\"}", GRIDGOV_STATUS_INVALID_TRANSITION,
          "no postponement request is pending");
  /* unknown case, worker, unit */
  REFUSED(e, 999, HW1, t, "{\"action\":\"start\"}", GRIDGOV_STATUS_UNKNOWN, "999");
  REFUSED(e, 0, HW1, t, "{\"action\":\"start\"}", GRIDGOV_STATUS_UNKNOWN, "case");
  REFUSED(e, id, "{\"worker\":\"nobody\"}", t, "{\"action\":\"start\"}", GRIDGOV_STATUS_UNKNOWN,
          "nobody");
  /* fields: missing, extra, mistyped, unknown action, empty text, out of range */
  REFUSED(e, id, SL01, t, "{\"action\":\"close\"}", GRIDGOV_STATUS_INVALID_VALUE, "reason");
  REFUSED(e, id, HW1, t, "{\"action\":\"start\",\"why\":\"x\"}", GRIDGOV_STATUS_INVALID_VALUE,
          "why");
  REFUSED(e, id, HW1, t, "{\"action\":\"fly\"}", GRIDGOV_STATUS_INVALID_VALUE, "fly");
  REFUSED(e, id, HW1, t, "{\"unit\":\"WATER\"}", GRIDGOV_STATUS_INVALID_VALUE, "action");
  REFUSED(e, id, HW1, t, "[\"start\"]", GRIDGOV_STATUS_INVALID_VALUE, "action");
  REFUSED(e, id, SV001, t, "{\"action\":\"check\",\"passed\":\"yes\"}",
          GRIDGOV_STATUS_INVALID_VALUE, "boolean");
  REFUSED(e, id, HW1, t, "{\"action\":\"return\",\"reason\":\"  \"}", GRIDGOV_STATUS_INVALID_VALUE,
          "empty");
  REFUSED(e, id, HW1, t, "{\"action\":\"request_postpone\",\"minutes\":0}",
          GRIDGOV_STATUS_INVALID_VALUE, "minutes");
  REFUSED(e, id, HW1, t, "{\"action\":\"request_postpone\",\"minutes\":-5}",
          GRIDGOV_STATUS_INVALID_VALUE, "minutes");
  /* malformed JSON, wrong actor shapes */
  REFUSED(e, id, HW1, t, "{\"action\": \"start\"", GRIDGOV_STATUS_PARSE, "action_json");
  REFUSED(e, id, "{\"worker\": ", t, "{\"action\":\"start\"}", GRIDGOV_STATUS_PARSE, "actor");
  REFUSED(e, id, "{\"boss\":\"x\"}", t, "{\"action\":\"start\"}", GRIDGOV_STATUS_INVALID_VALUE,
          "boss");
  REFUSED(e, id, "\"H-WATER-1\"", t, "{\"action\":\"start\"}", GRIDGOV_STATUS_INVALID_VALUE,
          "actor");
  /* NULLs and bad UTF-8 */
  REFUSED(e, id, NULL, t, "{\"action\":\"start\"}", GRIDGOV_STATUS_NULL_POINTER, "actor_json");
  REFUSED(e, id, HW1, t, NULL, GRIDGOV_STATUS_NULL_POINTER, "action_json");
  REFUSED(e, id, HW1, t, "{\"action\":\"return\",\"reason\":\"\xff\"}",
          GRIDGOV_STATUS_INVALID_UTF8, "action_json");
  REFUSED(e, id, "{\"worker\":\"H-WATER-1\xc3\x28\"}", t, "{\"action\":\"start\"}",
          GRIDGOV_STATUS_INVALID_UTF8, "actor_json");
  CHECK_STATUS(gridgov_engine_act(NULL, id, HW1, t, "{\"action\":\"start\"}", NULL, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("engine");
  char *before = snapshot(e);
  CHECK_STATUS(gridgov_engine_act(e, id, HW1, t, "{\"action\":\"start\"}", NULL, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  char *after = snapshot(e);
  CHECK(before && after && strcmp(before, after) == 0); /* checked before anything happens */
  free(before);
  free(after);

  /* The refusals for lack of permission are in the security log. */
  char *denials = NULL;
  CHECK_STATUS(gridgov_engine_denials_json(e, &denials, NULL), GRIDGOV_STATUS_OK);
  CHECK(count(denials, "\"reason\"") == 7);
  CHECK(has(denials, "\"actor\":{\"worker\":\"SV002\"}") && has(denials, "\"action\":\"check\""));
  gridgov_string_free(denials);

  /* After all that, the case still moves on. */
  CHECK_STATUS(act(e, id, HW1, t, "{\"action\":\"start\"}"), GRIDGOV_STATUS_OK);

  /* A rating out of range on a closed case of a citizen; other raters are refused. */
  uint64_t c = citizen_case_closed(e);
  const int64_t later = T0 + 2 * HOUR;
  REFUSED(e, c, CITIZEN, later, "{\"action\":\"rate\",\"satisfaction\":0}",
          GRIDGOV_STATUS_INVALID_VALUE, "satisfaction");
  REFUSED(e, c, CITIZEN, later, "{\"action\":\"rate\",\"satisfaction\":6}",
          GRIDGOV_STATUS_INVALID_VALUE, "satisfaction");
  REFUSED(e, c, CITIZEN, later, "{\"action\":\"rate\",\"satisfaction\":300}",
          GRIDGOV_STATUS_INVALID_VALUE, "300");
  REFUSED(e, c, "{\"citizen\":\"c-2\"}", later, "{\"action\":\"rate\",\"satisfaction\":5}",
          GRIDGOV_STATUS_PERMISSION_DENIED, "reported");
  REFUSED(e, c, SV001, later, "{\"action\":\"rate\",\"satisfaction\":5}",
          GRIDGOV_STATUS_PERMISSION_DENIED, "supervisor");
  CHECK_STATUS(act(e, c, CITIZEN, later, "{\"action\":\"rate\",\"satisfaction\":5}"),
               GRIDGOV_STATUS_OK);
  REFUSED(e, c, CITIZEN, later, "{\"action\":\"rate\",\"satisfaction\":4}",
          GRIDGOV_STATUS_INVALID_TRANSITION, "already rated");

  /* A deadline past the calendar's years. Sweep first: acting fires what is due before it
   * (here the dispatch-stage reminder), which a refusal would not undo. */
  uint64_t d = 0;
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0,
                                     "{\"category\":\"E0102\",\"grid\":\"" GRID "\"}", &d),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, d, AC01, T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, d, SL01, T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  char *swept = NULL;
  CHECK_STATUS(gridgov_engine_sweep(e, T_2031, &swept, NULL), GRIDGOV_STATUS_OK);
  gridgov_string_free(swept);
  REFUSED(e, d, DP01, T_2031, "{\"action\":\"dispatch\"}", GRIDGOV_STATUS_CALENDAR_RANGE, "2031");
  char *json = case_json(e, d, T_2031); /* long overdue in the dispatch stage */
  CHECK(has(json, "\"state\":\"filed\"") && has(json, "\"light\":\"red\""));
  gridgov_string_free(json);
  json = (char *)&d;
  CHECK_STATUS(gridgov_engine_case_json(e, d, INT64_MIN, &json, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_engine_case_json(e, 999, T0, &json, NULL), GRIDGOV_STATUS_UNKNOWN);
  CHECK_STATUS(gridgov_engine_case_json(NULL, d, T0, &json, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_case_json(e, d, T0, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(json == (char *)&d);

  gridgov_engine_free(e);
  gridgov_model_free(m);
}

static void test_bad_reports(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  REPORT_REFUSED(e, SV001, "{\"grid\":\"" GRID "\"}", GRIDGOV_STATUS_INVALID_VALUE, "category");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C0101\",\"point\":{\"lon\":0.0,\"lat\":0.0}}",
                 GRIDGOV_STATUS_INVALID_VALUE, "no unit grid");
  REPORT_REFUSED(e, SV001, "[\"C0101\"]", GRIDGOV_STATUS_INVALID_VALUE, "report");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C0101\",\"grid\":\"" GRID "\",\"colour\":\"red\"}",
                 GRIDGOV_STATUS_INVALID_VALUE, "colour");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C0101\",\"grid\":\"" GRID "\",\"source\":\"pigeon\"}",
                 GRIDGOV_STATUS_INVALID_VALUE, "pigeon");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C9999\",\"grid\":\"" GRID "\"}",
                 GRIDGOV_STATUS_UNKNOWN, "C9999");
  REPORT_REFUSED(e, SV001, "{\"category\":\"X1\",\"grid\":\"" GRID "\"}",
                 GRIDGOV_STATUS_INVALID_CODE, "X1");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C0101\",\"grid\":\"379901\"}",
                 GRIDGOV_STATUS_UNKNOWN, "379901");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C0101\",\"grid\":\"" GRID "\",\"urgency\":\"soon\"}",
                 GRIDGOV_STATUS_UNKNOWN, "soon");
  REPORT_REFUSED(e, SV002, "{\"category\":\"C0101\",\"grid\":\"" GRID "\"}",
                 GRIDGOV_STATUS_PERMISSION_DENIED, GRID);
  REPORT_REFUSED(e, DP01, "{\"category\":\"C0101\",\"grid\":\"" GRID "\"}",
                 GRIDGOV_STATUS_PERMISSION_DENIED, "dispatcher");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C0101\",", GRIDGOV_STATUS_PARSE, "report_json");
  REPORT_REFUSED(e, SV001, NULL, GRIDGOV_STATUS_NULL_POINTER, "report_json");
  REPORT_REFUSED(e, NULL, "{}", GRIDGOV_STATUS_NULL_POINTER, "actor_json");
  REPORT_REFUSED(e, SV001, "{\"category\":\"C0101\",\"grid\":\"\xff\"}",
                 GRIDGOV_STATUS_INVALID_UTF8, "report_json");
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0, "{\"category\":\"C0101\",\"grid\":\"" GRID "\"}",
                                     NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_report(NULL, SV001, T0, "{}", NULL), GRIDGOV_STATUS_NULL_POINTER);
  size_t cases = 9, events = 9;
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 0 && events == 0);
  CHECK_STATUS(gridgov_engine_len(e, NULL, &events), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_new(NULL, &e), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_new(m, NULL), GRIDGOV_STATUS_NULL_POINTER);
  /* a citizen may report anywhere */
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, CITIZEN, T0,
                                     "{\"category\":\"C0101\",\"grid\":\"37990200100101\","
                                     "\"source\":\"app\"}",
                                     &id),
               GRIDGOV_STATUS_OK);
  CHECK(id == 1);
  /* a point instead of a grid code: located on the model's boundaries */
  CHECK_STATUS(gridgov_engine_report(e, SV001, T0,
                                     "{\"category\":\"C0101\","
                                     "\"point\":{\"lon\":117.0489,\"lat\":36.7391}}",
                                     &id),
               GRIDGOV_STATUS_OK);
  CHECK(id == 2);
  char *json = case_json(e, id, T0);
  CHECK(has(json, "\"grid\":\"" GRID "\""));
  gridgov_string_free(json);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

static void test_export_and_replay(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t a = dispatched(e, T0);
  CHECK_STATUS(act(e, a, HW1, T0 + MIN, "{\"action\":\"request_postpone\",\"minutes\":120}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, a, DP01, T0 + 2 * MIN, "{\"action\":\"approve_postpone\"}"),
               GRIDGOV_STATUS_OK);
  uint64_t c = citizen_case_closed(e);
  CHECK_STATUS(act(e, c, CITIZEN, T0 + 2 * HOUR, "{\"action\":\"rate\",\"satisfaction\":4}"),
               GRIDGOV_STATUS_OK);

  /* Contact data stays out unless the viewer's role may see it. */
  char *plain = NULL, *full = NULL;
  size_t plain_len = 0, full_len = 0;
  CHECK_STATUS(gridgov_engine_events_json(e, NULL, &plain, &plain_len), GRIDGOV_STATUS_OK);
  CHECK(plain != NULL && strlen(plain) == plain_len && strstr(plain, PHONE) == NULL);
  CHECK(has(plain, "\"v\":1"));
  CHECK_STATUS(gridgov_engine_events_json(e, AC01, &full, &full_len), GRIDGOV_STATUS_OK);
  CHECK(has(full, "\"contact\":\"" PHONE "\""));
  char *other = NULL;
  CHECK_STATUS(gridgov_engine_events_json(e, SL01, &other, NULL), GRIDGOV_STATUS_OK);
  CHECK(has(other, PHONE));
  gridgov_string_free(other);
  other = NULL;
  CHECK_STATUS(gridgov_engine_events_json(e, MG01, &other, NULL), GRIDGOV_STATUS_OK);
  CHECK(has(other, PHONE));
  gridgov_string_free(other);
  other = (char *)&c;
  CHECK_STATUS(gridgov_engine_events_json(e, SV001, &other, NULL), GRIDGOV_STATUS_PERMISSION_DENIED);
  CHECK_ERROR_MENTIONS("contact");
  CHECK_STATUS(gridgov_engine_events_json(e, DP01, &other, NULL), GRIDGOV_STATUS_PERMISSION_DENIED);
  CHECK_STATUS(gridgov_engine_events_json(e, CITIZEN, &other, NULL),
               GRIDGOV_STATUS_PERMISSION_DENIED);
  CHECK_STATUS(gridgov_engine_events_json(e, "{\"worker\":\"nobody\"}", &other, NULL),
               GRIDGOV_STATUS_UNKNOWN);
  CHECK_STATUS(gridgov_engine_events_json(e, "{\"worker\"", &other, NULL), GRIDGOV_STATUS_PARSE);
  CHECK_STATUS(gridgov_engine_events_json(e, "\xff", &other, NULL), GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_STATUS(gridgov_engine_events_json(e, NULL, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(other == (char *)&c);
  char *json = case_json(e, c, T0 + 2 * HOUR);
  CHECK(json != NULL && strstr(json, PHONE) == NULL);
  CHECK(has(json, "\"satisfaction\":4") && has(json, "\"reporter\":{\"citizen\":\"c-1\"}"));
  gridgov_string_free(json);
  json = case_json(e, a, T0 + 2 * HOUR);
  CHECK(has(json, "\"postponed_minutes\":120") && has(json, "\"pending_postpone\":null"));
  gridgov_string_free(json);

  /* Replay: from the full export, and from the export without contact data. */
  size_t cases = 0, events = 0;
  CHECK_STATUS(gridgov_engine_len(e, &cases, &events), GRIDGOV_STATUS_OK);
  const char *exports[2] = {full, plain};
  const size_t lens[2] = {full_len, plain_len};
  for (int k = 0; k < 2; k++) {
    gridgov_engine *r = NULL;
    CHECK_STATUS(gridgov_engine_replay(m, exports[k], lens[k], &r), GRIDGOV_STATUS_OK);
    size_t rc = 0, re = 0;
    CHECK_STATUS(gridgov_engine_len(r, &rc, &re), GRIDGOV_STATUS_OK);
    CHECK(rc == cases && re == events);
    for (uint64_t id = 1; id <= cases; id++) {
      for (int64_t now = T0; now <= T0 + 40 * HOUR; now += 7 * HOUR) {
        char *x = case_json(e, id, now);
        char *y = case_json(r, id, now);
        CHECK(x && y && strcmp(x, y) == 0);
        gridgov_string_free(x);
        gridgov_string_free(y);
      }
    }
    char *again = NULL;
    CHECK_STATUS(gridgov_engine_events_json(r, k == 0 ? AC01 : NULL, &again, NULL),
                 GRIDGOV_STATUS_OK);
    CHECK(again && strcmp(again, exports[k]) == 0);
    gridgov_string_free(again);
    gridgov_engine_free(r);
  }

  /* Bad streams: nothing is created. */
  gridgov_engine *r = (gridgov_engine *)&c;
  CHECK_STATUS(gridgov_engine_replay(m, "not json\n", 9, &r), GRIDGOV_STATUS_PARSE);
  CHECK_ERROR_MENTIONS("line 1");
  const char *second = strchr(plain, '\n') + 1; /* the stream without its first event */
  /* the audit chain catches the missing first event before the replay would */
  CHECK_STATUS(gridgov_engine_replay(m, second, strlen(second), &r), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("line 1 (seq 2)");
  CHECK_STATUS(gridgov_engine_replay(m, "{\"v\":2}", 7, &r), GRIDGOV_STATUS_INVALID_VALUE);
  /* an escalation event names a known effect and nothing but its members (hand-written lines
     carry no hashes: the reader's own checks are tested through the unverified replay) */
  const char *shout =
      "{\"v\":1,\"seq\":1,\"case\":1,\"at\":0,\"actor\":\"system\",\"action\":\"escalate\","
      "\"rule\":0,\"name\":\"x\",\"effect\":\"shout\",\"firing\":1}\n";
  CHECK_STATUS(gridgov_engine_replay_unverified(m, shout, strlen(shout), &r),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("unknown effect \"shout\"");
  const char *extra =
      "{\"v\":1,\"seq\":1,\"case\":1,\"at\":0,\"actor\":\"system\",\"action\":\"escalate\","
      "\"rule\":0,\"name\":\"x\",\"effect\":\"warn\",\"firing\":1,\"extra\":1}\n";
  CHECK_STATUS(gridgov_engine_replay_unverified(m, extra, strlen(extra), &r),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("unknown field `extra`");
  CHECK_STATUS(gridgov_engine_replay(m, "\xff", 1, &r), GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_STATUS(gridgov_engine_replay(m, NULL, 5, &r), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_replay(NULL, plain, plain_len, &r), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_replay(m, plain, plain_len, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(r == (gridgov_engine *)&c);
  /* an empty stream is an empty engine */
  r = NULL;
  CHECK_STATUS(gridgov_engine_replay(m, NULL, 0, &r), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_len(r, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 0 && events == 0);
  gridgov_engine_free(r);

  gridgov_string_free(plain);
  gridgov_string_free(full);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

/* Reports an E0102 case (4 working hours) in the rules city and dispatches it at T0. */
static gridgov_engine *rules_engine(const gridgov_model *m) {
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  uint64_t id = 0;
  CHECK_STATUS(gridgov_engine_report(e, "{\"worker\":\"SV1\"}", T0,
                                     "{\"category\":\"E0102\",\"grid\":\"" GRID "\"}", &id),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"AC1\"}", T0, "{\"action\":\"accept\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"SL1\"}", T0, "{\"action\":\"file\"}"), GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"DP1\"}", T0, "{\"action\":\"dispatch\"}"), GRIDGOV_STATUS_OK);
  return e;
}

static void test_sweep(void) {
  /* A self-contained city with two escalation rules on the handling stage, so that the sweep
   * tests do not depend on the sample city's default rules. */
  size_t text_len = 0;
  char *rules_city = fixture("cities/rules.toml", &text_len);
  CHECK(rules_city != NULL);
  if (rules_city == NULL) return;
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(rules_city, text_len, GRIDGOV_FORMAT_TOML, &m),
               GRIDGOV_STATUS_OK);
  free(rules_city);
  if (m == NULL) return;
  /* Due 15:00; rule 0 (80 %) fires at 14:12, rule 1 (overdue) at 15:00, 16:00, 17:00. */
  gridgov_engine *a = rules_engine(m);
  char *json = case_json(a, 1, T_1412);
  CHECK(has(json, "\"deadline\":1762153200000") && has(json, "\"light\":\"yellow\""));
  gridgov_string_free(json);

  char *out = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_engine_sweep(a, T_1412 - MIN, &out, &len), GRIDGOV_STATUS_OK);
  CHECK(out && strcmp(out, "[]") == 0 && len == 2);
  gridgov_string_free(out);
  uint64_t ca[4] = {0, 0, 0, 0};
  uint32_t ru[4] = {9, 9, 9, 9};
  int64_t at[4] = {0, 0, 0, 0};
  size_t n = 99;
  CHECK_STATUS(gridgov_engine_sweep_arrays(a, T_1412 - MIN, ca, ru, at, 4, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 0 && ru[0] == 9);
  out = NULL;
  CHECK_STATUS(gridgov_engine_sweep(a, T_1412, &out, NULL), GRIDGOV_STATUS_OK);
  CHECK(count(out, "\"action\":\"escalate\"") == 1 && has(out, "\"rule\":0"));
  CHECK(has(out, "\"at\":1762150320000") && has(out, "\"effect\":\"warn\""));
  CHECK(has(out, "\"target\":\"yellow\"") && has(out, "\"actor\":\"system\""));
  CHECK(has(out, "\"firing\":1") && has(out, "\"name\":\"80 %\"") && has(out, "\"seq\":5"));
  gridgov_string_free(out);
  out = NULL;
  CHECK_STATUS(gridgov_engine_sweep(a, T_1412, &out, NULL), GRIDGOV_STATUS_OK); /* idempotent */
  CHECK(out && strcmp(out, "[]") == 0);
  gridgov_string_free(out);
  out = NULL;
  CHECK_STATUS(gridgov_engine_sweep(a, T_TUE_10, &out, NULL), GRIDGOV_STATUS_OK); /* late */
  CHECK(count(out, "\"action\":\"escalate\"") == 3 && count(out, "\"target\":\"A\"") == 3);
  CHECK(has(out, "\"at\":1762153200000") && has(out, "\"firing\":3"));
  gridgov_string_free(out);

  /* The typed fast path fires the same; capacity 2 < 4 fired: the first two are written,
   * out_n says 4, INSUFFICIENT_SIZE, and nothing is lost. */
  gridgov_engine *b = rules_engine(m);
  uint64_t cb[3] = {0, 0, 42};
  uint32_t rb[3] = {9, 9, 42};
  int64_t tb[3] = {0, 0, 42};
  n = 0;
  CHECK_STATUS(gridgov_engine_sweep_arrays(b, T_TUE_10, cb, rb, tb, 2, &n),
               GRIDGOV_STATUS_INSUFFICIENT_SIZE);
  CHECK_ERROR_MENTIONS("4 escalations");
  CHECK(n == 4);
  CHECK(cb[0] == 1 && rb[0] == 0 && tb[0] == T_1412);
  CHECK(cb[1] == 1 && rb[1] == 1 && tb[1] == T_1500);
  CHECK(cb[2] == 42 && rb[2] == 42 && tb[2] == 42);
  char *ea = snapshot(a), *eb = snapshot(b);
  CHECK(ea && eb && strcmp(ea, eb) == 0); /* the same events, in the same order */
  free(ea);
  free(eb);
  CHECK_STATUS(gridgov_engine_sweep_arrays(b, T_TUE_10, cb, rb, tb, 3, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 0);
  gridgov_engine_free(b);

  /* Capacity 0 with NULL arrays: everything fires and is counted. */
  gridgov_engine *c = rules_engine(m);
  n = 0;
  CHECK_STATUS(gridgov_engine_sweep_arrays(c, T_TUE_10, NULL, NULL, NULL, 0, &n),
               GRIDGOV_STATUS_INSUFFICIENT_SIZE);
  CHECK(n == 4);
  size_t cases = 0, events = 0;
  CHECK_STATUS(gridgov_engine_len(c, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 1 && events == 8);
  gridgov_engine_free(c);

  /* A replayed engine has the original's escalations queued (a replay queues them once, at
   * its end): both sweep the same firings. */
  gridgov_engine *o = rules_engine(m);
  char *lines = NULL;
  size_t lines_len = 0;
  CHECK_STATUS(gridgov_engine_events_json(o, NULL, &lines, &lines_len), GRIDGOV_STATUS_OK);
  gridgov_engine *replayed = NULL;
  CHECK_STATUS(gridgov_engine_replay(m, lines, lines_len, &replayed), GRIDGOV_STATUS_OK);
  gridgov_string_free(lines);
  char *fired_o = NULL, *fired_r = NULL;
  CHECK_STATUS(gridgov_engine_sweep(o, T_TUE_10, &fired_o, NULL), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_sweep(replayed, T_TUE_10, &fired_r, NULL), GRIDGOV_STATUS_OK);
  CHECK(count(fired_o, "\"action\":\"escalate\"") == 4);
  CHECK(fired_o && fired_r && strcmp(fired_o, fired_r) == 0);
  gridgov_string_free(fired_o);
  gridgov_string_free(fired_r);
  gridgov_engine_free(o);
  gridgov_engine_free(replayed);

  /* Bad arguments: nothing fires. */
  gridgov_engine *d = rules_engine(m);
  CHECK_STATUS(gridgov_engine_sweep_arrays(d, T_TUE_10, NULL, rb, tb, 2, &n),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("out_case");
  CHECK_STATUS(gridgov_engine_sweep_arrays(d, T_TUE_10, cb, rb, tb, 2, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_sweep_arrays(d, INT64_MIN, cb, rb, tb, 2, &n),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_engine_sweep_arrays(NULL, T_TUE_10, cb, rb, tb, 2, &n),
               GRIDGOV_STATUS_NULL_POINTER);
  out = (char *)&n;
  CHECK_STATUS(gridgov_engine_sweep(d, T_TUE_10, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_sweep(d, INT64_MIN, &out, NULL), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_engine_sweep(NULL, T_TUE_10, &out, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK(out == (char *)&n);
  CHECK_STATUS(gridgov_engine_len(d, &cases, &events), GRIDGOV_STATUS_OK);
  CHECK(cases == 1 && events == 4);
  gridgov_engine_free(d);

  /* A replayed engine has fired the same and fires nothing more. */
  char *events_a = NULL;
  size_t events_len = 0;
  CHECK_STATUS(gridgov_engine_events_json(a, NULL, &events_a, &events_len), GRIDGOV_STATUS_OK);
  gridgov_engine *r = NULL;
  CHECK_STATUS(gridgov_engine_replay(m, events_a, events_len, &r), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_sweep_arrays(r, T_TUE_10, cb, rb, tb, 3, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 0);
  gridgov_engine_free(r);
  gridgov_string_free(events_a);
  gridgov_engine_free(a);
  gridgov_model_free(m);

  /* The sample city ships default rules: a fresh engine has nothing to fire. */
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *s = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &s), GRIDGOV_STATUS_OK);
  out = NULL;
  CHECK_STATUS(gridgov_engine_sweep(s, T_TUE_10, &out, NULL), GRIDGOV_STATUS_OK);
  CHECK(out && strcmp(out, "[]") == 0);
  gridgov_string_free(out);
  gridgov_engine_free(s);
  gridgov_model_free(m);
}

static void test_status_names(void) {
  CHECK(strcmp(gridgov_status_name(GRIDGOV_STATUS_INVALID_TRANSITION),
               "GRIDGOV_STATUS_INVALID_TRANSITION") == 0);
  CHECK(strcmp(gridgov_status_name(GRIDGOV_STATUS_PERMISSION_DENIED),
               "GRIDGOV_STATUS_PERMISSION_DENIED") == 0);
  CHECK(GRIDGOV_STATUS_INVALID_TRANSITION == 109 && GRIDGOV_STATUS_PERMISSION_DENIED == 110);
}

int main(void) {
  test_main_path();
  test_bad_actions();
  test_bad_reports();
  test_export_and_replay();
  test_sweep();
  test_status_names();
  return finish("test_engine");
}
