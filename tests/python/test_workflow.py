"""The workflow as cities run it (issue 12), hand-computed on the sample city: every node is
timed (a report nobody accepts goes yellow, red and escalates to the shift leader's unit),
rework keeps the original deadline (``rework = "restart"`` restarts it), returns and voids after
filing are requested and approved (and scored by their cause), 督办 is an order with a reply
deadline that escalates unanswered, an unsatisfied callback (回访) sends the case back for redo,
verification depends on the
source as the model says, and bad settings are typed errors naming the value.

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
    # Friday 17:55: 5 working minutes that day, 5 on Saturday (the sample centre accepts on its
    # duty roster, every day)
    late = eng.report(Citizen("c-2"), category="E0102", grid=GRID, at=datetime(2025, 11, 7, 17, 55))
    assert eng.deadline(late) == datetime(2025, 11, 8, 8, 5)
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


# -- item 3: returns (回退) and voids after filing (作废) are requested and approved --------------


def dispatched(eng: Engine) -> int:
    """A supervisor's E0102 case filed and dispatched (to SANIT) at Monday 09:00."""
    case = eng.report("SV001", category="E0102", grid=GRID, at=MON)
    eng.act(case, "accept", actor="AC01", at=MON)
    eng.act(case, "file", actor="SL01", at=MON)
    eng.act(case, "dispatch", actor="DP01", at=MON)
    return case


def test_a_return_without_approval_is_refused_and_an_approved_one_goes_back_to_dispatch(
    sample: gridgov.Model,
) -> None:
    eng = Engine(sample)
    case = dispatched(eng)
    t = MON + m(60)
    with pytest.raises(gridgov.InvalidTransition, match=rf"case {case}: cannot return .*approval"):
        eng.act(case, "return", actor="H-SANIT-1", at=t, reason="not ours")
    with pytest.raises(gridgov.InvalidTransition, match="no return request is pending"):
        eng.act(case, "approve_return", actor="SL01", at=t)
    # requested, denied: the unit keeps the case and its deadline
    due = eng.deadline(case)
    eng.act(case, "request_return", actor="H-SANIT-1", at=t, cause="outside_duty", reason="needs a permit")
    assert eng.case(case).pending_return == {"cause": "outside_duty", "reason": "needs a permit"}
    with pytest.raises(gridgov.PermissionDenied):  # the unit does not approve its own request
        eng.act(case, "approve_return", actor="H-SANIT-1", at=t)
    eng.act(case, "deny_return", actor="SL01", at=t)
    c = eng.case(case)
    assert (c.state, c.unit, c.return_count, c.pending_return, c.deadline) == ("dispatched", "SANIT", 0, None, due)
    with pytest.raises(gridgov.ValidationError, match="bored"):
        eng.act(case, "request_return", actor="H-SANIT-1", at=t, cause="bored", reason="x")
    # requested for a wrong unit, approved at 10:00: back for dispatch, timed from the approval
    eng.act(case, "request_return", actor="H-SANIT-1", at=t, cause="wrong_unit", reason="not ours")
    eng.act(case, "approve_return", actor="SL01", at=t)
    c = eng.case(case)
    assert (c.state, c.unit, c.stage, c.return_count, c.wrong_unit_returns) == ("returned", None, "dispatch", 1, 1)
    assert c.deadline == t + m(30)  # the sample catalog's dispatch limit: 30 working minutes
    eng.act(case, "dispatch", actor="DP01", at=t)
    assert eng.case(case).state == "dispatched"
    assert Engine.replay(sample, eng.events_jsonl()).events_jsonl() == eng.events_jsonl()


