"""Synchro › E-connecteur (seed 3.1, 3.2): the dashboard of the connectors.

One row per connector, under the seed's column titles: Code connecteur | État des
synchronisations précédentes (the worse of the last reception and the last send: ✓, !, ✗ with
its error on a line of its own, or nothing yet) | Réceptionner les données (« Données en attente
de réception » with the counts, or « Aucune donnée en attente »; « Aucune réception réalisée » or
the date of the last one) | Envoyer les données (the last send). Each row has its buttons
« Options », « Réceptionner » and « Envoyer ».

Keys: ↑/↓ move between rows, R (or Enter on the row) réceptionne, E envoie, O opens the Options
menu (seed 3.2.2: Accéder au paramétrage du connecteur, Accéder à l'historique des
synchronisations), H opens the history, M the menu of seed 3.2.1 (Créer un nouveau connecteur,
Accéder au paramétrage e-connecteur, Mettre à jour la correspondance des articles), Tab reaches
the buttons of the rows.

The screen looks into the import folders every few seconds (`receive.pending_status` in a thread
worker with its own connection), so files dropped by the ETA software show without a key; a
reception run by another process (a second operator, a cron job) shows on its row (« Réception en
cours par … ») and « Réceptionner » refuses to start a second one.

The module also holds the actions the rest of the app calls: `open_history`, `start_send`,
`check_pending_at_opening` (the warning of seed 2.1.2 at the opening of the application) and
`sync_palette_commands` (« Réceptionner FACILI »… in the command palette). `open_reception` lives
with its screen in `reception.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Middle, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ...errors import UserError, failure_reason
from ...models.connector import UpdateMode
from ...models.reports import RunStatus
from ...store import connectors as connectors_store
from ...store import history
from ...sync import send as sending
from ...sync.reception import PendingStatus, pending_status
from ..commands import PaletteCommand
from ..threads import call_ui, worker_db
from ..widgets.connector_status import (
    ConnectorOverview,
    first_run_advice,
    pending_counts,
    read_overviews,
)
from .base import EconnectModal, EconnectScreen
from .history import HistoryScreen
from .mapping import open_mapping
from .menu import ActionMenu, MenuItem
from .reception import open_reception
from .report import SendReportScreen

log = logging.getLogger("econnect")

__all__ = [
    "ConnectorRow",
    "PendingWarningScreen",
    "SyncScreen",
    "check_pending_at_opening",
    "open_history",
    "open_reception",
    "start_send",
    "sync_palette_commands",
]

POLL_SECONDS = 3.0

MENU_ITEMS = (
    MenuItem(
        "create",
        "Créer un nouveau connecteur",
        "Le paramétrage d'un nouveau connecteur",
    ),
    MenuItem("settings", "Accéder au paramétrage e-connecteur", "La liste des connecteurs"),
    MenuItem(
        "mapping",
        "Mettre à jour la correspondance des articles",
        "Les codes articles externes, article par article",
    ),
)
OPTION_ITEMS = (
    MenuItem(
        "settings",
        "Accéder au paramétrage du connecteur",
        "À l'étape « Paramétrer le mode de communication »",
    ),
    MenuItem(
        "history",
        "Accéder à l'historique des synchronisations",
        "Les données reçues et envoyées par ce connecteur",
    ),
)


# Actions shared with the palette, the startup warning and the Accueil --------------------------


def _in_synchro(app: App) -> None:
    if getattr(app, "current_mode", None) != "synchro" and "synchro" in getattr(app, "MODES", {}):
        app.switch_mode("synchro")


def open_history(app: App, code: str) -> HistoryScreen:
    """« Accéder à l'historique des synchronisations » of `code`, in the Synchro mode."""
    _in_synchro(app)
    screen = HistoryScreen(code)
    app.push_screen(screen)
    return screen


