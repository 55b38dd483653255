/* gridgov C ABI: performance scoring — the hand-computed case table of core/tests/score.rs
 * (areas, departments, posts), records round trip, merge of adjacent periods == the whole
 * (also through scorecard JSON), period comparison, an engine's records, and bad input typed
 * with nothing written.
 *
 * The score city and its cases are the shared fixtures tests/fixtures/score/{city.toml,cases.csv}
 * (see fixture() in check.h). */
#include <math.h>
#include <stdint.h>

#include "check.h"

#define MIN 60000LL
#define HOUR 3600000LL
/* +08:00 local midnights and times */
#define T_JAN_01 1767196800000LL      /* 2026-01-01 00:00 */
#define T_FEB_01 1769875200000LL      /* 2026-02-01 00:00 */
#define T_MAR_01 1772294400000LL      /* 2026-03-01 00:00 */
#define T_MAR_02_0930 1772415000000LL /* 2026-03-02 09:30 */
#define T_MAR_03 1772467200000LL      /* 2026-03-03 00:00 */
#define T_MAR_20 1773936000000LL      /* 2026-03-20 00:00 */
#define T_APR_01 1774972800000LL      /* 2026-04-01 00:00 */
#define T_APR_01_0830 1775003400000LL /* 2026-04-01 08:30, the latest instant of the table */
#define T_APR_02 1775059200000LL      /* 2026-04-02 00:00 */
#define T_APR_10 1775750400000LL      /* 2026-04-10 00:00 */
/* the sample city's engine */
#define T0 1762131600000LL            /* Monday 2025-11-03 09:00 */
#define T_NOV_01 1761926400000LL      /* 2025-11-01 00:00 */
#define T_DEC_01 1764518400000LL      /* 2025-12-01 00:00 */

#define G1 "37990100100101"
#define G2 "37990100100102"

/* ---- fixtures ------------------------------------------------------------------------- */

static gridgov_model *score_city(void) {
  char path[1024];
  fixture_path(path, sizeof path, "score/city.toml");
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_path(path, &m), GRIDGOV_STATUS_OK);
  return m;
}

static gridgov_records *score_cases(const gridgov_model *m) {
  size_t len = 0;
  char *csv = fixture("score/cases.csv", &len);
  CHECK(csv != NULL);
  gridgov_records *r = NULL;
  if (csv) CHECK_STATUS(gridgov_records_from_csv(m, csv, len, GRIDGOV_NO_TIME, &r), GRIDGOV_STATUS_OK);
  free(csv);
  return r;
}

/* ---- JSON helpers ---------------------------------------------------------------------- */

/* The row object of `id` in a table's JSON, as a new string (free it), or NULL. Rows hold
 * only numbers, strings and nulls, so the row is the braces around its "id". */
static char *row_of(const char *json, const char *id) {
  char needle[256];
  snprintf(needle, sizeof needle, "\"id\":\"%s\"", id);
  const char *at = json ? strstr(json, needle) : NULL;
  if (!at) return NULL;
  const char *open = at;
  while (open > json && *open != '{') open--;
  const char *close = strchr(at, '}');
  if (*open != '{' || !close) return NULL;
  size_t n = (size_t)(close - open + 1);
  char *row = malloc(n + 1);
  if (!row) return NULL;
  memcpy(row, open, n);
  row[n] = 0;
  return row;
}

/* Finds "key": in the row of `id`: 1 and the number in *out, 0 for null, -1 when absent. */
static int row_value(const char *json, const char *id, const char *key, double *out) {
  char *row = row_of(json, id);
  if (!row) return -1;
  char needle[256];
  snprintf(needle, sizeof needle, "\"%s\":", key);
  const char *at = strstr(row, needle);
  int result = -1;
  if (at) {
    at += strlen(needle);
    if (strncmp(at, "null", 4) == 0) {
      result = 0;
    } else {
      char *end = NULL;
      *out = strtod(at, &end);
      result = end != at ? 1 : -1;
    }
  }
  free(row);
  return result;
}

static void expect_value_(int line, const char *json, const char *id, const char *key,
                          double want) {
  double got = NAN;
  int found = row_value(json, id, key, &got);
  checks++;
  if (found != 1 || fabs(got - want) > 1e-9) {
    failures++;
    fprintf(stderr, "%s:%d: %s.%s = %s%g, expected %g\n", __FILE__, line, id, key,
            found == 1 ? "" : (found == 0 ? "null " : "absent "), got, want);
  }
}
#define EXPECT_VALUE(json, id, key, want) expect_value_(__LINE__, json, id, key, want)

static void expect_null_(int line, const char *json, const char *id, const char *key) {
  double got = NAN;
  int found = row_value(json, id, key, &got);
  checks++;
  if (found != 0) {
    failures++;
    fprintf(stderr, "%s:%d: %s.%s is %s%g, expected null\n", __FILE__, line, id, key,
            found == 1 ? "" : "absent ", got);
  }
}
#define EXPECT_NULL(json, id, key) expect_null_(__LINE__, json, id, key)

