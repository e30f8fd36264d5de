"""Benchmark of the list grid: Textual DataTable (baseline) vs DataGrid (vs textual-fastdatatable).

Run: .venv/bin/python bench/bench_grid.py [--rows 50000] [--repeat 5]

One process, one headless app at 80x24. Each figure is the time of the calls plus a "settle":
the pending messages of the screen processed and the screen rendered (`Screen._on_timer_update`,
the compositor refresh a real terminal gets), repeated until a round does no more work (so
DataTable's idle-time measuring is included). Pilot key presses are not timed (~60 ms of harness
each, see /work/shared/notes-textual.md); the cost of an empty settle is printed so it can be
subtracted. Figures are medians of the repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable

from bench.pilot import duration, settle, timed
from econnect_tui.tui.widgets.cell_editor import CellEditor
from econnect_tui.tui.widgets.grid import (
    DataGrid,
    GridColumn,
    GridRow,
    fold,
)

try:  # optional, for the record
    from textual_fastdatatable import ArrowBackend
    from textual_fastdatatable import DataTable as FastDataTable
except ImportError:  # pragma: no cover
    FastDataTable = None

TARGETS = {"open": 1.5, "filter": 0.3, "edit": 0.05}
LABELS = ["Blé tendre semence", "Orge d'hiver", "Engrais azoté", "Fioul non routier", "Maïs grain"]


def make_records(count: int) -> list[tuple[str, str, str]]:
    return [
        (f"A{i:06d}", f"{LABELS[i % len(LABELS)]} {i}", f"GC{i:06d}" if i % 4 else "")
        for i in range(count)
    ]


def make_grid_rows(records: list[tuple[str, str, str]]) -> list[GridRow]:
    return [
        GridRow(i, record, search=fold(f"{record[0]} {record[1]}"))
        for i, record in enumerate(records)
    ]


class BenchApp(App):
    def compose(self) -> ComposeResult:
        yield Vertical(id="host")


async def mount(pilot: Pilot, widget: Widget) -> Widget:
    host = pilot.app.query_one("#host")
    await host.remove_children()
    await host.mount(widget)
    widget.focus()
    await settle(pilot)
    return widget


def median(values: list[float]) -> float:
    return statistics.median(values)


async def run(rows: int, repeat: int) -> list[tuple[str, str, float, float | None]]:
    """Returns (operation, widget, seconds, baseline seconds or None)."""
    records = make_records(rows)
    columns = [
        GridColumn("code", "Code", width=8),
        GridColumn("label", "Libellé"),
        GridColumn("gc", "Code GC", width=9, editable=True),
    ]
    results: list[tuple[str, str, float, float | None]] = []
    app = BenchApp()
    async with app.run_test(size=(80, 24)) as pilot:
        empty = median([await timed(pilot, lambda: None) for _ in range(10)])

        # (a) DataTable baseline ------------------------------------------------------------
        opens = []
        for _ in range(max(1, min(repeat, 2))):
            table = await mount(pilot, DataTable())
            table.add_columns("Code", "Libellé", "Code GC")
            opens.append(await timed(pilot, lambda t=table: t.add_rows(records)))
        dt_open = median(opens)
        updates = []
        for n in range(repeat):
            updates.append(
                await timed(pilot, lambda t=table, n=n: t.update_cell_at((n, 2), f"GC-E{n}"))
            )
        dt_edit = median(updates)
        table.move_cursor(row=5)
        await settle(pilot)
        dt_move = median([await timed(pilot, table.action_cursor_down) for _ in range(repeat * 4)])
        table.move_cursor(row=30_000 if rows > 30_000 else rows // 2)
        await settle(pilot)
        dt_scroll = median(
            [await timed(pilot, table.action_cursor_down) for _ in range(repeat * 4)]
        )
        ends = []
        for _ in range(3):
            await timed(pilot, table.action_scroll_top)
            ends.append(await timed(pilot, table.action_scroll_bottom))
        dt_end = median(ends)
        results += [
            ("open (add_rows)", "DataTable", dt_open, dt_open),
            ("one cell updated (update_cell_at)", "DataTable", dt_edit, dt_edit),
            ("cursor down", "DataTable", dt_move, dt_move),
            ("cursor down + scroll", "DataTable", dt_scroll, dt_scroll),
            ("jump to the last row (End)", "DataTable", dt_end, dt_end),
        ]
        await app.query_one("#host").remove_children()
        await settle(pilot)

        # (b) DataGrid ------------------------------------------------------------------------
        build = []
        for _ in range(repeat):
            start = perf_counter()
            grid_rows = make_grid_rows(records)
            build.append(perf_counter() - start)
        saved: dict[object, str] = {}

        def hook(key: object, column: str, value: str) -> None:
            saved[key] = value

        opens = []
        for _ in range(repeat):
            grid = await mount(pilot, DataGrid(columns, commit_hook=hook))
            opens.append(await timed(pilot, lambda g=grid: g.set_rows(grid_rows)))
        results.append(("build 50k GridRow (fold), owner side", "DataGrid", median(build), None))
        results.append(("open (set_rows)", "DataGrid", median(opens), dt_open))

        # (c) filter
        for text in ("blé", "orge hiver 12", "zzz"):
            times = []
            for _ in range(repeat):
                times.append(await timed(pilot, lambda g=grid, t=text: g.apply_filter(t)))
                shown = grid.row_count
                await timed(pilot, lambda g=grid: g.apply_filter(""))
            label = f"filter {text!r} ({shown:,} rows)"
            results.append((label, "DataGrid", median(times), None))
        times = []
        for _ in range(repeat):
            await timed(pilot, lambda g=grid: g.apply_filter("blé"))
            times.append(await timed(pilot, lambda g=grid: g.apply_filter("")))
        results.append(("clear the filter", "DataGrid", median(times), None))

        # (d) edit: commit through the hook + replace_row + render (no editor)
        grid.move_cursor(row=30_000 if rows > 30_000 else rows // 2, column=2)
        await settle(pilot)
        commits = []
        for n in range(repeat * 4):

            def commit(g: DataGrid = grid, n: int = n) -> None:
                g._editing = (g.cursor_key, 2)
                g._commit_edit(f"GC-X{n}", "stay")

            commits.append(await timed(pilot, commit))
        results.append(
            (
                "one edit committed (hook + replace_row) and shown",
                "DataGrid",
                median(commits),
                dt_edit,
            )
        )

        # (d') the whole edit through the editor screen: open, type, Enter, editor closed
        cycles = []
        for n in range(repeat):
            start = perf_counter()
            grid.start_edit()
            await settle(pilot)
            editor = app.screen
            assert isinstance(editor, CellEditor)
            editor.input.value = f"GC-Y{n}"
            editor.action_commit("down")
            await settle(pilot)
            await settle(pilot)
            cycles.append(perf_counter() - start)
            assert not isinstance(app.screen, CellEditor)
        results.append(
            (
                "full edit: open editor, value, Enter, editor closed",
                "DataGrid",
                median(cycles),
                None,
            )
        )

        # (e) cursor
        grid.move_cursor(row=5)
        await settle(pilot)
        moves = [await timed(pilot, grid.action_cursor_down) for _ in range(repeat * 4)]
        results.append(("cursor down", "DataGrid", median(moves), dt_move))
        grid.move_cursor(row=30_000 if rows > 30_000 else rows // 2)
        await settle(pilot)
        moves = [await timed(pilot, grid.action_cursor_down) for _ in range(repeat * 4)]
        results.append(("cursor down + scroll", "DataGrid", median(moves), dt_scroll))
        ends = []
        for _ in range(3):
            await timed(pilot, grid.action_cursor_first)
            ends.append(await timed(pilot, grid.action_cursor_last))
        results.append(("jump to the last row (End)", "DataGrid", median(ends), dt_end))

        # textual-fastdatatable, for the record ---------------------------------------------
        if FastDataTable is not None:
            opens = []
            for _ in range(max(1, min(repeat, 3))):

                async def open_fast() -> None:
                    backend = ArrowBackend.from_records(
                        records, column_names=["Code", "Libellé", "Code GC"]
                    )
                    await mount(pilot, FastDataTable(backend=backend))

                opens.append(await timed(pilot, open_fast))
            fast = app.query_one(FastDataTable)
            edits = [
                await timed(pilot, lambda f=fast, n=n: f.update_cell(n, 2, f"GC-F{n}"))
                for n in range(repeat)
            ]
            fast.move_cursor(row=5)
            await settle(pilot)
            moves = [await timed(pilot, fast.action_cursor_down) for _ in range(repeat * 4)]
            results += [
                (
                    "open (ArrowBackend.from_records + mount)",
                    "fastdatatable",
                    median(opens),
                    dt_open,
                ),
                ("one cell updated (update_cell)", "fastdatatable", median(edits), dt_edit),
                ("cursor down", "fastdatatable", median(moves), dt_move),
            ]
        results.append(("empty settle (overhead, included above)", "—", empty, None))
    return results


def report(rows: int, results: list[tuple[str, str, float, float | None]]) -> str:
    lines = [
        f"{rows:,} rows x 3 columns, 80x24, medians",
        "",
        "| operation | widget | time | vs DataTable |",
        "|---|---|---:|---:|",
    ]
    for operation, widget, seconds, baseline in results:
        ratio = ""
        if baseline and widget != "DataTable":
            ratio = (
                f"× {seconds / baseline:.3f}"
                if seconds < baseline
                else f"× {seconds / baseline:.1f}"
            )
        elif widget == "DataTable":
            ratio = "baseline"
        shown = duration(seconds)
        lines.append(f"| {operation} | {widget} | {shown} | {ratio} |")
    checks = {
        "open": next(s for o, w, s, _ in results if w == "DataGrid" and o.startswith("open")),
        "filter": max(s for o, w, s, _ in results if w == "DataGrid" and o.startswith("filter")),
        "edit": next(s for o, w, s, _ in results if o.startswith("one edit committed")),
    }
    lines.append("")
    for name, value in checks.items():
        verdict = "OK" if value <= TARGETS[name] else "MISSED"
        lines.append(
            f"- target {name} <= {TARGETS[name] * 1000:.0f} ms: {value * 1000:.1f} ms {verdict}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = asyncio.run(run(args.rows, args.repeat))
    print(report(args.rows, results))


if __name__ == "__main__":
    main()
