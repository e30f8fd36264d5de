"""« Accéder à l'historique des synchronisations » (seed 3.2.2): the receptions and sends of one
connector, newest first; Enter opens the report of the run under the cursor.

Keys: T cycles the type shown (toutes, Réception, Envoi), S cycles the state (tous, ✓ Réussi,
! Éléments en attente, ✗ Échec), `/` filters on any word, Enter opens the report, Escape closes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from ...errors import UserError
from ...models.reports import RunKind, RunStatus, SyncRun
from ...store import history
from ...sync import locks
from ..widgets.connector_status import local_time
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow, bulk_allocation
from .base import GridScreen
from .report import ReportScreen

COLUMNS = (
    GridColumn("id", "N°", width=4, align="right"),
    GridColumn("date", "Date", width=16),
    GridColumn("kind", "Type", width=9),
    GridColumn("state", "État", width=4, align="center"),
    GridColumn("user", "Utilisateur", width=11),
    GridColumn("message", "Message", min_width=10),
)

KINDS: tuple[RunKind | None, ...] = (None, RunKind.RECEPTION, RunKind.SEND)
STATES: tuple[RunStatus | None, ...] = (None, RunStatus.OK, RunStatus.WARNING, RunStatus.ERROR)
_ROW_STYLE = {
    RunStatus.OK: "ok",
    RunStatus.WARNING: "warning",
    RunStatus.ERROR: "error",
    RunStatus.RUNNING: "",
}


def history_row(run: SyncRun) -> GridRow:
    return GridRow(
        run.id,
        (
            str(run.id),
            local_time(run.started_at),
            run.kind.label,
            run.status.symbol,
            run.user,
            run.message or "",
        ),
        style=_ROW_STYLE[run.status],
    )


class HistoryScreen(GridScreen):
    """Historique des synchronisations of one connector."""

    MODE = "synchro"
    BINDINGS = [
        Binding("t", "cycle_kind", "Type", key_display="T", id="history.kind"),
        Binding("s", "cycle_state", "État", key_display="S", id="history.state"),
        Binding("escape", "close", "Fermer"),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code.upper()
        self.kind: RunKind | None = None
        self.state: RunStatus | None = None
        self.runs: list[SyncRun] = []

    def compose_body(self) -> ComposeResult:
        yield GridPanel(COLUMNS, unit=("synchronisation", "synchronisations"), id="history")

    def on_mount(self) -> None:
        self.sub_title = "Historique des synchronisations"
        self.grid.focus()

    def on_screen_resume(self) -> None:
        self.reload_once(self.reload)

    def reload(self) -> None:
        self.runs = [locks.as_shown(self.db, run) for run in history.list_runs(self.db, self.code)]
        self.show_rows()

    def show_rows(self) -> None:
        shown = [
            run
            for run in self.runs
            if (self.kind is None or run.kind is self.kind)
            and (self.state is None or run.status is self.state)
        ]
        if not self.runs:
            self.grid.empty_text = f"Aucune synchronisation pour {self.code}."
        else:
            self.grid.empty_text = "Aucune synchronisation de ce type ou dans cet état."
        self.grid.set_rows(history_row(run) for run in shown)
        kind = self.kind.label if self.kind else "toutes"
        state = f"{self.state.symbol} {self.state.label}" if self.state else "tous"
        self.panel.status_extra = f"{self.code} · Type (T) : {kind} · État (S) : {state}"

    def action_cycle_kind(self) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self.show_rows()

    def action_cycle_state(self) -> None:
        self.state = STATES[(STATES.index(self.state) + 1) % len(STATES)]
        self.show_rows()

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        try:
            run = history.get_run(self.db, int(event.key), self.code, with_rows=False)
            run = locks.as_shown(self.db, run)  # a killed reception: interrupted, as listed
        except UserError as exc:
            self.notify_error(str(exc))
            return
        with bulk_allocation():  # its report rows, as tuples: one per document received
            rows = history.report_lines(self.db, run.id)
        self.app.push_screen(ReportScreen(run, rows))

    def action_close(self) -> None:
        self.dismiss(None)
