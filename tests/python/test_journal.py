"""The engine on disk from Python: Engine.open on a SQLite journal, reopening to the same engine,
batches (all or nothing), the event sink, a second writer, tampering found by verify_journal,
another model, readers with sqlite3 and pandas, and bad arguments."""

from __future__ import annotations

import pickle
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import gridgov
from gridgov import Engine

from conftest import fixture_path, main_path

GRID = "37990100100101"
MON = datetime(2025, 11, 3, 9, 0)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "city.journal"


def test_open_commit_reopen(sample: gridgov.Model, path: Path) -> None:
    eng = Engine.open(sample, path)
    for n in range(3):
        main_path(eng, n)
    assert gridgov.verify_journal(path)["events"] == 24  # committed before each call returned
    head = eng.verify()
    events = eng.events_jsonl()
    del eng
    again = Engine.open(sample, path)
    assert again.events_jsonl() == events
    assert again.verify() == head
    mem = Engine(sample)
    for n in range(3):
        main_path(mem, n)
    assert again == mem


def test_readers_see_the_tables(sample: gridgov.Model, path: Path) -> None:
    eng = Engine.open(sample, path)
    main_path(eng, 0)
    case = eng.report("SV001", category="C0101", grid=GRID, at=MON)
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, state, open, grid FROM cases ORDER BY id").fetchall()
        assert rows == [(1, "closed", 0, GRID), (case, "reported", 1, GRID)]
        (n,) = db.execute("SELECT count(*) FROM events WHERE case_id = 1").fetchone()
        assert n == 8
        (version,) = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == "1"
    pd = pytest.importorskip("pandas")
    with sqlite3.connect(path) as db:
        frame = pd.read_sql("SELECT seq, case_id, action FROM events ORDER BY seq", db)
    assert list(frame["action"][:3]) == ["report", "accept", "file"]


def test_a_batch_commits_all_or_nothing(sample: gridgov.Model, path: Path) -> None:
    eng = Engine.open(sample, path)
    with pytest.raises(gridgov.InvalidTransition), eng.batch():
        case = eng.report("SV001", category="C0101", grid=GRID, at=MON)
        eng.act(case, "close", actor="SL01", at=MON, reason="x")
    assert len(eng) == 0 and eng.event_count == 0
    assert gridgov.verify_journal(path)["events"] == 0
    # a refused call whose exception was caught still poisons the batch
    with pytest.raises(gridgov.ValidationError, match="nothing was committed"), eng.batch():
        case = eng.report("SV001", category="C0101", grid=GRID, at=MON)
        with pytest.raises(gridgov.InvalidTransition):
            eng.act(case, "close", actor="SL01", at=MON, reason="x")
    assert eng.event_count == 0 and not eng.in_batch
    with eng.batch():
        main_path(eng, 0)
        assert eng.in_batch
        assert gridgov.verify_journal(path)["events"] == 0  # not before the end
    assert gridgov.verify_journal(path)["events"] == 8
    # nested batches are refused
    with pytest.raises(gridgov.ValidationError, match="already open"), eng.batch(), eng.batch():
        pass
    assert not eng.in_batch


def test_the_sink_gets_each_commit_and_a_failing_sink_changes_nothing(
    sample: gridgov.Model, path: Path
) -> None:
    eng = Engine.open(sample, path)
    got: list[list[str]] = []
    eng.set_sink(got.append)
    case = eng.report("SV001", category="C0101", grid=GRID, at=MON)
    eng.act(case, "accept", actor="AC01", at=MON)
    assert [len(lines) for lines in got] == [1, 1]
    assert "".join(line + "\n" for lines in got for line in lines) == eng.events_jsonl(viewer="SL01")

    def refuse(lines: list[str]) -> None:
        raise ConnectionError("the host's database is down")

    eng.set_sink(refuse)
    before = eng.events_jsonl()
    with pytest.raises(gridgov.SinkError, match="database is down") as info:
        eng.act(case, "file", actor="SL01", at=MON)
    assert "ConnectionError" in info.value.reason
    assert eng.events_jsonl() == before
    assert gridgov.verify_journal(path)["events"] == 2
    with pytest.raises(gridgov.SinkError):
        eng.report("SV001", category="C0101", grid=GRID, at=MON)
    assert len(eng) == 1
    eng.set_sink(None)
    eng.act(case, "file", actor="SL01", at=MON)
    assert gridgov.verify_journal(path)["events"] == 3
    with pytest.raises(TypeError, match="callable"):
        eng.set_sink("not a function")  # type: ignore[arg-type]


