"""Benchmark of the screens and commands on a large database (years of an agricultural
contractor's work).

Run: .venv/bin/python bench/bench_large.py [--repeat 3] [--keep PATH]   (or `python -m bench large`)

Builds, in a temporary folder, a real SQLite file (WAL, synchronous=FULL, as the app opens it)
through the store functions: the demo reference data, 50,000 articles (a TARIF1 price each),
20,000 clients with 40,000 contacts (one client has 2,000 of them), 200,000 GC documents with
1.5 million lines, 5,000 synchronisation runs of FACILI in the history and one reception whose
report holds 100,000 rows. Then, as bench_grid.py and bench_mapping.py do, one headless
EconnectApp at 80x24 and each figure is the time of the calls plus a *settle* (pending messages
processed and the screen rendered, until a round does nothing); pilot key presses are not timed.
The two CLI commands run in a child process (`python -m econnect_tui`), as a cron job would.

Figures are medians. Each is also given as a ratio to a floor measured in the same run (every
article label read through `store.articles.article_labels`: one plain SQLite scan of 50,000
rows into a dict), so runs on this shared 2-core machine compare. Targets: a screen opened in
<= 1.5 s, a filter or a move to the end of a list in <= 0.3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pilot import duration, settle, timed
from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db, write_transaction
from econnect_tui.exchange.staged import StagedLine
from econnect_tui.models.amounts import Totals
from econnect_tui.models.gc import (
    Article,
    Contact,
    DocStatus,
    DocType,
    Price,
    Tiers,
    TiersKind,
)
from econnect_tui.models.reports import RunKind, RunStatus
from econnect_tui.store import articles as articles_store
from econnect_tui.store import documents as documents_store
from econnect_tui.store import history as history_store
from econnect_tui.store import mappings as mappings_store
from econnect_tui.store import staging as staging_store
from econnect_tui.store import tiers as tiers_store
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector, load_sample_gc

ROOT = Path(__file__).resolve().parents[1]
C = "FACILI"
LABELS = ["Labour", "Semis céréales", "Moisson blé", "Épandage de lisier", "Pressage balle"]
FAMILIES = ["TRAVSOL", "SEMIS", "RECOLTE", "FOURRAGE", "TRANSP"]
CITIES = [("28000", "Chartres"), ("28800", "Bonneval"), ("28150", "Voves"), ("28200", "Châteaudun")]
BIG_CLIENT = "C00001"  # the client with many contacts
TARGETS = {"open": 1.5, "filter": 0.3, "end": 0.3, "cli": 1.5}

SIZES = {
    "articles": 50_000,
    "clients": 20_000,
    "contacts": 40_000,
    "big_client_contacts": 2_000,
    "documents": 200_000,
    "lines": 1_500_000,
    "runs": 5_000,
    "report_rows": 100_000,
}


def build(folder: Path, sizes: dict[str, int] = SIZES) -> Path:
    """The large database, written through the store functions in one transaction."""
    path = folder / "large.db"
    db = open_db(path)
    load_sample_gc(db)
    save_connector(db, demo_connector(folder / "facili"), new=True, create_folders=True)
    n_articles = sizes["articles"]
    with write_transaction(db):
        articles_store.upsert_articles(
            db,
            (
                Article.model_construct(
                    code=f"A{i:06d}",
                    label=f"{LABELS[i % 5]} {i}",
                    family_code=FAMILIES[i % 5],
                    unit_code="HA",
                    vat_rate=Decimal(20),
                    export_available=bool(i % 3),
                    active=bool(i % 17),
                )
                for i in range(1, n_articles + 1)
            ),
        )
        articles_store.upsert_prices(
            db,
            (
                Price.model_construct(
                    article_code=f"A{i:06d}",
                    price_category_code="TARIF1",
                    unit_code=None,
                    price=Decimal(i % 300) + Decimal("0.5"),
                )
                for i in range(1, n_articles + 1)
            ),
        )
        mappings_store.set_many(
            db, C, ((f"A{i:06d}", f"ETA-{i}") for i in range(1, n_articles + 1, 5)), "bench"
        )
        n_clients = sizes["clients"]
        tiers_store.upsert_tiers(
            db,
            (
                Tiers.model_construct(
                    kind=TiersKind.CLIENT,
                    code=f"C{i:05d}",
                    civility="Société",
                    name=f"EARL {LABELS[i % 5].split()[0]} {i}",
                    address1=f"{i} route de Chartres",
                    postal_code=CITIES[i % 4][0],
                    city=CITIES[i % 4][1],
                    country="France",
                    phone=f"02 37 {i % 100:02d} {i // 100 % 100:02d} 00",
                    family_code="AGRI",
                    payment_method="Virement",
                )
                for i in range(1, n_clients + 1)
            ),
        )
        big = sizes["big_client_contacts"]
        others = sizes["contacts"] - big
        parents = [BIG_CLIENT] * big + [f"C{2 + i % (n_clients - 1):05d}" for i in range(others)]
        for i, parent in enumerate(parents):
            tiers_store.save_contact(
                db,
                Contact.model_construct(
                    id=None,
                    parent_kind=TiersKind.CLIENT,
                    parent_code=parent,
                    code=f"K{i}",
                    civility="M.",
                    last_name=f"Nom{i % 997}",
                    first_name=f"Prénom{i % 89}",
                    function="Gérant",
                    phone=None,
                    mobile="06 00 00 00 00",
                    email=None,
                ),
            )
        received = _documents(db, sizes)
        _history(db, sizes, received)
    staging_store.purge_decided_lines(db, C)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


def _documents(db, sizes: dict[str, int]) -> list[tuple[str, int]]:
    """The GC documents and their lines; returns (external id, document id) of those received
    from FACILI (nine in ten)."""
    client_ids = list(tiers_store.tiers_ids(db, TiersKind.CLIENT).values())
    article_ids = list(articles_store.article_ids(db).values())
    n_docs, n_lines = sizes["documents"], sizes["lines"]
    statuses = (DocStatus.DRAFT, DocStatus.VALIDATED, DocStatus.INVOICED, DocStatus.INVOICED)
    totals = Totals(Decimal("120.00"), Decimal("24.00"), Decimal("144.00"), [])
    page = 10_000
    made_lines = 0
    received: list[tuple[str, int]] = []
    for start in range(0, n_docs, page):
        headers = [
            documents_store.DocumentHeader(
                DocType.DELIVERY if i % 4 else DocType.ORDER,
                f"20{20 + i * 7 // n_docs}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "ETA1",
                "CHARTRES",
                "DEP1",
                client_ids[i % len(client_ids)],
                "Virement",
                None,
                None,
                C if i % 10 else None,
                f"F{i:06d}_D{i % 9999:04d}" if i % 10 else None,
                totals,
                None,
                statuses[i % 4],
            )
            for i in range(start, min(start + page, n_docs))
        ]
        written = documents_store.insert_headers(db, headers)
        rows = []
        for n, (doc_id, _number) in enumerate(written):
            i = start + n
            if headers[n].external_id:
                received.append((headers[n].external_id, doc_id))
            count = (n_lines - made_lines) // (n_docs - i)  # 7 or 8: the total comes out exact
            made_lines += count
            for position in range(1, count + 1):
                article = article_ids[(i * 7 + position) % len(article_ids)]
                rows.append(
                    (
                        doc_id,
                        position,
                        article,
                        LABELS[position % 5],
                        "2",
                        "HA",
                        "7.50",
                        None,
                        "20",
                        "15.00",
                        None,
                        "Parcelle du bois",
                        None,
                        "Paul",
                        None,
                    )
                )
        documents_store.insert_line_rows(db, rows)
    return received


def _history(db, sizes: dict[str, int], received: list[tuple[str, int]]) -> None:
    """5,000 runs of FACILI (receptions and sends), the big reception among the newest. The
    received documents are spread over the receptions: each has its file and one decided
    version per document (`document_versions` keeps them after the staged rows are purged)."""
    n_runs = sizes["runs"]
    receptions = [r for r in range(n_runs) if r % 3]
    per_file = -(-len(received) // len(receptions))
    files = {r: received[k * per_file : (k + 1) * per_file] for k, r in enumerate(receptions)}
    statuses = (RunStatus.OK, RunStatus.OK, RunStatus.WARNING, RunStatus.ERROR)
    big_at = n_runs - 10
    for r in range(n_runs):
        kind = RunKind.RECEPTION if r % 3 else RunKind.SEND
        run_id = history_store.start_run(db, C, kind, "marie", "bureau", 1000 + r)
        if r == big_at:
            history_store.add_row_values(
                db,
                run_id,
                [
                    (
                        "ImportDocuments_big.csv",
                        "Document",
                        f"F{i:06d}_D{i % 9999:04d}",
                        int(i % 50 != 0),
                        "" if i % 50 else "Article ETA-9 sans correspondance",
                    )
                    for i in range(sizes["report_rows"])
                ],
            )
        else:
            history_store.add_row_values(
                db,
                run_id,
                [("ImportDocuments.csv", "Document", f"F{r:06d}_D{k}", 1, "") for k in range(5)],
            )
        if files.get(r):
            _received_file(db, run_id, r, files[r])
        status = statuses[r % 4]
        history_store.finish_run(db, run_id, status, f"Synchronisation {r}", {"documents": 5})


def _received_file(db, run_id: int, r: int, documents: list[tuple[str, int]]) -> None:
    """One archived ImportDocuments file of run `r`: one staged row per document, its
    versions decided « integre », then the staged rows purged, as a reception leaves them."""
    file_id = staging_store.create_file(
        db, C, f"ImportDocuments_{r}.csv", "documents", f"{r:064x}", 1000, "recu", run_id=run_id
    )
    blank = (None,) * 15
    staging_store.insert_lines(
        db,
        [
            StagedLine(file_id, k + 2, numero, None, 1, "", 1, *blank, 0, "")
            for k, (numero, _) in enumerate(documents)
        ],
    )
    staging_store.add_versions(db, C, file_id)
    staging_store.decide_versions(
        db,
        C,
        [
            staging_store.Decision(
                staging_store.Version(numero, file_id, f"ImportDocuments_{r}.csv"),
                "integre",
                doc_id,
                run_id,
                None,
            )
            for numero, doc_id in documents
        ],
    )


# Measures -------------------------------------------------------------------------------------


def plain(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = perf_counter()
        fn()
        times.append(perf_counter() - start)
    return statistics.median(times)


def cli(db_path: Path, *args: str) -> float:
    """One `econnect` command in a child process, as from a terminal or a cron job."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ECONNECT_DB": str(db_path)}
    start = perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "econnect_tui", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"econnect {' '.join(args)}: {done.stderr}")
    return elapsed


