"""Lower bound of a reception that stages its rows: the SQL statements alone.

Times, in one process and against the same floor as `bench_receive.py` (csv.reader + one
executemany into a fresh table), only what SQLite does for a reception of N lines: the staged
rows are built before the clock starts (as if reading and validating cost nothing), then
staged, checked and written through the real `store` functions. What Python does per document
(plan, totals, hash, report) is left out. If this sum is above the target, no work on the
Python side can reach it while clean rows are staged in the database.

    .venv/bin/python bench/bench_receive_bound.py [--lines 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_receive  # noqa: E402


class Clock:
    """Sums the time spent in wrapped functions."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, module, name: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - start

        setattr(module, name, timed)


def bare_reader(path: Path) -> float:
    start = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as f:
        for _ in csv.reader(f, delimiter=";"):
            pass
    return time.perf_counter() - start


def one_run(lines: int) -> dict[str, float]:
    from econnect_tui.db import write_transaction
    from econnect_tui.exchange.csv import read_csv
    from econnect_tui.exchange.facilitime import DOCUMENT_LAYOUT
    from econnect_tui.exchange.staged import DocumentRowStager
    from econnect_tui.store import documents, staging
    from econnect_tui.sync import reception

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = bench_receive.setup(folder)
        source = folder / "ImportDocuments_bench.csv"
        bench_receive.write_file(source, lines)
        out["floor"] = bench_receive.floor(source, folder)
        out["csv.reader alone"] = bare_reader(source)
        reader = read_csv(source, DOCUMENT_LAYOUT, filename=source.name)
        with write_transaction(db):
            file_id = staging.create_file(
                db, "FACILI", source.name, "documents", reader.sha256, reader.size, "recu"
            )
        stage = DocumentRowStager(source.name, file_id)
        rows = [stage(row.line, row.values, row.errors) for row in reader.lists()]
        batches = [rows[i : i + 2000] for i in range(0, len(rows), 2000)]

        start = time.perf_counter()
        with write_transaction(db):
            for batch in batches:
                staging.insert_lines(db, batch)
            staging.add_versions(db, "FACILI", file_id)
        out["stage (executemany, versions, commit)"] = time.perf_counter() - start

        start = time.perf_counter()
        after = None
        while True:
            page = staging.open_versions(
                db, "FACILI", include_preview=False, after=after, limit=500
            )
            if not page:
                break
            for _ in staging.version_rows(db, "FACILI", page):
                pass
            after = page[-1].numero
        out["check query (rows fetched)"] = time.perf_counter() - start

        clock = Clock()
        for name in ("insert_headers", "copy_staged_lines"):
            clock.wrap(documents, name)
        for name in ("decide_versions", "purge_decided_lines"):
            clock.wrap(staging, name)
        start = time.perf_counter()
        result = reception.receive(db, "FACILI")
        out["integration, whole (for reference)"] = time.perf_counter() - start
        assert result.exit_code == 0, result.run.message
        (count,) = db.execute("SELECT count(*) FROM documents").fetchone()
        assert count == lines // bench_receive.LINES_PER_DOCUMENT, count
        out["write: headers"] = clock.spent.get("insert_headers", 0.0)
        out["write: lines copied"] = clock.spent.get("copy_staged_lines", 0.0)
        out["write: outcomes"] = clock.spent.get("decide_versions", 0.0)
        out["purge"] = clock.spent.get("purge_decided_lines", 0.0)
    return out


SQL_PARTS = (
    "stage (executemany, versions, commit)",
    "check query (rows fetched)",
    "write: headers",
    "write: lines copied",
    "write: outcomes",
    "purge",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.lines) for _ in range(args.repeat)]
    for run in runs:
        run["SQL statements, sum"] = sum(run[k] for k in SQL_PARTS)
        run["bound: csv.reader + SQL"] = run["SQL statements, sum"] + run["csv.reader alone"]
    bench_receive.print_ratio_table(
        f"Lower bound of a staged reception, {args.lines:,} lines, median of {args.repeat}", runs
    )


if __name__ == "__main__":
    main()
