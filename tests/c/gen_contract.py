#!/usr/bin/env python3
"""Generates the C contract test from include/gridgov.h (issue 16): for every function of the
header that returns a status, with every other argument valid,

- each pointer argument NULL in turn gives GRIDGOV_STATUS_NULL_POINTER (arguments documented
  "NULL or valid" / "may be NULL" are skipped: NULL is allowed there);
- invalid UTF-8 in each string argument gives GRIDGOV_STATUS_INVALID_UTF8;
- after each of these failures every output is untouched (byte for byte).

A function added to the header is covered the day it is added; a parameter whose type or
name this script does not know stops the generation with a message naming it, so it gets a
valid value here. Usage: gen_contract.py include/gridgov.h > test_contract.c
"""

import re
import sys

# Valid values of inputs, by parameter name, then by (function, parameter). Each is a C
# expression evaluated in a `main` where the handles and texts below exist.
BY_NAME = {
    "model": "model",
    "calendar": "calendar",
    "gridmap": "gridmap",
    "engine": "engine",
    "records": "records",
    "card": "card",
    "a": "card",
    "b": "card",
    "before": "card",
    "after": "card",
    "actor_json": '"{\\"worker\\": \\"SV001\\"}"',
    "report_json": '"{\\"category\\": \\"C0101\\", \\"grid\\": \\"37990100100101\\"}"',
    "action_json": '"{\\"action\\": \\"accept\\"}"',
    "viewer_json": '"{\\"worker\\": \\"SL01\\"}"',
    "category": '"C0101"',
    "grid": '"37990100100101"',
    "code": '"37990100100101"',
    "urgency": '"normal"',
    "level": '"grid"',
    "role": '"supervisor"',
    "table": '"areas:grid"',
    "config_json": '"{}"',
    "code_property": '"code"',
    "path": "model_path",
    "csv": "csv_text",
    "events_jsonl": "events_text",
    "json": "card_json",
    "load": "load",
    "load_len": "N_GRIDS",
    "start_ms": "T0",
    "durations_ms": "DURATIONS",
    "a_ms": "T0",
    "b_ms": "T1",
    "t_ms": "T0",
    "lon": "LON",
    "lat": "LAT",
    "n": "1",
    "capacity": "64",
    "index": "0",
    "buf_len": "64",
    "out_len": "N_GRIDS",
    "status": "0",
    "format": "0",
    "crs": "0",
    "from": "0",
    "to": "1",
    "days": "1",
    "reports_per_day": "2",
    "seed": "1",
    "case_id": "1",
    "start": "T0",
    "end": "T1",
    "as_of": "GRIDGOV_NO_TIME",
    "errors": "1",
    "freq": '"MS"',
    "allow_different_as_of": "1",
    "at_ms": "T0",
    "now_ms": "T0",
    "duration_ms": "3600000",
    "options_json": '"{\\"verify\\": true}"',
    "sink": "NULL",
    "finish": "NULL",
    "after_seq": "0",
    "user": "NULL",
    "categories_json": '"[\\"C0101\\"]"',
    "urgencies_json": '"[\\"normal\\"]"',
}

BY_FUNCTION = {
    ("gridgov_model_from_text", "text"): "model_text",
    ("gridgov_calendar_from_text", "text"): "calendar_text",
    ("gridgov_gridmap_from_text", "text"): "geojson_text",
    ("gridgov_gridmap_from_path", "path"): "geojson_path",
    ("gridgov_engine_act", "actor_json"): '"{\\"worker\\": \\"AC01\\"}"',
    ("gridgov_verify_events", "text"): "events_text",
    ("gridgov_gridmap_from_text_crs", "text"): "geojson_text",
    ("gridgov_gridmap_from_path_crs", "path"): "geojson_path",
    ("gridgov_engine_open", "path"): "journal_path",
    ("gridgov_journal_verify", "path"): "journal_path",
    ("gridgov_engine_attach_journal", "path"): "journal_path",
    ("gridgov_model_unknown_divisions_json", "list"): '"379900,x\\n379901\\n"',
    # calendars per unit and per stage (the sample city's)
    ("gridgov_model_calendar_named", "name"): '"seven_day"',
    ("gridgov_model_calendar_for", "stage"): '"handle"',
    ("gridgov_model_calendar_for", "unit"): '"SANIT"',
}

# Pointers that may be NULL although the header says so in words `nullable` does not read.
NULLABLE = {
    ("gridgov_model_deadlines", "urgencies_json"),
    ("gridgov_engine_set_sink", "user"),
    ("gridgov_engine_set_sink_from", "user"),
    ("gridgov_model_unknown_divisions_json", "list"),
}