def start_send(app: App, code: str) -> None:
    """« Envoyer »: `sync.send.send` in a thread worker (its own connection), then the short
    report of the send (files written and counts, or the error)."""
    group = f"send-{code.upper()}"
    if any(w.group == group and w.is_running for w in app.workers):
        app.notify(f"Un envoi de {code.upper()} est déjà en cours.", severity="warning")
        return
    app.notify(f"Envoi {code.upper()} en cours…", timeout=2)

    def work() -> None:
        run = None
        error = None
        try:
            with worker_db(app) as db:
                try:
                    result = sending.send(db, code)
                    run = history.get_run(db, result.run_id)
                except UserError as exc:
                    error = str(exc)
                    last = history.list_runs(db, code, limit=1)
                    # The failure recorded by the send itself, when it got that far.
                    if last and last[0].status is RunStatus.ERROR and last[0].message == error:
                        run = history.get_run(db, last[0].id)
        except UserError as exc:
            error = str(exc)
        except Exception as exc:
            log.exception("send of %s", code)
            error = f"Envoi interrompu : {failure_reason(exc)}."
        call_ui(app, app.push_screen, SendReportScreen(code.upper(), run, error))

    app.run_worker(work, thread=True, group=group, exit_on_error=False)


class PendingWarningScreen(EconnectModal[bool]):
    """« Des données sont en attente de réception pour FACILI »: True opens the reception;
    « Plus tard » (focused, and Escape) is the default."""

    BINDINGS = [
        Binding("escape", "later", "Plus tard"),
        Binding("left,right", "toggle_focus", "Changer de bouton", show=False),
    ]
    DEFAULT_CSS = """
    PendingWarningScreen { align: center middle; }
    PendingWarningScreen > Vertical {
        width: 64; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    PendingWarningScreen #warning-title { text-style: bold; height: auto; }
    PendingWarningScreen #warning-detail { color: $text-muted; height: auto; margin-bottom: 1; }
    PendingWarningScreen Horizontal { height: auto; align-horizontal: right; }
    PendingWarningScreen Button { margin-left: 2; }
    """

    def __init__(self, code: str, pending: PendingStatus) -> None:
        super().__init__()
        self.code = code
        self.pending = pending

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"Des données sont en attente de réception pour {self.code}",
                id="warning-title",
                markup=False,
            )
            yield Static(f"En attente : {pending_counts(self.pending)}.", id="warning-detail")
            with Horizontal():
                yield Button("Plus tard", id="later", variant="primary")
                yield Button("Ouvrir la réception", id="open", variant="success")

    AUTO_FOCUS = "#later"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "open")

    def action_later(self) -> None:
        self.dismiss(False)

    def action_toggle_focus(self) -> None:
        self.focus_next(Button)


def check_pending_at_opening(app: App) -> None:
    """At the opening of the application: every connector set to « À l'ouverture de
    l'application » with data waiting raises the warning (seed 2.1.2); « Manuellement » ones
    raise nothing. Looked for in a thread worker, so the opening is not slowed."""

    def work() -> None:
        found: list[tuple[str, PendingStatus]] = []
        try:
            with worker_db(app) as db:
                for connector in connectors_store.list_connectors(db):
                    if connector.receive.update_mode is not UpdateMode.AT_OPENING:
                        continue
                    pending = pending_status(db, connector.code)
                    if pending.has_pending and not pending.folder_error:
                        found.append((connector.code, pending))
        except Exception:
            log.exception("pending data check at opening")
            return
        if found:
            call_ui(app, _warn_pending, app, found)

    app.run_worker(work, thread=True, group="pending-at-opening", exit_on_error=False)


def _warn_pending(app: App, found: list[tuple[str, PendingStatus]]) -> None:
    """One warning after the other; opening a reception ends the series (the others are left
    as a notification)."""
    if not found:
        return
    (code, pending), rest = found[0], found[1:]

    def answered(open_it: bool | None) -> None:
        if open_it:
            open_reception(app, code)
            if rest:
                others = ", ".join(c for c, _ in rest)
                app.notify(
                    f"Des données sont aussi en attente de réception pour {others}.",
                    severity="warning",
                    timeout=8,
                )
        else:
            _warn_pending(app, rest)

    app.push_screen(PendingWarningScreen(code, pending), answered)