def test_a_void_after_filing_without_approval_is_refused_and_scoring_counts_the_errors(
    sample: gridgov.Model,
) -> None:
    eng = Engine(sample)
    a, b, c = dispatched(eng), dispatched(eng), dispatched(eng)
    t = MON + m(60)
    with pytest.raises(gridgov.InvalidTransition, match=rf"case {b}: cannot void .*approval"):
        eng.act(b, "void", actor="SL01", at=t, reason="duplicate")
    eng.act(a, "request_return", actor="H-SANIT-1", at=t, cause="wrong_unit", reason="not ours")
    eng.act(a, "approve_return", actor="SL01", at=t)
    eng.act(b, "request_void", actor="SL01", at=t, cause="duplicate", reason=f"same as case {a}")
    with pytest.raises(gridgov.PermissionDenied):  # the manager approves, not the shift leader
        eng.act(b, "approve_void", actor="SL01", at=t)
    eng.act(b, "approve_void", actor="MG01", at=t)
    eng.act(c, "request_void", actor="SL01", at=t, cause="problem_gone", reason="filled")
    eng.act(c, "deny_void", actor="MG01", at=t)
    assert eng.case(c).state == "dispatched"
    eng.act(c, "request_void", actor="SL01", at=t, cause="problem_gone", reason="filled")
    eng.act(c, "approve_void", actor="MG01", at=t)
    voided = eng.case(b)
    assert (voided.state, voided.void_cause, voided.void_reason, voided.deadline) == (
        "voided", "duplicate", f"same as case {a}", None,
    )
    frame = eng.records().to_frame().set_index("id")
    assert frame["returns"].tolist() == [1, 0, 0]
    assert frame["wrong_unit_returns"].tolist() == [1, 0, 0]
    assert frame["void_cause"].fillna("").tolist() == ["", "duplicate", "problem_gone"]
    # by hand: DP01 dispatched 3, 1 returned for a wrong unit; SL01 filed 3, 1 filing error (the
    # duplicate; a problem gone since filing is a justified void)
    card = gridgov.score(sample, eng, datetime(2025, 11, 1), datetime(2025, 12, 1))
    dp = card.posts("dispatcher").loc["DP01"]
    assert (dp["dispatched"], dp["returned"], dp["dispatch_accuracy_rate"]) == (3, 1, pytest.approx(2 / 3))
    sl = card.posts("shift_leader").loc["SL01"]
    assert (sl["filing_decisions"], sl["voided"], sl["filing_accuracy_rate"]) == (3, 1, pytest.approx(2 / 3))


# -- item 6: 督办 is an order, with a level, a reply deadline and a reply --------------------------


def test_an_unanswered_order_escalates_and_replies_are_scored(sample: gridgov.Model) -> None:
    """A general order issued Monday 09:00 has 1 working day: due Tuesday 09:00; unanswered, it
    alerts the command centre then and a working day later. Answered Wednesday 10:00 (late); a
    leader's order then has 4 working hours (due 16:00), answered at 15:00 (on time)."""
    eng = Engine(sample)
    case = dispatched(eng)
    with pytest.raises(gridgov.InvalidTransition, match=rf"case {case}: cannot reply .*no 督办 order"):
        eng.act(case, "reply", actor="H-SANIT-1", at=MON, note="on site")
    eng.act(case, "supervise", actor="MG01", at=MON, note="report progress")
    order = eng.case(case).order
    assert order is not None
    due = datetime(2025, 11, 4, 9, 0)
    assert (order["level"], order["limit"], order["replied_at"]) == ("general", "1 working_days", None)
    assert order["deadline"] == int(due.replace(tzinfo=sample.calendar.tzinfo).timestamp() * 1000)
    with pytest.raises(gridgov.InvalidTransition, match="waiting for its reply"):
        eng.act(case, "supervise", actor="MG01", at=MON, note="again", level="leader")
    with pytest.raises(gridgov.ValidationError, match="urgent"):
        eng.act(case, "reply", actor="H-SANIT-1", at=MON, note="x", level="urgent")
    fired = [f for f in eng.sweep(datetime(2025, 11, 5, 9, 30)) if "督办 order" in f.name]
    assert [(f.case_id, f.at, f.target) for f in fired] == [
        (case, due, "CMD"),
        (case, datetime(2025, 11, 5, 9, 0), "CMD"),
    ]
    eng.act(case, "reply", actor="H-SANIT-1", at=datetime(2025, 11, 5, 10, 0), note="on site")
    eng.act(case, "supervise", actor="MG01", at=datetime(2025, 11, 5, 10, 0), note="now", level="leader")
    eng.act(case, "reply", actor="H-SANIT-1", at=datetime(2025, 11, 5, 15, 0), note="done by 16:00")
    c = eng.case(case)
    assert (c.orders, c.orders_replied_on_time, c.supervised_count) == (2, 1, 2)
    assert [f for f in eng.sweep(datetime(2025, 11, 10, 9, 0)) if "督办 order" in f.name] == []
    frame = eng.records().to_frame()
    assert frame[["orders", "orders_replied_on_time"]].iloc[0].tolist() == [2, 1]
    card = gridgov.score(sample, eng, datetime(2025, 11, 1), datetime(2025, 12, 1))
    dp = card.posts("dispatcher").loc["DP01"]
    assert (dp["orders"], dp["orders_replied_on_time"], dp["order_reply_on_time_rate"]) == (2, 1, 0.5)
    assert Engine.replay(sample, eng.events_jsonl()).events_jsonl() == eng.events_jsonl()