# Paths: taken as bytes by the file system, so invalid UTF-8 is not refused as such.
PATHS = {
    ("gridgov_model_from_path", "path"),
    ("gridgov_gridmap_from_path", "path"),
    ("gridgov_gridmap_from_path_crs", "path"),
}

# Arrays of instants (`const int64_t *`), by parameter name.
ARRAYS = {"starts_ms": "T0_ARRAY", "start_ms": "T0_ARRAY", "a_ms": "T0_ARRAY", "b_ms": "T1_ARRAY", "t_ms": "T0_ARRAY"}

# The length argument that follows a text argument.
LENGTH_OF = {"len", "config_len", "list_len"}


def parse(header):
    """(name, [(type, param)], doc) of every function returning gridgov_status."""
    out = []
    pattern = re.compile(r"/\*((?:(?!\*/).)*)\*/\s*gridgov_status\s+(gridgov_\w+)\(([^)]*)\);", re.S)
    for doc, name, params in pattern.findall(header):
        ps = []
        for p in params.split(","):
            p = " ".join(p.split())
            if not p or p == "void":
                continue
            m = re.match(r"(.*?)(\w+)$", p)
            ps.append((m.group(1).strip(), m.group(2)))
        out.append((name, ps, doc))
    return out


def nullable(doc, param):
    # "`out_len` NULL or valid", "`viewer_json` NULL or a ...", "`out_len` may be NULL"
    # (not "must be NULL or": that one is checked).
    for m in re.finditer(r"`(\w+)`(?:,? and `(\w+)`)? (?:may be NULL|NULL or )", doc):
        if param in (m.group(1), m.group(2)):
            return True
    return False


def is_output(ctype):
    if ctype.startswith("const ") or ctype == "void *":
        return False
    stars = ctype.count("*")
    if stars == 0:
        return False
    base = ctype.replace("*", "").strip()
    # A non-const single-star handle is the mutable self (the engine).
    return not (stars == 1 and base.startswith("gridgov_"))


def value(fn, ctype, param):
    if (fn, param) in BY_FUNCTION:
        return BY_FUNCTION[(fn, param)]
    if param in LENGTH_OF:
        return None  # filled from the preceding text
    if is_output(ctype):
        return None
    if ctype == "const int64_t *" and param in ARRAYS:
        return ARRAYS[param]
    if param in BY_NAME:
        return BY_NAME[param]
    sys.exit(f"gen_contract.py: no valid value for {fn}({ctype} {param}): add one")


def generate(funcs):
    lines = []
    w = lines.append
    calls = 0
    for fn, params, doc in funcs:
        w(f"static void contract_{fn}(void) {{")
        # Outputs: a scratch area per output, filled with a pattern.
        outs = [(t, p) for t, p in params if is_output(t)]
        for t, p in outs:
            w(f"  unsigned char o_{p}[8192];")
        args = {}
        text_before = None
        for t, p in params:
            if is_output(t):
                args[p] = f"({t})(void *)o_{p}"
                text_before = None
                continue
            v = value(fn, t, p)
            if v is None:
                if text_before is None:
                    sys.exit(f"gen_contract.py: {fn}: length {p} follows no text")
                v = f"strlen({args[text_before]})"
            args[p] = v
            text_before = p if t == "const char *" else None

        def call(over):
            a = [over.get(p, args[p]) for _, p in params]
            return f"{fn}({', '.join(a)})"

        def reset():
            for t, p in outs:
                w(f"  memset(o_{p}, 0xA5, sizeof o_{p});")

        def untouched(what):
            for t, p in outs:
                w(f'  CHECK_UNTOUCHED(o_{p}, "{fn}", "{p}", "{what}");')

        for t, p in params:
            if "*" not in t or nullable(doc, p) or (fn, p) in NULLABLE:
                continue
            reset()
            over = {p: "NULL"}
            # A NULL text comes with a non-zero length (NULL with 0 is an empty text).
            w(f"  CHECK_CALL({call(over)}, GRIDGOV_STATUS_NULL_POINTER, \"{fn}\", \"{p} NULL\");")
            untouched(f"{p} NULL")
            calls += 1
        for i, (t, p) in enumerate(params):
            if t != "const char *" or (fn, p) in PATHS:
                continue
            reset()
            over = {p: "BAD_UTF8"}
            if i + 1 < len(params) and params[i + 1][1] in LENGTH_OF:
                over[params[i + 1][1]] = "strlen(BAD_UTF8)"
            w(f"  CHECK_CALL({call(over)}, GRIDGOV_STATUS_INVALID_UTF8, \"{fn}\", \"{p} not UTF-8\");")
            untouched(f"{p} not UTF-8")
            calls += 1
        w("}")
        w("")
    calls = sum(1 for l in lines if l.startswith("  CHECK_CALL("))
    return lines, calls