Result = tuple[str, float, str]  # (what, seconds, target key or "")


async def run_tui(db_path: Path, repeat: int) -> list[Result]:
    from econnect_tui.tui.screens.articles import ArticleCardScreen, ArticlesScreen
    from econnect_tui.tui.screens.documents import DocumentsScreen
    from econnect_tui.tui.screens.history import HistoryScreen
    from econnect_tui.tui.screens.home import HomeScreen
    from econnect_tui.tui.screens.report import ReportScreen
    from econnect_tui.tui.screens.sync import SyncScreen
    from econnect_tui.tui.screens.tiers import TiersCardScreen, TiersScreen
    from econnect_tui.tui.widgets.grid import GridPanel

    median = statistics.median
    results: list[Result] = []
    db = open_db(db_path)
    app = EconnectApp(db, db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        async def opened(make, name: str, check=None):
            """Median time to push a new `make()` screen until shown; the last one stays."""
            times = []
            for n in range(repeat):
                screen = make()
                times.append(await timed(pilot, lambda s=screen: app.push_screen(s)))
                assert app.screen is screen
                if check:
                    check(screen)
                if n < repeat - 1:
                    await timed(pilot, app.pop_screen)
            results.append((f"open {name}", median(times), "open"))
            return screen

        async def filtered(screen, name: str, words: tuple[str, ...]) -> None:
            panel = screen.query_one(GridPanel)
            for text in words:
                times = []
                for _ in range(repeat):

                    def type_filter(t: str = text) -> None:
                        panel.filter_input.value = t  # Input.Changed -> grid.apply_filter

                    times.append(await timed(pilot, type_filter))
                    shown = panel.grid.row_count
                    await timed(pilot, lambda: panel.close_filter(clear=True))
                what = f"{name}: filter {text!r} ({shown:,} rows)"
                results.append((what, median(times), "filter"))

        async def to_end(screen, name: str) -> None:
            grid = screen.query_one(GridPanel).grid
            times = []
            for _ in range(repeat):
                await timed(pilot, grid.action_cursor_first)
                times.append(await timed(pilot, grid.action_cursor_last))
            results.append((f"{name}: move to the last row (End)", median(times), "end"))

        async def close(screen) -> None:
            while app.screen is not screen:
                await timed(pilot, app.pop_screen)
            await timed(pilot, app.pop_screen)

        home = await opened(HomeScreen, "F2 Accueil (counts)")
        await close(home)
        sync = await opened(SyncScreen, "F3 Synchro dashboard")
        await close(sync)

        screen = await opened(ArticlesScreen, "F4 Articles list")
        await filtered(screen, "Articles", ("moisson", "moisson 123", "zzz"))
        await to_end(screen, "Articles")
        await close(screen)

        screen = await opened(TiersScreen, "F5 Tiers list (clients)")
        await filtered(screen, "Clients", ("chartres", "earl 1234", "zzz"))
        await to_end(screen, "Clients")
        await close(screen)

        screen = await opened(DocumentsScreen, "F6 Documents list")
        # The whole list, when a thread worker reads it after the first page (the operator can
        # already move and type meanwhile): pushed again, until every row is in the grid.
        await close(screen)
        times = []
        for n in range(repeat):
            start = perf_counter()
            screen = DocumentsScreen()
            app.push_screen(screen)
            await settle(pilot)
            await app.workers.wait_for_complete()
            await settle(pilot)
            times.append(perf_counter() - start)
            assert screen.grid.total_count == SIZES["documents"]
            if n < repeat - 1:
                await timed(pilot, app.pop_screen)
        results.append(("F6 Documents: every document in the list", median(times), ""))
        await filtered(screen, "Documents", ("c00042", "bl 2021", "zzz"))
        await to_end(screen, "Documents")
        await close(screen)

        screen = await opened(lambda: HistoryScreen(C), f"history of {C}")
        await filtered(screen, "History", ("envoi", "zzz"))
        await to_end(screen, "History")

        big_id = _big_run_id(db)

        async def open_report() -> None:
            grid = screen.query_one(GridPanel).grid
            grid.select_key(big_id)
            grid.action_activate()  # Enter: the run read, its report pushed

        times = []
        for n in range(repeat):
            times.append(await timed(pilot, open_report))
            report = app.screen
            assert isinstance(report, ReportScreen) and report.grid.total_count >= 100_000
            if n < repeat - 1:
                await timed(pilot, app.pop_screen)
        what = "open the report of the 100,000-row run (Enter in the history)"
        results.append((what, median(times), "open"))
        await filtered(report, "Report", ("sans correspondance", "f004242"))
        await to_end(report, "Report")
        await close(screen)

        card = await opened(lambda: ArticleCardScreen("A025000"), "an article card")
        await close(card)
        card = await opened(
            lambda: TiersCardScreen(TiersKind.CLIENT, BIG_CLIENT),
            f"a client card with {SIZES['big_client_contacts']:,} contacts",
        )
        await close(card)
    db.close()
    return results


def _big_run_id(db) -> int:
    """The run whose report is the big one (the only one with more than five rows)."""
    for run in history_store.list_runs(db, C, RunKind.RECEPTION):
        if sum(1 for _ in history_store.iter_rows(db, run.id)) > 5:
            return run.id
    raise LookupError("no big run")


def run(db_path: Path, repeat: int) -> list[Result]:
    db = open_db(db_path)
    floor = plain(lambda: articles_store.article_labels(db), max(repeat, 5))
    db.close()
    results: list[Result] = [("floor: article_labels (50,000 rows into a dict)", floor, "")]
    results += asyncio.run(run_tui(db_path, repeat))
    for args in (("status",), ("history", C)):
        times = [cli(db_path, *args) for _ in range(repeat)]
        results.append((f"econnect {' '.join(args)}", statistics.median(times), "cli"))
    return results


def report(results: list[Result]) -> str:
    floor = results[0][1]
    lines = [
        "50,000 articles, 20,000 clients / 40,000 contacts, 200,000 documents / 1.5 M lines,"
        " 5,000 runs, 80x24, medians",
        "",
        "| operation | time | × floor | target |",
        "|---|---:|---:|---:|",
    ]
    for what, seconds, target in results:
        shown = duration(seconds)
        goal = f"≤ {TARGETS[target]:g} s" if target else ""
        lines.append(f"| {what} | {shown} | {seconds / floor:.1f} | {goal} |")
    lines.append("")
    missed = [(w, s, t) for w, s, t in results if t and s > TARGETS[t]]
    for what, seconds, target in missed:
        lines.append(f"- MISSED {what}: {seconds:.2f} s > {TARGETS[target]:g} s")
    if not missed:
        lines.append("- every target met")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--keep", type=Path, help="build the database there once and reuse it on later runs"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.keep and (args.keep / "large.db").exists():
            db_path = args.keep / "large.db"
        else:
            start = perf_counter()
            target = args.keep or Path(folder)
            target.mkdir(parents=True, exist_ok=True)
            db_path = build(target)
            print(f"database built in {perf_counter() - start:.1f} s", flush=True)
        results = run(db_path, args.repeat)
    print(report(results))
    sys.exit(1 if any(t and s > TARGETS[t] for _, s, t in results) else 0)


if __name__ == "__main__":
    main()
