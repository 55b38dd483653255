"""The findings of the attack on the library (issue 16), through Python: a rule with a huge
repeat count is refused at load, instants far from now are refused where they enter (periods,
CSV, frames, reports), NUL bytes in identifiers are refused at the door, error messages are
bounded, and a panic raises with its message and prints nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

import pandas as pd
import pytest

import gridgov
from gridgov import Citizen, Engine, Model, ModelError, ParseError, Records, ValidationError

from conftest import fixture_text

GRID = "37990100100101"
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)


def rules_city(repeat: str) -> Model:
    text = fixture_text("cities/rules.toml").replace('repeat = { every = "1 working_hours", times = 2 }', repeat)
    return Model.from_toml(text)


def test_a_huge_repeat_count_and_a_short_interval_are_refused_at_load() -> None:
    with pytest.raises(ModelError) as e:
        rules_city('repeat = { every = "1 minutes", times = 4294967295 }')
    paths = [path for path, _ in e.value.issues]
    assert "escalation[1].repeat.times" in paths
    assert "escalation[1].repeat.every" in paths


def test_a_late_sweep_at_the_bounds_records_each_missed_firing_once() -> None:
    model = rules_city('repeat = { every = "30 minutes", times = 100 }')
    eng = Engine(model)
    case = eng.report("SV1", category="C0101", grid=GRID, at=T0)
    eng.act(case, "accept", actor="AC1", at=T0)
    eng.act(case, "file", actor="SL1", at=T0)
    eng.act(case, "dispatch", actor="DP1", at=T0)
    fired = eng.sweep(datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert len(fired) == 102


def test_instants_outside_the_range_are_refused() -> None:
    model = Model.sample()
    csv = f"id,grid,category,reported_at\n1,{GRID},C0101,9000000000000000000\n"
    with pytest.raises(ValidationError, match=r"records\[0\]\.reported_at"):
        _read_csv(model, csv)
    frame = pd.DataFrame({"id": [1], "grid": [GRID], "category": ["C0101"], "reported_at": [-5]})
    with pytest.raises(ValidationError, match="-5"):
        Records(model, frame)
    ok = Records(model, pd.DataFrame({"id": [1], "grid": [GRID], "category": ["C0101"], "reported_at": [T0]}))
    with pytest.raises(ValidationError, match="2200"):
        gridgov.score(model, ok, T0, datetime(2300, 1, 1, tzinfo=timezone.utc))
    eng = Engine(model)
    with pytest.raises(ValidationError, match="2200"):
        eng.report("SV001", category="C0101", grid=GRID, at=datetime(2201, 1, 1, tzinfo=timezone.utc))


def _read_csv(model: Model, csv: str) -> Records:
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cases.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(csv)
        return Records.read_csv(model, path)


def test_nul_in_identifiers_is_refused_naming_the_field() -> None:
    with pytest.raises(ModelError) as e:
        Model.from_json('{"name": "x", "units": [{"id": "A\\u0000", "name": "a"}]}')
    assert "units[0].id" in [path for path, _ in e.value.issues]
    model = Model.sample()
    with pytest.raises(ValidationError, match=r"records\[0\]\.reporter"):
        _read_csv(model, f"id,grid,category,reported_at,reporter\n1,{GRID},C0101,0,c\x00x\n")
    eng = Engine(model)
    with pytest.raises(ValidationError, match="actor.citizen"):
        eng.report(Citizen("c\x00x"), category="C0101", grid=GRID, at=T0)
    eng.report(Citizen("c-1"), category="C0101", grid=GRID, at=T0)
    assert "\x00" not in (eng.records().to_csv() or "")


def test_error_messages_are_bounded() -> None:
    with pytest.raises(ParseError) as e:
        Model.from_toml('name = "x"\n' + "a" * 1_600_000)
    assert len(str(e.value)) < 4000
    assert "more bytes" in str(e.value)
    assert len(e.value.parser_message) < 4000


def test_a_panic_raises_with_its_message_and_prints_nothing() -> None:
    code = (
        "import gridgov._gridgov as g\n"
        "try:\n"
        "    g._test_panic()\n"
        "except BaseException as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "PanicException" in quiet.stdout and "deliberate panic" in quiet.stdout
    assert quiet.stderr == ""
    loud = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GRIDGOV_PANIC_STDERR": "1"},
    )
    assert "panicked" in loud.stderr