# -- item 8: callbacks (回访) before closing -----------------------------------------------------


def checked_public_case(eng: Engine) -> int:
    """A citizen's E0102 report on Monday 09:00, verified, filed, dispatched, fed back at 10:00
    and checked at 10:30: waiting to be closed."""
    case = eng.report(Citizen("c-1"), category="E0102", grid=GRID, at=MON)
    eng.act(case, "accept", actor="AC01", at=MON)
    eng.act(case, "verify", actor="SV001", at=MON, valid=True)
    eng.act(case, "file", actor="SL01", at=MON)
    eng.act(case, "dispatch", actor="DP01", at=MON)
    eng.act(case, "handle", actor="H-SANIT-1", at=MON + m(60), result="done")
    eng.act(case, "check", actor="SV001", at=MON + m(90), passed=True)
    return case


def test_an_unsatisfied_callback_sends_the_case_back_for_redo(sample: gridgov.Model) -> None:
    """The sample city redoes a callback below 4: rated 2 at 11:00, back to the unit with a new
    handling run of 4 working hours (11:00-12:00, 14:00-17:00)."""
    eng = Engine(sample)
    case = checked_public_case(eng)
    t = MON + m(120)
    with pytest.raises(gridgov.ValidationError, match="callback.satisfaction"):
        eng.act(case, "callback", actor="AC01", at=t, satisfaction=0)
    with pytest.raises(gridgov.PermissionDenied):
        eng.act(case, "callback", actor="SL01", at=t, satisfaction=2)
    eng.act(case, "callback", actor="AC01", at=t, satisfaction=2)
    c = eng.case(case)
    assert (c.state, c.stage, c.callback, c.callbacks, c.callback_redos) == ("dispatched", "handle", 2, 1, 1)
    assert c.deadline == datetime(2025, 11, 3, 17, 0)
    eng.act(case, "handle", actor="H-SANIT-1", at=datetime(2025, 11, 3, 15, 0), result="redone")
    eng.act(case, "check", actor="SV001", at=datetime(2025, 11, 3, 15, 30), passed=True)
    eng.act(case, "callback", actor="AC01", at=datetime(2025, 11, 3, 16, 0), satisfaction=5)
    assert eng.case(case).state == "checked"
    eng.act(case, "close", actor="SL01", at=datetime(2025, 11, 3, 16, 0), reason="fixed")
    assert Engine.replay(sample, eng.events_jsonl()).events_jsonl() == eng.events_jsonl()


