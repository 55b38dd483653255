"""The command line (gridgov._cli): every subcommand on good input, its figures checked against
the Python API's own, and on bad input: exit code 2 and one line on stderr naming the bad value,
never a traceback. A few run through `python -m gridgov` and the console script."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import gridgov
from gridgov._cli import COMPARED, TABLE_COLUMNS, Progress, _width, main, render_table

from conftest import fixture_path, fixture_text

SCORE_CITY = str(fixture_path("score/city.toml"))
FIXTURES_DIR = fixture_path("score/city.toml").parent
SCORE_CASES = str(fixture_path("score/cases.csv"))
SCORE_GBK = str(fixture_path("score/cases_gbk.csv"))
MARCH = (datetime(2026, 3, 1), datetime(2026, 4, 1))
AS_OF = "2026-04-10"
PERIOD = ["--from", "2026-03-01", "--to", "2026-04-01", "--as-of", AS_OF]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def bad(capsys: pytest.CaptureFixture[str], *argv: str, named: tuple[str, ...] = (), code: int = 2) -> str:
    """Runs argv, expects `code` and exactly one line on stderr containing every `named` text."""
    got, _, err = run(capsys, *argv)
    assert got == code, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("gridgov")
    for text in named:
        assert text in lines[0], (text, lines[0])
    return lines[0]


def records_of(json_text: str) -> list[dict[str, Any]]:
    rows = json.loads(json_text)
    assert isinstance(rows, list)
    return rows


def same(a: Any, b: Any) -> bool:
    """Equal values of a JSON cell and a frame cell (missing on both sides counts as equal)."""
    if b is None or b is pd.NA or (isinstance(b, float) and np.isnan(b)):
        return a is None
    if isinstance(b, (float, np.floating)):
        return a is not None and a == pytest.approx(float(b), rel=1e-12, abs=1e-12)
    if isinstance(b, np.integer):
        b = int(b)
    return bool(a == b)


def assert_frame_matches(rows: list[dict[str, Any]], frame: pd.DataFrame, key: str) -> None:
    """Every row of the CLI's output equals the API's row of the same key, column by column."""
    api = frame.reset_index()
    assert sorted(r[key] for r in rows) == sorted(api[key])
    by_key = {r[key]: r for r in rows}
    for _, row in api.iterrows():
        got = by_key[row[key]]
        for column in got:
            assert same(got[column], row[column]), (row[key], column, got[column], row[column])


# -- score ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city() -> gridgov.Model:
    return gridgov.Model.load(SCORE_CITY)


@pytest.fixture(scope="module")
def card(city: gridgov.Model) -> gridgov.Scorecard:
    return gridgov.score(city, SCORE_CASES, *MARCH, as_of=datetime(2026, 4, 10))


@pytest.mark.parametrize("level", ["grid", "community", "city"])
def test_score_areas_json_equals_the_api(capsys: Any, card: gridgov.Scorecard, level: str) -> None:
    code, out, err = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", level, "--format", "json")
    assert code == 0, err
    rows = records_of(out)
    assert_frame_matches(rows, card.areas(level), "code")
    assert list(rows[0]) == list(card.areas(level).reset_index().columns)  # every column in json


def test_score_departments_and_posts(capsys: Any, card: gridgov.Scorecard) -> None:
    code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "department", "-f", "json")
    assert code == 0
    assert_frame_matches(records_of(out), card.departments(), "unit")
    for role in ("supervisor", "dispatcher"):
        code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", role, "-f", "json")
        assert code == 0
        assert_frame_matches(records_of(out), card.posts(role), "worker")


def test_score_gbk_export_gives_the_same_card(capsys: Any) -> None:
    _, utf8, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "grid", "-f", "json")
    code, gbk, err = run(capsys, "score", SCORE_CITY, SCORE_GBK, *PERIOD, "--level", "grid", "-f", "json")
    assert code == 0, err
    assert gbk == utf8


def test_score_month_is_the_period(capsys: Any) -> None:
    _, by_dates, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "-f", "csv")
    code, by_month, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, "--month", "2026-03", "--as-of", AS_OF,
                            "-f", "csv")
    assert code == 0
    assert by_month == by_dates
    # a date-time bound is read as local time: from 08:00 on 2 March the first case (08:10) counts
    _, later, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, "--from", "2026-03-02T08:15", "--to", "2026-04-01",
                      "--as-of", AS_OF, "--level", "city", "-f", "json")
    api = gridgov.score(gridgov.Model.load(SCORE_CITY), SCORE_CASES, datetime(2026, 3, 2, 8, 15), MARCH[1],
                        as_of=datetime(2026, 4, 10)).areas("city")
    assert_frame_matches(records_of(later), api, "code")


def test_score_csv_table_and_parquet(capsys: Any, tmp_path: Path, card: gridgov.Scorecard) -> None:
    code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "grid", "-f", "csv")
    assert code == 0
    got = pd.read_csv(io.StringIO(out), dtype={"code": str})
    api = card.areas("grid").reset_index()
    assert list(got["code"]) == list(api.sort_values("rank")["code"])
    assert got["on_time_closure_rate"].tolist() == pytest.approx(
        api.set_index("code").loc[got["code"], "on_time_closure_rate"].tolist(), nan_ok=True
    )
    # a table: the title, a header of a few key columns, one line per grid, rates in percent
    code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "grid")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("score test city: grids, [2026-03-01 00:00, 2026-04-01 00:00) as of 2026-04-10 00:00")
    assert lines[1].split()[:3] == ["code", "name", "filed"] and "on_time_closure_rate" in lines[1]
    assert len(lines) == 3 + len(api)
    rate = api.set_index("code").loc["37990100100101", "on_time_closure_rate"]
    assert f"{rate * 100:.1f}%" in next(line for line in lines if line.startswith("37990100100101"))
    # parquet, to a file
    path = tmp_path / "grids.parquet"
    code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "grid", "-f", "parquet",
                       "--out", str(path))
    assert code == 0 and out == ""
    back = pd.read_parquet(path)
    assert sorted(back["code"]) == sorted(api["code"])
    assert back.set_index("code")["filed"].to_dict() == api.set_index("code")["filed"].to_dict()


def test_score_columns_and_chinese_labels(capsys: Any, card: gridgov.Scorecard) -> None:
    code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "grid", "-f", "csv",
                       "--columns", "filed,closed", "--labels", "zh")
    assert code == 0
    header = out.splitlines()[0].split(",")
    zh = gridgov.column_labels()
    assert header == ["编码", "名称", zh["filed"], zh["closed"], zh["score"], zh["grade"], zh["rank"], zh["sample"]]
    assert "按期结案率" in run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--labels", "zh")[1]


def test_score_default_table_columns_exist(capsys: Any) -> None:
    for kind, columns in TABLE_COLUMNS.items():
        assert set(columns) <= set(gridgov._gridgov.Scorecard.columns_of(kind)), kind
    code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "department")
    assert code == 0
    assert out.splitlines()[1].split() == ["unit", "name", *TABLE_COLUMNS["department"], "score", "grade", "rank",
                                           "sample"]


def test_score_parquet_records(capsys: Any, tmp_path: Path, city: gridgov.Model) -> None:
    path = tmp_path / "cases.parquet"
    gridgov.Records.read_csv(city, SCORE_CASES).to_frame().to_parquet(path)
    _, want, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "grid", "-f", "json")
    code, got, err = run(capsys, "score", SCORE_CITY, str(path), *PERIOD, "--level", "grid", "-f", "json")
    assert code == 0, err
    assert got == want


def test_score_out_writes_a_file(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "streets.csv"
    code, out, _ = run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "-f", "csv", "-o", str(path))
    assert code == 0 and out == ""
    assert path.read_text(encoding="utf-8") == run(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "-f", "csv")[1]


def test_score_bad_input(capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["score", SCORE_CITY, SCORE_CASES]
    bad(capsys, "score", SCORE_CITY, "nowhere.csv", *PERIOD, named=("nowhere.csv", "does not exist"))
    bad(capsys, "score", "nomodel.toml", SCORE_CASES, *PERIOD, named=("nomodel.toml", "does not exist"))
    bad(capsys, *args, "--from", "2026-13-01", "--to", "2026-04-01", named=("--from", "2026-13-01"))
    bad(capsys, *args, "--from", "2026-03-01", "--to", "2026-02-30", named=("--to", "2026-02-30"))
    bad(capsys, *args, "--from", "", "--to", "2026-04-01", named=("--from",))
    bad(capsys, *args, "--from", "2026-04-01", "--to", "2026-03-01", named=("2026-04-01 to 2026-03-01",))
    bad(capsys, *args, "--from", "2026-03-01", named=("--from WHEN --to WHEN",))
    bad(capsys, *args, "--month", "2026-3x", named=("2026-3x",))
    bad(capsys, *args, "--month", "2026-13", named=("2026-13",))
    bad(capsys, *args, *PERIOD, "--level", "county", named=('"county"', "grid", "department"))
    bad(capsys, *args, *PERIOD, "--format", "xml", named=("'xml'", "--format"))
    bad(capsys, *args, *PERIOD, "--columns", "filed,bogus", named=('"bogus"',))
    bad(capsys, *args, *PERIOD, "--columns", ",", named=('","',))
    bad(capsys, "score", SCORE_CITY, "nowhere.csv", *PERIOD, "--columns", "bogus", named=('"bogus"',))  # first
    bad(capsys, *args, *PERIOD, "--encoding", "klingon", named=("klingon",))
    bad(capsys, *args, *PERIOD, "--bogus", named=("--bogus",))
    bad(capsys, *args, *PERIOD, "-f", "parquet", named=("--out",))
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if pyarrow were not installed
    bad(capsys, *args, *PERIOD, "-f", "parquet", "-o", str(tmp_path / "x.parquet"), named=("pyarrow",))
    parquet = tmp_path / "cases.parquet"
    parquet.write_bytes(b"PAR1")
    bad(capsys, "score", SCORE_CITY, str(parquet), *PERIOD, named=("pyarrow",))  # reading Parquet needs it too
    monkeypatch.undo()
    # a bad record names its row and column
    broken = tmp_path / "broken.csv"
    broken.write_text(fixture_text("score/cases.csv").replace("2026-03-02 08:15", "2026-03-01 08:15", 1), "utf-8")
    bad(capsys, "score", SCORE_CITY, str(broken), *PERIOD, named=(f"{broken}: ", "records[0].filed_at"))
    # a model with an error
    bad(capsys, "score", str(fixture_path("cities/bad_model.toml")), SCORE_CASES, *PERIOD,
        named=("bad_model.toml", "invalid"))
    # records of another model
    bad(capsys, "score", "sample", SCORE_CASES, *PERIOD, named=("records[",))


# -- compare --------------------------------------------------------------------------------------

SEED = 7


@pytest.fixture(scope="module")
def sample_records(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, gridgov.Records]:
    """February and March 2026 of the sample city, as a CSV export."""
    engine = gridgov.simulate(gridgov.Model.sample(), date(2026, 2, 2), 58, seed=SEED, reports_per_day=60)
    records = engine.records()
    path = tmp_path_factory.mktemp("cli") / "records.csv"
    records.to_csv(path)
    return path, records


def api_changes(records: gridgov.Records, level: str = "street") -> pd.DataFrame:
    model = records.model
    feb = gridgov.score(model, records, date(2026, 2, 1), date(2026, 3, 1))
    mar = gridgov.score(model, records, date(2026, 3, 1), date(2026, 4, 1))
    return gridgov.compare(feb, mar, level)


def worsening(indicator: str, change: float) -> float:
    return change if indicator.endswith("_hours") else -change


Sim = tuple[Path, gridgov.Records]


def test_compare_equals_the_api_sorted_worst_first(capsys: Any, sample_records: Sim) -> None:
    path, records = sample_records
    code, out, err = run(capsys, "compare", "sample", str(path), "--before", "2026-02", "--after", "2026-03",
                         "-f", "json")
    assert code == 0, err
    rows = records_of(out)
    api = api_changes(records)
    assert len(rows) == len(api) == 6 * 4  # six streets, four indicators
    for r in rows:
        a = api[(api["area"] == r["area"]) & (api["indicator"] == r["indicator"])].iloc[0]
        for column in ("name", "level", "before", "after", "change", "change_pct"):
            assert same(r[column], a[column]), (r, column)
        w = worsening(r["indicator"], r["change"]) if r["change"] is not None else None
        assert r["verdict"] == ("-" if w is None else "worse" if w > 0 else "better" if w < 0 else "same")
    # grouped by indicator in the API's order, worst change first within each
    indicators = [r["indicator"] for r in rows]
    assert list(dict.fromkeys(indicators)) == list(dict.fromkeys(api["indicator"]))
    for ind in set(indicators):
        ws = [worsening(ind, r["change"]) for r in rows if r["indicator"] == ind and r["change"] is not None]
        assert ws == sorted(ws, reverse=True)


def test_compare_worst_answers_which_streets_got_worse(capsys: Any, sample_records: Sim) -> None:
    path, records = sample_records
    code, out, _ = run(capsys, "compare", "sample", str(path), "--before", "2026-02", "--after", "2026-03",
                       "--indicator", "on_time_closure_rate", "--worst", "2", "-f", "json")
    assert code == 0
    rows = records_of(out)
    api = api_changes(records)
    api = api[(api["indicator"] == "on_time_closure_rate") & (api["change"] < 0)].sort_values("change")
    assert [r["area"] for r in rows] == list(api["area"][:2])
    assert all(r["verdict"] == "worse" for r in rows)
    code, out, _ = run(capsys, "compare", "sample", str(path), "--before", "2026-02", "--after", "2026-03",
                       "--indicator", "mean_handle_hours", "--best", "1", "-f", "json")
    assert code == 0
    best = api_changes(records)
    best = best[(best["indicator"] == "mean_handle_hours") & (best["change"] < 0)].sort_values("change")
    assert [r["area"] for r in records_of(out)] == list(best["area"][:1])
    # the table names the periods and lines up
    code, out, _ = run(capsys, "compare", "sample", str(path), "--before", "2026-02-01..2026-03-01",
                       "--after", "2026-03", "--worst", "3")
    assert code == 0
    assert "[2026-03-01 00:00, 2026-04-01 00:00)" in out.splitlines()[0]
    table = out.splitlines()[3:]  # title, header, rule
    assert table and all(line.rstrip().endswith("worse") for line in table)
    assert any(" pt " in line and "%" in line for line in table)  # rates in percent, changes in points


def test_compare_when_nothing_got_worse(capsys: Any, sample_records: Sim) -> None:
    path = str(sample_records[0])
    # the same month on both sides: nothing changed, so nothing got worse or better
    code, out, _ = run(capsys, "compare", "sample", path, "--before", "2026-03", "--after", "2026-03", "--worst", "3")
    assert code == 0
    assert out.splitlines()[1:] == ["no street got worse in " + ", ".join(COMPARED)]
    code, out, _ = run(capsys, "compare", "sample", path, "--before", "2026-03", "--after", "2026-03", "--best", "3",
                       "--indicator", "satisfaction_rate", "-f", "json")
    assert code == 0 and records_of(out) == []
    code, out, _ = run(capsys, "compare", "sample", path, "--before", "2026-03", "--after", "2026-03", "-f", "json")
    assert code == 0 and {r["verdict"] for r in records_of(out)} <= {"same", "-"}


def test_compare_after_records_of_another_export(capsys: Any, sample_records: Sim, tmp_path: Path) -> None:
    path, records = sample_records
    other = gridgov.simulate(records.model, date(2026, 2, 2), 58, seed=SEED + 1, reports_per_day=60).records()
    other_path = tmp_path / "other.csv"
    other.to_csv(other_path)
    code, out, err = run(capsys, "compare", "sample", str(path), "--after-records", str(other_path),
                         "--before", "2026-02", "--after", "2026-03", "--level", "district", "-f", "json")
    assert code == 0, err
    model = records.model
    feb = gridgov.score(model, gridgov.Records.read_csv(model, path), date(2026, 2, 1), date(2026, 3, 1))
    mar = gridgov.score(model, gridgov.Records.read_csv(model, other_path), date(2026, 3, 1), date(2026, 4, 1))
    api = gridgov.compare(feb, mar, "district", allow_different_as_of=True)
    rows = records_of(out)
    assert len(rows) == len(api)
    for r in rows:
        a = api[(api["area"] == r["area"]) & (api["indicator"] == r["indicator"])].iloc[0]
        assert same(r["before"], a["before"]) and same(r["after"], a["after"]) and same(r["change"], a["change"])


def test_compare_bad_input(capsys: Any, sample_records: Sim) -> None:
    path = str(sample_records[0])
    base = ["compare", "sample", path]
    bad(capsys, *base, "--before", "2026-13", "--after", "2026-03", named=("--before", "2026-13"))
    bad(capsys, *base, "--before", "february", "--after", "2026-03", named=('"february"', "START..END"))
    bad(capsys, *base, "--before", "2026-02-01..2026-02-31", "--after", "2026-03", named=("2026-02-31",))
    bad(capsys, *base, "--before", "2026-03-01..2026-02-01", "--after", "2026-03", named=("is empty",))
    bad(capsys, *base, "--before", "2026-02", "--after", "2026-03", "--level", "department", named=('"department"',))
    bad(capsys, *base, "--before", "2026-02", "--after", "2026-03", "--worst", "0", named=("--worst",))
    bad(capsys, *base, "--before", "2026-02", "--after", "2026-03", "--worst", "2", "--best", "2", named=("--best",))
    bad(capsys, *base, "--before", "2026-02", "--after", "2026-03", "--indicator", "speed", named=("'speed'",))
    bad(capsys, *base, "--after", "2026-03", named=("--before",))
    bad(capsys, "compare", "sample", "gone.csv", "--before", "2026-02", "--after", "2026-03", named=("gone.csv",))
    bad(capsys, *base, "--before", "2026-02", "--after", "2026-03", "--after-records", "gone.csv", named=("gone.csv",))


# -- check ----------------------------------------------------------------------------------------


def test_check_sample_is_clean(capsys: Any, sample: gridgov.Model) -> None:
    code, out, err = run(capsys, "check", "sample")
    assert code == 0, err
    report = sample.check()
    assert f"= {report.cells:,} cells" in out and "clean" in out
    assert f"every one of the {len(sample.grids())} unit grids has one" in out
    first, last = sample.summary()["calendar_years"]
    assert f"holidays known for {first}-{last}" in out
    code, out, _ = run(capsys, "check", "sample", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["responsibility"] == report.to_dict() and doc["problems"] == 0
    assert doc["boundaries"] == {"source": "the model's", "grids": len(sample.grids()), "missing": []}


def test_check_finds_gaps_conflicts_calendar_and_boundaries(capsys: Any, tiny: gridgov.Model, tiny_path: Path,
                                                            sample: gridgov.Model) -> None:
    report = tiny.check()
    assert not report.is_clean
    code, out, err = run(capsys, "check", str(tiny_path), "--format", "json")
    assert code == 1
    assert json.loads(out)["responsibility"] == report.to_dict()
    assert json.loads(out)["problems"] == len(report.gaps) + len(report.conflicts)
    assert err.count("\n") == 1 and f"{len(report.gaps) + len(report.conflicts)} problem(s)" in err
    code, out, _ = run(capsys, "check", str(tiny_path))
    assert code == 1
    assert out.count("\n  gap ") == len(report.gaps) and out.count("\n  conflict ") == len(report.conflicts)
    # a day after the calendar's last year
    last = sample.summary()["calendar_years"][1]
    code, out, _ = run(capsys, "check", "sample", "--through", f"{last + 1}-01-04")
    assert code == 1 and f"{last + 1}-01-04 is NOT covered" in out
    code, out, _ = run(capsys, "check", "sample", "--through", f"{last}-12-31")
    assert code == 0 and f"{last}-12-31 is covered" in out
    # boundaries of two of the sample's grids: every other grid lacks one
    two = fixture_path("boundaries/two_grids.geojson")
    missing = gridgov.GridMap.from_geojson(two).check_against(sample)
    code, out, _ = run(capsys, "check", "sample", "--boundaries", str(two), "-f", "json")
    assert code == 1 and json.loads(out)["boundaries"]["missing"] == missing and missing


def test_check_bad_input(capsys: Any, tmp_path: Path) -> None:
    bad_model = fixture_path("cities/bad_model.toml")
    with pytest.raises(gridgov.ModelError) as caught:
        gridgov.Model.load(bad_model)
    code, out, err = run(capsys, "check", str(bad_model))
    assert code == 2
    assert out.splitlines() == [f"{p}: {m}" for p, m in caught.value.issues]  # every problem, on stdout
    assert len(err.splitlines()) == 1
    first = caught.value.issues[0]
    assert f"({len(caught.value.issues)} problems, the first: {first[0]}: {first[1]}; every one listed)" in err
    code, out, _ = run(capsys, "check", str(bad_model), "--format", "json")
    assert code == 2
    assert json.loads(out)["issues"] == [{"path": p, "message": m} for p, m in caught.value.issues]
    bad(capsys, "check", "missing.toml", named=("missing.toml", "does not exist"))
    bad(capsys, "check", str(tmp_path), named=("is a directory",))
    not_toml = tmp_path / "model.toml"
    not_toml.write_text("name = \n", encoding="utf-8")
    bad(capsys, "check", str(not_toml), named=(str(not_toml),))
    bad(capsys, "check", "sample", "--through", "2026-02-30", named=("--through", "2026-02-30"))
    bad(capsys, "check", "sample", "--boundaries", "none.geojson", named=("none.geojson",))
    bad(capsys, "check", "sample", "--boundaries", str(fixture_path("boundaries/districts.geojson")),
        named=("features",))  # district codes are not unit grids of the sample
    bad(capsys, "check", "sample", "--format", "csv", named=("'csv'",))


# -- locate ---------------------------------------------------------------------------------------


def sample_points(n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Seeded points over the sample city's box and a little beyond, WGS-84."""
    gm = gridgov.Model.sample().grid_map
    assert gm is not None and gm.bbox is not None
    x0, y0, x1, y1 = gm.bbox
    rng = np.random.default_rng(3)
    lon = np.round(rng.uniform(x0 - 0.01, x1 + 0.01, n), 7)
    lat = np.round(rng.uniform(y0 - 0.01, y1 + 0.01, n), 7)
    return lon, lat