/* The row of `id` contains `text` (e.g. "\"grade\":\"C\""). */
static int row_has(const char *json, const char *id, const char *text) {
  char *row = row_of(json, id);
  int ok = row != NULL && strstr(row, text) != NULL;
  if (!ok) fprintf(stderr, "  %s not in the row of %s: %s\n", text, id, row ? row : "(none)");
  free(row);
  return ok;
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; p && (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

static char *table(const gridgov_scorecard *card, const char *name) {
  char *json = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_scorecard_table_json(card, name, &json, &len), GRIDGOV_STATUS_OK);
  CHECK(json == NULL || strlen(json) == len);
  return json;
}

static char *card_json(const gridgov_scorecard *card) {
  char *json = NULL;
  CHECK_STATUS(gridgov_scorecard_to_json(card, &json, NULL), GRIDGOV_STATUS_OK);
  return json;
}

static int same(const char *a, const char *b) { return a != NULL && b != NULL && strcmp(a, b) == 0; }

/* March 2026 as of 2026-04-10, as in core/tests/score.rs. */
static gridgov_scorecard *march(const gridgov_records *r) {
  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_APR_01, T_APR_10, &card), GRIDGOV_STATUS_OK);
  return card;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void test_records(void) {
  gridgov_model *m = score_city();
  gridgov_records *r = score_cases(m);
  gridgov_model_free(m); /* the records keep their own model */
  size_t n = 0;
  CHECK_STATUS(gridgov_records_len(r, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 8);
  int64_t as_of = 0;
  CHECK_STATUS(gridgov_records_as_of(r, &as_of), GRIDGOV_STATUS_OK);
  CHECK(as_of == T_APR_01_0830 + 1); /* one ms after case 8's verification */

  /* CSV round trip: every schema column, read back to equal records. */
  char *csv = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_records_to_csv(r, &csv, &len), GRIDGOV_STATUS_OK);
  CHECK(csv != NULL && strlen(csv) == len);
  CHECK(csv != NULL && strncmp(csv, "schema_version,id,", 18) == 0 &&
        strstr(csv, "handle_deadline") != NULL);
  CHECK(csv != NULL && strstr(csv, "2026-03-02T00:10:00.000Z") != NULL); /* 08:10 +08:00 */
  m = score_city();
  gridgov_records *again = NULL;
  CHECK_STATUS(gridgov_records_from_csv(m, csv, len, as_of, &again), GRIDGOV_STATUS_OK);
  char *csv2 = NULL;
  CHECK_STATUS(gridgov_records_to_csv(again, &csv2, NULL), GRIDGOV_STATUS_OK);
  CHECK(same(csv, csv2));
  int64_t as_of2 = 0;
  CHECK_STATUS(gridgov_records_as_of(again, &as_of2), GRIDGOV_STATUS_OK);
  CHECK(as_of2 == as_of);
  /* An explicit as_of is kept. */
  gridgov_records *explicit_ = NULL;
  CHECK_STATUS(gridgov_records_from_csv(m, csv, len, T_APR_10, &explicit_), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_records_as_of(explicit_, &as_of2), GRIDGOV_STATUS_OK);
  CHECK(as_of2 == T_APR_10);
  gridgov_records_free(explicit_);
  gridgov_string_free(csv);
  gridgov_string_free(csv2);
  gridgov_records_free(again);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

static void test_areas_by_hand(void) {
  gridgov_model *m = score_city();
  gridgov_records *r = score_cases(m);
  gridgov_scorecard *card = march(r);
  gridgov_records_free(r); /* the card keeps what it needs */
  gridgov_model_free(m);

  int64_t start = 0, end = 0, as_of = 0;
  CHECK_STATUS(gridgov_scorecard_period(card, &start, &end, &as_of), GRIDGOV_STATUS_OK);
  CHECK(start == T_MAR_01 && end == T_APR_01 && as_of == T_APR_10);

  char *grids = table(card, "areas:grid");
  CHECK(grids != NULL && strstr(grids, "\"subject\":\"area\"") != NULL);
  CHECK(grids != NULL && strstr(grids, "\"level\":\"grid\"") != NULL);
  CHECK(count(grids, "\"id\":") == 2);
  EXPECT_VALUE(grids, G1, "reported", 3);
  EXPECT_VALUE(grids, G1, "public_reported", 1);
  EXPECT_VALUE(grids, G1, "filed", 2);
  EXPECT_VALUE(grids, G1, "closed", 2);
  EXPECT_VALUE(grids, G1, "closed_on_time", 1);
  EXPECT_VALUE(grids, G1, "public_share", 0.5);
  EXPECT_VALUE(grids, G1, "on_time_closure_rate", 0.5);
  EXPECT_VALUE(grids, G1, "cases_per_10k", 30);
  EXPECT_VALUE(grids, G1, "filed_per_grid_month", 2.0 / (31.0 / 30.0));
  EXPECT_VALUE(grids, G1, "mean_response_hours", 50.0 / 60.0);
  EXPECT_VALUE(grids, G1, "mean_handle_hours", 260.0 / 60.0);
  EXPECT_VALUE(grids, G1, "score", 73.0);
  CHECK(row_has(grids, G1, "\"grade\":\"C\""));
  CHECK(row_has(grids, G1, "\"name\":\"Grid 1\""));
  EXPECT_NULL(grids, G1, "rank"); /* a sample of 2 is below the minimum of 5 */
  EXPECT_VALUE(grids, G1, "sample", 2);
  EXPECT_VALUE(grids, G2, "reported", 4);
  EXPECT_VALUE(grids, G2, "filed", 1);
  EXPECT_NULL(grids, G2, "satisfaction_rate");
  EXPECT_NULL(grids, G2, "mean_handle_hours");
  EXPECT_VALUE(grids, G2, "score", 28.0);
  CHECK(row_has(grids, G2, "\"grade\":\"E\""));

  char *community = table(card, "areas:community");
  EXPECT_VALUE(community, "379901001001", "reported", 7);
  EXPECT_VALUE(community, "379901001001", "closure_rate", 2.0 / 3.0);
  EXPECT_NULL(community, "379901001001", "cases_per_10k");
  EXPECT_VALUE(community, "379901001001", "score", 58.0);
  char *city = table(card, "areas:city");
  EXPECT_VALUE(city, "379900", "reported", 7);
  gridgov_string_free(grids);
  gridgov_string_free(community);
  gridgov_string_free(city);
  gridgov_scorecard_free(card);
}

static void test_departments_and_posts_by_hand(void) {
  gridgov_model *m = score_city();
  gridgov_records *r = score_cases(m);
  gridgov_scorecard *card = march(r);

  char *dept = table(card, "departments");
  CHECK(dept != NULL && strstr(dept, "\"level\":null") != NULL);
  CHECK(count(dept, "\"id\":") == 2); /* A and B: nothing was dispatched to the centre */
  char *cmd = row_of(dept, "CMD");
  CHECK(cmd == NULL);
  free(cmd);
  EXPECT_VALUE(dept, "A", "due", 3);
  EXPECT_VALUE(dept, "A", "handled", 3);
  EXPECT_VALUE(dept, "A", "handled_on_time", 2);
  EXPECT_VALUE(dept, "A", "overdue_handled", 1);
  EXPECT_VALUE(dept, "A", "rework_rate", 1.0 / 3.0);
  EXPECT_VALUE(dept, "A", "mean_handle_hours", 580.0 / 3.0 / 60.0);
  EXPECT_VALUE(dept, "A", "median_handle_hours", 2.0);
  EXPECT_VALUE(dept, "A", "score", 250.0 / 3.0);
  EXPECT_VALUE(dept, "B", "due", 1);
  EXPECT_VALUE(dept, "B", "overdue_unhandled", 1);
  EXPECT_VALUE(dept, "B", "postponement_rate", 1);
  EXPECT_NULL(dept, "B", "median_handle_hours");
  EXPECT_NULL(dept, "B", "rework_rate");
  EXPECT_VALUE(dept, "B", "score", 0);
  CHECK(row_has(dept, "B", "\"grade\":\"E\""));

  char *sup = table(card, "posts:supervisor");
  CHECK(sup != NULL && strstr(sup, "\"subject\":\"supervisor\"") != NULL);
  EXPECT_VALUE(sup, "S1", "reports", 2);
  EXPECT_VALUE(sup, "S1", "filed_in_grids", 2);
  EXPECT_VALUE(sup, "S1", "missed", 1);
  /* every check counts (issue 12, item 12): case 2's failed check (rework 1) besides the two
   * passed ones; 40 + 10 + 20 + 20 x 1/3 */
  EXPECT_VALUE(sup, "S1", "check_due", 3);
  EXPECT_VALUE(sup, "S1", "failed_checks", 1);
  EXPECT_VALUE(sup, "S1", "score", 70 + 20.0 / 3.0);
  EXPECT_VALUE(sup, "S2", "valid_reports", 1);
  EXPECT_NULL(sup, "S2", "check_on_time_rate");
  /* verification tasks count when issued: case 8's (accepted March 31, verified on time on
   * April 1) is March's (issue 12, item 12b) */
  EXPECT_VALUE(sup, "S2", "verify_due", 2);
  EXPECT_VALUE(sup, "S2", "verified", 2);
  EXPECT_VALUE(sup, "S2", "score", 62.5);
  char *acc = table(card, "posts:acceptor");
  EXPECT_VALUE(acc, "AC1", "accepted", 6);
  EXPECT_VALUE(acc, "AC1", "accepted_on_time", 5);
  EXPECT_VALUE(acc, "AC1", "score", 62.5);
  char *sl = table(card, "posts:shift_leader");
  EXPECT_VALUE(sl, "SL1", "filing_decisions", 4);
  EXPECT_VALUE(sl, "SL1", "voided", 1);
  EXPECT_VALUE(sl, "SL1", "filing_accuracy_rate", 0.75);
  EXPECT_VALUE(sl, "SL1", "score", 235.0 / 3.0);
  char *disp = table(card, "posts:dispatcher");
  EXPECT_VALUE(disp, "D1", "dispatched", 4);
  EXPECT_VALUE(disp, "D1", "dispatched_on_time", 2);
  EXPECT_VALUE(disp, "D1", "returned", 1);
  EXPECT_VALUE(disp, "D1", "dispatch_accuracy_rate", 0.75);
  EXPECT_VALUE(disp, "D1", "score", 50);

  /* The default as_of is the records' own: as of 2026-04-01 08:30:00.001 case 5 (B) is
   * overdue too, and nothing differs for A. */
  gridgov_scorecard *own = NULL;
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_APR_01, GRIDGOV_NO_TIME, &own), GRIDGOV_STATUS_OK);
  int64_t start = 0, end = 0, as_of = 0, rec_as_of = 0;
  CHECK_STATUS(gridgov_scorecard_period(own, &start, &end, &as_of), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_records_as_of(r, &rec_as_of), GRIDGOV_STATUS_OK);
  CHECK(as_of == rec_as_of);
  /* As of 2026-03-03 00:00, case 2 was dispatched but not yet handled. */
  gridgov_scorecard *early = NULL;
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_APR_01, T_MAR_03, &early), GRIDGOV_STATUS_OK);
  char *dept_early = table(early, "departments");
  EXPECT_VALUE(dept_early, "A", "handled", 2);
  EXPECT_VALUE(dept_early, "A", "overdue_unhandled", 1);

  gridgov_string_free(dept);
  gridgov_string_free(dept_early);
  gridgov_string_free(sup);
  gridgov_string_free(acc);
  gridgov_string_free(sl);
  gridgov_string_free(disp);
  gridgov_scorecard_free(own);
  gridgov_scorecard_free(early);
  gridgov_scorecard_free(card);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

