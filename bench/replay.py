"""Replay against the plain Python hash-chain loop, side by side (issue 17's replay goal).

The big city of ``bench/city.py`` (same generator, same defaults) is simulated for ``--days``
days at 15,000 reports a working day (9 days: about 10^6 events), exported once, and then
``--rounds`` rounds are timed, each running ``Engine.replay(model, text)`` and the peer
(``json.loads`` + ``hashlib.sha256`` chained per line, ``city.python_chain``) one right after the
other, the order alternating between rounds, so both see about the same load on a shared
machine. Each round prints both wall times, their CPU times (all threads of the process) and
the ratio; the spread of the ratios is the measure's noise.

Run: ``python bench/replay.py [--days 9] [--rounds 3]`` after ``make python``.
"""

from __future__ import annotations

import os
import sys

# bench/ holds calendar.py, named like the standard library's `calendar`: run as a script, this
# folder must not shadow the standard library.
HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0]) == HERE:
    del sys.path[0]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gridgov  # noqa: E402


def load_city() -> Any:
    spec = importlib.util.spec_from_file_location("bench_city", os.path.join(HERE, "city.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=9)
    ap.add_argument("--reports-per-day", type=int, default=15_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    city = load_city()
    model = gridgov.Model.from_dict(city.big_city(12, 8, 11, 30))
    eng = gridgov.simulate(
        model, city.START, days=args.days, seed=args.seed, reports_per_day=args.reports_per_day
    )
    text = eng.events_jsonl()
    head = eng.verify()
    events = head["events"]
    del eng
    mib = len(text.encode()) / 2**20
    print(f"gridgov {gridgov.__version__} · {os.cpu_count()} cores · {events:,} events, {mib:,.0f} MiB")
    gridgov.verify_events(text)  # the UTF-8 copy Rust reads is made once, before any timing

    def timed(f: Any) -> tuple[float, float, Any]:
        t0, c0 = time.perf_counter(), time.process_time()
        out = f()
        return time.perf_counter() - t0, time.process_time() - c0, out

    ratios: list[tuple[float, float]] = []
    best = float("inf")  # the fastest replay of all rounds (wall)
    print("| round | replay | replay CPU | Python loop | loop CPU | ratio (wall) | ratio (CPU) | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in range(args.rounds):
        runs: dict[str, tuple[float, float]] = {}
        for name in ("replay", "peer") if r % 2 == 0 else ("peer", "replay"):
            if name == "replay":
                dt, cpu, replayed = timed(lambda: gridgov.Engine.replay(model, text))
                assert replayed.verify() == head, "the replayed engine differs"
                del replayed
            else:
                dt, cpu, peer = timed(lambda: city.python_chain(text))
                assert peer == (events, head["head"]), "the peer's chain differs"
            runs[name] = (dt, cpu)
        (rw, rc), (pw, pc) = runs["replay"], runs["peer"]
        ratios.append((pw / rw, pc / rc))
        best = min(best, rw)
        print(
            f"| {r + 1} | {rw:.2f} s | {rc:.2f} s | {pw:.2f} s | {pc:.2f} s | "
            f"{pw / rw:.1f}× | {pc / rc:.1f}× | {os.getloadavg()[0]:.1f} |",
            flush=True,
        )
    wall = sorted(w for w, _ in ratios)
    cpu = sorted(c for _, c in ratios)
    print(
        f"replay vs the Python loop: wall {wall[0]:.1f}–{wall[-1]:.1f}× (median {statistics.median(wall):.1f}×), "
        f"CPU {cpu[0]:.1f}–{cpu[-1]:.1f}× (median {statistics.median(cpu):.1f}×), "
        f"replay {events / best / 1e3:,.0f} k events/s at best"
    )


if __name__ == "__main__":
    main()
