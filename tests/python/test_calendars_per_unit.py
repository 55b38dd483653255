"""Calendars per unit and per stage (issue 12, item 7), hand-computed on the sample city: every
deadline is counted on the calendar of whoever must act (domain facts §11: the centre works in
duty shifts including weekends; sanitation and emergency-repair units work 7 days).

The sample city: ``seven_day`` (08:00-12:00 and 14:00-18:00 every day, holidays included) for
the sanitation units SANIT and SANIT-W, ``duty_roster`` (likewise) for the centre's acceptance,
filing, dispatch and closing, the China working week (``default``) for everything else. C0302
公厕 (SANIT) and C0601 液化气站 (ENFORCE) both have 1 working day = 8 working hours of handling;
acceptance 10 working minutes, verification 1 working hour; yellow from 80 % used."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

import gridgov
from gridgov import Citizen, Engine

GRID = "37990100100101"  # east district, patrolled by SV001
FRI = datetime(2025, 11, 7, 16, 0)  # a Friday
SAT = datetime(2025, 11, 8)
MON = datetime(2025, 11, 10)
SAMPLE = (Path(__file__).parents[2] / "core" / "data" / "sample_city.toml").read_text(encoding="utf-8")


def dispatched(eng: Engine, category: str, at: datetime) -> int:
    case = eng.report("SV001", category=category, grid=GRID, at=at)
    eng.act(case, "accept", actor="AC01", at=at)
    eng.act(case, "file", actor="SL01", at=at)
    eng.act(case, "dispatch", actor="DP01", at=at)
    return case


def test_the_model_lists_its_calendars(sample: gridgov.Model) -> None:
    cals = sample.calendars
    assert list(cals) == ["default", "duty_roster", "seven_day"]
    assert cals["default"] == sample.calendar  # Model.calendar keeps meaning the default
    assert cals["default"].name == "china"
    assert cals["seven_day"].name == "seven_day"
    assert cals["seven_day"].is_workday(SAT) and not sample.calendar.is_workday(SAT)
    # 8 working hours from Friday 16:00
    assert cals["seven_day"].add_working(FRI, timedelta(hours=8)) == SAT.replace(hour=16)
    assert sample.calendar.add_working(FRI, timedelta(hours=8)) == MON.replace(hour=16)
    assert sample.calendar_name_for(unit="SANIT") == "seven_day"
    assert sample.calendar_name_for("handle", "ENFORCE") == "default"
    assert sample.calendar_name_for("handle") == "default"
    for stage in ["accept", "file", "dispatch", "close"]:
        assert sample.calendar_name_for(stage) == "duty_roster"
    for stage in ["verify", "check"]:
        assert sample.calendar_name_for(stage, "SANIT") == "default"
    assert sample.calendar_for(unit="SANIT-W") == cals["seven_day"]
    assert sample.calendar_for("accept") == cals["duty_roster"]


def test_bad_names_in_calls_are_typed_errors(sample: gridgov.Model) -> None:
    with pytest.raises(gridgov.UnknownError, match="NOPE"):
        sample.calendar_for(unit="NOPE")
    with pytest.raises(gridgov.ValidationError, match="lunch"):
        sample.calendar_for("lunch")


def test_a_seven_day_unit_is_due_on_saturday_a_standard_unit_on_monday(sample: gridgov.Model) -> None:
    eng = Engine(sample)
    sanitation = dispatched(eng, "C0302", FRI)
    enforcement = dispatched(eng, "C0601", FRI)
    assert (eng.case(sanitation).unit, eng.case(enforcement).unit) == ("SANIT", "ENFORCE")
    # 2 hours on Friday, then 6 more: Saturday 16:00 on the 7-day week, Monday 16:00 otherwise
    assert eng.deadline(sanitation) == SAT.replace(hour=16)
    assert eng.deadline(enforcement) == MON.replace(hour=16)
    # Saturday 15:00: 7 of 8 hours used by sanitation (yellow), 2 of 8 by enforcement
    assert eng.light(sanitation, SAT.replace(hour=15)) == "yellow"
    assert eng.light(enforcement, SAT.replace(hour=15)) == "green"
    # the "handling 80 % used" warning at 6 h 24 min used: Saturday 14:24 for sanitation
    fired = eng.sweep(SAT.replace(hour=23))
    assert [(f.case_id, f.at) for f in fired if f.name.startswith("handling 80 %")] == [
        (sanitation, SAT.replace(hour=14, minute=24))
    ]
    # the engine's records carry the same deadlines
    frame = eng.records().to_frame().set_index("id")
    assert frame.loc[sanitation, "handle_deadline"] == pd.Timestamp(SAT.replace(hour=16), tz="Asia/Shanghai")
    assert frame.loc[enforcement, "handle_deadline"] == pd.Timestamp(MON.replace(hour=16), tz="Asia/Shanghai")


def test_a_centre_stage_runs_on_the_duty_roster(sample: gridgov.Model) -> None:
    eng = Engine(sample)
    at = SAT.replace(hour=10)
    case = eng.report(Citizen("c-1"), category="E0102", grid=GRID, at=at)
    assert eng.deadline(case) == at + timedelta(minutes=10)  # accepted on the roster, Saturday
    fired = eng.sweep(at + timedelta(minutes=30))
    assert [(f.at, f.target) for f in fired] == [(at + timedelta(minutes=10), "SUP")]
    # accepted late; verification (the supervisors', on the standard week) due Monday 09:00
    eng.act(case, "accept", actor="AC01", at=at + timedelta(minutes=30))
    assert eng.case(case).stage == "verify"
    assert eng.deadline(case) == MON.replace(hour=9)


def test_records_from_the_catalog_count_on_the_units_calendar(sample: gridgov.Model) -> None:
    """No deadline columns: the handling deadline comes from the catalog on the unit's
    calendar, so the scorecard's on-time counts for the 7-day unit follow its week."""
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "grid": [GRID] * 4,
            "category": ["C0302", "C0302", "C0601", "C0601"],
            "source": ["supervisor"] * 4,
            "state": ["handled"] * 4,
            "reported_at": [FRI] * 4,
            "dispatched_at": [FRI] * 4,
            "unit": ["SANIT", "SANIT", "ENFORCE", "ENFORCE"],
            "handled_at": [
                SAT.replace(hour=15),  # on time on the 7-day week
                SAT.replace(hour=17),  # late on it (on time on the standard one)
                MON.replace(hour=15),
                MON.replace(hour=17),
            ],
        }
    )
    card = gridgov.score(sample, frame, datetime(2025, 11, 1), datetime(2025, 12, 1))
    dept = card.departments()
    for unit in ["SANIT", "ENFORCE"]:
        assert dept.loc[unit, "handled"] == 2
        assert dept.loc[unit, "handled_on_time"] == 1
    drill = gridgov.drill_down(sample, frame, datetime(2025, 11, 1), datetime(2025, 12, 1)).set_index("id")
    assert list(drill["handle_on_time"]) == [1.0, 0.0, 1.0, 0.0]
    assert list(drill["handle_hours"]) == [7.0, 9.0, 7.0, 9.0]


def test_a_bad_calendar_name_in_the_model_is_refused_naming_it() -> None:
    text = (
        SAMPLE.replace('calendar = "seven_day"', 'calendar = "nine_day"', 1)
        .replace('accept = "duty_roster"', 'accept = "roster"\nhandle = "seven_day"', 1)
        .replace("[calendars.seven_day]", "[calendars.default]\nyears = [2025, 2025]\n\n[calendars.seven_day]", 1)
    )
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    issues = dict(e.value.issues)
    unit_paths = [p for p in issues if p.startswith("units[") and p.endswith("].calendar")]
    assert len(unit_paths) == 1 and '"nine_day"' in issues[unit_paths[0]]
    assert "default, duty_roster, seven_day" in issues[unit_paths[0]]
    assert '"roster"' in issues["engine.stage_calendars.accept"]
    assert "unit's calendar" in issues["engine.stage_calendars.handle"]
    assert "model's `calendar`" in issues["calendars.default"]