def test_a_sink_on_an_engine_in_memory(sample: gridgov.Model) -> None:
    eng = Engine(sample)
    main_path(eng, 0)
    got: list[str] = []
    eng.set_sink(got.extend)
    main_path(eng, 1)
    lines = eng.events_jsonl().splitlines()
    assert got == lines[8:]  # the later events only, chained on the earlier ones
    assert gridgov.verify_events("\n".join(lines))["events"] == 16


def test_a_second_writer_is_refused(sample: gridgov.Model, path: Path) -> None:
    first = Engine.open(sample, path)
    with pytest.raises(gridgov.JournalError, match="another engine") as info:
        Engine.open(sample, path)
    assert info.value.path == str(path)
    assert pickle.loads(pickle.dumps(info.value)).reason == info.value.reason
    main_path(first, 0)
    del first
    assert len(Engine.open(sample, path)) == 1


def test_tampering_is_named(sample: gridgov.Model, path: Path) -> None:
    eng = Engine.open(sample, path)
    for n in range(2):
        main_path(eng, n)
    del eng
    with sqlite3.connect(path) as db:
        db.execute("UPDATE events SET line = replace(line, 'fixed', 'fixes') WHERE seq = 8")
    db.close()
    with pytest.raises(gridgov.TamperedError) as info:
        gridgov.verify_journal(path)
    assert info.value.seq == 8
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is gridgov.TamperedError and back.__dict__ == info.value.__dict__
    with pytest.raises(gridgov.TamperedError, match="event 8"):
        Engine.open(sample, path)
    # opening without verification replays what is there (the check is then on demand)
    eng = Engine.open(sample, path, verify=False)
    with pytest.raises(gridgov.TamperedError):
        eng.verify()


def test_another_model_is_refused_naming_both_hashes(sample: gridgov.Model, path: Path) -> None:
    del_me = Engine.open(sample, path)
    del del_me
    tiny = gridgov.Model.load(fixture_path("cities/tiny.toml"))
    with pytest.raises(gridgov.JournalError, match="sha256") as info:
        Engine.open(tiny, path)
    assert "migrate" in info.value.reason
    assert len(Engine.open(tiny, path, migrate=True)) == 0
    assert gridgov.verify_journal(path)["events"] == 0


def test_a_migration_after_events_is_an_event_of_the_chain(sample: gridgov.Model, path: Path) -> None:
    eng = Engine.open(sample, path)
    main_path(eng, 0)
    old = gridgov.verify_journal(path)
    del eng
    doc = sample.to_dict()
    doc["name"] = "v2 " + doc["name"]
    renamed = gridgov.Model.from_dict(doc)
    eng = Engine.open(renamed, path, migrate=True)
    assert eng.event_count == old["events"] + 1
    frame = eng.events_frame()
    last = frame.iloc[-1]
    assert (last["action"], last["case"], last["actor_kind"]) == ("migrate", 0, "system")
    assert len(last["from"]) == 64 and len(last["to"]) == 64 and last["from"] != last["to"]
    main_path(eng, 1)
    del eng
    assert gridgov.verify_journal(path)["events"] == old["events"] + 9
    again = Engine.open(renamed, path)
    text = again.events_jsonl()
    assert Engine.replay(renamed, text) == again
    # a migration belongs to no case and names two models' hashes: anything else is refused,
    # naming the member
    line = next(x for x in text.splitlines() if '"action":"migrate"' in x)
    old = last["from"]
    edits = [(('"case":0', '"case":3'), "event.case"), ((f'"from":"{old}"', f'"from":"{old.upper()}"'), "event.from")]
    for edit, member in edits:
        assert edit[0] in line
        with pytest.raises(gridgov.ValidationError, match=member):
            Engine.replay(renamed, text.replace(line, line.replace(edit[0], edit[1])), verify=False)
    del again
    with pytest.raises(gridgov.JournalError, match="sha256"):
        Engine.open(sample, path)