def sync_palette_commands(app: App) -> Iterator[PaletteCommand]:
    """« Réceptionner FACILI », « Envoyer FACILI », « Historique FACILI » for each connector."""
    for code in connectors_store.connector_codes(app.db):  # type: ignore[attr-defined]
        yield PaletteCommand(
            f"Réceptionner {code}",
            f"Ouvre la réception des données du connecteur {code}",
            lambda code=code: open_reception(app, code),
        )
        yield PaletteCommand(
            f"Envoyer {code}",
            f"Écrit les fichiers d'export du connecteur {code}",
            lambda code=code: start_send(app, code),
        )
        yield PaletteCommand(
            f"Historique {code}",
            f"L'historique des synchronisations du connecteur {code}",
            lambda code=code: open_history(app, code),
        )


def _open_settings(app: App, code: str | None = None, *, create: bool = False) -> None:
    """The connector wizard (creation, or `code` at « Mode de communication ») or the list of
    connectors, from the Synchro mode (closing them comes back to the dashboard)."""
    try:
        if create or code:
            from .connector_wizard import open_wizard

            if create:
                open_wizard(app, mode="synchro")
            else:
                open_wizard(app, code, step="communication", mode="synchro")
        else:
            from .connectors import open_connector_list

            open_connector_list(app, mode="synchro")
    except ImportError:
        app.switch_mode("parametres")
        app.notify(
            "Le paramétrage des connecteurs se fait dans Paramètres › E-connecteur.",
            severity="warning",
        )


# The dashboard ----------------------------------------------------------------------------------


class _Board(VerticalScroll, can_focus=False):
    """The rows scroll; the focus goes to the rows and their buttons, never to the board."""


class ConnectorRow(Vertical, can_focus=True):
    """One connector: its texts under the column titles, its three buttons, its alerts."""

    BINDINGS = [
        Binding("r", "receive", "Réceptionner", key_display="R", id="synchro.receive"),
        Binding("enter", "receive", "Réceptionner", show=False),
        Binding("e", "send", "Envoyer", key_display="E", id="synchro.send"),
        Binding("o", "options", "Options", key_display="O", id="synchro.options"),
        Binding("h", "history", "Historique", key_display="H", id="synchro.history"),
        Binding("up", "row(-1)", "Connecteur précédent", show=False),
        Binding("down", "row(1)", "Connecteur suivant", show=False),
    ]

    def __init__(self, overview: ConnectorOverview) -> None:
        super().__init__(classes="connector-row")
        self.overview = overview
        self._shown: tuple | None = None

    @property
    def code(self) -> str:
        return self.overview.code

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row-cells"):
            with Vertical(classes="col-code"):
                yield Static(self.code, classes="cell cell-code", markup=False)
                yield Button("Options", classes="row-options", compact=True)
            with Vertical(classes="col-state"):
                yield Static(classes="cell cell-state")
            with Vertical(classes="col-reception"):
                yield Static(classes="cell cell-reception")
                yield Button("Réceptionner", classes="row-receive", compact=True)
            with Vertical(classes="col-send"):
                yield Static(classes="cell cell-send")
                yield Button("Envoyer", classes="row-send", compact=True)
        yield Static(classes="row-alerts", markup=False)

    def on_mount(self) -> None:
        self.show()

    def update(self, overview: ConnectorOverview) -> None:
        self.overview = overview
        if self.is_mounted:
            self.show()

    def show(self) -> None:
        """The overview's texts, written only when they changed: the dashboard reads every
        connector again every few seconds, and a Static given the same text repaints all
        the same (bytes on an SSH link every poll, for nothing)."""
        o = self.overview
        alerts = o.alerts()
        shown = (o.state_text(), o.reception_text(), o.send_text(), alerts, o.owner is not None)
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one(".cell-state", Static).update(shown[0])
        self.query_one(".cell-reception", Static).update(shown[1])
        self.query_one(".cell-send", Static).update(shown[2])
        box = self.query_one(".row-alerts", Static)
        box.update("\n".join(text for text, _ in alerts))
        box.display = bool(alerts)
        box.set_class(any(kind == "lock" for _, kind in alerts), "-lock")
        self.set_class(o.owner is not None, "-busy")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("row-receive"):
            self.action_receive()
        elif event.button.has_class("row-send"):
            self.action_send()
        else:
            self.action_options()

    def action_receive(self) -> None:
        open_reception(self.app, self.code)

    def action_send(self) -> None:
        start_send(self.app, self.code)

    def action_history(self) -> None:
        open_history(self.app, self.code)

    def action_options(self) -> None:
        code = self.code

        def chosen(item: str | None) -> None:
            if item == "settings":
                _open_settings(self.app, code)
            elif item == "history":
                open_history(self.app, code)

        self.app.push_screen(ActionMenu(f"Options · {code}", OPTION_ITEMS), chosen)

    def action_row(self, step: int) -> None:
        rows = list(self.screen.query(ConnectorRow))
        index = rows.index(self) + step
        if 0 <= index < len(rows):
            rows[index].focus()
            rows[index].scroll_visible(animate=False)


