"""The city model: the sample city, loading and its errors, routing, the static check,
deadlines, and the record lists."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import gridgov

from conftest import CST, fixture_text

ROLES = ["supervisor", "acceptor", "shift_leader", "dispatcher", "handler", "manager", "auditor"]


def test_sample_sizes(sample: gridgov.Model) -> None:
    assert sample.name.startswith("清河市")
    assert sample.version == "2026.1"
    assert sample.levels == ["city", "district", "street", "community", "grid"]
    s = sample.summary()
    assert s["areas_per_level"] == {"city": 1, "district": 2, "street": 6, "community": 24, "grid": 408}
    assert s["grids"] == 408
    assert s["calendar"] == "china"
    assert s["calendar_years"] == (2019, 2026)
    assert list(s["workers_per_role"]) == ROLES
    assert all(n > 0 for n in s["workers_per_role"].values())
    assert len(sample.grids()) == 408
    assert len(sample.areas("grid")) == 408
    assert len(sample.areas("district")) == 2
    assert len(sample.areas("street")) == 6
    assert len(sample.areas("community")) == 24
    assert len(sample.areas()) == 1 + 2 + 6 + 24 + 408


def test_all_seven_roles_present(sample: gridgov.Model) -> None:
    workers = sample.workers()
    assert {w.role for w in workers} == set(ROLES)
    for role in ROLES:
        some = sample.workers(role)
        assert some and all(w.role == role for w in some)
    assert sum(len(sample.workers(r)) for r in ROLES) == len(workers)
    supervisor = sample.workers("supervisor")[0]
    assert supervisor.grids and all(len(g) == 14 for g in supervisor.grids)
    with pytest.raises(gridgov.UnknownError) as info:
        sample.workers("boss")
    assert (info.value.what, info.value.value) == ("role", "boss")


def test_sample_check_is_clean(sample: gridgov.Model) -> None:
    report = sample.check()
    assert report.is_clean
    assert report.gaps == () and report.conflicts == ()
    assert report.grids == 408
    assert report.categories == sample.summary()["categories"] == len(sample.categories())
    assert report.cells == report.categories * report.grids
    assert report.gap_cells == report.conflict_cells == 0


def test_check_finds_gaps_and_conflicts(tiny: gridgov.Model) -> None:
    report = tiny.check()
    assert not report.is_clean
    events = [c.key for c in tiny.categories() if c.family == "event"]
    c01 = [c.key for c in tiny.categories() if c.key.startswith("C01")]
    assert [g.category for g in report.gaps] == events
    assert all(g.grids == 2 and g.areas == ("379900",) for g in report.gaps)
    assert report.gap_cells == 2 * len(events)
    assert [c.category for c in report.conflicts] == c01
    first = report.conflicts[0]
    assert first.rules == (1, 2) and first.units == ("A", "B") and first.grids == 2
    assert report.conflict_cells == 2 * len(c01)
    # dict/JSON forms have the core's shape and round-trip.
    d = report.to_dict()
    assert d["gaps"][0] == {"category": events[0], "areas": ["379900"], "grids": 2}
    assert gridgov.CheckReport.from_dict(d) == report
    assert gridgov.CheckReport.from_dict(json.loads(report.to_json())) == report


def test_routing_examples(sample: gridgov.Model) -> None:
    assert sample.route("C0101", "37990100100101") == "WATER"
    assert sample.route("E0102", "37990200100101") == "SANIT-W"  # the deeper area wins
    unit, rule = sample.route_detail("E0102", "37990200100101")
    assert unit == "SANIT-W" and isinstance(rule, int)
    duty = sample.to_dict()["duty"]
    assert duty[rule]["unit"] == "SANIT-W"
    assert "E0102".startswith(duty[rule]["category"].rstrip("*"))


def test_routing_errors(sample: gridgov.Model, tiny: gridgov.Model) -> None:
    with pytest.raises(gridgov.UnknownError) as unknown:
        sample.route("C0101", "37990100100199")
    assert (unknown.value.what, unknown.value.value) == ("grid", "37990100100199")
    assert isinstance(unknown.value, KeyError)
    assert str(unknown.value) == 'unknown grid "37990100100199"'  # not KeyError's quoted repr
    with pytest.raises(gridgov.UnknownError):
        sample.route("C0101", "379901001001")  # a community, not a unit grid
    with pytest.raises(gridgov.CodeError) as code:
        sample.route("C01", "37990100100101")
    assert code.value.what == "category" and isinstance(code.value, ValueError)
    with pytest.raises(gridgov.CodeError):
        sample.route("X0101", "37990100100101")
    with pytest.raises(gridgov.UnknownError, match="E0999"):
        sample.route("E0999", "37990100100101")
    with pytest.raises(gridgov.NoResponsibleUnitError) as gap:
        tiny.route("E0101", "37990100100101")
    assert (gap.value.category, gap.value.grid) == ("E0101", "37990100100101")
    with pytest.raises(gridgov.DutyConflictError) as conflict:
        tiny.route("C0101", "37990100100102")
    assert conflict.value.rules == [1, 2] and conflict.value.units == ["A", "B"]
    assert isinstance(conflict.value, gridgov.RoutingError)
    assert tiny.route_detail("C0201", "37990100100101") == ("A", 0)


def test_deadlines(sample: gridgov.Model) -> None:
    assert sample.default_urgency == "normal"
    assert set(sample.urgencies) == {"urgent", "normal"}
    # E0102 exposed rubbish, 4 working hours: reported 17:30 on the 调休 Saturday before the
    # 2026 Spring Festival break (2026-02-15 to 02-23): 30 min that day, 3.5 h after the break.
    start = datetime(2026, 2, 14, 17, 30)
    assert sample.limit("E0102") == "4 working_hours"
    assert sample.deadline("E0102", start) == datetime(2026, 2, 24, 11, 30)
    assert sample.deadline("E0102", start, "normal") == datetime(2026, 2, 24, 11, 30)
    aware = sample.deadline("E0102", start.replace(tzinfo=CST).astimezone(timezone.utc))
    assert aware.tzinfo is timezone.utc and aware == datetime(2026, 2, 24, 11, 30, tzinfo=CST)
    # C0101 manhole cover: continuous limits (36 h normal, 6 h urgent) ignore the calendar.
    c0101 = sample.category("C0101")
    assert c0101.limits == {"normal": "36 hours", "urgent": "6 hours"}
    t = datetime(2025, 9, 30, 16, 0)
    assert sample.deadline("C0101", t, "urgent") == datetime(2025, 9, 30, 22, 0)
    assert sample.deadline("C0101", t) == datetime(2025, 10, 2, 4, 0)
    with pytest.raises(gridgov.UnknownError, match="asap"):
        sample.deadline("C0101", t, "asap")
    with pytest.raises(gridgov.CalendarRangeError):
        sample.deadline("E0102", datetime(2027, 1, 4, 9, 0))


def test_categories(sample: gridgov.Model) -> None:
    cats = sample.categories()
    assert [c.key for c in cats] == sorted(c.key for c in cats)
    assert {c.family for c in cats} == {"component", "event"}
    for c in cats:
        assert c.code == c.key and c.kind == c.family
        assert c.key[0] == ("C" if c.family == "component" else "E")
        assert set(c.limits) == set(sample.urgencies)
        assert set(c.stages) == {"accept", "verify", "file", "dispatch", "check", "close"}
    e0102 = sample.category("E0102")
    assert e0102.name == "暴露垃圾" and e0102 in cats
    assert sample.majors()["C01"] == "公用设施"
    with pytest.raises(gridgov.CodeError):
        sample.category("E01")
    with pytest.raises(gridgov.UnknownError):
        sample.category("E0999")


def test_areas_units_and_chains(sample: gridgov.Model) -> None:
    grid = sample.area("37990100100101")
    assert grid.level == "grid" and grid.parent == "379901001001"
    assert grid.population is not None and grid.households is not None and grid.area_m2 is not None
    assert "37990100100102" in grid.neighbours
    assert sample.ancestors("37990100100101") == [
        "37990100100101",
        "379901001001",
        "379901001",
        "379901",
        "379900",
    ]
    city = sample.areas("city")[0]
    assert city.parent is None and city.code == "379900"
    with pytest.raises(gridgov.UnknownError) as info:
        sample.areas("province")
    assert info.value.what == "level"
    with pytest.raises(gridgov.UnknownError):
        sample.area("379999")
    units = sample.units()
    assert len(units) == sample.summary()["units"]
    kinds = {u.kind for u in units}
    assert {"supervision_centre", "command_centre", "department", "street_office"} <= kinds
    assert sample.escalation_chain("WATER") == ["WATER", "CMD", "GOV"]
    with pytest.raises(gridgov.UnknownError):
        sample.escalation_chain("NOPE")


def test_records_make_dataframes(sample: gridgov.Model) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(sample.areas("grid"))
    assert len(frame) == 408
    assert frame["households"].sum() == sample.summary()["households"]


def test_load_files_and_text(tmp_path: Path, sample: gridgov.Model, tiny_path: Path) -> None:
    text = tiny_path.read_text(encoding="utf-8")
    from_text = gridgov.Model.from_toml(text)
    assert from_text.to_json() == gridgov.Model.load(tiny_path).to_json()
    assert gridgov.Model.from_text(text).to_json() == from_text.to_json()
    js = tmp_path / "tiny.json"
    js.write_text(from_text.to_json(), encoding="utf-8")
    assert gridgov.Model.load(js).to_json() == from_text.to_json()
    assert gridgov.Model.load(str(js)).name == "tiny"
    assert gridgov.Model.from_dict(sample.to_dict()).to_json() == sample.to_json()
    assert gridgov.Model.from_text(sample.to_json()).summary() == sample.summary()


BAD_MODEL = fixture_text("cities/bad_model.toml")


def test_bad_model_reports_every_issue_with_paths() -> None:
    with pytest.raises(gridgov.ModelError) as info:
        gridgov.Model.from_toml(BAD_MODEL)
    err = info.value
    paths = [p for p, _ in err.issues]
    assert len(err.issues) >= 3
    assert "areas[0].code" in paths
    assert "areas[1].level" in paths
    assert "areas[1].name" in paths
    msg = dict(err.issues)["areas[0].code"]
    assert "11010" in msg and "14- or 15-digit" in msg
    assert "areas[0].code" in str(err)
    assert isinstance(err, ValueError)


def test_shape_errors_have_paths() -> None:
    with pytest.raises(gridgov.ModelError) as info:
        gridgov.Model.from_json('{"name": "x", "areas": [{"code": 5}], "colour": "red"}')
    paths = [p for p, _ in info.value.issues]
    assert "colour" in paths
    assert any(p.startswith("areas[0]") for p in paths)


def test_malformed_text_is_a_parse_error() -> None:
    with pytest.raises(gridgov.ParseError) as toml:
        gridgov.Model.from_toml('name = "x"\n[[areas]\n')
    assert toml.value.format == "TOML" and "line 2" in str(toml.value)
    with pytest.raises(gridgov.ParseError) as js:
        gridgov.Model.from_json('{"name": ')
    assert js.value.format == "JSON"
    assert not isinstance(toml.value, gridgov.ModelError)


def test_missing_file_is_an_os_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(gridgov.GridgovIOError) as info:
        gridgov.Model.load(missing)
    assert isinstance(info.value, OSError)
    assert info.value.path == str(missing)
    assert str(missing) in str(info.value)
    with pytest.raises(OSError):
        gridgov.Model.load(tmp_path)  # a directory


def test_model_constructor_is_internal() -> None:
    with pytest.raises(TypeError, match=r"Model\.sample"):
        gridgov.Model("name = 'x'")  # type: ignore[arg-type]


def test_model_calendar(sample: gridgov.Model, cal: gridgov.Calendar) -> None:
    assert sample.calendar == cal
    assert sample.calendar.is_workday(datetime(2024, 2, 4)) is True


def test_bulk_deadlines(sample: gridgov.Model) -> None:
    import numpy as np
    import pandas as pd

    starts = np.array(["2026-03-02T09:00", "2026-03-02T10:30", "2026-03-03T17:00"], dtype="datetime64[ms]")
    cats = pd.Series(["C0101", "E0102", "C0101"])
    got = sample.deadlines(cats, starts, urgencies=["normal", "urgent", "urgent"])
    want = [sample.deadline(c, s.item(), u) for c, s, u in zip(cats, starts, ["normal", "urgent", "urgent"])]
    assert got.dtype == np.dtype("datetime64[ms]") and [x.item() for x in got] == want
    assert list(sample.deadlines("C0101", starts)) == list(sample.deadlines(["C0101"] * 3, starts))
    with pytest.raises(gridgov.ValidationError) as err:
        sample.deadlines(["C0101", "C9999", "C0101"], starts)
    assert err.value.what == "categories[1]"
    with pytest.raises(gridgov.ValidationError, match="starts has 3"):
        sample.deadlines(["C0101"], starts)
    with pytest.raises(gridgov.ValidationError) as err:
        sample.deadlines(["C0101", 7, "C0101"], starts)
    assert err.value.what == "categories[1]"
