"""`make bench`: run every benchmark and rewrite the measured part of BENCHMARKS.md.

    .venv/bin/python bench/run.py [--only NAME ...] [--quick] [--no-criterion]
                                  [--out BENCHMARKS.md]

Runs the criterion benches (``cargo bench -p gridgov``) and each side-by-side script of
``bench/`` (each runs gridgov and its peers on the same data in one process and prints each
figure with its peer and ratio), then replaces the block of BENCHMARKS.md between the markers

    <!-- make bench: begin -->
    <!-- make bench: end -->

with this run: the date, the machine (cores, memory, CPU, load average before and after), the
versions (gridgov, rustc, Python and the peers' packages), each script's command, wall time and
output, and a table of every criterion benchmark (median, its 95 % interval, and the
throughput where the bench declares one). Everything outside the markers — the analysis of
each issue, with the figures it cites — is left as written; the markers are added at the end
of the file the first time.

``--quick`` runs each script on smaller inputs and criterion in its ``--quick`` mode (for a
check that everything runs; the figures are not the ones the issues quote). A script that
fails is reported in the block with its exit code and the tail of its error output; the run
goes on, and the driver exits 1 at the end.
"""

from __future__ import annotations

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import datetime  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, NamedTuple, Optional  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- make bench: begin -->"
END = "<!-- make bench: end -->"
PEERS = ("numpy", "pandas", "shapely", "geopandas", "pyproj", "chinesecalendar", "pyarrow", "dask")


class Script(NamedTuple):
    name: str
    args: tuple[str, ...]
    quick: tuple[str, ...]
    what: str


SCRIPTS = (
    Script("calendar", (), ("--n", "20000", "--pandas-n", "200", "--cc-n", "200", "--check-n", "500"),
           "working-time arithmetic against NumPy, pandas and chinese_calendar"),
    Script("locate", (), ("--grids", "500", "--points", "20000", "--repeat", "1", "--real-points", "5000"),
           "point location against geopandas and shapely"),
    Script("score", (), ("--n", "20000"), "scoring case records against pandas"),
    Script("journal", (), ("--cases", "200", "--batch", "100", "--single", "20"),
           "the journal against plain sqlite3"),
    Script("city", (), ("--days", "2", "--reports-per-day", "500", "--districts", "2", "--streets", "2"),
           "a big city's month: simulate, score, the audit chain, the journal, against a Python loop"),
    Script("replay", (), ("--days", "1", "--reports-per-day", "500", "--rounds", "2"),
           "the verified replay beside the Python loop, in alternating rounds (issue 17's 5× goal)"),
    Script("dask_scale", ("--records", "100000000"), ("--records", "40000", "--partition", "10000"),
           "scoring 10^8 records: one process against a LocalCluster of 1 and 2 workers"),
)


def command_output(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.0f} GiB"
                break
    except OSError:
        pass
    return [
        f"{os.cpu_count()} cores ({cpu}), {mem}, {platform.system()} {platform.release()} {platform.machine()}",
    ]


def versions() -> list[str]:
    out = []
    try:
        import gridgov  # noqa: PLC0415

        out.append(f"gridgov {gridgov.__version__}")
    except ImportError:
        out.append("gridgov (not importable)")
    out.append(command_output(["rustc", "--version"]))
    out.append(f"Python {platform.python_version()}")
    for name in PEERS:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            out.append(f"{name} {importlib.metadata.version(name)}")
    return out


def load() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"


class Ran(NamedTuple):
    title: str
    command: str
    seconds: float
    code: int
    output: str