def test_newer_schema_is_refused(sample: gridgov.Model, path: Path) -> None:
    del_me = Engine.open(sample, path)
    del del_me
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(gridgov.JournalError, match="version 9"):
        Engine.open(sample, path)


def test_bad_arguments(sample: gridgov.Model, path: Path, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="Model"):
        Engine.open("sample", path)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path"):
        Engine.open(sample, 42)  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="sometimes"):
        Engine.open(sample, path, synchronous="sometimes")
    with pytest.raises(gridgov.ValidationError, match="verify"):
        Engine.open(sample, path, verify="yes")  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="max_pages"):
        Engine.open(sample, path, max_pages=1.5)  # type: ignore[arg-type]
    with pytest.raises(gridgov.JournalError, match="nonexistent"):
        Engine.open(sample, tmp_path / "nonexistent" / "x.journal")
    not_a_journal = tmp_path / "other.db"
    not_a_journal.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(gridgov.JournalError, match="not a"):
        Engine.open(sample, not_a_journal)
    with pytest.raises(gridgov.JournalError):
        gridgov.verify_journal(tmp_path / "missing.journal")
    eng = Engine.open(sample, path, synchronous="normal")
    main_path(eng, 0)
    assert len(eng) == 1


def test_a_full_disk_is_refused_and_loses_nothing(sample: gridgov.Model, path: Path) -> None:
    del_me = Engine.open(sample, path)
    del del_me
    with sqlite3.connect(path) as db:
        (pages,) = db.execute("PRAGMA page_count").fetchone()
    db.close()
    eng = Engine.open(sample, path, max_pages=pages + 6)
    done = 0
    with pytest.raises(gridgov.JournalError, match="full"):
        for n in range(1000):
            main_path(eng, n)
            done += 1
    assert done > 0
    events = eng.events_jsonl()
    del eng
    assert Engine.open(sample, path).events_jsonl() == events


def test_a_simulated_history_goes_into_a_journal_whole(sample: gridgov.Model, path: Path) -> None:
    eng = gridgov.simulate(sample, datetime(2025, 11, 3), days=3)
    twin = gridgov.simulate(sample, datetime(2025, 11, 3), days=3)
    eng.attach_journal(path)
    assert eng == twin
    n = len(twin.events_jsonl().splitlines())
    assert gridgov.verify_journal(path)["events"] == n
    with sqlite3.connect(path) as db:
        (cases,) = db.execute("SELECT count(*) FROM cases").fetchone()
    assert cases == len(twin)
    # later calls commit to the journal
    main_path(eng, 0)
    events = eng.events_jsonl()
    with pytest.raises(gridgov.ValidationError, match="already writes a journal"):
        eng.attach_journal(path.with_name("second.journal"))
    del eng
    again = Engine.open(sample, path)
    assert again.events_jsonl() == events
    assert len(events.splitlines()) == n + 8


def test_attaching_is_refused_where_histories_would_mix(sample: gridgov.Model, path: Path) -> None:
    eng = Engine.open(sample, path)
    main_path(eng, 0)
    del eng
    mem = Engine(sample)
    main_path(mem, 1)
    with pytest.raises(gridgov.JournalError, match="already holds 8 events"):
        mem.attach_journal(path)
    assert gridgov.verify_journal(path)["events"] == 8
    with mem.batch(), pytest.raises(gridgov.ValidationError, match="batch"):
        mem.attach_journal(path.with_name("in-batch.journal"))
    with pytest.raises(TypeError, match="path"):
        mem.attach_journal(3)  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="sometimes"):
        mem.attach_journal(path.with_name("x.journal"), synchronous="sometimes")
    with pytest.raises(gridgov.ValidationError, match="migrate"):
        mem.attach_journal(path.with_name("x.journal"), migrate="yes")  # type: ignore[arg-type]


