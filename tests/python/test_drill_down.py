"""The per-case drill-down (issue 14): the rows behind a card. On a simulated month of the
sample city, its flags summed per grid and per unit are the card's area and department
counts; an analyst lists a department's overdue cases from it."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

import gridgov

from conftest import fixture_path

MARCH = (datetime(2026, 3, 1), datetime(2026, 4, 1))

AREA = ["reported", "public_reported", "filed", "public_filed", "due_to_close", "closed", "closed_on_time", "shelved"]
DEPT = ["due", "handled", "handled_on_time", "overdue_handled", "overdue_unhandled", "shelved", "postponed"]


@pytest.fixture(scope="module")
def month(sample: gridgov.Model) -> gridgov.Engine:
    return gridgov.simulate(sample, date(2026, 3, 2), days=30, seed=5)


@pytest.mark.parametrize("as_of", [datetime(2026, 3, 20, 10), None])
def test_the_drill_down_adds_up_to_the_card(sample: gridgov.Model, month: gridgov.Engine, as_of: datetime) -> None:
    card = gridgov.score(sample, month, *MARCH, as_of=as_of)
    d = gridgov.drill_down(sample, month, *MARCH, as_of=as_of)
    assert d["id"].is_unique
    areas = card.areas("grid")
    per_grid = d.groupby("grid")[AREA].sum()
    for c in AREA:
        got = per_grid[c].reindex(areas.index, fill_value=0)
        assert (got.to_numpy() == areas[c].to_numpy()).all(), c
        assert per_grid[c].sum() == areas[c].sum(), c
    depts = card.departments()
    per_unit = d.groupby("unit")[[f"dept_{c}" for c in DEPT]].sum()
    for c in DEPT:
        got = per_unit[f"dept_{c}"].reindex(depts.index, fill_value=0)
        assert (got.to_numpy() == depts[c].to_numpy()).all(), c
    # types an analyst can filter on
    assert str(d["handle_on_time"].dtype) == "boolean"
    assert d["overdue"].dtype == bool and d["dept_overdue_unhandled"].dtype == bool
    assert str(d["handle_deadline"].dtype).startswith("datetime64[ms, ")
    # a department's overdue cases: overdue, not handled, deadline before the card's instant
    unit = per_unit["dept_overdue_unhandled"].idxmax()
    late = d[(d.unit == unit) & d.dept_overdue_unhandled]
    assert len(late) == depts.loc[unit, "overdue_unhandled"] > 0
    assert late["overdue"].all() and late["handled_at"].isna().all()
    judged = pd.Timestamp(card.as_of).tz_localize(sample.calendar.tzinfo)
    assert (late["handle_deadline"] < judged).all()
    # handling hours are the card's mean over the unit's handled cases
    handled = d[(d.unit == unit) & d.dept_handled]
    assert handled["handle_hours"].mean() == pytest.approx(depts.loc[unit, "mean_handle_hours"])


def test_the_hand_made_cases(tmp_path: object) -> None:
    city = gridgov.Model.load(fixture_path("score/city.toml"))
    cases = fixture_path("score/cases.csv")
    d = gridgov.drill_down(city, cases, *MARCH, as_of=datetime(2026, 4, 10))
    assert len(d) == 8
    one = d.set_index("id").loc[1]
    assert one["unit"] == "A" and bool(one["closed_on_time"]) and bool(one["handle_on_time"])
    assert one["response_hours"] == pytest.approx(20 / 60)  # 08:10 -> 08:30
    # the same rows from a frame, and bad rows dropped first
    bad = fixture_path("score/cases_bad_gbk.csv")
    dropped = gridgov.drill_down(city, bad, *MARCH, as_of=datetime(2026, 4, 10), errors="drop")
    pd.testing.assert_frame_equal(dropped, d)
    with pytest.raises(gridgov.ValidationError):
        gridgov.drill_down(city, cases, MARCH[1], MARCH[0])
    with pytest.raises(gridgov.ValidationError, match="collect"):
        gridgov.drill_down(city, cases, *MARCH, errors="collect")
