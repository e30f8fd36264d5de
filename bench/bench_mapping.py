"""Benchmark of « Mettre à jour la correspondance des articles » on 50,000 articles.

Run: .venv/bin/python bench/bench_mapping.py [--articles 50000] [--repeat 5]

Builds, in a temporary folder, a real SQLite file (WAL, synchronous=FULL, as the app opens it)
with the demo reference data, N articles (all available for export, families in turn, three in
four mapped on FACILI) and an article filter « Récolte » (family RECOLTE: one article in five).
Then one headless EconnectApp at 80x24 and, as bench_grid.py does, each figure is the time of
the calls plus a *settle* (pending messages processed and the screen rendered, until a round does
nothing); pilot key presses are not timed (~60 ms of harness each). Figures are medians.

Targets: open (rows loaded + grid shown) <= 1.5 s, filter <= 0.3 s, one edit saved (DB commit)
and shown <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.pilot import duration, settle, timed
from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db, write_transaction
from econnect_tui.models.gc import ArticleFilter
from econnect_tui.store import filters as filters_store
from econnect_tui.sync import mapping as service
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector, load_sample_gc
from econnect_tui.sync.mapping import ShowMode
from econnect_tui.tui.screens.mapping import MappingScreen, mapping_rows, open_mapping
from econnect_tui.tui.widgets.cell_editor import CellEditor

TARGETS = {"open": 1.5, "filter": 0.3, "edit": 0.05}
LABELS = ["Labour", "Semis céréales", "Moisson blé", "Épandage de lisier", "Pressage balle"]
FAMILIES = ["TRAVSOL", "SEMIS", "RECOLTE", "FOURRAGE", "TRANSP"]
C = "FACILI"


def build(folder: Path, n: int):
    db = open_db(folder / "bench.db")
    load_sample_gc(db)
    with write_transaction(db):
        for table in ("stocks", "prices", "articles"):
            db.execute(f"DELETE FROM {table}")
        db.conn.executemany(
            "INSERT INTO articles (id, code, label, family_code, unit_code, vat_rate,"
            " export_available, active) VALUES (?, ?, ?, ?, 'HA', '20', 1, 1)",
            ((i, f"A{i:06d}", f"{LABELS[i % 5]} {i}", FAMILIES[i % 5]) for i in range(1, n + 1)),
        )
    save_connector(db, demo_connector(folder / "facili"), new=True, create_folders=True)
    with write_transaction(db):  # three articles in four mapped
        db.conn.executemany(
            "INSERT INTO article_mappings (connector_code, article_id, external_code)"
            " VALUES ('FACILI', ?, ?)",
            ((i, f"ETA-{i}") for i in range(1, n + 1) if i % 4),
        )
    filters_store.save_article_filter(db, ArticleFilter(name="Récolte", families=["RECOLTE"]))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def plain(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = perf_counter()
        fn()
        times.append(perf_counter() - start)
    return statistics.median(times)


async def run(db, db_path: Path, n: int, repeat: int) -> list[tuple[str, float, str]]:
    results: list[tuple[str, float, str]] = []
    median = statistics.median

    # Service side, without any screen.
    rows = service.grid_rows(db, C, ShowMode.EXPORT)
    results.append(
        (
            f"grid_rows (SQL, {len(rows):,} rows)",
            plain(lambda: service.grid_rows(db, C, ShowMode.EXPORT), repeat),
            "",
        )
    )
    results.append(
        (
            "mapping_rows: the GridRows (one fold pass, collector on)",
            plain(lambda: mapping_rows(rows), repeat),
            "",
        )
    )
    results.append(
        (
            "suggestions(): 50k articles prepared (ArticleMatcher) + one code",
            plain(lambda: service.suggestions(db, C, "MOIS-BLE", "Moisson blé 1234"), repeat),
            "",
        )
    )
    matcher = service.ArticleMatcher(db, C)
    results.append(
        (
            "ArticleMatcher.suggest: one more code (matcher reused)",
            plain(lambda: matcher.suggest("PRESS-BR", "Pressage balle ronde 77"), repeat),
            "",
        )
    )

    app = EconnectApp(db, db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        empty = median([await timed(pilot, lambda: None) for _ in range(10)])

        # (a) open: push the screen, rows loaded from SQLite, grid shown
        opens = []
        for _ in range(repeat):
            start = perf_counter()
            open_mapping(app, C)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MappingScreen) and screen.grid.total_count == n
            opens.append(perf_counter() - start)
            if _ < repeat - 1:
                app.pop_screen()
                await settle(pilot)
        results.append(("open the screen (rows loaded + grid shown)", median(opens), "open"))
        grid = screen.grid

        # (b) filters: the grid's `/` filter, then « Filtrer » with the named filter and back
        for text in ("moisson", "moisson 123", "zzz"):
            times = []
            for _ in range(repeat):
                times.append(await timed(pilot, lambda t=text: grid.apply_filter(t)))
                shown = grid.row_count
                await timed(pilot, lambda: grid.apply_filter(""))
            results.append((f"`/` filter {text!r} ({shown:,} rows)", median(times), "filter"))

        async def choose(mode: ShowMode) -> None:
            """The options as the operator leaves them before « Filtrer » (not timed)."""
            button = "#mode-filter" if mode is ShowMode.FILTER else "#mode-export"
            screen.query_one(button).value = True
            screen.query_one("#mapping-filter").value = "Récolte"
            await settle(pilot)
            assert screen.chosen_mode() is mode

        to_filter, to_export = [], []
        for _ in range(repeat):
            await choose(ShowMode.FILTER)
            to_filter.append(await timed(pilot, screen.action_apply))
            shown = grid.total_count
            await choose(ShowMode.EXPORT)
            to_export.append(await timed(pilot, screen.action_apply))
        results.append(
            (f"« Filtrer »: filter « Récolte » ({shown:,} rows)", median(to_filter), "filter")
        )
        results.append(
            (
                f"« Filtrer »: articles available for export ({grid.total_count:,} rows)",
                median(to_export),
                "filter",
            )
        )

        # (c) one edit: the commit hook (set_mapping, one transaction, fsync) + row shown
        column = grid.column_index("external")
        grid.move_cursor(row=n // 2, column=column)
        await settle(pilot)
        commits = []
        for i in range(repeat * 4):

            def commit(i: int = i) -> None:
                grid._editing = (grid.cursor_key, column)
                grid._commit_edit(f"NEW-{i}", "stay")

            commits.append(await timed(pilot, commit))
        results.append(("one edit saved (DB commit) and shown", median(commits), "edit"))

        cycles = []
        for i in range(repeat):
            start = perf_counter()
            grid.start_edit()
            await settle(pilot)
            editor = app.screen
            assert isinstance(editor, CellEditor)
            editor.input.value = f"CYCLE-{i}"
            editor.action_commit("down")
            await settle(pilot)
            await settle(pilot)
            cycles.append(perf_counter() - start)
        results.append(("full edit: editor opened, value, Enter, closed", median(cycles), ""))

        undos = [await timed(pilot, screen.action_undo) for _ in range(repeat)]
        results.append(("undo (u): undo_change + row shown", median(undos), ""))
        results.append(("empty settle (overhead, included above)", empty, ""))

    # The CSV file, for the record.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corresp.csv"
        results.append(
            (
                f"export_file ({n * 3 // 4:,} lines)",
                plain(lambda: service.export_file(db, C, path), 1),
                "",
            )
        )
        results.append(
            (
                "import_file of that file (nothing to change)",
                plain(lambda: service.import_file(db, C, path, "bench"), 1),
                "",
            )
        )
    return results


def report(n: int, results: list[tuple[str, float, str]]) -> str:
    lines = [
        f"{n:,} articles, FACILI, 80x24, medians",
        "",
        "| operation | time | target |",
        "|---|---:|---:|",
    ]
    for operation, seconds, target in results:
        shown = duration(seconds)
        goal = f"≤ {TARGETS[target] * 1000:.0f} ms" if target else ""
        lines.append(f"| {operation} | {shown} | {goal} |")
    lines.append("")
    for name, limit in TARGETS.items():
        worst = max(s for _, s, t in results if t == name)
        verdict = "OK" if worst <= limit else "MISSED"
        lines.append(f"- target {name} <= {limit * 1000:.0f} ms: {worst * 1000:.1f} ms {verdict}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder), args.articles)
        results = asyncio.run(run(db, Path(folder) / "bench.db", args.articles, args.repeat))
        db.close()
    print(report(args.articles, results))
    missed = any(
        max(s for _, s, t in results if t == name) > limit for name, limit in TARGETS.items()
    )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
