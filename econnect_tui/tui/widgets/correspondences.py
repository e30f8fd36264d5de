"""The article card's « Publication › Correspondances » tab (seed 2.2.1): the article's external
code on each connector, editable in place and saved at once (not with the card's Ctrl+S), with
the same rules and messages as the bulk screen (« Le code FT-LAB est déjà utilisé par l'article
LAB sur FACILI »).

Keys: Enter or typing edits the code, Enter saves, Escape cancels; `s` lists the external codes
waiting in reception on the connector of the line, ranked for this article (Enter maps one);
`u` undoes this article's last change made in this tab since the card was opened.

Self-contained: mount `CorrespondencesTab(article_code, db)` in a TabPane.

The module also holds what this tab and the bulk screen (`screens/mapping.py`) share: the
session kept in the app instance (`mapping_session`: last connector and choice), the undo list
each screen keeps of its own changes (`UndoStack`), `save_code`, `undo_last` and
`offer_suggestions` (the modal of the pending external codes, the code chosen saved).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from ...errors import Conflict, UserError
from ...models.mapping import MappingChange
from ...store import articles as articles_store
from ...store import connectors as connectors_store
from ...store import mappings as store
from ...sync import mapping as service
from ...sync.mapping import ShowMode
from ...sync.runs import operator
from ..screens.base import notify_error
from ..screens.suggestions import SuggestionItem, SuggestionScreen
from .grid import DataGrid, GridColumn, GridRow

if TYPE_CHECKING:
    from sqlite_utils import Database

# What the app instance remembers (the bulk screen and this tab) ----------------------------------


@dataclass
class MappingSession:
    """The correspondence screens' memory for one app instance (seeded at the start with the
    last session's, `tui.places.seed_mapping_session`)."""

    connector: str | None = None
    mode: ShowMode = ShowMode.EXPORT
    filter_name: str | None = None


@dataclass
class UndoStack:
    """The changes one screen made since it was opened, oldest first; `u` undoes them from the
    end. Per screen, not per app: a mapping made elsewhere (the reception's picker, another
    card) is not this screen's to undo."""

    changes: list[MappingChange] = field(default_factory=list)

    def record(self, change: MappingChange | None) -> None:
        if change is not None:
            self.changes.append(change)

    def pop_last(self, connector: str | None = None) -> MappingChange | None:
        """Removes and returns the newest change (of `connector`), or None."""
        for index in range(len(self.changes) - 1, -1, -1):
            if connector is None or self.changes[index].connector_code == connector:
                return self.changes.pop(index)
        return None


def mapping_session(app: App) -> MappingSession:
    session = getattr(app, "_econnect_mapping_session", None)
    if session is None:
        session = MappingSession()
        app._econnect_mapping_session = session  # type: ignore[attr-defined]
    return session


# Saving, undoing, suggesting: shared by this tab and the bulk screen ------------------------------


def save_code(
    db: Database,
    connector: str,
    article: str,
    code: str | None,
    undo: UndoStack | None = None,
    *,
    expected: str | object | None = store.UNCHECKED,
    on_conflict: Callable[[str], None] | None = None,
) -> tuple[MappingChange | None, str | None]:
    """Saves one correspondence (recorded in `undo` when given); returns (the change or None,
    the French refusal or None). `expected` is the code the screen shows: when another operator
    changed it meanwhile, nothing is saved and `on_conflict` gets the code it holds now (to show
    it), the refusal saying so."""
    try:
        change = service.set_code(db, connector, article, code, operator(), expected=expected)
    except Conflict as exc:
        if on_conflict is not None:
            on_conflict(exc.current or "")
        return None, str(exc)
    except UserError as exc:
        return None, str(exc)
    if undo is not None:
        undo.record(change)
    return change, None


NOTHING_TO_UNDO = "Rien à annuler : aucune correspondance modifiée depuis l'ouverture de cet écran."


def undo_text(change: MappingChange) -> str:
    """« Annulé : FT-LAB remis sur LAB (FACILI). » — what an undo just did."""
    restored = change.old_code
    if restored:
        return f"Annulé : {restored} remis sur {change.article_code} ({change.connector_code})."
    return (
        f"Annulé : {change.article_code} de nouveau sans correspondance "
        f"sur {change.connector_code} ({change.new_code} retiré)."
    )


def undo_last(
    app: App, db: Database, undo: UndoStack, *, connector: str | None = None
) -> MappingChange | None:
    """Undoes the newest change of `undo` (of `connector`); notifies what was undone, or why
    not. Returns the undone change (None when nothing was)."""
    change = undo.pop_last(connector=connector)
    if change is None:
        app.notify(NOTHING_TO_UNDO, severity="warning")
        return None
    try:
        store.undo_change(db, change, operator())
    except UserError as exc:
        app.notify(str(exc), title="Annulation impossible", severity="error", timeout=8)
        return None
    app.notify(undo_text(change), title="Annulation")
    return change


