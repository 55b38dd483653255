// gridgov from Java through JNA: the way a legacy Java city system links libgridgov.
// Run by `make test-java`: java -cp /usr/share/java/jna.jar -Djna.library.path=target/debug tests/java/GridgovTest.java
import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

public class GridgovTest {
    public interface Gridgov extends Library {
        Gridgov LIB = Native.load("gridgov", Gridgov.class);

        String gridgov_version();
        int gridgov_last_error(Pointer buf, long len, LongByReference outLen);
        void gridgov_string_free(Pointer s);
        int gridgov_model_sample(PointerByReference out);
        void gridgov_model_free(Pointer model);
        int gridgov_model_route(Pointer model, String category, String grid, PointerByReference outUnit, Pointer outLen);
        int gridgov_model_check_json(Pointer model, PointerByReference out, Pointer outLen);
        int gridgov_model_calendar(Pointer model, PointerByReference out);
        void gridgov_calendar_free(Pointer cal);
        int gridgov_calendar_add_working(Pointer cal, long startMs, long durationMs, LongByReference out);
        int gridgov_calendar_add_working_many(Pointer cal, long[] starts, long[] durations, long n, long[] out);
        int gridgov_calendar_is_workday(Pointer cal, long tMs, ByteByReference out);
        int gridgov_model_gridmap(Pointer model, PointerByReference out);
        void gridgov_gridmap_free(Pointer gridmap);
        int gridgov_gridmap_len(Pointer gridmap, LongByReference out);
        int gridgov_gridmap_index_of(Pointer gridmap, String code, LongByReference out);
        int gridgov_gridmap_code(Pointer gridmap, long index, PointerByReference out, Pointer outLen);
        int gridgov_gridmap_locate_many(Pointer gridmap, double[] lon, double[] lat, long n, int crs, long[] outIndex);
        int gridgov_convert_many(double[] lon, double[] lat, long n, int from, int to, double[] outLon, double[] outLat);
        int gridgov_engine_new(Pointer model, PointerByReference out);
        void gridgov_engine_free(Pointer engine);
        int gridgov_engine_report(Pointer engine, String actorJson, long atMs, String reportJson, LongByReference outCase);
        int gridgov_engine_act(Pointer engine, long caseId, String actorJson, long atMs, String actionJson, PointerByReference outEvent, Pointer outLen);
        int gridgov_engine_case_json(Pointer engine, long caseId, long nowMs, PointerByReference out, Pointer outLen);
        int gridgov_engine_sweep_arrays(Pointer engine, long nowMs, long[] outCase, int[] outRule, long[] outAt, long capacity, LongByReference outN);
        int gridgov_model_from_path(String path, PointerByReference out);
        int gridgov_records_from_csv(Pointer model, byte[] csv, long len, long asOf, PointerByReference out);
        int gridgov_records_len(Pointer records, LongByReference out);
        void gridgov_records_free(Pointer records);
        int gridgov_score(Pointer records, long start, long end, long asOf, PointerByReference out);
        int gridgov_scorecard_table_json(Pointer card, String table, PointerByReference out, Pointer outLen);
        void gridgov_scorecard_free(Pointer card);
        int gridgov_model_grids_json(Pointer model, PointerByReference out, Pointer outLen);
        int gridgov_division_report(Pointer model, long[] load, long loadLen, byte[] config, long configLen,
                PointerByReference outJson, Pointer outLen);
        int gridgov_engine_open(Pointer model, String path, String optionsJson, PointerByReference out);
        int gridgov_engine_batch_begin(Pointer engine);
        int gridgov_engine_batch_commit(Pointer engine, LongByReference outEvents);
        int gridgov_engine_set_sink(Pointer engine, Sink sink, Pointer user);
        int gridgov_engine_len(Pointer engine, LongByReference outCases, LongByReference outEvents);
        int gridgov_journal_verify(String path, PointerByReference out, Pointer outLen);

        /** gridgov_sink: the JSON lines of each commit; non-zero refuses the call. */
        interface Sink extends Callback {
            int invoke(Pointer user, Pointer lines, long len);
        }
    }

    /** GRIDGOV_NO_TIME: the default of an optional instant. */
    static final long NO_TIME = Long.MIN_VALUE;

    // A unit grid of the sample city and a point well inside it (WGS-84).
    static final String GRID = "37990100100101";
    static final double GRID_LON = 117.0489, GRID_LAT = 36.7391;

    static int checks = 0, failures = 0;

