"""The other staged design, measured: documents staged as blobs instead of row by row.

`bench_receive_bound.py` shows that staging every row in SQLite costs more than × 4 of the
floor by itself. This script measures the design that stages less: each run of consecutive
rows of one document becomes one staged row (its serialized rows as one text, what the content
hash reads, and per row its line, amount and cents), so 100,000 lines are 10,000 staged rows.
What SQL did on staged columns then has to be done in Python from the blobs: the check (article
mapped, unit known, header fields agreeing, HT base per VAT rate, content hash) and the values
of every GC line, written by `executemany` instead of one `INSERT … SELECT`.

Timed, in one process and against the same floor as `bench_receive.py`: reading and validating
every cell (the real reader and stager), staging the blobs, the check, the GC headers (the real
`store.documents.insert_headers`), the GC lines and the purge. Left out, so the sum is a lower
bound of this design: the per-document plan, totals, report rows and outcomes (about 0.5 s in
the real reception), the archive and the crash-safety bookkeeping.

    .venv/bin/python bench/bench_receive_blobs.py [--lines 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_receive  # noqa: E402

ROW_END = "\x1e"
FIELD = "\x1f"
PAGE = 500

BLOBS = """
CREATE TABLE staged_blobs (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES received_files(id) ON DELETE CASCADE,
    numero TEXT NOT NULL,
    first_line INTEGER NOT NULL,
    clean INTEGER NOT NULL,
    data TEXT NOT NULL,
    meta TEXT NOT NULL
);
CREATE INDEX staged_blobs_version ON staged_blobs(file_id, numero);
"""


def blob_rows(staged: list[tuple], file_id: int):
    """One staged row per run of consecutive rows of a document (STAGED_LINE_COLUMNS in)."""
    run: list[tuple] = []
    for row in staged:
        if run and row[2] != run[0][2]:
            yield _blob(run, file_id)
            run = []
        run.append(row)
    if run:
        yield _blob(run, file_id)


def _blob(run: list[tuple], file_id: int) -> tuple:
    # row: file_id, line, numero, errors, clean, head, ..., amount, cents, data
    data = "".join(r[-1] + ROW_END for r in run)
    meta = ROW_END.join(f"{r[1]}{FIELD}{r[-3] or ''}{FIELD}{r[-2] or 0}" for r in run)
    return (file_id, run[0][2], run[0][1], int(all(r[4] for r in run)), data, meta)


def check_blobs(db, numeros: list[str], file_id: int, mapping, articles, units, positions):
    """Per document: ok, content hash, HT cents per rate and its GC line values."""
    code, unit, rate_at, label = (
        positions[n] for n in ("CodeArticle", "Unite", "TauxTVA", "LibelleArticle")
    )
    qty, price, discount, when = (
        positions[n] for n in ("Quantite", "PrixUnitaireHT", "RemisePourcent", "DateIntervention")
    )
    site, surface, driver, equipment = (
        positions[n] for n in ("Chantier", "Surface", "Chauffeur", "Materiel")
    )
    head_end = positions["NumeroLigne"]
    out = {}
    for start in range(0, len(numeros), PAGE):
        keys = json.dumps(numeros[start : start + PAGE])
        cur = db.conn.execute(
            "SELECT b.numero, b.clean, b.data, b.meta FROM json_each(?) k"
            " JOIN staged_blobs b ON b.file_id = ? AND b.numero = k.value"
            " ORDER BY b.numero, b.first_line",
            [keys, file_id],
        )
        for numero, clean, data, meta in cur:
            ok = bool(clean)
            head = None
            cents: dict[str, int] = {}
            lines = []
            for row, extra in zip(data.split(ROW_END), meta.split(ROW_END), strict=False):
                f = row.split(FIELD)
                if head is None:
                    head = f[1:head_end]
                elif f[1:head_end] != head:
                    ok = False
                article = mapping.get(f[code])
                if article is None or (f[unit] and f[unit] not in units):
                    ok = False
                    continue
                article_unit, article_rate = articles[article]
                rate = f[rate_at] or article_rate
                _, amount, line_cents = extra.split(FIELD)
                cents[rate] = cents.get(rate, 0) + int(line_cents)
                lines.append(
                    (
                        article,
                        f[label],
                        f[qty],
                        f[unit] or article_unit,
                        f[price],
                        f[discount] or None,
                        rate,
                        amount,
                        f[when][:10] or None,
                        f[site] or None,
                        f[surface] or None,
                        f[driver] or None,
                        f[equipment] or None,
                    )
                )
            out[numero] = (ok, hashlib.sha256(data.encode()).hexdigest(), cents, lines)
    return out


def one_run(lines: int) -> dict[str, float]:
    from econnect_tui.db import write_transaction
    from econnect_tui.exchange.csv import read_csv
    from econnect_tui.exchange.facilitime import DOCUMENT_LAYOUT
    from econnect_tui.exchange.staged import DocumentRowStager
    from econnect_tui.models.amounts import Totals
    from econnect_tui.models.gc import TiersKind
    from econnect_tui.store import connectors, documents, staging, tiers

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = bench_receive.setup(folder)
        db.conn.executescript(BLOBS)
        source = folder / "ImportDocuments_bench.csv"
        bench_receive.write_file(source, lines)
        out["floor"] = bench_receive.floor(source, folder)

        start = time.perf_counter()
        reader = read_csv(source, DOCUMENT_LAYOUT, filename=source.name)
        with write_transaction(db):
            file_id = staging.create_file(
                db, "FACILI", source.name, "documents", reader.sha256, reader.size, "recu"
            )
        stage = DocumentRowStager(source.name, file_id)
        staged = [stage(row.line, row.values, row.errors) for row in reader.lists()]
        out["read and validate every cell"] = time.perf_counter() - start

        start = time.perf_counter()
        with write_transaction(db):
            db.conn.executemany(
                "INSERT INTO staged_blobs (file_id, numero, first_line, clean, data, meta)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                blob_rows(staged, file_id),
            )
            db.execute(
                "INSERT INTO document_versions (connector_code, numero, file_id)"
                " SELECT DISTINCT 'FACILI', numero, file_id FROM staged_blobs WHERE file_id = ?",
                [file_id],
            )
        out["stage as blobs (executemany, versions, commit)"] = time.perf_counter() - start
        del staged

        mapping = dict(
            db.execute(
                "SELECT m.external_code, m.article_id FROM article_mappings m"
                " WHERE m.connector_code = 'FACILI'"
            ).fetchall()
        )
        articles = {
            i: (u, r) for i, u, r in db.execute("SELECT id, unit_code, vat_rate FROM articles")
        }
        units = {u for (u,) in db.execute("SELECT code FROM units")}
        numeros = [n for (n,) in db.execute("SELECT DISTINCT numero FROM staged_blobs ORDER BY 1")]
        positions = {name: i for i, name in enumerate(DOCUMENT_LAYOUT.names)}
        start = time.perf_counter()
        checked = check_blobs(db, numeros, file_id, mapping, articles, units, positions)
        out["check in Python, GC line values built"] = time.perf_counter() - start
        assert all(ok for ok, *_ in checked.values()), "every document of the bench is clean"

        connector = connectors.require_connector(db, "FACILI")
        receive = connector.receive
        client_id = next(iter(tiers.tiers_ids(db, TiersKind.CLIENT).values()))
        zero = Decimal(0)
        headers = [
            documents.DocumentHeader(
                receive.doc_type,
                "2026-11-01",
                receive.company,
                receive.site,
                receive.depot,
                client_id,
                None,
                None,
                None,
                "FACILI",
                numero,
                Totals(zero, zero, zero, []),
                digest,
            )
            for numero, (_, digest, _, _) in checked.items()
        ]
        start = time.perf_counter()
        with write_transaction(db):
            ids = documents.insert_headers(db, headers)
        out["write: headers"] = time.perf_counter() - start

        start = time.perf_counter()
        with write_transaction(db):
            db.conn.executemany(
                "INSERT INTO document_lines (document_id, position, article_id, label, quantity,"
                " unit_code, unit_price, discount_percent, vat_rate, amount_ht,"
                " intervention_date, work_site, surface, driver, equipment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (document_id, position, *values)
                    for (document_id, _), (_, _, _, rows) in zip(ids, checked.values(), strict=True)
                    for position, values in enumerate(rows, 1)
                ),
            )
        out["write: lines (executemany)"] = time.perf_counter() - start
        (count,) = db.execute("SELECT count(*) FROM document_lines").fetchone()
        assert count == lines, count

        start = time.perf_counter()
        with write_transaction(db):
            db.execute("DELETE FROM staged_blobs WHERE file_id = ?", [file_id])
        out["purge"] = time.perf_counter() - start
    return out


PARTS = (
    "read and validate every cell",
    "stage as blobs (executemany, versions, commit)",
    "check in Python, GC line values built",
    "write: headers",
    "write: lines (executemany)",
    "purge",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.lines) for _ in range(args.repeat)]
    for run in runs:
        run["sum (no plan, report or outcomes)"] = sum(run[k] for k in PARTS)
    bench_receive.print_ratio_table(
        f"Blob-staged reception, {args.lines:,} lines, its parts, median of {args.repeat}", runs
    )


if __name__ == "__main__":
    main()
