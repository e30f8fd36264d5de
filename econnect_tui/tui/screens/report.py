"""The report of a synchronisation (seed 3.1: « Un rapport de synchronisation apparaîtra »):
Nom du fichier | Type | Identifiant | Etat | Messages, after a reception and from the history;
and the short report of a send.

Keys of the report: `/` filters the rows (any word of any column), X shows only the ✗ rows (again:
every row), Enter opens the whole row (long messages), Escape closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ...models.reports import ReportRow, RunKind, RunStatus, SyncRun, split_messages
from ...store.history import ReportLine
from ..widgets.connector_status import local_time
from ..widgets.footer import KeysFooter
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow, bulk_allocation, folded_rows
from .base import EconnectModal, GridScreen
from .menu import TextScreen

REPORT_COLUMNS = (
    GridColumn("file", "Nom du fichier", width=14),
    GridColumn("type", "Type", width=8),
    GridColumn("identifier", "Identifiant", width=22),
    GridColumn("state", "Etat", width=4, align="center"),
    GridColumn("messages", "Messages", min_width=12),
)

_STATUS_STYLE = {
    RunStatus.OK: "bold green",
    RunStatus.WARNING: "bold yellow",
    RunStatus.ERROR: "bold red",
    RunStatus.RUNNING: "bold",
}


def run_title(run: SyncRun) -> Text:
    """« Réception n° 2 — FACILI — 27/11/2026 08:13 — marie — ✓ Réussi »."""
    text = Text(
        f"{run.kind.label} n° {run.id} — {run.connector_code} — {local_time(run.started_at)} — "
        f"{run.user} — "
    )
    text.append(run.state, style=_STATUS_STYLE[run.status])
    return text


def report_rows(rows: Sequence[ReportRow | ReportLine], only_failed: bool = False) -> list[GridRow]:
    """A grid row for each report row (only the ✗ ones when `only_failed`), the search texts
    folded in one pass (`fold_all`): a reception of 100,000 documents has as many rows."""
    chosen = [(i, r) for i, r in enumerate(rows) if not (only_failed and r.ok)]
    return folded_rows(
        [index for index, _ in chosen],
        [(r.file_name, r.type.value, r.identifier, r.state, r.messages) for _, r in chosen],
        ["ok" if r.ok else "error" for _, r in chosen],
    )


def row_details(row: ReportRow | ReportLine) -> str:
    lines = [
        f"Nom du fichier : {row.file_name or '—'}",
        f"Type : {row.type.value}",
        f"Identifiant : {row.identifier}",
        f"Etat : {row.state}",
        "Messages :",
        *(f"  {part}" for part in split_messages(row.messages or "—")),
    ]
    return "\n".join(lines)


class ReportScreen(GridScreen):
    """The report of one run (its rows from the history)."""

    MODE = "synchro"
    BINDINGS = [
        Binding("x", "toggle_failed", "Seulement ✗", key_display="X", id="report.failed_only"),
        Binding("escape", "close", "Fermer"),
    ]
    DEFAULT_CSS = """
    ReportScreen #report-title { height: auto; padding: 0 1; }
    ReportScreen #report-message { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    ReportScreen #report-detail {
        height: 2; padding: 0 1; color: $text-muted; background: $surface;
    }
    """

    def __init__(self, run: SyncRun, rows: Sequence[ReportRow | ReportLine] | None = None) -> None:
        """`rows`: the run's report rows when read apart (`store.history.report_lines`, what
        the history does), else the run's own."""
        super().__init__()
        self.run = run
        self.rows = run.rows if rows is None else rows
        self.only_failed = False

    def compose_body(self) -> ComposeResult:
        yield Static(run_title(self.run), id="report-title")
        yield Static(self.run.message or "", id="report-message", markup=False)
        yield GridPanel(REPORT_COLUMNS, unit=("ligne", "lignes"), id="report-grid")
        yield Static("", id="report-detail", markup=False)

    def on_mount(self) -> None:
        kind = "Rapport de réception" if self.run.kind is RunKind.RECEPTION else "Rapport d'envoi"
        self.sub_title = f"{kind} · {self.run.connector_code}"
        self.grid.empty_text = "Aucune ligne dans ce rapport."
        self.show_rows()
        self.grid.focus()

    def show_rows(self) -> None:
        with bulk_allocation():  # a reception of 100,000 documents has as many rows
            rows = report_rows(self.rows, self.only_failed)
        self.grid.empty_text = (
            "Aucune ligne en ✗ : tout s'est bien passé."
            if self.only_failed
            else "Aucune ligne dans ce rapport."
        )
        self.grid.set_rows(rows)
        failed = sum(1 for r in self.rows if not r.ok)
        extra = f"{failed} en ✗" if failed else "aucune en ✗"
        if self.only_failed:
            extra += " · seulement les ✗ (X : toutes)"
        self.panel.status_extra = extra
        self._show_detail()

    def on_data_grid_cursor_moved(self, event: DataGrid.CursorMoved) -> None:
        self._show_detail()

    def _current(self) -> ReportRow | ReportLine | None:
        key = self.grid.cursor_key
        return None if key is None else self.rows[int(key)]

    def _show_detail(self) -> None:
        row = self._current()
        detail = self.query_one("#report-detail", Static)
        if row is None:
            detail.update("")
            return
        where = " · ".join(p for p in (row.file_name, f"{row.type.value} {row.identifier}") if p)
        detail.update(f"{where}\n{row.state} {row.messages}")

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        row = self.rows[int(event.key)]
        self.app.push_screen(TextScreen(f"{row.type.value} {row.identifier}", row_details(row)))

    def action_toggle_failed(self) -> None:
        self.only_failed = not self.only_failed
        self.show_rows()

    def action_close(self) -> None:
        self.dismiss(None)


