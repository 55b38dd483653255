"""`make demo` (examples/demo.py): its simulation is deterministic for a seed (a few totals
pinned: the same on any machine), every report's GPS point is located back into its grid, and a
small run ends with the summary and the report."""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import gridgov

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gridgov_demo", ROOT / "examples" / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_city_is_the_same_for_its_seed(demo: ModuleType) -> None:
    engine = demo.simulate_city()  # seed 2026, 1,000 reports a working day, Feb 1 to Mar 31 2026
    records = engine.records().to_frame()
    assert (len(engine), engine.event_count) == (46_433, 465_652)
    assert Counter(records["state"])["closed"] == 41_441
    assert (int((records["rework"] > 0).sum()), int((records["returns"] > 0).sum())) == (4_905, 1_202)
    assert (int((records["postponements"] > 0).sum()), int(records["shelved"].sum())) == (1_504, 385)
    assert int(records["satisfaction"].notna().sum()) == 10_615
    # every check counts (issue 12, item 12): checks done and failed (the failed ones are rework)
    assert (int(records["checks"].sum()), int(records["rework"].sum())) == (47_365, 5_513)
    # verification tasks are assigned (item 12b): one per accepted report from a verified source
    assert engine.events_jsonl().count('"assigned_to"') == 15_626
    effects = Counter(re.findall(r'"effect":"(\w+)"', engine.events_jsonl()))
    assert effects == {"notify": 38_590, "warn": 15_318, "escalate": 1_675, "supervise": 1_109}
    # two-level and joint dispatch (the simulator's assumed rates)
    assert (int(records["second_unit"].notna().sum()), int(records["co_units"].notna().sum())) == (1_531, 1_274)
    assert engine.denials() == []


def test_phone_points_fall_in_their_grids(demo: ModuleType) -> None:
    model = gridgov.Model.sample()
    grid_map = model.grid_map
    assert grid_map is not None
    grids = [g for g in model.grids() for _ in range(3)]
    lon, lat = demo.phone_points(grid_map, grids, seed=1)
    assert list(grid_map.locate(lon, lat, "gcj02")) == grids
    # GCJ-02 is not WGS-84: read as WGS-84, the points are a few hundred metres off
    back = np.asarray(grid_map.locate(lon, lat, "wgs84"), dtype=object)
    assert (back != np.asarray(grids, dtype=object)).mean() > 0.5
    again = demo.phone_points(grid_map, grids, seed=1)
    assert np.array_equal(again[0], lon) and np.array_equal(again[1], lat)


def test_a_small_demo_run(demo: ModuleType, tmp_path: Path, capsys: Any) -> None:
    pytest.importorskip("matplotlib", reason="the demo's report needs matplotlib: pip install 'gridgov[report]'")
    assert demo.main(["--reports-per-day", "60", "--seed", "3", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "drawing the report" in err and "done in" in err
    lines = out.splitlines()
    assert len(lines) <= 30  # one screen
    for text in ("Responsibility check: clean", "GPS:", "Lights at", "Escalations in March", "supervise",
                 "Workflow: returns requested", "督办 orders", "callbacks", "reworked cases", "checks",
                 "March against February", "streets ", "departments ", "sub-units (二级派遣)", "dispatchers ",
                 "Grid division", "Report: "):
        assert any(text in line for line in lines), text
    engine = gridgov.simulate(gridgov.Model.sample(), demo.START, demo.DAYS, seed=3, reports_per_day=60)
    assert f"{len(engine):,} cases and {engine.event_count:,} events" in out
    assert f"{len(engine):,} report points in GCJ-02 located into unit grids: {len(engine):,} in the grid" in out
    # the workflow counts (issue 12) are the records' own
    frame = engine.records().to_frame()
    reworked, shelved = int((frame["rework"] > 0).sum()), int(frame["shelved"].sum())
    assert f"reworked cases {reworked:,} · shelved (挂账) {shelved:,}" in out
    assert f"checks {int(frame['checks'].sum()):,} (failed {int(frame['rework'].sum()):,})" in out
    tasks = engine.events_jsonl().count('"assigned_to"')
    assert tasks > 0 and f"verification tasks {tasks:,} (verified " in out
    assert f"督办 orders {int(frame['orders'].sum()):,} (on time {int(frame['orders_replied_on_time'].sum()):,}," in out
    assert (tmp_path / "report.html").is_file()
    assert (tmp_path / "records.csv").read_text(encoding="utf-8") == engine.records().to_csv()
    # the command it suggests judges the file as the report does: at the engine's own as_of
    suggested = lines[-1].strip().split()
    assert suggested[:2] == ["gridgov", "compare"]
    from gridgov._cli import main

    code = main([*suggested[1:], "--format", "json"])
    assert code == 0, capsys.readouterr().err
    rows = json.loads(capsys.readouterr().out)
    records = engine.records()
    feb = gridgov.score(records.model, records, date(2026, 2, 1), date(2026, 3, 1))
    mar = gridgov.score(records.model, records, date(2026, 3, 1), date(2026, 4, 1))
    expected = gridgov.compare(feb, mar, "street")
    worse = [r for r in rows if r["indicator"] == "on_time_closure_rate"]
    for r in worse:
        row = expected[(expected["area"] == r["area"]) & (expected["indicator"] == "on_time_closure_rate")].iloc[0]
        assert r["after"] == pytest.approx(row["after"]) and r["change"] == pytest.approx(row["change"])


def test_bad_arguments(demo: ModuleType, capsys: Any) -> None:
    with pytest.raises(SystemExit) as info:
        demo.main(["--reports-per-day", "lots"])
    assert info.value.code == 2 and "lots" in capsys.readouterr().err
    assert demo.main(["--reports-per-day", "-1"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("demo.py: error: invalid reports_per_day") and "Traceback" not in err