def run_script(script: Script, quick: bool, python: str) -> Ran:
    args = script.quick if quick else script.args
    cmd = [python, str(ROOT / "bench" / f"{script.name}.py"), *args]
    shown = " ".join(["bench/" + script.name + ".py", *args])
    print(f"make bench: {shown}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    dt = time.perf_counter() - t
    text = out.stdout.strip()
    if out.returncode != 0:
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        text = f"{text}\n\n(exit code {out.returncode}; the end of its error output:)\n{tail}".strip()
    return Ran(f"`bench/{script.name}.py` — {script.what}", shown, dt, out.returncode, text)


def criterion(quick: bool, cargo: str) -> tuple[Optional[Ran], list[dict[str, Any]]]:
    cmd = [cargo, "bench", "-p", "gridgov"]
    if quick:
        cmd += ["--", "--quick"]
    print("make bench: " + " ".join(cmd[0:1] + cmd[1:]), file=sys.stderr, flush=True)
    t = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    dt = time.perf_counter() - t
    failed = None
    if out.returncode != 0:
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        failed = Ran("criterion", " ".join(cmd), dt, out.returncode, tail)
    return failed, read_criterion(ROOT / "target" / "criterion", since=time.time() - dt - 1)


def read_criterion(folder: Path, since: float = 0.0) -> list[dict[str, Any]]:
    """Every criterion benchmark measured after ``since`` (its ``new/estimates.json``)."""
    rows = []
    for bench in sorted(folder.glob("**/new/benchmark.json")):
        estimates = bench.with_name("estimates.json")
        if not estimates.exists() or estimates.stat().st_mtime < since:
            continue
        meta = json.loads(bench.read_text())
        est = json.loads(estimates.read_text())["median"]
        row: dict[str, Any] = {
            "id": meta.get("full_id") or meta.get("title"),
            "median_ns": est["point_estimate"],
            "low_ns": est["confidence_interval"]["lower_bound"],
            "high_ns": est["confidence_interval"]["upper_bound"],
            "throughput": None,
        }
        tp = meta.get("throughput") or {}
        for kind, unit in (("Elements", "elements"), ("Bytes", "bytes")):
            if kind in tp:
                row["throughput"] = (tp[kind] / (est["point_estimate"] / 1e9), unit)
        rows.append(row)
    return rows


def duration(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def rate(value: float, unit: str) -> str:
    for prefix, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {prefix}{unit}/s"
    return f"{value:.3g} {unit}/s"


def block(
    when: str, quick: bool, load_before: str, load_after: str, ran: list[Ran], crit: list[dict[str, Any]],
    crit_failed: Optional[Ran],
) -> str:
    lines = [
        BEGIN,
        "",
        "## The latest `make bench` run",
        "",
        "Written by `bench/run.py` (`make bench`); everything above this section is written by hand",
        "and quotes the runs each issue was measured with.",
        "",
        f"- **Date:** {when}" + (" (`--quick`: small inputs, not the figures the issues quote)" if quick else ""),
        f"- **Machine:** {'; '.join(machine())}; load average before {load_before}, after {load_after}",
        f"- **Versions:** {', '.join(versions())}",
        "",
    ]
    for r in ran:
        status = "" if r.code == 0 else f" — **failed (exit code {r.code})**"
        lines += [f"### {r.title}", "", f"`{r.command}`: {r.seconds:.0f} s{status}", "", "```text", r.output, "```", ""]
    lines += ["### Criterion — `cargo bench -p gridgov`", ""]
    if crit_failed is not None:
        lines += [f"**failed (exit code {crit_failed.code})**:", "", "```text", crit_failed.output, "```", ""]
    if crit:
        lines += ["| benchmark | median | 95 % interval | throughput |", "|---|---:|---:|---:|"]
        for row in crit:
            tp = rate(*row["throughput"]) if row["throughput"] else ""
            lines.append(
                f"| `{row['id']}` | {duration(row['median_ns'])} | "
                f"{duration(row['low_ns'])} – {duration(row['high_ns'])} | {tp} |"
            )
        lines.append("")
    elif crit_failed is None:
        lines += ["(not run)", ""]
    lines.append(END)
    return "\n".join(lines) + "\n"


def rewrite(path: Path, new_block: str) -> None:
    """Replaces the marked block of ``path`` (appends it the first time); the rest is kept."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    begin, end = text.find(BEGIN), text.find(END)
    if begin >= 0 and end > begin:
        text = text[:begin] + new_block + text[end + len(END) :].lstrip("\n")
    elif begin >= 0 or end >= 0:
        raise SystemExit(f"bench/run.py: {path} has one marker of the generated block without the other")
    else:
        text = text.rstrip("\n") + "\n\n" + new_block
    path.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME", help="run only this script (repeatable)")
    ap.add_argument("--quick", action="store_true", help="small inputs: check that everything runs")
    ap.add_argument("--no-criterion", action="store_true", help="skip cargo bench")
    ap.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"), help="the file to rewrite")
    args = ap.parse_args()
    known = {s.name for s in SCRIPTS}
    for name in args.only or ():
        if name not in known:
            ap.error(f"unknown script {name!r}; the scripts are {', '.join(sorted(known))}")
    chosen = [s for s in SCRIPTS if not args.only or s.name in args.only]
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    before = load()
    ran = []
    for script in chosen:
        ran.append(run_script(script, args.quick, sys.executable))
    crit: list[dict[str, Any]] = []
    crit_failed = None
    if not args.no_criterion:
        crit_failed, crit = criterion(args.quick, os.environ.get("CARGO", "cargo"))
    after = load()
    rewrite(Path(args.out), block(when, args.quick, before, after, ran, crit, crit_failed))
    failed = [r.command for r in ran if r.code != 0] + (["cargo bench"] if crit_failed else [])
    print(f"make bench: wrote {args.out}" + (f"; failed: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
