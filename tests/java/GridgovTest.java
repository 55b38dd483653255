// gridgov from Java through JNA: the way a legacy Java city system links libgridgov.
// Run by `make test-java`: java -cp /usr/share/java/jna.jar -Djna.library.path=target/debug tests/java/GridgovTest.java
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
    }

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
        g.gridgov_model_free(model);

        System.out.println("GridgovTest: " + (checks - failures) + " passed, " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }
}