def test_records_follow_a_rolled_back_batch_and_a_reopening(sample: gridgov.Model, path: Path) -> None:
    """The engine keeps each case's record as it records the case's events: a batch that
    fails after changing a case leaves its record as it was, and the reopened journal (a
    replay) gives the same records."""
    eng = Engine.open(sample, path)
    first = main_path(eng, 0)
    case = eng.report("SV001", category="E0102", grid=GRID, at=MON + timedelta(hours=1))
    eng.act(case, "accept", actor="AC01", at=MON + timedelta(hours=1, minutes=1))
    before = eng.records().to_csv()
    assert isinstance(before, str)
    with pytest.raises(gridgov.InvalidTransition), eng.batch():
        eng.act(case, "file", actor="SL01", at=MON + timedelta(hours=1, minutes=2))
        eng.act(case, "dispatch", actor="DP01", at=MON + timedelta(hours=1, minutes=3))
        assert eng.records().to_csv() != before
        eng.act(first, "close", actor="SL01", at=MON + timedelta(hours=2), reason="again")
    assert eng.records().to_csv() == before
    eng.act(case, "file", actor="SL01", at=MON + timedelta(hours=1, minutes=2))
    after = eng.records().to_csv()
    assert after != before
    del eng
    again = Engine.open(sample, path)
    assert again.records().to_csv() == after


def test_events_on_disk_read_as_in_memory(sample: gridgov.Model, tmp_path: Path) -> None:
    """``keep_events=False``: the same cases, history, events, lines and verification as an
    engine that keeps its events, reopened too; a rolled-back batch changes nothing."""
    mem = Engine.open(sample, tmp_path / "memory.journal")
    disk = Engine.open(sample, tmp_path / "disk.journal", keep_events=False)
    assert disk.events_on_disk and not mem.events_on_disk
    for eng in (mem, disk):
        main_path(eng, 0)
        case = eng.report(gridgov.Citizen("c-1"), category="C0101", grid=GRID, at=MON, contact="13800000000")
        eng.act(case, "accept", actor="AC01", at=MON + timedelta(minutes=1))
        with eng.batch():
            main_path(eng, 1)
        with pytest.raises(gridgov.InvalidTransition), eng.batch():
            main_path(eng, 2)
            eng.act(1, "file", actor="SL01", at=MON + timedelta(hours=1))
        eng.sweep(MON + timedelta(days=30))

    def same(a: Engine, b: Engine) -> None:
        assert len(a) == len(b) and a.event_count == b.event_count > 18
        for case in range(1, len(a) + 1):
            assert a.case(case) == b.case(case)
            assert a.case(case).history == b.case(case).history and b.case(case).history
        assert a.events_jsonl() == b.events_jsonl()
        assert a.events_jsonl(viewer="SL01") == b.events_jsonl(viewer="SL01")
        assert "13800000000" in b.events_jsonl(viewer="SL01")
        assert "13800000000" not in b.events_jsonl()
        with pytest.raises(gridgov.PermissionDenied):
            b.events_jsonl(viewer="SV001")
        assert a.events() == b.events()
        assert a.verify() == b.verify()

    same(mem, disk)
    assert mem == disk  # same cases and event count
    # a pickled engine on disk carries its whole history, read from the journal
    copy = pickle.loads(pickle.dumps(disk))
    assert not copy.events_on_disk
    assert copy.events_jsonl(viewer="SL01") == mem.events_jsonl(viewer="SL01")
    del disk, eng  # the loop variable holds it too
    again = Engine.open(sample, tmp_path / "disk.journal", keep_events=False)
    same(mem, again)  # the history now comes from the file
    with pytest.raises(gridgov.ValidationError, match="keep_events"):
        Engine.open(sample, tmp_path / "other.journal", keep_events="no")  # type: ignore[arg-type]
