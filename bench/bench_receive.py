"""Reception benchmark: a big ImportDocuments file, all mapped, received end to end.

Compared in the same run with the bare floor: `csv.reader` + one `executemany` of the same rows
into a fresh SQLite table. Peak memory is measured in a child process per size (ru_maxrss), so
each figure is a whole process's peak.

    .venv/bin/python bench/bench_receive.py [--lines 100000] [--big 1000000] [--repeat 3]
        [--lines-per-document 10]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = [
    "NumeroDocument",
    "DateDocument",
    "CodeClient",
    "NomClient",
    "ModeReglement",
    "Reference",
    "Commentaire",
    "NumeroLigne",
    "CodeArticle",
    "LibelleArticle",
    "Quantite",
    "Unite",
    "PrixUnitaireHT",
    "RemisePourcent",
    "TauxTVA",
    "MontantHT",
    "TotalTTC",
    "DateIntervention",
    "Chantier",
    "Surface",
    "Chauffeur",
    "Materiel",
]
ARTICLES = [
    "LAB",
    "DECH",
    "HERS",
    "SEMCER",
    "PULVE",
    "EPFUM",
    "MOISBLE",
    "FAUCH",
    "ANDAIN",
    "BALRON",
    "TRANSB",
    "CHAUF",
    "DEPL",
    "GNR",
    "FICELLE",
]
LINES_PER_DOCUMENT = 10


def write_file(path: Path, lines: int) -> None:
    """`lines` rows, 10 per document, realistic values (French decimals, dates)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n")
        w.writerow(HEADER)
        for d in range(lines // LINES_PER_DOCUMENT):
            rows = []
            total = Decimal(0)
            for i in range(LINES_PER_DOCUMENT):
                qty = Decimal(1 + (d + i) % 17) / 2
                price = Decimal(10 + (d * 7 + i * 13) % 200) + Decimal("0.25")
                amount = (qty * price).quantize(Decimal("0.01"), ROUND_HALF_UP)
                total += amount
                code = ARTICLES[(d + i) % len(ARTICLES)]
                rows.append([code, qty, price, amount, i + 1])
            ttc = (total * Decimal("1.2")).quantize(Decimal("0.01"), ROUND_HALF_UP)
            for code, qty, price, amount, n in rows:
                w.writerow(
                    [
                        f"F{d:07d}_D{d % 9999:06d}",
                        f"{1 + d % 28:02d}/11/2026",
                        f"{701 + d % 50:04d}",
                        "EARL du Moulin",
                        "Chèques",
                        "",
                        "",
                        n,
                        f"FT-{code}",
                        f"Prestation {code}",
                        str(qty).replace(".", ","),
                        "",
                        str(price).replace(".", ","),
                        "",
                        "20",
                        str(amount).replace(".", ","),
                        str(ttc).replace(".", ","),
                        f"{1 + d % 28:02d}/11/2026",
                        "La Garenne",
                        "",
                        "Marc",
                        "Tracteur 1",
                    ]
                )


def setup(folder: Path):
    from econnect_tui.db import open_db
    from econnect_tui.store import mappings
    from econnect_tui.sync.connectors import save_connector
    from econnect_tui.sync.demo import demo_connector, load_sample_gc

    # The file is written whole before the measured run: no quiet period to wait out (a file is
    # read once two looks 5 s apart saw it unchanged, `reception.scan_folder`).
    os.environ["ECONNECT_SETTLE_SECONDS"] = "0"
    db = open_db(folder / "econnect.db")
    load_sample_gc(db)
    save_connector(db, demo_connector(folder / "facili"), new=True, create_folders=True)
    pairs = [(a, f"FT-{a}") for (a,) in db.execute("SELECT code FROM articles")]
    mappings.set_many(db, "FACILI", pairs, "bench")
    return db


def floor(path: Path, folder: Path) -> float:
    """csv.reader + one executemany of the same rows into a fresh table."""
    db_path = folder / "floor.db"
    start = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute(f"CREATE TABLE t ({', '.join(f'c{i}' for i in range(len(HEADER)))})")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' for _ in HEADER)})", reader)
    conn.commit()
    conn.close()
    elapsed = time.perf_counter() - start
    db_path.unlink()
    return elapsed


def print_ratio_table(title: str, runs: list[dict[str, float]]) -> None:
    """Each measure of `runs` (one dict per run, with its "floor"): median time and median
    ratio to the floor of the same run, as a Markdown table under `title`."""
    print(title)
    print("| what | time | × floor |")
    print("|---|---:|---:|")
    for key in runs[0]:
        seconds = statistics.median(r[key] for r in runs)
        ratio = statistics.median(r[key] / r["floor"] for r in runs)
        print(f"| {key} | {seconds:.2f} s | {ratio:.2f} |")


def child(lines: int, mode: str) -> dict:
    """Runs in a fresh process: setup, then one measured reception (or preview)."""
    from econnect_tui.store import connectors as connectors_store
    from econnect_tui.sync import reception

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = setup(folder)
        source = folder / "ImportDocuments_bench.csv"
        write_file(source, lines)
        target = folder / "facili" / "import" / source.name
        out = {"lines": lines}
        out["floor"] = floor(source, folder)
        os.rename(source, target)
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if mode == "preview":
            start = time.perf_counter()
            reception.preview(db, "FACILI")  # stages the file
            out["stage_and_preview"] = time.perf_counter() - start
            start = time.perf_counter()
            reception.analyse(db, connectors_store.require_connector(db, "FACILI"))
            out["preview"] = time.perf_counter() - start
        else:
            start = time.perf_counter()
            result = reception.receive(db, "FACILI")
            out["receive"] = time.perf_counter() - start
            assert result.exit_code == 0, result.run.message
            docs = db.execute("SELECT count(*) FROM documents").fetchone()[0]
            assert docs == lines // LINES_PER_DOCUMENT, docs
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["base_rss_mb"] = base_rss / 1024
        return out


def run_child(lines: int, mode: str) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(lines),
            mode,
            "--lines-per-document",
            str(LINES_PER_DOCUMENT),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    global LINES_PER_DOCUMENT
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lines-per-document", type=int, default=LINES_PER_DOCUMENT)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    LINES_PER_DOCUMENT = args.lines_per_document
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1])))
        return
    runs = [run_child(args.lines, "receive") for _ in range(args.repeat)]
    ratios = [r["receive"] / r["floor"] for r in runs]
    previews = [run_child(args.lines, "preview") for _ in range(args.repeat)]
    big = run_child(args.big, "receive") if args.big else None
    floor_s = statistics.median(r["floor"] for r in runs)
    receive_s = statistics.median(r["receive"] for r in runs)
    preview_s = statistics.median(p["preview"] for p in previews)
    print(
        f"Reception of {args.lines:,} lines ({args.lines // LINES_PER_DOCUMENT:,} documents), "
        f"median of {args.repeat}"
    )
    print("| what | time | ratio |")
    print("|---|---:|---:|")
    print(f"| floor: csv.reader + executemany | {floor_s:.2f} s | 1.0 |")
    print(
        f"| receive (collect + analyse + integrate + report) | {receive_s:.2f} s | "
        f"× {statistics.median(ratios):.2f} (target ≤ 4) |"
    )
    print(
        f"| preview of the staged lines (analyse) | {preview_s:.2f} s | "
        f"× {preview_s / receive_s:.2f} of the reception (target ≤ 0.5) |"
    )
    small_peak = statistics.median(r["peak_rss_mb"] for r in runs)
    print(f"| peak memory, {args.lines:,} lines | {small_peak:.0f} MB | 1.0 |")
    if big:
        print(
            f"| peak memory, {args.big:,} lines | {big['peak_rss_mb']:.0f} MB | "
            f"× {big['peak_rss_mb'] / small_peak:.2f} (target ≤ 1.5) |"
        )
        print(
            f"| receive {args.big:,} lines | {big['receive']:.1f} s | "
            f"× {big['receive'] / big['floor']:.2f} of its floor |"
        )


if __name__ == "__main__":
    main()