static void test_merge_equals_whole(void) {
  gridgov_model *m = score_city();
  gridgov_records *r = score_cases(m);
  const int64_t cut[5] = {T_FEB_01, T_MAR_02_0930, T_MAR_03, T_MAR_20, T_APR_02};
  gridgov_scorecard *whole = NULL;
  CHECK_STATUS(gridgov_score(r, cut[0], cut[4], T_APR_10, &whole), GRIDGOV_STATUS_OK);
  gridgov_scorecard *merged = NULL;
  CHECK_STATUS(gridgov_score(r, cut[0], cut[1], T_APR_10, &merged), GRIDGOV_STATUS_OK);
  for (int i = 1; i < 4; i++) {
    gridgov_scorecard *part = NULL, *next = NULL;
    CHECK_STATUS(gridgov_score(r, cut[i], cut[i + 1], T_APR_10, &part), GRIDGOV_STATUS_OK);
    /* alternate the order: a later card merged with an earlier one works too */
    if (i % 2) {
      CHECK_STATUS(gridgov_scorecard_merge(merged, part, &next), GRIDGOV_STATUS_OK);
    } else {
      CHECK_STATUS(gridgov_scorecard_merge(part, merged, &next), GRIDGOV_STATUS_OK);
    }
    gridgov_scorecard_free(part);
    gridgov_scorecard_free(merged);
    merged = next;
  }
  int64_t start = 0, end = 0, as_of = 0;
  CHECK_STATUS(gridgov_scorecard_period(merged, &start, &end, &as_of), GRIDGOV_STATUS_OK);
  CHECK(start == cut[0] && end == cut[4] && as_of == T_APR_10);
  char *jw = card_json(whole), *jm = card_json(merged);
  CHECK(same(jw, jm));
  CHECK(jw != NULL && strstr(jw, "\"format\":\"gridgov-scorecard/3\"") != NULL);
  const char *names[] = {"areas:grid", "areas:street", "areas:city", "departments",
                         "posts:supervisor", "posts:acceptor", "posts:shift_leader",
                         "posts:dispatcher"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *tw = table(whole, names[i]), *tm = table(merged, names[i]);
    CHECK(same(tw, tm));
    if (!same(tw, tm)) fprintf(stderr, "  table %s differs\n", names[i]);
    gridgov_string_free(tw);
    gridgov_string_free(tm);
  }

  /* Through JSON, as between machines: read back against another copy of the model. */
  gridgov_model *m2 = score_city();
  gridgov_scorecard *back = NULL;
  CHECK_STATUS(gridgov_scorecard_from_json(m2, jm, jm ? strlen(jm) : 0, &back), GRIDGOV_STATUS_OK);
  char *jb = card_json(back);
  CHECK(same(jb, jw));
  /* A card read back merges with a computed one. */
  gridgov_scorecard *apr = NULL, *to_apr = NULL;
  CHECK_STATUS(gridgov_score(r, cut[4], cut[4] + 24 * HOUR, T_APR_10, &apr), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_scorecard_merge(back, apr, &to_apr), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_scorecard_period(to_apr, &start, &end, &as_of), GRIDGOV_STATUS_OK);
  CHECK(start == cut[0] && end == cut[4] + 24 * HOUR);

  /* A gap, or a different as_of: refused, nothing written. */
  gridgov_scorecard *a = NULL, *c = NULL, *d = NULL;
  CHECK_STATUS(gridgov_score(r, cut[0], cut[1], T_APR_10, &a), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_score(r, cut[2], cut[3], T_APR_10, &c), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_score(r, cut[1], cut[2], GRIDGOV_NO_TIME, &d), GRIDGOV_STATUS_OK);
  gridgov_scorecard *untouched = (gridgov_scorecard *)0x1;
  CHECK_STATUS(gridgov_scorecard_merge(a, c, &untouched), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("other.period");
  CHECK(untouched == (gridgov_scorecard *)0x1);
  CHECK_STATUS(gridgov_scorecard_merge(a, d, &untouched), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("other.as_of");
  CHECK(untouched == (gridgov_scorecard *)0x1);

  gridgov_string_free(jw);
  gridgov_string_free(jm);
  gridgov_string_free(jb);
  gridgov_scorecard_free(whole);
  gridgov_scorecard_free(merged);
  gridgov_scorecard_free(back);
  gridgov_scorecard_free(apr);
  gridgov_scorecard_free(to_apr);
  gridgov_scorecard_free(a);
  gridgov_scorecard_free(c);
  gridgov_scorecard_free(d);
  gridgov_records_free(r);
  gridgov_model_free(m);
  gridgov_model_free(m2);
}

/* Records, engines and cards made from one model handle share that model (reference-counted,
 * not copied): the handle may be freed first, and their cards merge. Run under ASan and
 * valgrind, this also shows the last owner releases the model. */
static void test_handles_share_the_model(void) {
  gridgov_model *m = score_city();
  gridgov_records *r1 = score_cases(m), *r2 = score_cases(m);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);
  gridgov_scorecard *whole = NULL;
  CHECK_STATUS(gridgov_score(r1, T_FEB_01, T_APR_02, T_APR_10, &whole), GRIDGOV_STATUS_OK);
  char *jw = card_json(whole);
  gridgov_scorecard *read_back = NULL;
  CHECK_STATUS(gridgov_scorecard_from_json(m, jw, jw ? strlen(jw) : 0, &read_back),
               GRIDGOV_STATUS_OK);
  gridgov_model_free(m); /* every handle above keeps the model alive */

  /* Two record sets of one model: adjacent periods merge to the whole. */
  gridgov_scorecard *early = NULL, *late = NULL, *merged = NULL;
  CHECK_STATUS(gridgov_score(r1, T_FEB_01, T_MAR_20, T_APR_10, &early), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_score(r2, T_MAR_20, T_APR_02, T_APR_10, &late), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_scorecard_merge(early, late, &merged), GRIDGOV_STATUS_OK);
  char *jm = card_json(merged), *jb = card_json(read_back);
  CHECK(same(jm, jw));
  CHECK(same(jb, jw));

  /* The engine's (empty) records are of the same model: its card merges with the others. */
  gridgov_records *er = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &er), GRIDGOV_STATUS_OK);
  gridgov_scorecard *before = NULL, *all = NULL;
  CHECK_STATUS(gridgov_score(er, T_JAN_01, T_FEB_01, T_APR_10, &before),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_scorecard_merge(before, merged, &all), GRIDGOV_STATUS_OK);
  int64_t start = 0, end = 0, as_of = 0;
  CHECK_STATUS(gridgov_scorecard_period(all, &start, &end, &as_of), GRIDGOV_STATUS_OK);
  CHECK(start == T_JAN_01 && end == T_APR_02 && as_of == T_APR_10);

  gridgov_string_free(jw);
  gridgov_string_free(jm);
  gridgov_string_free(jb);
  gridgov_scorecard_free(all);
  gridgov_scorecard_free(before);
  gridgov_records_free(er);
  gridgov_engine_free(e);
  gridgov_scorecard_free(merged);
  gridgov_scorecard_free(late);
  gridgov_scorecard_free(early);
  gridgov_scorecard_free(read_back);
  gridgov_scorecard_free(whole);
  gridgov_records_free(r2);
  gridgov_records_free(r1);
}