NO_CONNECTOR = (
    "[b]Aucun connecteur[/b]\n\n"
    "Créez-en un avec M › Créer un nouveau connecteur\n"
    "(ou dans Paramètres › E-connecteur, F7)."
)


class SyncScreen(EconnectScreen):
    MODE = "synchro"
    BINDINGS = [
        Binding("m", "menu", "Menu", key_display="M", id="synchro.menu"),
    ]
    DEFAULT_CSS = """
    SyncScreen #sync-board { height: 1fr; scrollbar-size-vertical: 1; }
    SyncScreen #sync-rows { height: auto; }
    SyncScreen .sync-titles { height: 3; color: $text-muted; text-style: bold; }
    SyncScreen .sync-titles, SyncScreen .connector-row { border-left: blank; }
    SyncScreen .sync-titles { background: $panel; }
    SyncScreen .connector-row {
        height: auto; margin-bottom: 1; background: $surface;
    }
    SyncScreen .connector-row:focus-within { border-left: outer $accent; background: $boost; }
    SyncScreen .row-cells { height: auto; }
    SyncScreen .col-code { width: 11; height: auto; }
    SyncScreen .col-state { width: 17; height: auto; }
    SyncScreen .col-reception { width: 1fr; height: auto; }
    SyncScreen .col-send { width: 18; height: auto; }
    SyncScreen .cell { height: 3; padding-right: 1; }
    SyncScreen .sync-titles Static { padding-right: 1; }
    SyncScreen .cell-code { text-style: bold; }
    SyncScreen .connector-row Button {
        height: 1; min-width: 0; padding: 0 1; background: $panel; color: $text;
    }
    SyncScreen .connector-row Button:focus { background: $accent; color: $text; }
    SyncScreen .row-alerts { height: auto; color: $text-error; padding-right: 1; }
    SyncScreen .row-alerts.-lock { color: $text-warning; text-style: bold; }
    SyncScreen #sync-empty-box { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._codes: list[str] = []
        self._pending: dict[str, PendingStatus | None] = {}
        self._polling = False

    def compose_body(self) -> ComposeResult:
        with _Board(id="sync-board"):
            with Horizontal(classes="sync-titles"):
                yield Static("Code\nconnecteur", classes="col-code")
                yield Static("État des\nsynchronisations\nprécédentes", classes="col-state")
                yield Static("Réceptionner les données", classes="col-reception")
                yield Static("Envoyer les\ndonnées", classes="col-send")
            yield Vertical(id="sync-rows")
        with Middle(id="sync-empty-box"), Center():
            yield Static(NO_CONNECTOR, id="sync-empty", classes="empty-state")

    def on_mount(self) -> None:
        self.sub_title = "Synchro › E-connecteur"
        self.reload()
        self.set_interval(POLL_SECONDS, self.poll)
        self.poll()

    def on_screen_resume(self) -> None:
        self.reload()
        self.poll()

    # -- data

    def reload(self) -> None:
        """The database's side at once (runs, locks); the folders come with the next poll."""
        self.show_overviews(read_overviews(self.db, with_pending=False, previous=self._pending))

    @property
    def in_view(self) -> bool:
        """Shown to the operator: on top, or under windows (modal screens) only. Not when a
        screen of its stack covers it (reception, history, correspondence): Textual counts
        the screen just below the top one as visible whatever covers it (`is_current`), and
        repaints the whole covering screen for every change made to it."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        return all(isinstance(s, ModalScreen) for s in stack[stack.index(self) + 1 :])

    def poll(self) -> None:
        """The import folders looked at again, when the dashboard is in view (it polls again
        when it comes back into view, `on_screen_resume`)."""
        if self._polling or not self.in_view or not self._codes:
            return
        self._polling = True
        self.run_worker(self._poll_worker, thread=True, group="sync-poll", exit_on_error=False)

    def _poll_worker(self) -> None:
        app = self.app
        try:
            with worker_db(app) as db:
                overviews = read_overviews(db, with_pending=True)
        except Exception:
            log.exception("dashboard poll")
            overviews = None
        call_ui(app, self._polled, overviews)

    def _polled(self, overviews: list[ConnectorOverview] | None) -> None:
        self._polling = False
        if overviews is None:
            return
        self._pending = {o.code: o.pending for o in overviews}
        if self.in_view:  # else shown by on_screen_resume's reload
            self.show_overviews(overviews)

    @property
    def rows(self) -> list[ConnectorRow]:
        return list(self.query(ConnectorRow))

    def show_overviews(self, overviews: list[ConnectorOverview]) -> None:
        codes = [o.code for o in overviews]
        self.query_one("#sync-board").display = bool(codes)
        self.query_one("#sync-empty-box").display = not codes
        if not codes:
            advice = first_run_advice(self.db)
            self.query_one("#sync-empty", Static).update(
                Text.assemble(("Aucun connecteur", "bold"), "\n\n", advice)
                if advice
                else NO_CONNECTOR
            )
        if codes == self._codes:
            for row, overview in zip(self.rows, overviews):
                row.update(overview)
            return
        # The first rows shown: the last connector chosen, remembered between sessions.
        focused = self.focused_code() if self._codes else getattr(self.app, "last_connector", None)
        self._codes = codes
        container = self.query_one("#sync-rows")
        container.remove_children()
        new_rows = [ConnectorRow(o) for o in overviews]
        container.mount_all(new_rows)
        if new_rows:
            target = next((r for r in new_rows if r.code == focused), new_rows[0])
            self.call_after_refresh(target.focus)

    def focused_code(self) -> str | None:
        """The code of the row holding the focus (or of the first row)."""
        node = self.focused
        while node is not None and not isinstance(node, ConnectorRow):
            node = node.parent
        if isinstance(node, ConnectorRow):
            return node.code
        return self._codes[0] if self._codes else None

    # -- the menu of seed 3.2.1

    def action_menu(self) -> None:
        code = self.focused_code()

        def chosen(item: str | None) -> None:
            if item == "create":
                _open_settings(self.app, create=True)
            elif item == "settings":
                _open_settings(self.app)
            elif item == "mapping":
                open_mapping(self.app, code)

        self.app.push_screen(ActionMenu("Menu · E-connecteur", MENU_ITEMS), chosen)