@pytest.mark.parametrize(
    ("setting", "rating", "state"),
    [("satisfied = 2\nredo = true", 2, "checked"), ("satisfied = 4\nredo = false", 1, "checked"),
     ("satisfied = 5\nredo = true", 4, "dispatched")],
)
def test_the_callback_threshold_and_redo_are_model_options(setting: str, rating: int, state: str) -> None:
    eng = Engine(sample_with("[engine.callback]\nsatisfied = 4\nredo = true", f"[engine.callback]\n{setting}"))
    case = checked_public_case(eng)
    eng.act(case, "callback", actor="AC01", at=MON + m(120), satisfaction=rating)
    assert (eng.case(case).state, eng.case(case).callback) == (state, rating)


def test_a_bad_callback_threshold_names_the_value() -> None:
    with pytest.raises(gridgov.ModelError) as info:
        sample_with("satisfied = 4\nredo = true", "satisfied = 0\nredo = true")
    assert any(p == "engine.callback.satisfied" and "0" in msg for p, msg in info.value.issues), info.value.issues


# -- item 5: two-level and joint dispatch (二级派遣, 主办/协办) -------------------------------------


def test_second_level_dispatch_keeps_the_deadline_and_joint_dispatch_waits_for_co_handlers(
    sample: gridgov.Model,
) -> None:
    """Case a (E0102, dispatched to SANIT at 09:00, due 15:00) is passed on by SANIT to its
    sub-unit SANIT-E at 10:00 (WATER, not below SANIT, is refused naming the case and both
    units); the deadline stays 15:00; SANIT-E feeds back at 14:30, on time. Case b goes to SANIT
    as lead with WATER and POWER as co-handlers: WATER feeds back at 11:00 (on time), SANIT's
    feedback at 12:00 is refused naming POWER, POWER feeds back at 16:00 (late), then SANIT at
    16:30 (late). The department table credits SANIT with both cases, SANIT-E with one
    second-level case, WATER and POWER with one co-handled case each."""
    eng = Engine(sample)
    a = dispatched(eng)
    due = datetime(2025, 11, 3, 15, 0)
    assert eng.deadline(a) == due
    t = MON + m(60)
    with pytest.raises(gridgov.ValidationError, match=rf'"WATER".*"SANIT".*case {a}'):
        eng.act(a, "subdispatch", actor="H-SANIT-1", at=t, unit="WATER")
    with pytest.raises(gridgov.PermissionDenied, match=rf'case {a} is not dispatched to their unit "WATER"'):
        eng.act(a, "subdispatch", actor="H-WATER-1", at=t, unit="SANIT-E")
    eng.act(a, "subdispatch", actor="H-SANIT-1", at=t, unit="SANIT-E")
    c = eng.case(a)
    assert (c.unit, c.second_unit, c.state, c.deadline) == ("SANIT", "SANIT-E", "dispatched", due)
    eng.act(a, "handle", actor="H-SANIT-E-1", at=datetime(2025, 11, 3, 14, 30), result="done")

    b = dispatched(eng)
    eng.act(b, "co_dispatch", actor="DP01", at=MON, unit="WATER")
    eng.act(b, "co_dispatch", actor="DP01", at=MON, unit="POWER")
    with pytest.raises(gridgov.ValidationError, match="lead unit"):
        eng.act(b, "co_dispatch", actor="DP01", at=MON, unit="SANIT")
    eng.act(b, "co_feedback", actor="H-WATER-1", at=datetime(2025, 11, 3, 11, 0), result="our part")
    with pytest.raises(gridgov.ValidationError, match=rf"case {b}.*POWER") as refused:
        eng.act(b, "handle", actor="H-SANIT-1", at=datetime(2025, 11, 3, 12, 0), result="done")
    assert "WATER" not in str(refused.value)
    assert eng.case(b).state == "dispatched"
    eng.act(b, "co_feedback", actor="H-POWER-1", at=datetime(2025, 11, 3, 16, 0), result="our part")
    eng.act(b, "handle", actor="H-SANIT-1", at=datetime(2025, 11, 3, 16, 30), result="done")
    co = eng.case(b).co_handlers
    assert [(h["unit"], h["on_time"]) for h in co] == [("WATER", True), ("POWER", False)]
    assert Engine.replay(sample, eng.events_jsonl()).events_jsonl() == eng.events_jsonl()

    frame = eng.records().to_frame().set_index("id")
    assert frame["second_unit"].fillna("").tolist() == ["SANIT-E", ""]
    assert frame["co_units"].fillna("").tolist() == ["", "WATER;POWER"]
    assert frame["co_on_time"].fillna("").tolist() == ["", "WATER"]
    card = gridgov.score(sample, eng, datetime(2025, 11, 1), datetime(2025, 12, 1))
    d = card.departments()
    assert tuple(d.loc["SANIT", ["handled", "handled_on_time", "second_handled"]]) == (2, 1, 0)
    assert (d.loc["SANIT-E", "handled"], d.loc["SANIT-E", "second_handled"]) == (0, 1)
    assert d.loc["SANIT-E", "second_on_time_rate"] == 1.0
    co = ["co_assigned", "co_on_time", "co_on_time_rate"]
    assert tuple(d.loc["WATER", co]) == (1, 1, 1.0)
    assert tuple(d.loc["POWER", co]) == (1, 0, 0.0)
    # the records read back from their frame score the same
    month = (datetime(2025, 11, 1), datetime(2025, 12, 1))
    again = gridgov.score(sample, gridgov.Records(sample, frame.reset_index()), *month)
    assert again.departments().equals(d)
    # the drill-down lists them: the second-level case under SANIT-E, the joint one's co-handlers
    drill = gridgov.drill_down(sample, eng, *month).set_index("id")
    assert drill.loc[a, "second_unit"] == "SANIT-E" and bool(drill.loc[a, "dept_second_handled_on_time"])
    assert drill.loc[b, "co_units"] == "WATER;POWER" and bool(drill.loc[b, "dept_co"])