def test_locate_gcj02_points_with_chinese_columns_in_gbk(capsys: Any, tmp_path: Path) -> None:
    lon, lat = sample_points()
    glon, glat = gridgov.convert(lon, lat, "wgs84", "gcj02")  # as a phone sends them
    frame = pd.DataFrame({"编号": [f"P{i}" for i in range(len(lon))], "经度": glon, "纬度": glat})
    path = tmp_path / "points.csv"
    path.write_bytes(frame.to_csv(index=False).encode("gb18030"))
    code, out, err = run(capsys, "locate", "sample", str(path), "--crs", "gcj02", "-f", "json")
    assert code == 0, err
    rows = records_of(out)
    gm = gridgov.Model.sample().grid_map
    assert gm is not None
    lons, lats = (np.array([float(r[c]) for r in rows]) for c in ("经度", "纬度"))
    expected = gm.locate(lons, lats, "gcj02")
    assert [r["grid"] or None for r in rows] == list(expected)
    assert [r["编号"] for r in rows] == list(frame["编号"])  # every input column kept, in order
    inside = sum(e is not None for e in expected)
    assert 0 < inside < len(rows)  # some outside, some in
    assert f"{inside:,} of {len(rows):,} points located" in err


def test_locate_own_boundaries_and_named_columns(capsys: Any, tmp_path: Path) -> None:
    districts = fixture_path("boundaries/districts.geojson")
    gm = gridgov.GridMap.from_geojson(districts)
    x0, y0, x1, y1 = gm.bbox or (0, 0, 0, 0)
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)
    path = tmp_path / "pts.csv"
    pd.DataFrame({"X坐标": lon, "Y坐标": lat}).to_csv(path, index=False)
    code, out, _ = run(capsys, "locate", str(districts), str(path), "--crs", "wgs84", "--lon", "X坐标",
                       "--lat", "Y坐标", "-f", "csv")
    assert code == 0
    got = pd.read_csv(io.StringIO(out), dtype={"grid": str}, keep_default_na=False)
    assert [g or None for g in got["grid"]] == list(gm.locate(got["X坐标"].to_numpy(), got["Y坐标"].to_numpy()))
    code, out, _ = run(capsys, "locate", str(districts), str(path), "--crs", "wgs84", "--lon", "X坐标",
                       "--lat", "Y坐标")
    assert code == 0 and out.splitlines()[0].split() == ["X坐标", "Y坐标", "grid"]


