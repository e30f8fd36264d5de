"""Benchmark of `econnect send`: sync.send.send() vs the bare floor of the same queries.

Run: .venv/bin/python bench/bench_send.py [--articles 50000] [--clients 50000] [--repeat 3]

Builds, in a temporary folder, a database with the demo reference data, N articles (all
available for export; a TARIF1 price each, a price per unit « U » for one in five, a DEP1 stock
for one in two, a correspondence on FACILI for one in four) and N clients each with one contact,
and the FACILI connector sending articles (TARIF1, unit U, depot DEP1), all clients and their
contacts. Then, in the same process, times:

  (a) floor: the same three SQL queries (store.exports.*_query) written by a bare `csv.writer`
      to plain files (no typing, no cell formatting, no temporary file, no fsync, no history);
  (b) send(): the real service (Decimal cells, format_cell, atomic write with fsync and rename,
      one history run).

Each figure is the median of the repeats; the ratio is (b) / (a). Target: ratio <= 3.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from econnect_tui.db import open_db, write_transaction
from econnect_tui.models.connector import ClientsToSend
from econnect_tui.models.gc import ArticleFilter
from econnect_tui.store import exports
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector, load_sample_gc
from econnect_tui.sync.send import (
    ARTICLES_COLUMNS,
    CLIENTS_COLUMNS,
    CONTACTS_COLUMNS,
    send,
)

TARGET_RATIO = 3.0
LABELS = ["Labour", "Semis céréales", "Moisson blé", "Épandage de lisier", "Pressage balle"]
FAMILIES = ["TRAVSOL", "SEMIS", "RECOLTE", "FOURRAGE", "TRANSP"]
CITIES = ["Chartres", "Bonneval", "Châteaudun", "Voves", "Morée"]


def build(folder: Path, n_articles: int, n_clients: int):
    db = open_db(folder / "bench.db")
    load_sample_gc(db)
    with write_transaction(db):
        db.execute("DELETE FROM contacts")
        db.execute("DELETE FROM tiers")
        db.execute("DELETE FROM stocks")
        db.execute("DELETE FROM prices")
        db.execute("DELETE FROM articles")
        db.conn.executemany(
            "INSERT INTO articles (id, code, label, family_code, unit_code, vat_rate,"
            " export_available, active) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
            (
                (
                    i,
                    f"A{i:06d}",
                    f"{LABELS[i % 5]} {i}",
                    FAMILIES[i % 5],
                    "HA",
                    "5.5" if i % 10 == 0 else "20",
                    int(i % 50 != 0),
                )
                for i in range(1, n_articles + 1)
            ),
        )
        db.conn.executemany(
            "INSERT INTO prices (article_id, price_category_code, unit_code, price)"
            " VALUES (?, 'TARIF1', NULL, ?)",
            ((i, f"{i % 500}.{i % 100:02d}") for i in range(1, n_articles + 1)),
        )
        db.conn.executemany(
            "INSERT INTO prices (article_id, price_category_code, unit_code, price)"
            " VALUES (?, 'TARIF1', 'U', ?)",
            ((i, f"{i % 90}.5") for i in range(1, n_articles + 1, 5)),
        )
        db.conn.executemany(
            "INSERT INTO stocks (article_id, depot_code, quantity) VALUES (?, 'DEP1', ?)",
            ((i, str(i % 1000)) for i in range(1, n_articles + 1, 2)),
        )
        db.conn.executemany(
            "INSERT INTO tiers (id, kind, code, civility, name, address1, postal_code, city,"
            " country, phone, mobile, email, siret, vat_number, client_family_code,"
            " payment_method) VALUES (?, 'client', ?, 'Société', ?, ?, ?, ?, 'France', ?, ?, ?,"
            " ?, ?, 'AGRI', 'Virement')",
            (
                (
                    i,
                    f"C{i:06d}",
                    f"EARL du Moulin {i}",
                    f"{i % 90 + 1} route de la Plaine",
                    f"28{i % 1000:03d}",
                    CITIES[i % 5],
                    f"02 37 {i % 100:02d} {i % 97:02d} {i % 89:02d}",
                    f"06 {i % 100:02d} {i % 97:02d} {i % 89:02d} {i % 83:02d}",
                    f"contact{i}@earl.fr",
                    f"{i:09d}00012",
                    f"FR00{i:09d}",
                )
                for i in range(1, n_clients + 1)
            ),
        )
        db.conn.executemany(
            "INSERT INTO contacts (tiers_id, code, civility, last_name, first_name, function,"
            " mobile, email) VALUES (?, 'C1', 'M.', ?, 'Jean', 'Gérant', ?, ?)",
            (
                (i, f"Martin {i}", f"06 {i % 100:02d} 11 22 33", f"martin{i}@earl.fr")
                for i in range(1, n_clients + 1)
            ),
        )
    connector = demo_connector(folder / "facili")
    connector.send.unit = "U"
    connector.send.clients = ClientsToSend.ALL
    connector.send.contacts = True
    save_connector(db, connector, new=True, create_folders=True)
    with write_transaction(db):  # a quarter of the articles mapped
        db.conn.executemany(
            "INSERT INTO article_mappings (connector_code, article_id, external_code)"
            " VALUES ('FACILI', ?, ?)",
            ((i, f"ETA-{i}") for i in range(1, n_articles + 1, 4)),
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db, connector


def queries(connector) -> list[tuple[str, tuple[str, ...], tuple[str, list]]]:
    """The three queries send() runs, as (file name, columns, (sql, params))."""
    s = connector.send
    selection = ArticleFilter.model_construct(
        name="x",
        families=[],
        code_prefix=None,
        label_contains=None,
        export_available=True,
        active=None,
    )
    return [
        (
            "Articles.csv",
            ARTICLES_COLUMNS,
            exports.article_query(
                connector.code,
                selection,
                price_category=s.price_category,
                unit=s.unit,
                depot=s.depot,
            ),
        ),
        ("Clients.csv", CLIENTS_COLUMNS, exports.client_query(None)),
        ("Contacts.csv", CONTACTS_COLUMNS, exports.contact_query(None)),
    ]


def sql_only(db, connector) -> int:
    """Only the queries: every row fetched, nothing written."""
    n = 0
    for _, _, (sql, params) in queries(connector):
        for _ in db.execute(sql, params):
            n += 1
    return n


def floor(db, connector, folder: Path) -> dict[str, int]:
    """The same queries, raw cells, a bare csv.writer, plain files."""
    counts = {}
    for name, header, (sql, params) in queries(connector):
        with open(folder / name, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
            writer.writerow(header)
            n = 0
            for row in db.execute(sql, params):
                writer.writerow(row)
                n += 1
        counts[name] = n
    return counts


def timed(fn, repeat: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        start = perf_counter()
        result = fn()
        times.append(perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="econnect-bench-send-") as tmp:
        folder = Path(tmp)
        start = perf_counter()
        db, connector = build(folder, args.articles, args.clients)
        print(
            f"database: {args.articles} articles, {args.clients} clients and contacts,"
            f" built in {perf_counter() - start:.1f} s"
        )
        t_sql, _ = timed(lambda: sql_only(db, connector), args.repeat)
        floor_dir = folder / "floor"
        floor_dir.mkdir()
        t_floor, counts = timed(lambda: floor(db, connector, floor_dir), args.repeat)
        t_send, result = timed(lambda: send(db, connector.code), args.repeat)
        sizes = {f.name: os.path.getsize(f.path) for f in result.files}
        for f in result.files:
            assert counts[f.name] == f.rows, (f.name, counts[f.name], f.rows)
        ratio = t_send / t_floor
        print(f"median of {args.repeat} runs, Python {sys.version.split()[0]}")
        print("| file | rows | size |")
        print("|---|---:|---:|")
        for f in result.files:
            print(f"| {f.name} | {f.rows:,} | {sizes[f.name] / 1e6:.1f} MB |")
        print()
        print("| what | time | vs floor |")
        print("|---|---:|---:|")
        print(
            f"| SQL only: rows fetched, nothing written | {t_sql:.2f} s | {t_sql / t_floor:.2f} |"
        )
        print(f"| (a) floor: same SQL, bare csv.writer | {t_floor:.2f} s | 1.0 |")
        print(f"| (b) send() | {t_send:.2f} s | × {ratio:.2f} |")
        verdict = "OK" if ratio <= TARGET_RATIO else "OVER TARGET"
        print(f"\ntarget: send() <= {TARGET_RATIO:g} × floor -> {verdict}")
        db.close()


if __name__ == "__main__":
    main()
