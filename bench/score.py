"""Performance scoring, side by side: gridgov ``score`` vs a pandas ``groupby`` pipeline on the
same seeded case records in the same run.

    .venv/bin/python bench/score.py [--n 10000000] [--pandas-only]

Data: ``--n`` random, consistent case records on the sample city 清河市 (408 unit grids), made
by ``random_records`` of ``tests/python/score_reference.py`` (seeded; reports from 2025-12-22
to 2026-04-06, every lifecycle state, free worker ids, ``datetime64[ms, UTC]`` instants, pandas
``str`` text columns). The period is 2026-01-01 … 2026-04-01 (Beijing time), judged as of its
end. Nothing is written to disk.

Timed, once each (the records are made once and shared):

* gridgov: ``card = gridgov.score(model, df, start, end, as_of=as_of)``, then every table:
  ``card.areas(level=L)`` for the five levels, ``card.departments()`` and ``card.posts(role=R)``
  for supervisor, acceptor, shift_leader and dispatcher;
* pandas: ``reference_scorecard`` of ``tests/python/score_reference.py``, the independent
  reference written from the definitions in ``core/src/score/mod.rs``: masks, ``groupby`` sums
  on categoricals, working time through ``Calendar.working_between_many`` /
  ``add_working_many``.

Then every table is compared: same rows, integer columns equal, float columns equal within
1e-9 relative (NaN where NaN), grades and ranks equal. The run fails on any difference.
``--pandas-only`` times the pandas side alone (for use before ``gridgov.score`` exists).
"""

from __future__ import annotations

import os
import sys

# bench/ holds calendar.py, named like the standard library's `calendar` that pandas imports:
# run as a script, this folder must not shadow the standard library.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import gridgov  # noqa: E402

SEED = 20260101
CST = timezone(timedelta(hours=8))
START = datetime(2026, 1, 1, tzinfo=CST)
END = datetime(2026, 4, 1, tzinfo=CST)
ROLES = ("supervisor", "acceptor", "shift_leader", "dispatcher")
RTOL = 1e-9
REFERENCE = Path(__file__).resolve().parent.parent / "tests" / "python" / "score_reference.py"