class SendReportScreen(EconnectModal[None]):
    """After « Envoyer »: the files written with their counts, or the error."""

    BINDINGS = [
        Binding("escape,enter", "close", "Fermer"),
    ]
    DEFAULT_CSS = """
    SendReportScreen { align: center middle; }
    SendReportScreen > Vertical {
        width: 72; height: auto; border: round $primary; background: $surface; padding: 0 1;
    }
    SendReportScreen.-failed > Vertical { border: round $error; }
    SendReportScreen #send-title { height: auto; }
    SendReportScreen #send-body { height: auto; margin: 1 0; }
    SendReportScreen Horizontal { height: auto; align-horizontal: right; }
    """

    def __init__(self, code: str, run: SyncRun | None, error: str | None = None) -> None:
        super().__init__()
        self.code = code
        self.run = run
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title(), id="send-title")
            yield Static(self._body(), id="send-body")
            with Horizontal():
                yield Button("Fermer", id="send-close", variant="primary", compact=True)
        yield KeysFooter(compact=True, show_command_palette=False)

    def _failed(self) -> bool:
        return self.error is not None or (
            self.run is not None and self.run.status is RunStatus.ERROR
        )

    def _title(self) -> Text:
        if self.run is not None:
            return run_title(self.run)
        return Text.assemble(f"Envoi — {self.code} — ", ("✗ Échec", "bold red"))

    def _body(self) -> Text:
        text = Text()
        run = self.run
        if run is not None:
            folder = next((f.path for f in run.files if f.path), None)
            if folder:
                text.append(f"Dossier d'export : {Path(folder).parent}\n", style="dim")
            width = max((len(r.identifier) for r in run.rows), default=0)
            for row in run.rows:
                text.append(f"{row.state} ", style="green" if row.ok else "bold red")
                text.append(f"{row.identifier:<{width}}  {row.messages}\n")
            if run.message and not self.error and not run.rows:
                text.append(run.message)
        if self.error and not (run and any(not r.ok for r in run.rows)):
            text.append(self.error, style="red")
        text.rstrip()
        return text if text.plain else Text("Rien à signaler.")

    def on_mount(self) -> None:
        self.set_class(self._failed(), "-failed")
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