PRELUDE = r"""/* GENERATED by tests/c/gen_contract.py from include/gridgov.h: do not edit.
 * The C contract of every function: each pointer NULL in turn, invalid UTF-8 in each string,
 * outputs untouched on failure. */
#include <stdint.h>
#include "check.h"

#define N_GRIDS 408
static const int64_t T0 = 1772409600000;     /* 2026-03-02 08:00 +08:00 */
static const int64_t T1 = 1772409600000 + 86400000;
static const int64_t T0_ARRAY[1] = {1772409600000};
static const int64_t T1_ARRAY[1] = {1772409600000 + 86400000};
static const int64_t DURATIONS[1] = {3600000};
static const double LON[1] = {117.05};
static const double LAT[1] = {36.74};
static const char BAD_UTF8[] = "\xff\xfe{";
static uint64_t load[N_GRIDS];

static gridgov_model *model;
static gridgov_calendar *calendar;
static gridgov_gridmap *gridmap;
static gridgov_engine *engine;
static gridgov_records *records;
static gridgov_scorecard *card;
static char *model_text, *calendar_text, *geojson_text, *csv_text, *events_text, *card_json;
static char model_path[1024], geojson_path[1024];
/* Never created: every call below fails before it opens a file. */
static const char journal_path[] = "tests/c/build/contract-never-created.journal";

#define CHECK_CALL(expr, expected, fn, what)                                        \
  do {                                                                              \
    gridgov_status s_ = (expr);                                                     \
    checks++;                                                                       \
    if (s_ != (expected)) {                                                         \
      failures++;                                                                   \
      fprintf(stderr, "%s with %s: %s, expected %s: %s\n", fn, what,                \
              gridgov_status_name(s_), gridgov_status_name(expected), last_error()); \
    }                                                                               \
  } while (0)

#define CHECK_UNTOUCHED(buf, fn, param, what)                                       \
  do {                                                                              \
    checks++;                                                                       \
    for (size_t k_ = 0; k_ < sizeof(buf); k_++) {                                   \
      if ((buf)[k_] != 0xA5) {                                                      \
        failures++;                                                                 \
        fprintf(stderr, "%s with %s wrote output %s\n", fn, what, param);           \
        break;                                                                      \
      }                                                                             \
    }                                                                               \
  } while (0)

static void setup(void) {
  size_t n = 0;
  CHECK(gridgov_model_sample(&model) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_calendar_china(&calendar) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_model_gridmap(model, &gridmap) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_engine_new(model, &engine) == GRIDGOV_STATUS_OK);
  uint64_t id = 0;
  CHECK(gridgov_engine_report(engine, "{\"worker\": \"SV001\"}", T0,
                              "{\"category\": \"C0101\", \"grid\": \"37990100100101\"}",
                              &id) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_engine_records(engine, &records) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_score(records, T0, T1, GRIDGOV_NO_TIME, &card) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_model_to_json(model, &model_text, &n) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_records_to_csv(records, &csv_text, &n) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_engine_events_json(engine, NULL, &events_text, &n) == GRIDGOV_STATUS_OK);
  CHECK(gridgov_scorecard_to_json(card, &card_json, &n) == GRIDGOV_STATUS_OK);
  calendar_text = fixture("calendars/china_2027.toml", &n);
  geojson_text = fixture("boundaries/two_grids.geojson", &n);
  fixture_path(model_path, sizeof model_path, "cities/tiny.toml");
  fixture_path(geojson_path, sizeof geojson_path, "boundaries/two_grids.geojson");
  CHECK(calendar_text && geojson_text);
}

static void teardown(void) {
  /* No failed call changed the engine: still the one case and its one event of setup. */
  size_t cases = 0, events = 0;
  CHECK(gridgov_engine_len(engine, &cases, &events) == GRIDGOV_STATUS_OK);
  CHECK(cases == 1 && events == 1);
  gridgov_string_free(model_text);
  gridgov_string_free(csv_text);
  gridgov_string_free(events_text);
  gridgov_string_free(card_json);
  free(calendar_text);
  free(geojson_text);
  gridgov_scorecard_free(card);
  gridgov_records_free(records);
  gridgov_engine_free(engine);
  gridgov_gridmap_free(gridmap);
  gridgov_calendar_free(calendar);
  gridgov_model_free(model);
}

"""


def main():
    header = open(sys.argv[1], encoding="utf-8").read()
    funcs = parse(header)
    body, calls = generate(funcs)
    print(PRELUDE)
    print("\n".join(body))
    print("int main(void) {")
    print("  setup();")
    for fn, _, _ in funcs:
        print(f"  contract_{fn}();")
    print("  teardown();")
    print(f'  printf("contract: %d functions, %d failing calls\\n", {len(funcs)}, {calls});')
    print('  return finish("test_contract");')
    print("}")


if __name__ == "__main__":
    main()