def suggestion_screen(db: Database, connector: str, article: str) -> SuggestionScreen | None:
    """The modal of the external codes waiting in reception on `connector`, ranked for `article`;
    None when no code waits."""
    pending = service.suggest_external_codes(db, connector, article)
    if not pending:
        return None
    label = articles_store.article_label(db, article)
    items = [
        SuggestionItem(
            p.code,
            p.code,
            p.label,
            f"{p.documents} document{'s' if p.documents > 1 else ''}",
        )
        for p in pending
    ]
    return SuggestionScreen(
        f"Codes en attente de réception sur {connector}",
        f"Pour l'article {article} — {label or ''}",
        items,
    )


def no_suggestion_text(connector: str) -> str:
    return f"Aucun code article externe sans correspondance n'attend en réception sur {connector}."


def offer_suggestions(
    app: App,
    db: Database,
    connector: str,
    article: str,
    undo: UndoStack,
    *,
    shown: str | object,
    show: Callable[[str], None],
) -> None:
    """`s`: the codes waiting in reception on `connector`, ranked for `article` (or a warning
    that none waits). The code chosen is saved as one typed would be (`save_code`, `shown` the
    code the screen showed) and `show(code)` puts it on screen, as it does the code another
    operator saved meanwhile."""
    modal = suggestion_screen(db, connector, article)
    if modal is None:
        app.notify(no_suggestion_text(connector), severity="warning")
        return

    def chosen(code: str | None) -> None:
        if not code:
            return
        change, error = save_code(
            db, connector, article, code, undo, expected=shown, on_conflict=show
        )
        if error:
            notify_error(app, error)
        elif change is not None:
            show(code)
            app.notify(f"{article} ↔ {code} enregistré.")

    app.push_screen(modal, chosen)


# The tab ----------------------------------------------------------------------------------------

COLUMNS = (
    GridColumn("connector", "Connecteur", width=12),
    GridColumn("liaison", "Liaison", width=10),
    GridColumn("external", "Code article externe", editable=True, min_width=20),
)


class CorrespondencesTab(Vertical):
    """One line per connector: Connecteur | Liaison | Code article externe (editable)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "suggest", "Suggestions", key_display="S", id="mapping.suggest"),
        Binding("u", "undo", "Annuler la modif.", key_display="U", id="mapping.undo"),
    ]
    DEFAULT_CSS = """
    CorrespondencesTab { height: 1fr; }
    CorrespondencesTab > .hint { height: auto; color: $text-muted; padding: 0 1; }
    CorrespondencesTab > DataGrid { height: 1fr; }
    """

    def __init__(
        self,
        article_code: str,
        db: Database,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article_code = article_code
        self.db = db
        self.undo = UndoStack()
        self.grid = DataGrid(
            COLUMNS,
            empty_text="Aucun connecteur : créez-en un dans Paramètres › E-connecteur.",
            commit_hook=self.commit,
            id="correspondences-grid",
        )

    def compose(self) -> ComposeResult:
        yield Static(
            "Entrée : saisir le code (enregistré aussitôt) · S : suggestions · U : annuler",
            classes="hint",
        )
        yield self.grid

    def on_mount(self) -> None:
        self.grid.reserved_keys = self.grid.reserved_keys | {"s", "u"}
        self.grid.move_cursor(column=self.grid.column_index("external"))
        self.reload()

    def reload(self) -> None:
        codes = store.mappings_of_article(self.db, self.article_code)
        self.grid.set_rows(
            self._row(c.code, c.liaison.label, codes.get(c.code, ""))
            for c in connectors_store.list_connectors(self.db)
        )

    @staticmethod
    def _row(connector: str, liaison: str, code: str) -> GridRow:
        return GridRow(connector, (connector, liaison, code), style="" if code else "missing")

    def _show(self, connector: str, code: str) -> None:
        row = self.grid.get_row_by_key(connector)
        if row is not None:
            self.grid.replace_row(connector, self._row(connector, str(row.cells[1]), code))

    def commit(self, key, column: str, text: str) -> str | None:
        row = self.grid.get_row_by_key(key)
        change, error = save_code(
            self.db,
            str(key),
            self.article_code,
            text,
            self.undo,
            expected=str(row.cells[2]) if row is not None else store.UNCHECKED,
            on_conflict=lambda current: self._show(str(key), current),
        )
        if error:
            return error
        if change is not None:
            self._show(str(key), change.new_code or "")
        return None

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        # Enter on the connector's name edits its code.
        event.stop()
        self.grid.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "suggest":
            return self.grid.row_count > 0
        return True

    def action_undo(self) -> None:
        change = undo_last(self.app, self.db, self.undo)
        if change is not None:
            self._show(change.connector_code, change.old_code or "")
            self.grid.select_key(change.connector_code)

    def action_suggest(self) -> None:
        connector = self.grid.cursor_key
        if connector is None:
            return
        connector = str(connector)
        row = self.grid.get_row_by_key(connector)
        # The code shown when S was pressed: one another operator saved meanwhile is kept.
        shown = str(row.cells[2]) if row is not None else store.UNCHECKED
        offer_suggestions(
            self.app,
            self.db,
            connector,
            self.article_code,
            self.undo,
            shown=shown,
            show=lambda code: self._show(connector, code),
        )
