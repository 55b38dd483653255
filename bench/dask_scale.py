"""Scoring a province's case records on Dask: one process against a local cluster of 1 and 2
worker processes (issue 13, "Beyond one machine").

    .venv/bin/python bench/dask_scale.py [--records 100000000] [--partition 1000000]

The records are a simulated month of the built-in sample city (about 8,000 cases) repeated with
new case ids up to ``--records`` rows, made partition by partition where they are scored, so
no process holds them all (10^8 records as one pandas frame would take tens of GiB). Timed,
with the same partitions:

* one process: each partition made and scored in turn (``gridgov.score``), the cards merged —
  what an analyst does by hand with chunks;
* ``gridgov.dask.score`` on a ``LocalCluster`` of 1, then 2 worker processes (one thread
  each), ``as_of`` given and ``check_ids=False`` (the ids are unique by construction), so each
  run is one pass;
* the ratio of the cards: all three must be equal.

Making a partition (copying the month and renumbering ids) is part of every run's time, the
same in each. Wall and CPU time (of this process; the workers' CPU is not counted) are printed.
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import datetime  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gridgov  # noqa: E402
import gridgov.dask  # noqa: E402

MONTH = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


def month(model: gridgov.Model) -> Any:
    eng = gridgov.simulate(model, datetime.date(2026, 3, 2), days=28, seed=3, reports_per_day=360)
    return eng.records().to_frame()


def partition(base: Any, index: int, rows: int) -> Any:
    """Rows ``index·rows ..`` of the repeated month, ids renumbered by copy."""
    import numpy as np  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415

    n = len(base)
    first = index * rows
    picks = np.arange(first, first + rows)
    part = base.iloc[picks % n].reset_index(drop=True)
    part["id"] = base["id"].to_numpy()[picks % n] + (picks // n) * 10_000_000
    return pd.DataFrame(part)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=100_000_000)
    ap.add_argument("--partition", type=int, default=1_000_000)
    ap.add_argument("--workers", default="1,2", help="cluster sizes to time, comma-separated")
    ap.add_argument("--no-single", action="store_true", help="skip the one-process run")
    args = ap.parse_args()
    import dask  # noqa: PLC0415
    import dask.dataframe as dd  # noqa: PLC0415
    import distributed  # noqa: PLC0415

    model = gridgov.Model.sample()
    base = month(model)
    parts = max(1, args.records // args.partition)
    rows = args.partition
    print(
        f"gridgov {gridgov.__version__} · dask {dask.__version__} · {os.cpu_count()} cores · "
        f"{parts * rows:,} records in {parts} partitions of {rows:,} (a month of {len(base):,} cases repeated)"
    )
    as_of = gridgov.Records(model, base).as_of
    cards = {}
    if not args.no_single:
        t0, c0 = time.perf_counter(), time.process_time()
        card = None
        for k in range(parts):
            c = gridgov.score(model, partition(base, k, rows), *MONTH, as_of=as_of)
            card = c if card is None else card.merge(c)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        cards["one process"] = card
        rate = parts * rows / dt / 1e6
        print(f"  one process                  {dt:8.1f} s  (CPU {cpu:.1f} s)  {rate:.2f} M records/s", flush=True)
    for workers in [int(w) for w in args.workers.split(",") if w]:
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, memory_limit=0
            ) as cluster,
            distributed.Client(cluster),
        ):
            make = dask.delayed(partition)
            shared = dask.delayed(base, pure=True, traverse=False)
            frame = dd.from_delayed([make(shared, k, rows) for k in range(parts)], meta=base.head(0))
            t0, c0 = time.perf_counter(), time.process_time()
            card = gridgov.dask.score(model, frame, *MONTH, as_of=as_of, check_ids=False)
            dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        cards[f"{workers} workers"] = card
        rate = parts * rows / dt / 1e6
        print(f"  LocalCluster, {workers} worker(s)  {dt:8.1f} s  (CPU here {cpu:.1f} s)  {rate:.2f} M records/s")
    first = next(iter(cards.values()))
    assert all(c == first for c in cards.values()), "the cards differ"
    print(f"  the {len(cards)} cards are equal; filed cases on the card: {int(first.areas('city')['filed'].sum()):,}")


if __name__ == "__main__":
    main()
