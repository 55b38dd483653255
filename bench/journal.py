"""The engine on a journal, side by side: gridgov's batched commits vs the same events appended to
a plain SQLite table through Python's ``sqlite3`` (what an analyst would otherwise write), in
the same run.

    .venv/bin/python bench/journal.py [--cases 5000] [--batch 1000] [--single 300]

Workload: ``--cases`` cases of the sample city through the main path (report, accept, file,
dispatch, start, handle, check, close: 8 calls each, a minute apart), as ``main_path_call`` of
``core/tests/common/mod.rs`` drives them in Rust.

Timed, each on a fresh file in a temporary folder, ``synchronous=FULL`` in WAL mode:

* gridgov batched: ``Engine.open`` then the calls through the Python API in ``with eng.batch()``
  blocks of ``--batch`` calls (every call checked by the engine; each batch one transaction with
  the events, the chain and the ``cases`` table);
* gridgov, one commit per call: the first ``--single`` calls, each committed alone (FULL and
  NORMAL);
* sqlite3: the same events' JSON lines (taken from the gridgov run) inserted into a table
  ``(seq, case_id, at, action, line)`` with ``executemany``, one transaction per ``--batch``
  events, no checks, no chain, no case table.

The ratio compares the events per second of the two batched runs.
"""

from __future__ import annotations

import os
import sys

# bench/ holds calendar.py, named like the standard library's `calendar`: run as a script, this
# folder must not shadow the standard library.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import gridgov  # noqa: E402

GRID = "37990100100101"
T0 = datetime(2025, 11, 3, 9, 0)
STEPS = [
    ("accept", "AC01", {}),
    ("file", "SL01", {}),
    ("dispatch", "DP01", {}),
    ("start", "H-SANIT-1", {}),
    ("handle", "H-SANIT-1", {"result": "done"}),
    ("check", "SV001", {"passed": True}),
    ("close", "SL01", {"reason": "fixed"}),
]


def call(eng: gridgov.Engine, k: int) -> None:
    """Call ``k`` of the script (case ``k // 8 + 1``, step ``k % 8``)."""
    case = k // 8 + 1
    t = T0 + timedelta(seconds=case % 3600, minutes=k % 8)
    step = k % 8
    if step == 0:
        got = eng.report("SV001", category="E0102", grid=GRID, at=t, description=f"case {case}")
        assert got == case
        return
    action, actor, fields = STEPS[step - 1]
    eng.act(case, action, actor=actor, at=t, **fields)


def gridgov_run(model: gridgov.Model, path: Path, calls: int, batch: int, synchronous: str) -> float:
    eng = gridgov.Engine.open(model, path, synchronous=synchronous)
    start = time.perf_counter()
    if batch <= 1:
        for k in range(calls):
            call(eng, k)
    else:
        for first in range(0, calls, batch):
            with eng.batch():
                for k in range(first, min(first + batch, calls)):
                    call(eng, k)
    elapsed = time.perf_counter() - start
    del eng
    return elapsed


def sqlite_run(path: Path, rows: list[tuple[int, int, int, str, str]], batch: int) -> float:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, case_id INTEGER, at INTEGER, action TEXT, line TEXT)")
    start = time.perf_counter()
    for first in range(0, len(rows), batch):
        db.execute("BEGIN")
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?)", rows[first : first + batch])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--single", type=int, default=300)
    args = parser.parse_args()
    calls = args.cases * 8
    model = gridgov.Model.sample()
    print(f"gridgov {gridgov.__version__}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print(f"{platform.machine()}, {os.cpu_count()} cores (shared: timings vary; compare the ratios)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        batched = gridgov_run(model, folder / "batched.journal", calls, args.batch, "full")
        eng = gridgov.Engine.open(model, folder / "batched.journal")
        lines = eng.events_jsonl(viewer="SL01").splitlines()
        del eng
        events = len(lines)
        rows = []
        for line in lines:
            doc = json.loads(line)
            rows.append((doc["seq"], doc["case"], doc["at"], doc["action"], line))
        plain = sqlite_run(folder / "plain.db", rows, args.batch)
        size = (folder / "batched.journal").stat().st_size
        single_full = gridgov_run(model, folder / "full.journal", args.single, 1, "full")
        single_normal = gridgov_run(model, folder / "normal.journal", args.single, 1, "normal")
    print(f"{calls} calls -> {events} events, batches of {args.batch} calls")
    print(f"gridgov Engine.open + with eng.batch():  {batched:7.2f} s  {calls / batched:9.0f} calls/s")
    print(f"sqlite3 executemany of the same events:  {plain:7.2f} s  {events / plain:9.0f} events/s")
    print(f"ratio (sqlite3 events/s over gridgov events/s): {(events / plain) / (events / batched):.1f}x")
    print(f"journal file (WAL not checkpointed into it): {size} bytes")
    print(
        f"one commit per call, first {args.single} calls: FULL {args.single / single_full:.0f} calls/s, "
        f"NORMAL {args.single / single_normal:.0f} calls/s"
    )


if __name__ == "__main__":
    main()
