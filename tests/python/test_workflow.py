"""The workflow as cities run it (issue 12), hand-computed on the sample city: every node is
timed (a report nobody accepts goes yellow, red and escalates to the shift leader's unit),
rework keeps the original deadline (``rework = "restart"`` restarts it), verification depends
on the source as the model says, and bad settings are typed errors naming the value.

The sample calendar counts 08:00-12:00 and 14:00-18:00 on working days; acceptance and filing
(and closing) have 10 working minutes; E0102 (normal) 4 working hours of handling; yellow from 80 %."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

import gridgov
from gridgov import Citizen, Engine

GRID = "37990100100101"  # patrolled by SV001
MON = datetime(2025, 11, 3, 9, 0)  # a Monday
SAMPLE = (Path(__file__).parents[2] / "core" / "data" / "sample_city.toml").read_text(encoding="utf-8")


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def sample_with(old: str, new: str) -> gridgov.Model:
    assert old in SAMPLE
    return gridgov.Model.from_toml(SAMPLE.replace(old, new, 1))


def test_a_never_accepted_report_goes_yellow_then_red_and_escalates(sample: gridgov.Model) -> None:
    eng = Engine(sample)
    case = eng.report(Citizen("c-1"), category="E0102", grid=GRID, at=MON)
    due = MON + m(10)  # 10 working minutes
    assert eng.deadline(case) == due
    assert eng.light(case, MON + m(7)) == "green"
    assert eng.light(case, MON + m(8)) == "yellow"  # 80 % of 10 minutes
    assert eng.light(case, due) == "red"
    three_days = eng.case(case, now=MON + timedelta(days=3))
    assert (three_days.stage, three_days.deadline, three_days.light) == ("accept", due, "red")
    fired = eng.sweep(MON + timedelta(days=3))
    assert [(f.case_id, f.at, f.action, f.target) for f in fired] == [(case, due, "notify", "SUP")]
    assert "shift leader" in fired[0].name
    assert eng.sweep(MON + timedelta(days=4)) == []
    # Friday 17:55: 5 working minutes that day, 5 on Monday
    late = eng.report(Citizen("c-2"), category="E0102", grid=GRID, at=datetime(2025, 11, 7, 17, 55))
    assert eng.deadline(late) == datetime(2025, 11, 10, 8, 5)
    again = Engine.replay(sample, eng.events_jsonl())
    assert again.events_jsonl() == eng.events_jsonl()


def reworked(eng: Engine) -> int:
    """A supervisor's E0102 case dispatched at 09:00 (due 15:00), fed back at 10:30, failed at
    11:00."""
    case = eng.report("SV001", category="E0102", grid=GRID, at=MON)
    eng.act(case, "accept", actor="AC01", at=MON)
    eng.act(case, "file", actor="SL01", at=MON)
    eng.act(case, "dispatch", actor="DP01", at=MON)
    assert eng.deadline(case) == MON + m(6 * 60)
    eng.act(case, "handle", actor="H-SANIT-1", at=MON + m(90), result="done")
    eng.act(case, "check", actor="SV001", at=MON + m(120), passed=False)
    return case


def test_rework_keeps_the_original_deadline(sample: gridgov.Model) -> None:
    eng = Engine(sample)
    case = reworked(eng)
    c = eng.case(case)
    assert (c.state, c.rework_count, c.stage) == ("dispatched", 1, "handle")
    assert c.deadline == datetime(2025, 11, 3, 15, 0)  # the bundle deadline
    # an approved postponement moves it: 60 working minutes
    eng.act(case, "request_postpone", actor="H-SANIT-1", at=MON + m(150), minutes=60)
    eng.act(case, "approve_postpone", actor="DP01", at=MON + m(160))
    assert eng.deadline(case) == datetime(2025, 11, 3, 16, 0)
    # the handling overdue reminder stays armed on it
    fired = eng.sweep(datetime(2025, 11, 3, 16, 0))
    assert (case, datetime(2025, 11, 3, 16, 0), "SANIT") in [(f.case_id, f.at, f.target) for f in fired]
    # the case's record (what scoring reads) carries the same deadline after the second feedback
    eng.act(case, "handle", actor="H-SANIT-1", at=datetime(2025, 11, 3, 16, 30), result="done again")
    assert handle_deadline_of(eng, case) == datetime(2025, 11, 3, 16, 0)


def handle_deadline_of(eng: Engine, case: int) -> datetime:
    """The case's ``handle_deadline`` in ``records()`` as a naive local datetime."""
    frame = eng.records().to_frame().set_index("id")
    value = frame.loc[case, "handle_deadline"]
    return value.tz_localize(None).to_pydatetime()  # type: ignore[no-any-return]


def test_rework_restart_restarts_the_clock() -> None:
    eng = Engine(sample_with('rework = "keep"', 'rework = "restart"'))
    case = reworked(eng)
    # 4 working hours from 11:00: 1 h before noon, 3 h from 14:00
    assert eng.deadline(case) == datetime(2025, 11, 3, 17, 0)
    eng.act(case, "handle", actor="H-SANIT-1", at=datetime(2025, 11, 3, 16, 30), result="done again")
    assert handle_deadline_of(eng, case) == datetime(2025, 11, 3, 17, 0)


def test_verification_depends_on_the_source(sample: gridgov.Model) -> None:
    def accept_then_file(eng: Engine, actor: object, source: str) -> str:
        case = eng.report(actor, category="E0102", grid=GRID, at=MON, source=source)  # type: ignore[arg-type]
        eng.act(case, "accept", actor="AC01", at=MON)
        stage = eng.case(case).stage
        assert stage is not None
        eng.act(case, "file", actor="SL01", at=MON)
        return stage

    eng = Engine(sample)
    # a supervisor's report skips verification
    assert accept_then_file(eng, "SV001", "supervisor") == "file"
    # a public one does not
    with pytest.raises(gridgov.InvalidTransition, match="verified first"):
        accept_then_file(eng, Citizen("c"), "app")
    assert eng.case(2).stage == "verify"
    # the model can change both
    eng = Engine(
        sample_with(
            'verified_sources = ["hotline", "app", "media"]',
            'verified_sources = ["supervisor", "hotline"]',
        )
    )
    with pytest.raises(gridgov.InvalidTransition):
        accept_then_file(eng, "SV001", "supervisor")
    assert accept_then_file(eng, Citizen("c"), "app") == "file"


@pytest.mark.parametrize(
    ("old", "new", "path", "needle"),
    [
        (
            'verified_sources = ["hotline", "app", "media"]',
            'verified_sources = ["hotline", "fax"]',
            "engine.verified_sources[1]",
            '"fax"',
        ),
        ('rework = "keep"', 'rework = "sometimes"', "engine.rework", '"sometimes"'),
    ],
)
def test_bad_workflow_settings_name_the_value(old: str, new: str, path: str, needle: str) -> None:
    with pytest.raises(gridgov.ModelError) as info:
        sample_with(old, new)
    assert any(p == path and needle in msg for p, msg in info.value.issues), info.value.issues