def test_the_lead_may_feed_back_alone_when_the_model_says_so() -> None:
    eng = Engine(sample_with('rework = "keep"\n', 'rework = "keep"\nco_feedback_required = false\n'))
    case = dispatched(eng)
    eng.act(case, "co_dispatch", actor="DP01", at=MON, unit="WATER")
    eng.act(case, "handle", actor="H-SANIT-1", at=MON + m(60), result="done")
    eng.act(case, "co_feedback", actor="H-WATER-1", at=MON + m(90), result="ours")
    assert eng.case(case).co_handlers[0]["on_time"] is True


# -- item 12: every check counts, failed ones too ----------------------------------------------


def test_a_case_checked_twice_counts_two_checks_one_failed(sample: gridgov.Model) -> None:
    """The reworked case (fed back 10:30, failed 11:00: due 11:30, on time) fed back again at
    14:30 and passed at 16:00 (due 15:30: late): 2 checks, 1 on time, 1 failed; SV001's table
    counts both."""
    eng = Engine(sample)
    case = reworked(eng)
    eng.act(case, "handle", actor="H-SANIT-1", at=datetime(2025, 11, 3, 14, 30), result="done again")
    eng.act(case, "check", actor="SV001", at=datetime(2025, 11, 3, 16, 0), passed=True)
    row = eng.records().to_frame().set_index("id").loc[case]
    assert (row["checks"], row["checks_on_time"], row["rework"], row["last_checker"]) == (2, 1, 1, "SV001")
    assert row["last_checked_at"].tz_localize(None) == datetime(2025, 11, 3, 16, 0)
    card = gridgov.score(sample, eng, datetime(2025, 11, 1), datetime(2025, 12, 1))
    sv = card.posts("supervisor").loc["SV001"]
    assert (sv["check_due"], sv["failed_checks"], sv["checked_on_time"]) == (2, 1, 1)
    assert sv["check_on_time_rate"] == 0.5


