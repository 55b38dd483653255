"""A host's sink and the journal never diverge: a host whose commit fails after the journal's is
behind (SinkBehindError; the call took effect), and is caught up from its last stored seq with
Engine.set_sink(sink, after_seq=...), by redelivery keyed by seq."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Optional

import pytest

import gridgov
from gridgov import Engine

from conftest import main_path

GRID = "37990100100101"
MON = datetime(2025, 11, 3, 9, 0)


class HostDb:
    """A host's database: ``__call__`` stages a commit's lines in its transaction, ``finish``
    commits or drops them. Rows are (seq, line, hash); it stores by seq."""

    def __init__(self, fail_finish_at: Optional[int] = None, fail_write_at: Optional[int] = None) -> None:
        self.rows: list[tuple[int, str, str]] = []
        self.pending: list[tuple[int, str, str]] = []
        self.writes = 0
        self.fail_finish_at = fail_finish_at
        self.fail_write_at = fail_write_at

    @property
    def last_seq(self) -> int:
        return self.rows[-1][0] if self.rows else 0

    def __call__(self, lines: list[str]) -> None:
        self.writes += 1
        if self.writes == self.fail_write_at:
            raise ConnectionError("the host's database refused the insert")
        self.pending = []
        for line in lines:
            event = json.loads(line)
            if event["seq"] > self.last_seq:
                self.pending.append((event["seq"], line, event["hash"]))

    def finish(self, commit: bool) -> None:
        pending, self.pending = self.pending, []
        if not commit:
            return
        if self.writes == self.fail_finish_at:
            raise TimeoutError("the host's commit timed out")
        self.rows.extend(pending)


def stored(path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT seq, line, hash FROM events ORDER BY seq").fetchall()
    db.close()
    return [(int(s), str(line), str(h)) for s, line, h in rows]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "city.journal"


def test_a_host_failing_after_the_journal_committed_is_caught_up_on_reopen(
    sample: gridgov.Model, path: Path
) -> None:
    eng = Engine.open(sample, path)
    host = HostDb(fail_finish_at=10)
    assert eng.set_sink(host, after_seq=0) == 0
    main_path(eng, 0)
    assert host.last_seq == 8 and eng.sink_behind is None
    # the 10th commit: the journal commits, then the host's commit fails
    case = eng.report("SV001", category="C0101", grid=GRID, at=MON)
    with pytest.raises(gridgov.SinkBehindError) as info:
        eng.act(case, "accept", actor="AC01", at=MON)
    assert not isinstance(info.value, gridgov.SinkError)  # the call took effect: no retry
    assert (info.value.sink_seq, info.value.committed_seq) == (9, 10)
    assert "timed out" in info.value.reason
    assert eng.event_count == 10 and len(stored(path)) == 10
    assert eng.sink_behind == 9 and eng.committed_seq == 10
    # refused, unchanged, until caught up
    with pytest.raises(gridgov.SinkBehindError):
        eng.act(case, "file", actor="SL01", at=MON)
    assert eng.event_count == 10
    del eng, info  # the exception's traceback holds the engine too: close the journal

    eng = Engine.open(sample, path)
    assert eng.set_sink(host, after_seq=host.last_seq) == 1
    main_path(eng, 1)
    assert host.rows == stored(path)  # byte for byte, same hashes
    assert "".join(row[1] + "\n" for row in host.rows) == eng.events_jsonl(viewer="SL01")


def test_without_finish_a_plain_callable_still_works(sample: gridgov.Model) -> None:
    eng = Engine(sample)
    main_path(eng, 0)
    got: list[str] = []
    assert eng.set_sink(got.extend, after_seq=3) == 5
    main_path(eng, 1)
    assert got == eng.events_jsonl().splitlines()[3:]


def test_catching_up_from_zero_equals_the_export(sample: gridgov.Model) -> None:
    eng = gridgov.simulate(sample, datetime(2025, 10, 1), days=2, reports_per_day=3000)
    assert eng.event_count > 8192  # more than one commit
    host = HostDb()
    assert eng.catch_up(host, 0) == eng.event_count
    assert "".join(row[1] + "\n" for row in host.rows) == eng.events_jsonl(viewer="SL01")
    assert [row[0] for row in host.rows] == list(range(1, eng.event_count + 1))
    assert gridgov.verify_events("".join(row[1] + "\n" for row in host.rows))["events"] == eng.event_count


def test_after_seq_beyond_the_last_event_names_both(sample: gridgov.Model) -> None:
    eng = Engine(sample)
    main_path(eng, 0)
    with pytest.raises(gridgov.ValidationError, match="seq 8") as info:
        eng.set_sink(HostDb(), after_seq=12)
    assert info.value.what == "after_seq" and info.value.value == "12"
    with pytest.raises(gridgov.ValidationError, match="after_seq"):
        eng.catch_up(HostDb(), -1)
    with pytest.raises(gridgov.ValidationError, match="needs a sink"):
        eng.set_sink(None, after_seq=0)
    main_path(eng, 1)  # no sink was attached


def test_a_sink_failing_mid_catch_up_is_retried_without_duplicates(sample: gridgov.Model) -> None:
    eng = gridgov.simulate(sample, datetime(2025, 10, 1), days=2, reports_per_day=3000)
    host = HostDb(fail_write_at=2)
    with pytest.raises(gridgov.SinkError, match="refused the insert"):
        eng.set_sink(host, after_seq=0)
    assert host.last_seq == 8192  # the first commit stays with the host
    assert eng.set_sink(host, after_seq=host.last_seq) == eng.event_count - 8192
    assert [row[0] for row in host.rows] == list(range(1, eng.event_count + 1))
    assert "".join(row[1] + "\n" for row in host.rows) == eng.events_jsonl(viewer="SL01")