def load_reference() -> ModuleType:
    """tests/python/score_reference.py, imported by path."""
    spec = importlib.util.spec_from_file_location("score_reference", REFERENCE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_reference"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall time of one run, and its result."""
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def gridgov_tables(model: gridgov.Model, df: pd.DataFrame, as_of: datetime) -> tuple[float, float, dict[str, Any]]:
    """Seconds in ``gridgov.score``, seconds getting the tables, and the tables by key."""
    t_score, card = timed(lambda: gridgov.score(model, df, START, END, as_of=as_of))  # type: ignore[attr-defined]

    def tables() -> dict[str, Any]:
        out: dict[str, Any] = {f"areas:{level}": card.areas(level=level) for level in model.levels}
        out["departments"] = card.departments()
        out.update({f"posts:{role}": card.posts(role=role) for role in ROLES})
        return out

    t_tables, out = timed(tables)
    return t_score, t_tables, out


def differences(key: str, ours: pd.DataFrame, ref: pd.DataFrame) -> list[str]:
    """What differs between gridgov's table and the reference's (empty when equal)."""
    problems: list[str] = []
    if list(map(str, ours.index)) != list(map(str, ref.index)):
        a, b = set(map(str, ours.index)), set(map(str, ref.index))
        if a != b:
            return [f"{key}: rows differ: only gridgov {sorted(a - b)[:5]}, only reference {sorted(b - a)[:5]}"]
        problems.append(f"{key}: same rows in another order (reference: sorted)")
        ours = ours.set_axis(ours.index.map(str)).reindex(list(map(str, ref.index)))
    else:
        ours = ours.set_axis(ref.index)
    missing = [c for c in ref.columns if c not in ours.columns]
    if missing:
        problems.append(f"{key}: columns missing in gridgov: {missing}")
    extra = [c for c in ours.columns if c not in ref.columns]
    if extra:
        problems.append(f"{key}: extra gridgov columns (not compared): {extra}")
    for c in ref.columns:
        if c in missing:
            continue
        r, o = ref[c], ours[c]
        if c in ("grade",):
            bad = r.fillna("-").astype(str).to_numpy() != o.fillna("-").astype(str).to_numpy()
        elif c == "rank" or pd.api.types.is_integer_dtype(r.dtype):
            rn, on = r.astype("Int64"), pd.Series(o.to_numpy(), index=r.index).astype("Int64")
            bad = (rn.isna() != on.isna()).to_numpy() | (rn.fillna(-1) != on.fillna(-1)).to_numpy()
        else:
            x, y = r.to_numpy(dtype=np.float64), o.to_numpy(dtype=np.float64)
            both = ~np.isnan(x) & ~np.isnan(y)
            with np.errstate(invalid="ignore"):
                close = np.abs(x - y) <= RTOL * np.maximum(np.abs(x), np.abs(y))
            bad = (np.isnan(x) != np.isnan(y)) | (both & ~close)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            problems.append(
                f"{key}.{c}: {int(bad.sum())} rows differ, first {ref.index[i]!r}: gridgov {o.iloc[i]!r}, "
                f"reference {r.iloc[i]!r}"
            )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="case records (default 10^7)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"generator seed (default {SEED})")
    parser.add_argument("--pandas-only", action="store_true", help="time the pandas reference alone")
    parser.add_argument(
        "--text",
        choices=("str", "object", "category"),
        default="str",
        help="storage of the text columns (default str: pandas' Arrow-backed strings)",
    )
    args = parser.parse_args()
    if not args.pandas_only and not hasattr(gridgov, "score"):
        raise SystemExit("this gridgov has no `score` yet: run with --pandas-only")

    ref = load_reference()
    model = gridgov.Model.sample()
    as_of = END
    t_gen, df = timed(lambda: ref.random_records(model, args.n, args.seed, START, END, text=args.text))
    rows: list[tuple[str, float, bool]] = [("making the records (`random_records`, not compared)", t_gen, False)]

    print(f"## Performance scoring: {args.n:,} case records on the sample city "
          f"({len(model.grids())} unit grids), 2026-01-01 … 2026-04-01, as of 2026-04-01\n")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, NumPy {np.__version__}, pandas {pd.__version__}, "
          f"gridgov {gridgov.__version__}; seed {args.seed}; records {df.shape[1]} columns, "
          f"{df.memory_usage(deep=False).sum() / 2**30:.2f} GiB; text columns stored as {args.text!r}\n")

    ours: dict[str, Any] = {}
    t_ours = 0.0
    if not args.pandas_only:
        t_score, t_tables, ours = gridgov_tables(model, df, as_of)
        t_ours = t_score + t_tables
        rows.append(("gridgov `score` (load + tally)", t_score, False))
        rows.append(("gridgov tables (5 area levels, departments, 4 posts)", t_tables, False))
        rows.append(("**gridgov total**", t_ours, True))
    t_ref, card = timed(lambda: ref.reference_scorecard(model, df, START, END, as_of, **ref.sample_missed_settings()))
    rows.append(("**pandas `groupby` reference** (`reference_scorecard`)", t_ref, True))

    print("| step | time | records/s | vs pandas |")
    print("|---|---:|---:|---:|")
    for name, secs, whole in rows:
        ratio = f"{t_ref / secs:.1f}×" if whole else "–"
        print(f"| {name} | {secs:.2f} s | {args.n / secs / 1e6:.2f} M | {ratio} |")
    print()
    sizes = ", ".join(f"{k} {len(v)}" for k, v in card.items())
    print(f"Tables (rows): {sizes}. Peak RSS {peak_rss_gib():.1f} GiB.")

    if args.pandas_only:
        print("\n(--pandas-only: gridgov not run, nothing compared.)")
        return
    problems: list[str] = []
    for key, table in card.items():
        if key not in ours:
            problems.append(f"{key}: missing in gridgov")
            continue
        problems += differences(key, pd.DataFrame(ours[key]), table)
    failures = [p for p in problems if "not compared" not in p and "another order" not in p]
    for p in problems:
        print(f"- {p}")
    if failures:
        raise SystemExit(f"gridgov and the pandas reference disagree ({len(failures)} problems)")
    print(f"\nEvery table identical (integers exact, floats within {RTOL:g} relative): "
          f"gridgov {t_ref / t_ours:.1f}× the pandas pipeline.")


if __name__ == "__main__":
    main()
