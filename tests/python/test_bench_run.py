"""`make bench`'s driver (bench/run.py): it rewrites only its own block of BENCHMARKS.md, reads
criterion's results, and reports a failing script instead of stopping."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_block_is_appended_then_replaced_and_the_rest_kept(run: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Issue 2\n\nhand-written: 27.4 M/s\n", encoding="utf-8")
    first = run.block("2026-12-05 08:00 UTC", True, "0.1", "0.2", [], [], None)
    run.rewrite(path, first)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\n## Issue 2\n\nhand-written: 27.4 M/s\n\n" + run.BEGIN)
    assert text.rstrip().endswith(run.END)
    ran = [run.Ran("`bench/x.py` — x", "bench/x.py --n 3", 1.5, 0, "| tool | rate |\n| gridgov | 9 M/s |")]
    second = run.block("2026-12-06 08:00 UTC", False, "0.1", "0.2", ran, [], None)
    path.write_text(path.read_text(encoding="utf-8") + "\n## Written after the block\n", encoding="utf-8")
    run.rewrite(path, second)
    text = path.read_text(encoding="utf-8")
    assert text.count(run.BEGIN) == 1 and text.count(run.END) == 1
    assert "hand-written: 27.4 M/s" in text and "## Written after the block" in text
    assert "2026-12-06" in text and "2026-12-05" not in text
    assert "| gridgov | 9 M/s |" in text and "bench/x.py --n 3" in text
    # one marker alone is an error naming the file, and the file is left as it was
    broken = tmp_path / "broken.md"
    broken.write_text("# B\n" + run.BEGIN + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="broken.md"):
        run.rewrite(broken, second)
    assert broken.read_text(encoding="utf-8") == "# B\n" + run.BEGIN + "\n"


def test_criterion_results_are_read_with_their_throughput(run: ModuleType, tmp_path: Path) -> None:
    bench = tmp_path / "journal" / "batches" / "new"
    bench.mkdir(parents=True)
    (bench / "benchmark.json").write_text(
        json.dumps({"full_id": "journal/batches", "throughput": {"Elements": 80000}}), encoding="utf-8"
    )
    median = {"point_estimate": 8e8, "confidence_interval": {"lower_bound": 7e8, "upper_bound": 9e8}}
    (bench / "estimates.json").write_text(json.dumps({"median": median}), encoding="utf-8")
    (rows,) = run.read_criterion(tmp_path)
    assert rows["id"] == "journal/batches"
    assert rows["throughput"] == (pytest.approx(100_000.0), "elements")
    table = run.block("d", False, "0", "0", [], [rows], None)
    assert "| `journal/batches` | 800 ms | 700 ms – 900 ms | 100 kelements/s |" in table
    assert run.read_criterion(tmp_path, since=(bench / "estimates.json").stat().st_mtime + 10) == []


def test_a_quick_run_of_one_script_rewrites_the_file(tmp_path: Path) -> None:
    out = tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--only", "score", "--quick", "--no-criterion",
         "--out", str(out)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "bench/score.py --n 20000" in text and "**Versions:** gridgov" in text
    bad = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--only", "nope", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert bad.returncode == 2 and "unknown script 'nope'" in bad.stderr