# -- item 13: 漏报 only in scope, in patrol hours, not a duplicate ------------------------------


def test_missed_counts_only_in_scope_in_patrol_hours_and_not_duplicates(sample: gridgov.Model) -> None:
    """Four public reports filed in SV001's grid: E0102 at 09:00 (in the sample city's scope and
    patrol hours 08:00-18:00: a 漏报), E0102 at 19:00 (outside patrol hours), E0401 at 10:00
    (emergencies: outside the scope), E0102 at 10:00 voided as a duplicate. One 漏报."""
    eng = Engine(sample)
    ids = []
    for category, at in (("E0102", MON), ("E0102", MON + m(600)), ("E0401", MON + m(60)), ("E0102", MON + m(60))):
        case = eng.report(Citizen("c"), category=category, grid=GRID, source="app", at=at)
        eng.act(case, "accept", actor="AC01", at=at)
        eng.act(case, "verify", actor="SV001", at=at, valid=True)
        eng.act(case, "file", actor="SL01", at=at)
        ids.append(case)
    eng.act(ids[3], "request_void", actor="SL01", at=MON + m(90), cause="duplicate", reason="same as the first")
    eng.act(ids[3], "approve_void", actor="MG01", at=MON + m(90))
    card = gridgov.score(sample, eng, datetime(2025, 11, 1), datetime(2025, 12, 1), as_of=datetime(2025, 11, 4))
    sv = card.posts("supervisor").loc["SV001"]
    assert (sv["filed_in_grids"], sv["missed"]) == (3, 1)
    assert sv["missed_rate"] == pytest.approx(1 / 3)
    grid = card.areas("grid").loc[GRID]
    assert (grid["public_filed"], grid["missed"]) == (3, 1)
    with pytest.raises(gridgov.ModelError, match="scoring.patrol_hours"):
        sample_with('patrol_hours = "08:00-18:00"', 'patrol_hours = "18:00-08:00"')


# -- item 12b: verification tasks are assigned ----------------------------------------------------


def test_verification_tasks_are_assigned_and_counted_done_or_not() -> None:
    """With SV002 patrolling SV001's grid too, two citizens' reports accepted at 09:00 go in turn
    (case 1 to SV001, case 2 to SV002); SV001 may not verify case 2; case 1 verified at 09:30 (due
    10:00); case 2 unverified still counts in SV002's 应核实数."""
    model = sample_with('grids = ["37990100100106",', 'grids = ["37990100100101", "37990100100106",')
    eng = Engine(model)
    cases = []
    for i in range(2):
        case = eng.report(Citizen(f"c-{i}"), category="E0102", grid=GRID, source="app", at=MON)
        eng.act(case, "accept", actor="AC01", at=MON)
        cases.append(case)
    with pytest.raises(gridgov.PermissionDenied, match='assigned to supervisor "SV002"'):
        eng.act(cases[1], "verify", actor="SV001", at=MON, valid=True)
    eng.act(cases[0], "verify", actor="SV001", at=MON + m(30), valid=True)
    assert '"assigned_to":"SV002"' in eng.events_jsonl()
    assert [eng.case(c).verify_assignee for c in cases] == ["SV001", "SV002"]
    frame = eng.records().to_frame().set_index("id")
    assert frame.loc[cases, "verify_assignee"].tolist() == ["SV001", "SV002"]
    card = gridgov.score(model, eng, datetime(2025, 11, 1), datetime(2025, 12, 1), as_of=datetime(2025, 11, 4))
    sv = card.posts("supervisor")
    cols = ["verify_due", "verified", "verified_on_time", "verify_on_time_rate"]
    assert sv.loc["SV001", cols].tolist() == [1, 1, 1, 1.0]
    assert sv.loc["SV002", cols].tolist() == [1, 0, 0, 0.0]
    again = Engine.replay(model, eng.events_jsonl())
    assert again.events_jsonl() == eng.events_jsonl()