def test_locate_rows_without_coordinates_stay_unlocated(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "hotline.csv"
    path.write_text("id,lng,lat\n1,117.0489,36.7391\n2,,\n3,117.0489, \n4,100.0,30.0\n", encoding="utf-8")
    code, out, err = run(capsys, "locate", "sample", str(path), "--crs", "wgs84", "-f", "json")
    assert code == 0, err
    gm = gridgov.Model.sample().grid_map
    assert gm is not None
    assert [r["grid"] for r in records_of(out)] == [gm.locate(117.0489, 36.7391), "", "", ""]
    assert "1 of 4 points located into 1 grids; 1 outside every grid (wgs84); 2 without coordinates" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("lon,lat\n", encoding="utf-8")
    code, out, err = run(capsys, "locate", "sample", str(empty), "--crs", "wgs84", "-f", "json")
    assert code == 0 and records_of(out) == [] and "0 of 0 points" in err


def test_locate_bad_input(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("id,lon,lat\n1,117.05,36.74\n2,117.06,north\n", encoding="utf-8")
    bad(capsys, "locate", "sample", str(path), "--crs", "mars", named=('"mars"',))
    bad(capsys, "locate", "sample", str(path), named=("--crs",))
    bad(capsys, "locate", "sample", str(path), "--crs", "wgs84", named=("line 3", "lat", '"north"'))
    path.write_text("id,lon,lat\n1,117.05,36.74\n2,inf,36.74\n", encoding="utf-8")
    bad(capsys, "locate", "sample", str(path), "--crs", "wgs84", named=("line 3", "lon", '"inf"'))
    bad(capsys, "locate", "sample", "gone.csv", "--crs", "wgs84", named=("gone.csv", "does not exist"))
    bad(capsys, "locate", "gone.geojson", str(path), "--crs", "wgs84", named=("gone.geojson",))
    bad(capsys, "locate", "sample", str(path), "--crs", "wgs84", "--boundaries-crs", "bd9", named=("'bd9'",))
    no_coords = tmp_path / "nocoords.csv"
    no_coords.write_text("id,where\n1,here\n", encoding="utf-8")
    bad(capsys, "locate", "sample", str(no_coords), "--crs", "wgs84", named=("no longitude column", "--lon"))
    bad(capsys, "locate", "sample", str(path), "--crs", "wgs84", "--lat", "纬度", named=('"纬度"',))
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    bad(capsys, "locate", str(broken), str(path), "--crs", "wgs84", named=("JSON",))


# -- simulate -------------------------------------------------------------------------------------


def test_simulate_writes_the_api_s_records_and_events(capsys: Any, tmp_path: Path, sample: gridgov.Model) -> None:
    rec, ev = tmp_path / "r.csv", tmp_path / "e.jsonl"
    code, out, err = run(capsys, "simulate", "sample", "--start", "2026-03-02", "--days", "3", "--seed", "5",
                         "--reports-per-day", "80", "--out", str(rec), "--events", str(ev))
    assert code == 0, err
    engine = gridgov.simulate(sample, date(2026, 3, 2), 3, seed=5, reports_per_day=80)
    assert rec.read_text(encoding="utf-8") == engine.records().to_csv()
    assert ev.read_text(encoding="utf-8") == engine.events_jsonl()
    assert f"{len(engine):,} cases, {engine.event_count:,} events" in out
    # a date-time start is local time
    code, out, _ = run(capsys, "simulate", "sample", "--start", "2026-03-02T08:00", "--days", "1")
    assert code == 0 and "from 2026-03-02 08:00" in out
    assert f"{len(gridgov.simulate(sample, datetime(2026, 3, 2, 8), 1)):,} cases" in out


def test_simulate_bad_input(capsys: Any, sample: gridgov.Model) -> None:
    bad(capsys, "simulate", "sample", "--start", "2026-02-30", named=("--start", "2026-02-30"))
    bad(capsys, "simulate", "sample", "--start", "2026-03-02", "--days", "0", named=("days", "0"))
    bad(capsys, "simulate", "sample", "--start", "2026-03-02", "--days", "ten", named=("'ten'",))
    last = sample.summary()["calendar_years"][1]
    bad(capsys, "simulate", "sample", "--start", f"{last + 3}-03-02", named=(str(last + 3),))
    bad(capsys, "simulate", "nothere.toml", "--start", "2026-03-02", named=("nothere.toml",))
    bad(capsys, "simulate", "sample", named=("--start",))
    bad(capsys, "simulate", "sample", "--start", "2026-03-02", "--days", "1", "--out", "/nonexistent-dir/r.csv",
        named=("--out /nonexistent-dir/r.csv", "does not exist"))
    bad(capsys, "simulate", "sample", "--start", "2026-03-02", "--days", "1", "--events", "/nonexistent-dir/e.jsonl",
        named=("--events /nonexistent-dir/e.jsonl",))
    bad(capsys, "score", SCORE_CITY, SCORE_CASES, *PERIOD, "--out", str(FIXTURES_DIR), named=("is a directory",))


# -- verify ---------------------------------------------------------------------------------------


def test_verify_events_and_journal(capsys: Any, tmp_path: Path, sample: gridgov.Model) -> None:
    events = fixture_path("events/sample_2w.jsonl")
    expected = gridgov.verify_events(events.read_text(encoding="utf-8"))
    code, out, err = run(capsys, "verify", str(events))
    assert code == 0, err
    assert f"{expected['events']:,} events, the audit chain verifies; head {expected['head']}" in out
    journal = tmp_path / "city.journal"
    engine = gridgov.Engine.open(sample, journal)
    for hour in (9, 10, 11):
        engine.report("SV001", category="C0101", grid="37990100100101", at=datetime(2026, 3, 2, hour))
    del engine
    head = gridgov.verify_journal(journal)["head"]
    code, out, _ = run(capsys, "verify", str(journal))
    assert code == 0 and "(journal): 3 events" in out and head in out


def test_verify_finds_tampering(capsys: Any, tmp_path: Path, sample: gridgov.Model) -> None:
    lines = fixture_text("events/sample_2w.jsonl").splitlines(keepends=True)
    lines[40] = lines[40].replace('"at":', '"at":1', 1)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(gridgov.ValidationError) as caught:
        gridgov.verify_events("".join(lines))
    line = bad(capsys, "verify", str(edited), code=1, named=("does not verify",))
    assert str(caught.value).splitlines()[0] in line
    # a journal whose stored row was changed behind the engine's back
    journal = tmp_path / "city.journal"
    engine = gridgov.Engine.open(sample, journal)
    for hour in (9, 10, 11):
        engine.report("SV001", category="C0101", grid="37990100100101", at=datetime(2026, 3, 2, hour))
    del engine
    with sqlite3.connect(journal) as db:
        db.execute("UPDATE events SET at = at + 1 WHERE seq = 2")
    with pytest.raises(gridgov.TamperedError):
        gridgov.verify_journal(journal)
    bad(capsys, "verify", str(journal), code=1, named=("does not verify", "2"))


def test_verify_bad_input(capsys: Any, tmp_path: Path) -> None:
    bad(capsys, "verify", "gone.jsonl", named=("gone.jsonl", "does not exist"))
    bad(capsys, "verify", SCORE_CASES, named=("is not an event export", "line 1"))  # a CSV file
    bad(capsys, "verify", named=("JOURNAL_OR_EVENTS",))


# -- report, demo, help, progress -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """February and March 2026 of the sample city as an event export and as case records."""
    engine = gridgov.simulate(gridgov.Model.sample(), date(2026, 2, 2), 58, seed=SEED, reports_per_day=60)
    folder = tmp_path_factory.mktemp("report")
    events, records = folder / "events.jsonl", folder / "records.csv"
    events.write_text(engine.events_jsonl(), encoding="utf-8")
    engine.records().to_csv(records)
    return events, records


REPORT_PERIODS = ("--before", "2026-02", "--after", "2026-03")


def test_report(capsys: Any, tmp_path: Path, sample_exports: tuple[Path, Path], monkeypatch: Any) -> None:
    pytest.importorskip("matplotlib", reason="gridgov report needs matplotlib: pip install 'gridgov[report]'")
    events, records = sample_exports
    out = tmp_path / "r.html"
    code, stdout, err = run(capsys, "report", "sample", str(events), *REPORT_PERIODS, "--out", str(out))
    assert code == 0, err
    assert stdout == "" and err.strip() == f"report: {out}"
    page = out.read_text(encoding="utf-8")
    assert "本期 2026年3月" in page and "督办" in page and "红灯" in page and "需要案件引擎" not in page
    # from case records: no lights, no escalations, said so; --level, --title, --as-of
    code, _, err = run(capsys, "report", "sample", str(records), "--before", "2026-02-01..2026-03-01",
                       "--after", "2026-03", "--level", "district", "--title", "西山区月报", "--as-of",
                       "2026-03-31T18:00", "-o", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "<title>西山区月报</title>" in page and page.count("需要案件引擎") == 2
    assert "状态截至 2026-03-31 18:00" in page
    # without --out: out/report.html, the folder created
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "report", "sample", str(events), *REPORT_PERIODS)
    assert code == 0, err
    assert (tmp_path / "out" / "report.html").is_file()


def test_report_bad_input(capsys: Any, tmp_path: Path, sample_exports: tuple[Path, Path], monkeypatch: Any) -> None:
    events, records = sample_exports
    bad(capsys, "report", named=("MODEL", "SOURCE"))
    bad(capsys, "report", "sample", "gone.jsonl", *REPORT_PERIODS, named=("gone.jsonl", "does not exist"))
    bad(capsys, "report", "sample", str(events), "--before", "2026-14", "--after", "2026-03", named=("2026-14",))
    bad(capsys, "report", "sample", str(events), "--before", "2026-02", "--after", "March",
        named=("--after", "March"))
    bad(capsys, "report", "sample", str(events), *REPORT_PERIODS, "--level", "county", named=("county",))
    bad(capsys, "report", "sample", str(events), *REPORT_PERIODS, "--as-of", "soon", named=("soon",))
    bad(capsys, "report", "sample", str(events), *REPORT_PERIODS, "--out", str(tmp_path / "no" / "r.html"),
        named=("does not exist",))
    not_events = tmp_path / "x.jsonl"
    not_events.write_text("id,grid\n1,2\n", encoding="utf-8")
    bad(capsys, "report", "sample", str(not_events), *REPORT_PERIODS, named=("x.jsonl", "is not an event export"))
    bad(capsys, "report", str(fixture_path("cities/tiny.toml")), str(events), *REPORT_PERIODS,
        named=("events.jsonl", "is not an event export"))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    bad(capsys, "report", "sample", str(records), *REPORT_PERIODS, "--out", str(tmp_path / "r.html"),
        named=("matplotlib", "pip install 'gridgov[report]'"))
    assert not (tmp_path / "r.html").exists()


def test_demo(capsys: Any, tmp_path: Path, sample: gridgov.Model) -> None:
    code, out, err = run(capsys, "demo", "--seed", "3", "--out", str(tmp_path))
    assert code == 0, err
    engine = gridgov.simulate(sample, date(2026, 2, 2), 58, seed=3)
    assert f"{len(engine):,} cases, {engine.event_count:,} events" in out
    assert (tmp_path / "records.csv").read_text(encoding="utf-8") == engine.records().to_csv()
    assert (tmp_path / "events.jsonl").read_text(encoding="utf-8") == engine.events_jsonl()
    mar = gridgov.score(sample, engine.records(), date(2026, 3, 1), date(2026, 4, 1)).areas("street")
    for name in mar["name"]:
        assert name in out
    # the commands it suggests work on what it wrote
    code, _, err = run(capsys, "compare", "sample", str(tmp_path / "records.csv"), "--before", "2026-02",
                       "--after", "2026-03", "--worst", "3")
    assert code == 0, err
    bad(capsys, "demo", "--seed", "-1", named=("seed",))


@pytest.mark.parametrize(
    "command", ["demo", "check", "score", "compare", "locate", "simulate", "verify", "report"]
)
def test_help_of_every_command(capsys: Any, command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: gridgov {command}") and "exit codes" in out
    code, out, _ = run(capsys, "--help")
    assert code == 0 and command in out


def test_no_command_and_version(capsys: Any) -> None:
    bad(capsys, named=("COMMAND",))
    bad(capsys, "tally", named=("'tally'",))
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"gridgov {gridgov.__version__}"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(Progress, "delay", 0.01)
    monkeypatch.setattr(Progress, "interval", 0.01)
    tty = _Terminal()
    with Progress(tty).step("simulating"):
        deadline = time.monotonic() + 10
        while "\r| simulating" not in tty.getvalue() and time.monotonic() < deadline:  # a slow machine
            time.sleep(0.01)
    text = tty.getvalue()
    assert "\r| simulating" in text and text.endswith("s\n") and "simulating: " in text
    piped = io.StringIO()
    with Progress(piped).step("simulating"):
        time.sleep(0.05)
    assert piped.getvalue() == ""
    failing = _Terminal()
    with pytest.raises(RuntimeError), Progress(failing).step("reading"):
        deadline = time.monotonic() + 10
        while "\r| reading" not in failing.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise RuntimeError("bad input")
    assert "\r| reading" in failing.getvalue()
    assert failing.getvalue().endswith("\r") and "reading:" not in failing.getvalue()  # cleared for the error line
    quick = _Terminal()
    monkeypatch.setattr(Progress, "delay", 5.0)
    with Progress(quick).step("quick"):
        pass
    assert quick.getvalue() == ""  # a step shorter than the delay prints nothing


def test_table_counts_chinese_characters_as_two_columns() -> None:
    frame = pd.DataFrame({"name": ["湖滨街道", "Lakeside"], "closure_rate": [0.5, 0.25]})
    lines = render_table(frame).splitlines()
    assert len({_width(line) for line in lines}) == 1  # the right-aligned rates end in one column
    assert lines[0].startswith("name      closure_rate")
    assert lines[2].endswith("50.0%") and lines[3].endswith("25.0%")
    assert _width("湖滨街道") == 8


# -- through a process ----------------------------------------------------------------------------


def process(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gridgov", *argv], capture_output=True, text=True, timeout=120)


def test_python_m_gridgov_exit_codes_without_tracebacks(tmp_path: Path) -> None:
    ok = process("score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "grid", "-f", "json")
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)) == 2
    for argv, named in [
        (["score", SCORE_CITY, "gone.csv", *PERIOD], "gone.csv"),
        (["score", SCORE_CITY, SCORE_CASES, "--from", "2026-03-32", "--to", "2026-04-01"], "2026-03-32"),
        (["score", SCORE_CITY, SCORE_CASES, *PERIOD, "--level", "county"], "county"),
        (["check", str(fixture_path("cities/bad_model.toml"))], "bad_model.toml"),
        (["locate", "sample", SCORE_CASES, "--crs", "mars"], "mars"),
        (["report", "sample", "gone.jsonl", *REPORT_PERIODS], "gone.jsonl"),
    ]:
        r = process(*argv)
        assert r.returncode == 2, (argv, r.stderr)
        assert "Traceback" not in r.stderr
        assert len(r.stderr.splitlines()) == 1 and named in r.stderr, r.stderr
    r = process("check", str(fixture_path("cities/tiny.toml")))
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_console_script() -> None:
    script = Path(sys.executable).parent / ("gridgov.exe" if sys.platform == "win32" else "gridgov")
    assert script.exists(), f"{script}: the console script is not installed (make python installs it)"
    r = subprocess.run([str(script), "check", "sample"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "responsibility matrix: clean" in r.stdout
