"""The reception benchmarks call the engine's internals: run each on a small file so a change of
those internals cannot leave a benchmark broken until the next `make bench`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("script", "args", "last_row"),
    [
        ("bench_receive.py", ["--lines", "200", "--big", "0", "--repeat", "1"], "peak memory"),
        ("bench_receive_bound.py", ["--lines", "200", "--repeat", "1"], "bound: csv.reader + SQL"),
        (
            "bench_receive_blobs.py",
            ["--lines", "200", "--repeat", "1"],
            "sum (no plan, report or outcomes)",
        ),
    ],
)
def test_a_reception_benchmark_runs_on_a_small_file(script, args, last_row):
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"| {last_row}"), result.stdout