static void test_compare(void) {
  gridgov_model *m = score_city();
  gridgov_records *r = score_cases(m);
  gridgov_scorecard *feb = NULL, *mar = march(r);
  CHECK_STATUS(gridgov_score(r, T_FEB_01, T_MAR_01, T_APR_10, &feb), GRIDGOV_STATUS_OK);

  char *grid = NULL;
  size_t len = 0;
  CHECK_STATUS(gridgov_compare_json(feb, mar, "grid", &grid, &len), GRIDGOV_STATUS_OK);
  CHECK(grid != NULL && strlen(grid) == len && grid[0] == '[');
  CHECK(count(grid, "\"indicator\":") == 8); /* 2 grids x 4 indicators */
  CHECK(count(grid, "\"area\":\"" G1 "\"") == 4);
  CHECK(count(grid, "\"area\":\"" G2 "\"") == 4);
  CHECK(count(grid, "\"indicator\":\"mean_response_hours\"") == 2);
  CHECK(count(grid, "\"indicator\":\"mean_handle_hours\"") == 2);
  CHECK(count(grid, "\"indicator\":\"on_time_closure_rate\"") == 2);
  CHECK(count(grid, "\"indicator\":\"satisfaction_rate\"") == 2);
  CHECK(count(grid, "\"change_pct\":") == 8);
  /* Grid 1 filed case 7 in February, not closed (rate 0); March's rate is 0.5: +50 points,
   * no percentage of a zero. */
  CHECK(grid != NULL &&
        strstr(grid, "{\"area\":\"" G1 "\",\"name\":\"Grid 1\",\"level\":\"grid\","
                     "\"indicator\":\"on_time_closure_rate\",\"before\":0.0,\"after\":0.5,"
                     "\"change\":50.0,\"unit\":\"points\",\"change_pct\":null}") != NULL);

  /* Every level, top first: city, district, street, community and two grids. */
  char *all = NULL;
  CHECK_STATUS(gridgov_compare_json(feb, mar, NULL, &all, NULL), GRIDGOV_STATUS_OK);
  CHECK(count(all, "\"indicator\":") == 24);
  const char *areas[] = {"379900", "379901", "379901001", "379901001001", G1, G2};
  for (size_t i = 0; i < sizeof areas / sizeof *areas; i++) {
    char needle[64];
    snprintf(needle, sizeof needle, "\"area\":\"%s\"", areas[i]);
    CHECK(count(all, needle) == 4);
  }
  CHECK(all != NULL && strstr(all, "\"level\":\"city\"") < strstr(all, "\"level\":\"grid\""));

  /* A card compared with itself changes nothing. */
  char *self = NULL;
  CHECK_STATUS(gridgov_compare_json(mar, mar, "city", &self, NULL), GRIDGOV_STATUS_OK);
  CHECK(count(self, "\"indicator\":") == 4);
  CHECK(count(self, "\"change\":0.0") + count(self, "\"change\":null") == 4);

  /* An unknown level. */
  char *untouched = (char *)0x1;
  CHECK_STATUS(gridgov_compare_json(feb, mar, "ward", &untouched, NULL), GRIDGOV_STATUS_UNKNOWN);
  CHECK_ERROR_MENTIONS("ward");
  CHECK(untouched == (char *)0x1);

  gridgov_string_free(grid);
  gridgov_string_free(all);
  gridgov_string_free(self);
  gridgov_scorecard_free(feb);
  gridgov_scorecard_free(mar);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

/* Applies an action and discards the event. */
static gridgov_status act(gridgov_engine *e, uint64_t id, const char *actor, int64_t at,
                          const char *action) {
  char *event = NULL;
  gridgov_status st = gridgov_engine_act(e, id, actor, at, action, &event, NULL);
  gridgov_string_free(event);
  return st;
}

static void test_engine_records(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_new(m, &e), GRIDGOV_STATUS_OK);

  /* An empty engine has no records. */
  gridgov_records *r = NULL;
  size_t n = 99;
  CHECK_STATUS(gridgov_engine_records(e, &r), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_records_len(r, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 0);
  gridgov_records_free(r);
  r = NULL;

  /* A supervisor's case through to closing, and a second one left dispatched. */
  uint64_t id = 0, id2 = 0;
  CHECK_STATUS(gridgov_engine_report(e, "{\"worker\":\"SV001\"}", T0,
                                     "{\"category\":\"C0101\",\"grid\":\"" G1 "\"}", &id),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"AC01\"}", T0 + MIN, "{\"action\":\"accept\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"SL01\"}", T0 + 2 * MIN, "{\"action\":\"file\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"DP01\"}", T0 + 3 * MIN, "{\"action\":\"dispatch\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"H-WATER-1\"}", T0 + 60 * MIN,
                   "{\"action\":\"handle\",\"result\":\"fixed\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"SV001\"}", T0 + 70 * MIN,
                   "{\"action\":\"check\",\"passed\":true}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id, "{\"worker\":\"SL01\"}", T0 + 75 * MIN,
                   "{\"action\":\"close\",\"reason\":\"fixed\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_report(e, "{\"worker\":\"SV001\"}", T0 + 80 * MIN,
                                     "{\"category\":\"C0101\",\"grid\":\"" G1 "\"}", &id2),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id2, "{\"worker\":\"AC01\"}", T0 + 81 * MIN, "{\"action\":\"accept\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id2, "{\"worker\":\"SL01\"}", T0 + 82 * MIN, "{\"action\":\"file\"}"),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(act(e, id2, "{\"worker\":\"DP01\"}", T0 + 83 * MIN, "{\"action\":\"dispatch\"}"),
               GRIDGOV_STATUS_OK);

  CHECK_STATUS(gridgov_engine_records(e, &r), GRIDGOV_STATUS_OK);
  gridgov_engine_free(e); /* the records outlive the engine */
  gridgov_model_free(m);
  CHECK_STATUS(gridgov_records_len(r, &n), GRIDGOV_STATUS_OK);
  CHECK(n == 2);
  int64_t as_of = 0;
  CHECK_STATUS(gridgov_records_as_of(r, &as_of), GRIDGOV_STATUS_OK);
  CHECK(as_of == T0 + 83 * MIN + 1);
  char *csv = NULL;
  CHECK_STATUS(gridgov_records_to_csv(r, &csv, NULL), GRIDGOV_STATUS_OK);
  CHECK(csv != NULL && strstr(csv, "SV001") != NULL && strstr(csv, "WATER") != NULL);

  gridgov_scorecard *card = NULL;
  CHECK_STATUS(gridgov_score(r, T_NOV_01, T_DEC_01, GRIDGOV_NO_TIME, &card), GRIDGOV_STATUS_OK);
  char *disp = table(card, "posts:dispatcher");
  EXPECT_VALUE(disp, "DP01", "dispatched", 2);
  EXPECT_VALUE(disp, "DP01", "dispatched_on_time", 2);
  char *dept = table(card, "departments");
  /* 应处置数 = handled + overdue unhandled: the second case is within its limit, not yet due. */
  EXPECT_VALUE(dept, "WATER", "due", 1);
  EXPECT_VALUE(dept, "WATER", "handled", 1);
  EXPECT_VALUE(dept, "WATER", "handled_on_time", 1);
  EXPECT_VALUE(dept, "WATER", "overdue_unhandled", 0);
  char *grids = table(card, "areas:grid");
  EXPECT_VALUE(grids, G1, "reported", 2);
  EXPECT_VALUE(grids, G1, "filed", 2);
  EXPECT_VALUE(grids, G1, "closed_on_time", 1);
  /* 应结案数: the closed case; the second is within its limit, not yet due to close. */
  EXPECT_VALUE(grids, G1, "due_to_close", 1);
  EXPECT_VALUE(grids, G1, "closure_rate", 1.0);
  char *sup = table(card, "posts:supervisor");
  EXPECT_VALUE(sup, "SV001", "reports", 2);
  EXPECT_VALUE(sup, "SV001", "check_due", 1);

  gridgov_string_free(csv);
  gridgov_string_free(disp);
  gridgov_string_free(dept);
  gridgov_string_free(grids);
  gridgov_string_free(sup);
  gridgov_scorecard_free(card);
  gridgov_records_free(r);
}

/* Instants as exports write them: the same reports in four text forms, one records table. */
static void test_instants_as_exports_write_them(void) {
  gridgov_model *m = score_city();
  const char *forms[] = {
      "id,grid,reported_at,accepted_at\n1," G1 ",2026-03-02 08:10,2026-03-02 08:12:30\n",
      "id,grid,reported_at,accepted_at\n1," G1 ",2026/3/2 8:10,2026/03/02 08:12:30\n",
      "id,grid,reported_at,accepted_at\n1," G1 ",2026-03-02T00:10:00Z,2026-03-02 00:12:30Z\n",
      "id,grid,reported_at,accepted_at\n1," G1 ",2026-03-02 09:10+0900,2026-03-02T08:12:30+08:00\n",
  };
  char *want = NULL;
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    gridgov_records *r = NULL;
    CHECK_STATUS(gridgov_records_from_csv(m, forms[i], strlen(forms[i]), GRIDGOV_NO_TIME, &r),
                 GRIDGOV_STATUS_OK);
    char *csv = NULL;
    CHECK_STATUS(gridgov_records_to_csv(r, &csv, NULL), GRIDGOV_STATUS_OK);
    CHECK(csv != NULL && strstr(csv, "2026-03-02T00:10:00.000Z,2026-03-02T00:12:30.000Z") != NULL);
    if (want == NULL) {
      want = csv;
    } else {
      CHECK(same(want, csv));
      gridgov_string_free(csv);
    }
    gridgov_records_free(r);
  }
  gridgov_string_free(want);
  gridgov_records *untouched = (gridgov_records *)0x1;
  const char *bad = "id,grid,reported_at\n1," G1 ",2026-03-02 08:10 CST\n";
  CHECK_STATUS(gridgov_records_from_csv(m, bad, strlen(bad), GRIDGOV_NO_TIME, &untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK(untouched == (gridgov_records *)0x1);
  CHECK_ERROR_MENTIONS("records[0].reported_at");
  CHECK_ERROR_MENTIONS("2026-03-02 08:10 CST");
  gridgov_model_free(m);
}

/* A Chinese centre's export: GB18030 bytes are named as such; its labels (已结案, 12345热线,
 * 是/否, 紧急) read as the English ids. */
static void test_chinese_exports(void) {
  gridgov_model *m = score_city();
  size_t len = 0;
  char *gbk = fixture("score/cases_gbk.csv", &len);
  CHECK(gbk != NULL);
  gridgov_records *untouched = (gridgov_records *)0x1;
  if (gbk != NULL) {
    CHECK_STATUS(gridgov_records_from_csv(m, gbk, len, GRIDGOV_NO_TIME, &untouched),
                 GRIDGOV_STATUS_INVALID_UTF8);
    CHECK(untouched == (gridgov_records *)0x1);
    CHECK_ERROR_MENTIONS("GB18030");
    free(gbk);
  }
  const char *english =
      "id,grid,category,urgency,source,state,reported_at,accepted_at,self_handled\n"
      "1," G1 ",C0101,urgent,hotline,accepted,2026-03-02 08:10,2026-03-02 08:12,false\n"
      "2," G1 ",C0101,normal,supervisor,reported,2026-03-02 09:10,,true\n";
  const char *chinese =
      "id,grid,category,urgency,source,state,reported_at,accepted_at,self_handled\n"
      "1," G1 ",C0101,紧急,12345热线,已受理,2026/3/2 8:10,2026-03-02 08:12,否\n"
      "2," G1 ",C0101,一般,监督员上报,待受理,2026-03-02 09:10,,是\n";
  gridgov_records *a = NULL, *b = NULL;
  CHECK_STATUS(gridgov_records_from_csv(m, english, strlen(english), GRIDGOV_NO_TIME, &a),
               GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_records_from_csv(m, chinese, strlen(chinese), GRIDGOV_NO_TIME, &b),
               GRIDGOV_STATUS_OK);
  char *ca = NULL, *cb = NULL;
  CHECK_STATUS(gridgov_records_to_csv(a, &ca, NULL), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_records_to_csv(b, &cb, NULL), GRIDGOV_STATUS_OK);
  CHECK(same(ca, cb));
  char *columns = NULL;
  CHECK_STATUS(gridgov_score_column_labels_json(&columns, NULL), GRIDGOV_STATUS_OK);
  CHECK(columns != NULL && strstr(columns, "\"on_time_closure_rate\":\"按期结案率\"") != NULL);
  gridgov_string_free(columns);
  CHECK_STATUS(gridgov_score_column_labels_json(NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  char *labels = NULL;
  CHECK_STATUS(gridgov_model_record_labels_json(m, &labels, NULL), GRIDGOV_STATUS_OK);
  CHECK(labels != NULL && strstr(labels, "\"已结案\":\"closed\"") != NULL);
  CHECK(labels != NULL && strstr(labels, "\"是\":true") != NULL);
  gridgov_string_free(labels);
  CHECK_STATUS(gridgov_model_record_labels_json(NULL, &labels, NULL), GRIDGOV_STATUS_NULL_POINTER);
  const char *twice = "id,grid,reported_at\n7," G1 ",2026-03-02 08:10\n7," G1 ",2026-03-02 08:10\n";
  CHECK_STATUS(gridgov_records_from_csv(m, twice, strlen(twice), GRIDGOV_NO_TIME, &untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[1].id");
  CHECK_ERROR_MENTIONS("duplicates the case id of records[0]");
  const char *unknown = "id,grid,state,reported_at\n1," G1 ",办完了,2026-03-02 08:10\n";
  CHECK_STATUS(gridgov_records_from_csv(m, unknown, strlen(unknown), GRIDGOV_NO_TIME, &untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[0].state");
  CHECK_ERROR_MENTIONS("办完了");
  gridgov_string_free(ca);
  gridgov_string_free(cb);
  gridgov_records_free(a);
  gridgov_records_free(b);
  gridgov_model_free(m);
}

static void test_bad_input(void) {
  gridgov_model *m = score_city();
  gridgov_records *r = score_cases(m);
  gridgov_scorecard *card = march(r);
  gridgov_records *r_untouched = (gridgov_records *)0x1;
  gridgov_scorecard *c_untouched = (gridgov_scorecard *)0x1;
  char *s_untouched = (char *)0x1;
  size_t n_untouched = 7;
  int64_t t_untouched = 7;

  /* Bad records, named by row and column. */
  const char *bad =
      "id,grid,reported_at,accepted_at,filed_at\n"
      "1," G1 ",2026-03-02 08:00,2026-03-02 08:05,2026-03-02 08:01\n";
  CHECK_STATUS(gridgov_records_from_csv(m, bad, strlen(bad), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[0].filed_at");
  CHECK_ERROR_MENTIONS("earlier than accepted_at");
  CHECK_ERROR_MENTIONS("(case 1)"); /* the case id beside the row */
  const char *unknown_grid = "id,grid,reported_at\n1,37990100100199,2026-03-02 08:00\n";
  CHECK_STATUS(gridgov_records_from_csv(m, unknown_grid, strlen(unknown_grid), GRIDGOV_NO_TIME,
                                        &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[0].grid");
  const char *no_grid = "id,reported_at\n1,2026-03-02 08:00\n";
  CHECK_STATUS(gridgov_records_from_csv(m, no_grid, strlen(no_grid), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records.grid");
  /* Empty text (NULL is accepted for length 0) has no header. */
  CHECK_STATUS(gridgov_records_from_csv(m, NULL, 0, GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("csv");
  const char bad_utf8[] = "id,grid,reported_at\n1,\xff,2026-03-02\n";
  CHECK_STATUS(gridgov_records_from_csv(m, bad_utf8, sizeof bad_utf8 - 1, GRIDGOV_NO_TIME,
                                        &r_untouched),
               GRIDGOV_STATUS_INVALID_UTF8);
  CHECK_ERROR_MENTIONS("csv");
  CHECK(r_untouched == (gridgov_records *)0x1);

  /* Reversed, empty and NaT periods; a NaT as_of is the default, not an error. */
  CHECK_STATUS(gridgov_score(r, T_APR_01, T_MAR_01, T_APR_10, &c_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("end");
  CHECK_ERROR_MENTIONS("is not after start");
  CHECK_ERROR_MENTIONS("(UTC+8)"); /* in local time, not epoch milliseconds */
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_MAR_01, T_APR_10, &c_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_score(r, GRIDGOV_NO_TIME, T_APR_01, T_APR_10, &c_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("period");
  CHECK(c_untouched == (gridgov_scorecard *)0x1);

  /* Unknown tables. */
  CHECK_STATUS(gridgov_scorecard_table_json(card, "teams", &s_untouched, &n_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("\"teams\"");
  CHECK_ERROR_MENTIONS("areas:<level>");
  CHECK_STATUS(gridgov_scorecard_table_json(card, "areas", &s_untouched, &n_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_STATUS(gridgov_scorecard_table_json(card, "areas:ward", &s_untouched, &n_untouched),
               GRIDGOV_STATUS_UNKNOWN);
  CHECK_ERROR_MENTIONS("ward");
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:handler", &s_untouched, &n_untouched),
               GRIDGOV_STATUS_UNKNOWN);
  CHECK_ERROR_MENTIONS("handler");
  CHECK_STATUS(gridgov_scorecard_table_json(card, "posts:\xff", &s_untouched, &n_untouched),
               GRIDGOV_STATUS_INVALID_UTF8);
  CHECK(s_untouched == (char *)0x1 && n_untouched == 7);

  /* Scorecard JSON that is not one, or does not fit. */
  const char *garbage = "{\"format\":";
  CHECK_STATUS(gridgov_scorecard_from_json(m, garbage, strlen(garbage), &c_untouched),
               GRIDGOV_STATUS_PARSE);
  CHECK_ERROR_MENTIONS("scorecard");
  char *good = card_json(card);
  if (good) {
    char *p = strstr(good, "gridgov-scorecard/3");
    CHECK(p != NULL);
    if (p) p[strlen("gridgov-scorecard/")] = '9';
    CHECK_STATUS(gridgov_scorecard_from_json(m, good, strlen(good), &c_untouched),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK_ERROR_MENTIONS("gridgov-scorecard/9");
  }
  gridgov_string_free(good);
  CHECK(c_untouched == (gridgov_scorecard *)0x1);

  /* Cards of another model neither merge nor compare. */
  gridgov_model *sample = NULL;
  gridgov_engine *e = NULL;
  gridgov_records *er = NULL;
  gridgov_scorecard *other = NULL;
  CHECK_STATUS(gridgov_model_sample(&sample), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_new(sample, &e), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_engine_records(e, &er), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_score(er, T_MAR_01, T_APR_01, T_APR_10, &other), GRIDGOV_STATUS_OK);
  CHECK_STATUS(gridgov_scorecard_merge(card, other, &c_untouched), GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("another model");
  CHECK_STATUS(gridgov_compare_json(card, other, NULL, &s_untouched, NULL),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("another model");
  CHECK(c_untouched == (gridgov_scorecard *)0x1 && s_untouched == (char *)0x1);

  /* NULL handles, inputs and outputs. */
  CHECK_STATUS(gridgov_records_from_csv(NULL, "id\n", 3, GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("model");
  CHECK_STATUS(gridgov_records_from_csv(m, NULL, 3, GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("csv");
  CHECK_STATUS(gridgov_records_from_csv(m, "id\n", 3, GRIDGOV_NO_TIME, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_engine_records(NULL, &r_untouched), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("engine");
  CHECK_STATUS(gridgov_engine_records(e, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_records_len(NULL, &n_untouched), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("records");
  CHECK_STATUS(gridgov_records_len(r, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_records_as_of(NULL, &t_untouched), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_records_as_of(r, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_records_to_csv(NULL, &s_untouched, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_records_to_csv(r, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_score(NULL, T_MAR_01, T_APR_01, T_APR_10, &c_untouched),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_APR_01, T_APR_10, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_period(NULL, &t_untouched, &t_untouched, &t_untouched),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_period(card, &t_untouched, &t_untouched, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("out_as_of");
  CHECK_STATUS(gridgov_scorecard_table_json(NULL, "departments", &s_untouched, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("scorecard");
  CHECK_STATUS(gridgov_scorecard_table_json(card, NULL, &s_untouched, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_ERROR_MENTIONS("table");
  CHECK_STATUS(gridgov_scorecard_table_json(card, "departments", NULL, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_merge(NULL, card, &c_untouched), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_merge(card, NULL, &c_untouched), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_merge(card, card, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_to_json(NULL, &s_untouched, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_to_json(card, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_from_json(NULL, "{}", 2, &c_untouched),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_from_json(m, NULL, 2, &c_untouched), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_scorecard_from_json(m, "{}", 2, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_compare_json(NULL, card, NULL, &s_untouched, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_compare_json(card, NULL, NULL, &s_untouched, NULL),
               GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_compare_json(card, card, NULL, NULL, NULL), GRIDGOV_STATUS_NULL_POINTER);
  CHECK_STATUS(gridgov_compare_json(card, card, "\xff", &s_untouched, NULL),
               GRIDGOV_STATUS_INVALID_UTF8);
  CHECK(r_untouched == (gridgov_records *)0x1 && c_untouched == (gridgov_scorecard *)0x1);
  CHECK(s_untouched == (char *)0x1 && n_untouched == 7 && t_untouched == 7);
  /* A success clears the last error. */
  size_t n = 0;
  CHECK_STATUS(gridgov_records_len(r, &n), GRIDGOV_STATUS_OK);
  CHECK(strcmp(last_error(), "") == 0);
  gridgov_records_free(NULL);
  gridgov_scorecard_free(NULL);

  gridgov_scorecard_free(other);
  gridgov_records_free(er);
  gridgov_engine_free(e);
  gridgov_model_free(sample);
  gridgov_scorecard_free(card);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

/* A month of the sample city: simulated through the engine, exported, scored, and the
 * March load handed to the division report. */
#define SAMPLE_GRIDS 408 /* the unit grids of the sample city (it has 441 areas) */
#define T_MAR_02 1772380800000LL /* 2026-03-02 00:00 */

static void test_month_of_the_sample_city(void) {
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_sample(&m), GRIDGOV_STATUS_OK);
  gridgov_engine *e = NULL;
  CHECK_STATUS(gridgov_engine_simulate(m, T_MAR_02, 30, 7, 120, &e), GRIDGOV_STATUS_OK);
  gridgov_records *r = NULL;
  CHECK_STATUS(gridgov_engine_records(e, &r), GRIDGOV_STATUS_OK);
  size_t n = 0;
  CHECK_STATUS(gridgov_records_len(r, &n), GRIDGOV_STATUS_OK);
  CHECK(n > 3000);
  gridgov_scorecard *c = NULL;
  CHECK_STATUS(gridgov_score(r, T_MAR_01, T_APR_01, GRIDGOV_NO_TIME, &c), GRIDGOV_STATUS_OK);
  char *json = NULL;
  CHECK_STATUS(gridgov_scorecard_table_json(c, "areas:street", &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json && strstr(json, "\"subject\":\"area\"") && strstr(json, "\"grade\":\""));
  gridgov_string_free(json);
  json = NULL;
  CHECK_STATUS(gridgov_scorecard_table_json(c, "posts:dispatcher", &json, NULL), GRIDGOV_STATUS_OK);
  CHECK(json && strstr(json, "\"id\":\"DP01\""));
  gridgov_string_free(json);
  json = NULL;

  /* The load of March per unit grid, then the division report. */
  uint64_t *load = calloc(SAMPLE_GRIDS + 33, sizeof *load);
  CHECK(load != NULL);
  if (load) {
    CHECK_STATUS(gridgov_records_grid_load(r, T_MAR_01, T_APR_01, load, SAMPLE_GRIDS),
                 GRIDGOV_STATUS_OK);
    uint64_t total = 0;
    for (size_t i = 0; i < SAMPLE_GRIDS; i++) total += load[i];
    CHECK(total > 3000 && total <= n);
    CHECK(load[0] > 0); /* the first unit grid (no longer the city, which is not one) */
    CHECK_STATUS(gridgov_division_report(m, load, SAMPLE_GRIDS, NULL, 0, &json, NULL),
                 GRIDGOV_STATUS_OK);
    CHECK(json && strstr(json, "\"suggestions\""));
    gridgov_string_free(json);
    /* wrong length (one short, or one per area: 441), reversed period, NULL output: typed,
       nothing written */
    load[0] = 77;
    CHECK_STATUS(gridgov_records_grid_load(r, T_MAR_01, T_APR_01, load, SAMPLE_GRIDS - 1),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK(strstr(last_error(), "out_len") != NULL);
    CHECK(strstr(last_error(), "(408)") != NULL);
    CHECK_STATUS(gridgov_records_grid_load(r, T_MAR_01, T_APR_01, load, SAMPLE_GRIDS + 33),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK(strstr(last_error(), "\"441\"") != NULL);
    CHECK_STATUS(gridgov_records_grid_load(r, T_APR_01, T_MAR_01, load, SAMPLE_GRIDS),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK_STATUS(gridgov_records_grid_load(r, T_MAR_01, T_APR_01, NULL, SAMPLE_GRIDS),
                 GRIDGOV_STATUS_NULL_POINTER);
    CHECK(load[0] == 77);
    free(load);
  }
  CHECK_STATUS(gridgov_records_grid_load(NULL, T_MAR_01, T_APR_01, NULL, 0),
               GRIDGOV_STATUS_NULL_POINTER);
  gridgov_scorecard_free(c);
  gridgov_records_free(r);
  gridgov_engine_free(e);
  gridgov_model_free(m);
}

/* The model's [scoring] section: department weights replaced, a bad section refused with
 * every problem and its path. */
static void test_scoring_section(void) {
  size_t len = 0;
  char *city = fixture("score/city.toml", &len);
  CHECK(city != NULL);
  if (!city) return;
  const char *good = "\n[scoring]\nmin_sample = 1\n[scoring.weights.department]\non_time_rate = 1\n";
  const char *bad = "\n[scoring]\nshrinkage = -1\n[scoring.weights.department]\nspeed = 1\n";
  size_t cap = len + 256;
  char *text = malloc(cap);
  CHECK(text != NULL);
  if (!text) {
    free(city);
    return;
  }
  snprintf(text, cap, "%s%s", city, good);
  gridgov_model *m = NULL;
  CHECK_STATUS(gridgov_model_from_text(text, strlen(text), GRIDGOV_FORMAT_TOML, &m), GRIDGOV_STATUS_OK);
  if (m) {
    gridgov_records *r = score_cases(m);
    gridgov_scorecard *card = march(r);
    char *d = table(card, "departments");
    EXPECT_VALUE(d, "A", "score", 200.0 / 3.0);
    EXPECT_VALUE(d, "A", "rank", 1);
    gridgov_string_free(d);
    gridgov_scorecard_free(card);
    gridgov_records_free(r);
    gridgov_model_free(m);
  }
  snprintf(text, cap, "%s%s", city, bad);
  gridgov_model *no = NULL;
  CHECK_STATUS(gridgov_model_from_text(text, strlen(text), GRIDGOV_FORMAT_TOML, &no), GRIDGOV_STATUS_MODEL);
  CHECK(no == NULL);
  char *issues = NULL;
  CHECK_STATUS(gridgov_last_error_issues(&issues, NULL), GRIDGOV_STATUS_OK);
  CHECK(issues && strstr(issues, "scoring.shrinkage") && strstr(issues, "scoring.weights.department.speed"));
  gridgov_string_free(issues);
  free(text);
  free(city);
}

/* Issue 12, items 9-11, by hand from tests/fixtures/score/cases_v2.csv (March 2026 as of
 * April 10; the numbers of core/tests/score.rs): closure rates over 应结案数, 应处置数 = handled
 * + overdue unhandled, shelved cases (挂账) apart, 返工率 per case. */
static void test_due_shelved_and_rework_by_hand(void) {
  gridgov_model *m = score_city();
  size_t len = 0;
  char *csv = fixture("score/cases_v2.csv", &len);
  CHECK(csv != NULL);
  gridgov_records *r = NULL;
  if (csv) CHECK_STATUS(gridgov_records_from_csv(m, csv, len, GRIDGOV_NO_TIME, &r), GRIDGOV_STATUS_OK);
  free(csv);
  gridgov_scorecard *card = march(r);
  char *g = table(card, "areas:grid");
  EXPECT_VALUE(g, G1, "filed", 5);
  EXPECT_VALUE(g, G1, "due_to_close", 4); /* case 13 is in progress: not yet due */
  EXPECT_VALUE(g, G1, "closed", 3);
  EXPECT_VALUE(g, G1, "closure_rate", 0.75);
  EXPECT_VALUE(g, G1, "on_time_closure_rate", 0.25);
  EXPECT_VALUE(g, G2, "due_to_close", 2); /* case 14 is on the shelf */
  EXPECT_VALUE(g, G2, "shelved", 1);
  EXPECT_VALUE(g, G2, "closure_rate", 0.5);
  char *d = table(card, "departments");
  EXPECT_VALUE(d, "A", "due", 3);
  EXPECT_VALUE(d, "A", "handled", 2);
  EXPECT_VALUE(d, "A", "overdue_unhandled", 1);
  EXPECT_VALUE(d, "A", "shelved", 1);
  EXPECT_VALUE(d, "A", "reworked", 2);
  EXPECT_VALUE(d, "A", "rework", 3);
  EXPECT_VALUE(d, "A", "rework_rate", 1.0); /* two cases of two, not three checks of two */
  EXPECT_VALUE(d, "A", "handle_rate", 2.0 / 3.0);
  EXPECT_VALUE(d, "B", "due", 2);
  EXPECT_VALUE(d, "B", "postponement_rate", 0.5);
  /* The labels cover the new columns. */
  char *labels = NULL;
  CHECK_STATUS(gridgov_score_column_labels_json(&labels, NULL), GRIDGOV_STATUS_OK);
  CHECK(labels && strstr(labels, "\"due_to_close\":\"应结案数\""));
  CHECK(labels && strstr(labels, "\"shelved\":\"挂账数\""));
  CHECK(labels && strstr(labels, "\"rework_rate\":\"返工率\""));
  CHECK(labels && strstr(labels, "\"reworked\":\"返工数\""));
  /* Exports state the schema version; the CSV reads back to the same card. */
  char *out = NULL;
  CHECK_STATUS(gridgov_records_to_csv(r, &out, NULL), GRIDGOV_STATUS_OK);
  char first[64];
  snprintf(first, sizeof first, "\n%lld,", (long long)GRIDGOV_RECORD_SCHEMA_VERSION);
  CHECK(out && strncmp(out, "schema_version,id,", 18) == 0 && strstr(out, first) != NULL);
  gridgov_records *again = NULL;
  int64_t as_of = 0;
  CHECK_STATUS(gridgov_records_as_of(r, &as_of), GRIDGOV_STATUS_OK);
  if (out) CHECK_STATUS(gridgov_records_from_csv(m, out, strlen(out), as_of, &again), GRIDGOV_STATUS_OK);
  gridgov_scorecard *card2 = again ? march(again) : NULL;
  char *j1 = card_json(card), *j2 = card2 ? card_json(card2) : NULL;
  CHECK(same(j1, j2));
  CHECK(j1 && strstr(j1, "gridgov-scorecard/3"));
  gridgov_string_free(j1);
  gridgov_string_free(j2);
  gridgov_scorecard_free(card2);
  gridgov_records_free(again);
  gridgov_string_free(out);
  gridgov_string_free(labels);
  gridgov_string_free(g);
  gridgov_string_free(d);
  gridgov_scorecard_free(card);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

/* Issue 12, item 14: unknown or inconsistent schema versions, a column the stated version
 * lacks, a first-format scorecard file: typed errors naming the value, nothing written. */
static void test_schema_version_errors(void) {
  gridgov_model *m = score_city();
  gridgov_records *r_untouched = (gridgov_records *)0x1;
  gridgov_scorecard *c_untouched = (gridgov_scorecard *)0x1;
  const char *v5 = "schema_version,id,grid,reported_at\n5,1," G1 ",2026-03-02 08:00\n";
  CHECK_STATUS(gridgov_records_from_csv(m, v5, strlen(v5), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[0].schema_version");
  CHECK_ERROR_MENTIONS("5");
  CHECK_ERROR_MENTIONS("1, 2, 3, 4");
  /* Version 4's check columns: not in a version-3 table; on-time checks within the checks. */
  const char *v3_checks = "schema_version,id,grid,reported_at,checks\n3,1," G1 ",2026-03-02 08:00,1\n";
  CHECK_STATUS(gridgov_records_from_csv(m, v3_checks, strlen(v3_checks), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records.checks");
  CHECK_ERROR_MENTIONS("schema version 4");
  const char *too_many = "id,grid,reported_at,checks,checks_on_time\n1," G1 ",2026-03-02 08:00,1,2\n";
  CHECK_STATUS(gridgov_records_from_csv(m, too_many, strlen(too_many), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[0].checks_on_time");
  CHECK_ERROR_MENTIONS("exceeds checks");
  const char *v2_void =
      "schema_version,id,grid,reported_at,void_cause\n2,1," G1 ",2026-03-02 08:00,\n";
  CHECK_STATUS(gridgov_records_from_csv(m, v2_void, strlen(v2_void), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records.void_cause");
  CHECK_ERROR_MENTIONS("schema version 3");
  const char *mixed =
      "schema_version,id,grid,reported_at\n2,1," G1 ",2026-03-02 08:00\n1,2," G1 ",2026-03-02 09:00\n";
  CHECK_STATUS(gridgov_records_from_csv(m, mixed, strlen(mixed), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[1].schema_version");
  const char *v1_shelf =
      "schema_version,id,grid,reported_at,shelved_at\n1,1," G1 ",2026-03-02 08:00,\n";
  CHECK_STATUS(gridgov_records_from_csv(m, v1_shelf, strlen(v1_shelf), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records.shelved_at");
  CHECK_ERROR_MENTIONS("schema version 2");
  const char *resumed =
      "id,grid,reported_at,dispatched_at,shelved_at,resumed_at\n"
      "1," G1 ",2026-03-02 08:00,2026-03-02 09:00,2026-03-02 10:00,2026-03-02 09:30\n";
  CHECK_STATUS(gridgov_records_from_csv(m, resumed, strlen(resumed), GRIDGOV_NO_TIME, &r_untouched),
               GRIDGOV_STATUS_INVALID_VALUE);
  CHECK_ERROR_MENTIONS("records[0].resumed_at");
  CHECK_ERROR_MENTIONS("earlier than shelved_at");
  CHECK(r_untouched == (gridgov_records *)0x1);
  /* A version-1 table (no schema_version column) still reads. */
  gridgov_records *r = score_cases(m);
  CHECK(r != NULL);
  gridgov_scorecard *card = r ? march(r) : NULL;
  char *json = card ? card_json(card) : NULL;
  if (json) {
    char *p = strstr(json, "gridgov-scorecard/3");
    CHECK(p != NULL);
    if (p) p[strlen("gridgov-scorecard/")] = '1';
    CHECK_STATUS(gridgov_scorecard_from_json(m, json, strlen(json), &c_untouched),
                 GRIDGOV_STATUS_INVALID_VALUE);
    CHECK_ERROR_MENTIONS("gridgov-scorecard/1");
    CHECK_ERROR_MENTIONS("score the records again");
    CHECK(c_untouched == (gridgov_scorecard *)0x1);
  }
  gridgov_string_free(json);
  gridgov_scorecard_free(card);
  gridgov_records_free(r);
  gridgov_model_free(m);
}

int main(void) {
  test_records();
  test_due_shelved_and_rework_by_hand();
  test_schema_version_errors();
  test_areas_by_hand();
  test_departments_and_posts_by_hand();
  test_merge_equals_whole();
  test_handles_share_the_model();
  test_compare();
  test_engine_records();
  test_bad_input();
  test_instants_as_exports_write_them();
  test_chinese_exports();
  test_month_of_the_sample_city();
  test_scoring_section();
  return finish("test_score");
}