    static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures++;
            System.err.println("CHECK failed: " + what);
        }
    }

    static String lastError() {
        Memory buf = new Memory(4096);
        LongByReference n = new LongByReference();
        Gridgov.LIB.gridgov_last_error(buf, 4096, n);
        return buf.getString(0, "UTF-8");
    }

    /**
     * The path of the fixture `name` in the folder of test data shared by every language:
     * $GRIDGOV_FIXTURES (the Makefile sets it), else tests/fixtures, since the test runs from the
     * repository root.
     */
    static java.nio.file.Path fixture(String name) {
        String dir = System.getenv("GRIDGOV_FIXTURES");
        return java.nio.file.Path.of(dir == null || dir.isEmpty() ? "tests/fixtures" : dir, name);
    }

    /** The row object of `id` in a table's JSON (rows hold no nested objects). */
    static String row(String tableJson, String id) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\\{[^{}]*\"id\":\"" + java.util.regex.Pattern.quote(id) + "\"[^{}]*\\}")
                .matcher(tableJson);
        return m.find() ? m.group() : "";
    }

    static final String REPORT = "{\"category\":\"C0101\",\"grid\":\"" + GRID + "\"}";

    /** The number of events `gridgov_journal_verify` finds in the journal at `path`. */
    static long journalEvents(Gridgov g, String path) {
        PointerByReference out = new PointerByReference();
        if (g.gridgov_journal_verify(path, out, null) != 0) return -1;
        String text = out.getValue().getString(0, "UTF-8");
        g.gridgov_string_free(out.getValue());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"events\":(\\d+)").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    // The engine on a SQLite journal: commits, a batch, a sink refusing a call, a second writer,
    // and reopening to the same engine.
    static void journal(Gridgov g) {
        String path;
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gridgov-java");
            dir.toFile().deleteOnExit();
            path = dir.resolve("city.journal").toString();
        } catch (java.io.IOException e) {
            check(false, "temp dir: " + e);
            return;
        }
        PointerByReference mref = new PointerByReference();
        check(g.gridgov_model_sample(mref) == 0, "sample");
        Pointer model = mref.getValue();
        PointerByReference eref = new PointerByReference();
        int st = g.gridgov_engine_open(model, path, null, eref);
        check(st == 0, "engine_open, got " + st + ": " + lastError());
        if (st != 0) return;
        Pointer eng = eref.getValue();
        long t0 = 1762131600000L;
        LongByReference caseId = new LongByReference();
        check(g.gridgov_engine_report(eng, "{\"worker\":\"SV001\"}", t0, REPORT, caseId) == 0, "report");
        check(journalEvents(g, path) == 1, "committed when the call returned");

        PointerByReference second = new PointerByReference();
        st = g.gridgov_engine_open(model, path, null, second);
        check(st == 111 && lastError().contains("another engine"),
                "a second writer gives GRIDGOV_STATUS_JOURNAL, got " + st + ": " + lastError());

        check(g.gridgov_engine_batch_begin(eng) == 0, "batch_begin");
        check(g.gridgov_engine_report(eng, "{\"worker\":\"SV001\"}", t0, REPORT, caseId) == 0, "report in batch");
        check(g.gridgov_engine_report(eng, "{\"worker\":\"SV001\"}", t0, REPORT, caseId) == 0, "report in batch");
        check(journalEvents(g, path) == 1, "nothing before the batch commits");
        LongByReference n = new LongByReference();
        check(g.gridgov_engine_batch_commit(eng, n) == 0 && n.getValue() == 2, "batch commit of 2 events");
        check(journalEvents(g, path) == 3, "3 events after the batch");

        final StringBuilder seen = new StringBuilder();
        final int[] refuse = {0};
        Gridgov.Sink sink = (user, lines, len) -> {
            seen.append(lines.getString(0, "UTF-8"));
            return refuse[0];
        };
        check(g.gridgov_engine_set_sink(eng, sink, null) == 0, "set_sink");
        PointerByReference event = new PointerByReference();
        st = g.gridgov_engine_act(eng, 1, "{\"worker\":\"AC01\"}", t0 + 60_000, "{\"action\":\"accept\"}", event, null);
        check(st == 0, "accept with a sink, got " + st + ": " + lastError());
        if (st == 0) g.gridgov_string_free(event.getValue());
        check(seen.toString().contains("\"action\":\"accept\"") && seen.toString().contains("\"hash\":"),
                "the sink got the line with its hash: " + seen);
        refuse[0] = 1;
        st = g.gridgov_engine_act(eng, 1, "{\"worker\":\"SL01\"}", t0 + 120_000, "{\"action\":\"file\"}", event, null);
        check(st == 113, "a refusing sink gives GRIDGOV_STATUS_SINK, got " + st);
        LongByReference cases = new LongByReference(), events = new LongByReference();
        check(g.gridgov_engine_len(eng, cases, events) == 0 && events.getValue() == 4, "engine unchanged: " + events.getValue());
        check(journalEvents(g, path) == 4, "journal unchanged");
        check(g.gridgov_engine_set_sink(eng, null, null) == 0, "sink removed");
        g.gridgov_engine_free(eng);

        check(g.gridgov_engine_open(model, path, "{\"synchronous\":\"normal\"}", eref) == 0, "reopen");
        check(g.gridgov_engine_len(eref.getValue(), cases, events) == 0 && cases.getValue() == 3
                && events.getValue() == 4, "reopened: 3 cases, 4 events");
        g.gridgov_engine_free(eref.getValue());
        g.gridgov_model_free(model);
        for (String suffix : new String[] {"", "-wal", "-shm", "-writer"}) {
            new java.io.File(path + suffix).delete();
        }
    }

    // Performance scoring on the hand-computed case table of core/tests/score.rs (the shared
    // fixtures tests/fixtures/score/): March 2026 as of 2026-04-10 (+08:00).
    static void scoring(Gridgov g) {
        byte[] csv;
        try {
            csv = java.nio.file.Files.readAllBytes(fixture("score/cases.csv"));
        } catch (java.io.IOException e) {
            check(false, "read score/cases.csv: " + e);
            return;
        }
        PointerByReference mref = new PointerByReference();
        check(g.gridgov_model_from_path(fixture("score/city.toml").toString(), mref) == 0, "score city: " + lastError());
        Pointer model = mref.getValue();
        PointerByReference rref = new PointerByReference();
        int st = g.gridgov_records_from_csv(model, csv, csv.length, NO_TIME, rref);
        check(st == 0, "records_from_csv, got " + st + ": " + lastError());
        Pointer records = rref.getValue();
        LongByReference n = new LongByReference();
        check(g.gridgov_records_len(records, n) == 0 && n.getValue() == 8, "8 records, got " + n.getValue());
        long start = 1772294400000L; // 2026-03-01T00:00+08:00
        long end = 1774972800000L;   // 2026-04-01T00:00+08:00
        long asOf = 1775750400000L;  // 2026-04-10T00:00+08:00
        PointerByReference cref = new PointerByReference();
        check(g.gridgov_score(records, start, end, asOf, cref) == 0, "score: " + lastError());
        Pointer card = cref.getValue();
        PointerByReference json = new PointerByReference();
        check(g.gridgov_scorecard_table_json(card, "posts:dispatcher", json, null) == 0, "dispatchers: " + lastError());
        String d1 = row(json.getValue().getString(0, "UTF-8"), "D1");
        check(d1.contains("\"dispatched\":4.0") && d1.contains("\"score\":50.0"), "D1 dispatched 4, score 50: " + d1);
        g.gridgov_string_free(json.getValue());
        check(g.gridgov_scorecard_table_json(card, "areas:grid", json, null) == 0, "grids: " + lastError());
        String g1 = row(json.getValue().getString(0, "UTF-8"), "37990100100101");
        check(g1.contains("\"score\":73.0") && g1.contains("\"grade\":\"C\""), "grid 1 scores 73.0 (C): " + g1);
        g.gridgov_string_free(json.getValue());
        PointerByReference untouched = new PointerByReference(Pointer.NULL);
        st = g.gridgov_scorecard_table_json(card, "teams", untouched, null);
        check(st == 100 && lastError().contains("teams") && untouched.getValue() == null,
                "an unknown table gives GRIDGOV_STATUS_INVALID_VALUE, got " + st);
        st = g.gridgov_score(records, end, start, asOf, untouched);
        check(st == 100 && untouched.getValue() == null, "a reversed period gives GRIDGOV_STATUS_INVALID_VALUE, got " + st);
        g.gridgov_scorecard_free(card);
        g.gridgov_records_free(records);
        g.gridgov_model_free(model);
    }

    // Grid division on the sample city: one count per unit grid, in the order of
    // gridgov_model_grids_json; any other length is refused, naming both.
    static void division(Gridgov g) {
        PointerByReference mref = new PointerByReference();
        check(g.gridgov_model_sample(mref) == 0, "sample");
        Pointer model = mref.getValue();
        PointerByReference json = new PointerByReference();
        check(g.gridgov_model_grids_json(model, json, null) == 0, "grids_json: " + lastError());
        String codes = json.getValue().getString(0, "UTF-8");
        g.gridgov_string_free(json.getValue());
        int grids = codes.split(",").length;
        check(grids == 408 && codes.startsWith("[\"" + GRID + "\","), "408 grid codes, " + GRID + " first");
        long[] load = new long[grids];
        load[0] = 12;
        check(g.gridgov_division_report(model, load, grids, null, 0, json, null) == 0, "division: " + lastError());
        String report = json.getValue().getString(0, "UTF-8");
        g.gridgov_string_free(json.getValue());
        check(java.util.regex.Pattern.compile("\\{\"code\":\"" + GRID + "\"[^{}]*\"cases\":12,").matcher(report).find(),
                "grid " + GRID + " has the 12 cases");
        PointerByReference untouched = new PointerByReference(Pointer.NULL);
        int st = g.gridgov_division_report(model, new long[441], 441, null, 0, untouched, null);
        check(st == 100 && untouched.getValue() == null,
                "one count per area gives GRIDGOV_STATUS_INVALID_VALUE, got " + st);
        check(lastError().contains("load length \"441\"") && lastError().contains("expected 408"),
                "message names both lengths: " + lastError());
        g.gridgov_model_free(model);
    }

    public static void main(String[] args) {
        Gridgov g = Gridgov.LIB;
        check(!g.gridgov_version().isEmpty(), "version");
        PointerByReference mref = new PointerByReference();
        check(g.gridgov_model_sample(mref) == 0, "sample");
        Pointer model = mref.getValue();

        PointerByReference unit = new PointerByReference();
        check(g.gridgov_model_route(model, "C0101", "37990100100101", unit, null) == 0, "route");
        check("WATER".equals(unit.getValue().getString(0, "UTF-8")), "route -> WATER");
        g.gridgov_string_free(unit.getValue());
        int st = g.gridgov_model_route(model, "C0101", "99999999999999", unit, null);
        check(st == 102, "unknown grid gives GRIDGOV_STATUS_UNKNOWN, got " + st);
        check(lastError().contains("99999999999999"), "message names the grid: " + lastError());

        PointerByReference json = new PointerByReference();
        check(g.gridgov_model_check_json(model, json, null) == 0, "check");
        check(json.getValue().getString(0, "UTF-8").contains("\"gap_cells\":0"), "no gaps");
        g.gridgov_string_free(json.getValue());

        PointerByReference cref = new PointerByReference();
        check(g.gridgov_model_calendar(model, cref) == 0, "calendar");
        Pointer cal = cref.getValue();
        // Fri 2024-02-02 16:00 +08:00 + 3 working hours = Sun 2024-02-04 09:00 (调休 workday)
        LongByReference due = new LongByReference();
        check(g.gridgov_calendar_add_working(cal, 1706860800000L, 3L * 3600_000L, due) == 0, "add_working");
        check(due.getValue() == 1707008400000L, "add_working result " + due.getValue());
        long[] starts = {1706860800000L, 1706860800000L};
        long[] durs = {3L * 3600_000L, 0L};
        long[] out = new long[2];
        check(g.gridgov_calendar_add_working_many(cal, starts, durs, 2, out) == 0, "add_working_many");
        check(out[0] == 1707008400000L && out[1] == 1706860800000L, "add_working_many results");
        ByteByReference wd = new ByteByReference();
        st = g.gridgov_calendar_is_workday(cal, 0L, wd);
        check(st == 103, "1970 is out of range: GRIDGOV_STATUS_CALENDAR_RANGE, got " + st);
        g.gridgov_calendar_free(cal);

        // Point location: the sample city's boundaries, a grid's interior point, a point at sea.
        PointerByReference gref = new PointerByReference();
        check(g.gridgov_model_gridmap(model, gref) == 0, "gridmap");
        Pointer gm = gref.getValue();
        LongByReference len = new LongByReference();
        check(g.gridgov_gridmap_len(gm, len) == 0 && len.getValue() == 408, "408 grids, got " + len.getValue());
        double[] lon = {GRID_LON, 0.0};
        double[] lat = {GRID_LAT, 0.0};
        long[] idx = {7, 7};
        check(g.gridgov_gridmap_locate_many(gm, lon, lat, 2, 0, idx) == 0, "locate_many");
        check(idx[1] == -1, "a point at (0, 0) is in no grid, got " + idx[1]);
        PointerByReference code = new PointerByReference();
        check(idx[0] >= 0 && g.gridgov_gridmap_code(gm, idx[0], code, null) == 0, "code of index " + idx[0]);
        if (idx[0] >= 0) {
            check(GRID.equals(code.getValue().getString(0, "UTF-8")), "located in " + GRID);
            g.gridgov_string_free(code.getValue());
        }
        // The same point as Amap (GCJ-02) would give it, located with crs = GCJ02.
        double[] gx = new double[1], gy = new double[1];
        check(g.gridgov_convert_many(new double[] {GRID_LON}, new double[] {GRID_LAT}, 1, 0, 2, gx, gy) == 0, "convert");
        long[] gidx = {-2};
        check(g.gridgov_gridmap_locate_many(gm, gx, gy, 1, 2, gidx) == 0 && gidx[0] == idx[0], "locate in GCJ-02");
        st = g.gridgov_gridmap_locate_many(gm, new double[] {Double.NaN}, new double[] {GRID_LAT}, 1, 0, gidx);
        check(st == 100 && gidx[0] == idx[0], "NaN gives GRIDGOV_STATUS_INVALID_VALUE, nothing written, got " + st);
        check(lastError().contains("lon[0]"), "message names lon[0]: " + lastError());
        st = g.gridgov_gridmap_locate_many(gm, lon, lat, 1, 9, gidx);
        check(st == 5, "crs 9 gives GRIDGOV_STATUS_INVALID_ENUM, got " + st);
        g.gridgov_gridmap_free(gm);

        // The case engine: a supervisor reports, the acceptor accepts; the supervisor may not close.
        PointerByReference eref = new PointerByReference();
        check(g.gridgov_engine_new(model, eref) == 0, "engine_new");
        Pointer eng = eref.getValue();
        long t0 = 1762131600000L; // Monday 2025-11-03 09:00 +08:00
        LongByReference caseId = new LongByReference();
        st = g.gridgov_engine_report(eng, "{\"worker\":\"SV001\"}", t0,
                "{\"category\":\"C0101\",\"grid\":\"" + GRID + "\"}", caseId);
        check(st == 0 && caseId.getValue() == 1, "report gives case 1, got " + st + ": " + lastError());
        PointerByReference event = new PointerByReference();
        st = g.gridgov_engine_act(eng, 1, "{\"worker\":\"AC01\"}", t0 + 60_000, "{\"action\":\"accept\"}", event, null);
        check(st == 0, "accept, got " + st + ": " + lastError());
        if (st == 0) {
            check(event.getValue().getString(0, "UTF-8").contains("\"action\":\"accept\""), "the accept event");
            g.gridgov_string_free(event.getValue());
        }
        PointerByReference untouched = new PointerByReference(Pointer.NULL);
        st = g.gridgov_engine_act(eng, 1, "{\"worker\":\"SV001\"}", t0 + 120_000,
                "{\"action\":\"close\",\"reason\":\"x\"}", untouched, null);
        check(st == 110, "a supervisor closing gives GRIDGOV_STATUS_PERMISSION_DENIED, got " + st);
        check(lastError().contains("supervisor"), "message names the role: " + lastError());
        check(untouched.getValue() == null, "nothing written on error");
        st = g.gridgov_engine_act(eng, 1, "{\"worker\":\"SL01\"}", t0 + 120_000,
                "{\"action\":\"close\",\"reason\":\"x\"}", untouched, null);
        check(st == 109, "closing an accepted case gives GRIDGOV_STATUS_INVALID_TRANSITION, got " + st);
        st = g.gridgov_engine_act(eng, 1, "{\"worker\":\"SL01\"}", t0 + 120_000, "{\"action\":\"fly\"}", untouched, null);
        check(st == 100 && lastError().contains("fly"), "an unknown action gives GRIDGOV_STATUS_INVALID_VALUE, got " + st);
        PointerByReference cj = new PointerByReference();
        check(g.gridgov_engine_case_json(eng, 1, t0 + 120_000, cj, null) == 0, "case_json");
        String caseText = cj.getValue().getString(0, "UTF-8");
        check(caseText.contains("\"state\":\"accepted\"") && caseText.contains("\"reporter\":{\"worker\":\"SV001\"}"),
                "case JSON: " + caseText);
        g.gridgov_string_free(cj.getValue());
        long[] cs = new long[4], at = new long[4];
        int[] rs = new int[4];
        LongByReference fired = new LongByReference(7);
        check(g.gridgov_engine_sweep_arrays(eng, t0 + 120_000, cs, rs, at, 4, fired) == 0 && fired.getValue() == 0,
                "nothing to sweep, got " + fired.getValue());
        g.gridgov_engine_free(eng);
        g.gridgov_model_free(model);

        scoring(g);
        division(g);
        journal(g);

        System.out.println("GridgovTest: " + (checks - failures) + " passed, " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }
}
