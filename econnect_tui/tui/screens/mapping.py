"""« Mettre à jour la correspondance des articles » (Synchro › E-connecteur, seed 2.2.2).

Choose the connector (only when there are several), the articles to show (« Afficher les
articles disponibles à l'export » or « … correspondants au filtre » with an article filter),
« Filtrer », then type the external codes down the grid: each confirmed code is saved at once
(one transaction with its change record), a refused one stays in the editor with the reason.

Keys on the grid: Enter or typing edits the code, Enter saves and moves down, Escape cancels,
Tab saves and moves on, `/` filters the list, `u` undoes the last change made on this screen
since it was opened (again and again), `s` lists the external codes waiting in reception,
ranked for the article under the cursor (Enter maps one), `o` goes back to the choices above
the grid (Tab moves between cells there). These three letters never start an edit: type Enter
first for a code beginning with a lowercase u, s or o.

What the screen remembers lives in the app instance (`mapping_session`): the last connector,
the choice and the filter, so coming back shows the same list; the application's memory
(`tui.memory`) starts it from the last session's. The changes to undo are the screen's own.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, RadioButton, RadioSet, Select

from ...errors import UserError
from ...store import connectors as connectors_store
from ...store import filters as filters_store
from ...store import mappings as store
from ...sync import mapping as service
from ...sync.mapping import MappingRow, ShowMode
from ..widgets.correspondences import (
    UndoStack,
    mapping_session,
    offer_suggestions,
    save_code,
    undo_last,
)
from ..widgets.dropdown import DropDown
from ..widgets.form import ChoiceButton
from ..widgets.grid import (
    DataGrid,
    GridColumn,
    GridPanel,
    GridRow,
    bulk_allocation,
    folded_rows,
    format_count,
)
from .base import GridScreen

COLUMNS = (
    GridColumn("article", "Article GC", width=12),
    GridColumn("label", "Libellé"),
    GridColumn("external", "Code article externe", width=22, editable=True),
)


def missing_text(count: int) -> str:
    if count == 0:
        return "aucun article sans correspondance"
    return f"{format_count(count)} article{'s' if count > 1 else ''} sans correspondance"


# The screen -------------------------------------------------------------------------------------


def mapping_row(row: MappingRow, search: str = "") -> GridRow:
    """One grid row; `search` (the folded text `/` looks into) is derived when not given."""
    return GridRow(
        row.article_code,
        (row.article_code, row.label, row.external_code),
        search=search,
        style="" if row.external_code else "missing",
    )


def mapping_rows(rows: list[MappingRow]) -> list[GridRow]:
    """The grid rows, their search text folded in one pass over the whole list (`fold_all`)."""
    return folded_rows(
        [row.article_code for row in rows],
        [tuple(row) for row in rows],
        ["" if row.external_code else "missing" for row in rows],
    )


class _ModeChoice(RadioSet):
    """The two « Afficher les articles … » choices: Enter chooses the highlighted one and
    filters (the « Filtrer » button), or, on « … correspondants au filtre » with no filter
    chosen yet, goes to the list of filters (choosing one filters); Space only chooses."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose_and_filter", "Filtrer"),
    ]

    def on_mount(self) -> None:
        # The highlight starts on the chosen line (RadioSet's own mount handler, which runs after
        # this one, puts it on the first line).
        self.call_after_refresh(self._highlight_pressed)

    def _highlight_pressed(self) -> None:
        self._selected = max(self.pressed_index, 0)

    def action_choose_and_filter(self) -> None:
        self.action_toggle_button()
        screen = self.screen
        assert isinstance(screen, MappingScreen)
        if screen.chosen_mode() is ShowMode.FILTER and screen.chosen_filter() is None:
            screen.query_one("#mapping-filter", Select).focus()
        else:
            screen.action_apply()


class MappingScreen(GridScreen):
    """Mettre à jour la correspondance des articles."""

    MODE = "synchro"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u,ctrl+z", "undo", "Annuler la modif.", key_display="U", id="mapping.undo"),
        Binding("s", "suggest", "Suggestions", key_display="S", id="mapping.suggest"),
        # Tab moves between cells in the grid: O goes back to the choice of articles.
        # Short in the footer (80 columns), whole in F1 (the tooltip).
        Binding(
            "o",
            "options",
            "Options",
            key_display="O",
            tooltip="Choix des articles affichés",
            id="mapping.options",
        ),
        Binding("escape", "close", "Fermer"),
    ]
    DEFAULT_CSS = """
    MappingScreen #mapping-options { height: auto; padding: 0 1; }
    MappingScreen #mapping-connector-row { height: 1; }
    MappingScreen #mapping-connector-row Label { width: 12; }
    MappingScreen #mapping-connector { width: 30; }
    MappingScreen #mapping-choice-row { height: 2; }
    MappingScreen #mapping-mode { width: 52; height: 2; background: $background; }
    MappingScreen #mapping-mode:blur > RadioButton.-selected > .toggle--label {
        background: transparent;
    }
    MappingScreen #mapping-filter-column { width: 1fr; height: 2; }
    MappingScreen #mapping-apply { width: auto; min-width: 10; }
    MappingScreen #mapping-filter { width: 1fr; }
    MappingScreen GridPanel { height: 1fr; }
    """

    def __init__(self, connector_code: str | None = None) -> None:
        super().__init__()
        self._wanted_connector = connector_code
        self.connector: str | None = None
        self.shown_mode = ShowMode.EXPORT
        self.shown_filter: str | None = None
        self.missing = 0
        self._ready = False  # Select.Changed of the initial values is not the operator's
        self._seen_change = 0  # the newest mapping_changes id when the rows were read
        self.undo = UndoStack()

    # -- layout

    def compose_body(self) -> ComposeResult:
        session = mapping_session(self.app)
        codes = connectors_store.connector_codes(self.db)
        wanted = (self._wanted_connector or session.connector or "").upper()
        self.connector = wanted if wanted in codes else (codes[0] if codes else None)
        filters = [f.name for f in filters_store.list_article_filters(self.db)]
        filter_name = session.filter_name if session.filter_name in filters else None
        mode = session.mode if filter_name or session.mode is ShowMode.EXPORT else ShowMode.EXPORT
        with Vertical(id="mapping-options"):
            with Horizontal(id="mapping-connector-row"):
                yield Label("Connecteur")
                yield DropDown(
                    [(code, code) for code in codes],
                    value=self.connector if self.connector else Select.NULL,
                    allow_blank=not codes,
                    prompt="(aucun connecteur)",
                    compact=True,
                    id="mapping-connector",
                )
            with Horizontal(id="mapping-choice-row"):
                yield _ModeChoice(
                    ChoiceButton(ShowMode.EXPORT.label, mode is ShowMode.EXPORT, id="mode-export"),
                    ChoiceButton(ShowMode.FILTER.label, mode is ShowMode.FILTER, id="mode-filter"),
                    compact=True,
                    id="mapping-mode",
                )
                with Vertical(id="mapping-filter-column"):
                    yield Button("Filtrer", compact=True, id="mapping-apply")
                    yield DropDown(
                        [(name, name) for name in filters],
                        value=filter_name or Select.NULL,
                        prompt="(aucun filtre)" if not filters else "(choisir un filtre)",
                        compact=True,
                        id="mapping-filter",
                    )
        yield GridPanel(
            COLUMNS,
            empty_text="Aucun article",
            commit_hook=self.commit,
            unit=("article", "articles"),
            id="mapping-grid",
        )

    def on_mount(self) -> None:
        grid = self.grid
        # u, s and o are the screen's keys, even on the code column where typing starts an edit.
        grid.reserved_keys = grid.reserved_keys | {"u", "s", "o"}
        grid.move_cursor(column=grid.column_index("external"))
        codes = connectors_store.connector_codes(self.db)
        self.query_one("#mapping-connector-row").display = len(codes) > 1
        if not codes:
            grid.empty_text = "Aucun connecteur : créez-en un dans Paramètres › E-connecteur."
            self._update_title()
            return
        ask_connector = len(codes) > 1 and not (
            self._wanted_connector or mapping_session(self.app).connector
        )
        self.apply()
        self.call_after_refresh(setattr, self, "_ready", True)
        if ask_connector:
            self.query_one("#mapping-connector", Select).focus()
        else:
            grid.focus()

    def _update_title(self) -> None:
        where = f" · {self.connector}" if self.connector else ""
        self.sub_title = f"Correspondance des articles{where}"

    # -- choosing what to show

    def chosen_mode(self) -> ShowMode:
        # The button's own value: set at once, where the RadioSet's pressed_button follows
        # only once its Changed message is handled.
        if self.query_one("#mode-filter", RadioButton).value:
            return ShowMode.FILTER
        return ShowMode.EXPORT

    def chosen_filter(self) -> str | None:
        value = self.query_one("#mapping-filter", Select).value
        return None if value is Select.NULL else str(value)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self._ready:
            return
        if event.select.id == "mapping-connector":
            if event.value is not Select.NULL and event.value != self.connector:
                self.connector = str(event.value)
                self.apply()
        elif event.select.id == "mapping-filter" and event.value is not Select.NULL:
            # Choosing a filter chooses « … correspondants au filtre » and applies it at once
            # (« Filtrer » shows the list again after another choice).
            self.query_one("#mode-filter", RadioButton).value = True
            self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "mapping-apply":
            event.stop()
            self.action_apply()

    def action_apply(self) -> None:
        """« Filtrer »: show the chosen articles, then go to the grid."""
        if self.apply():
            self.grid.focus()

    def apply(self) -> bool:
        """Loads the rows the options choose; False (and says why) when they cannot."""
        if self.connector is None:
            return False
        mode = self.chosen_mode()
        filter_name = self.chosen_filter()
        if mode is ShowMode.FILTER and filter_name is None:
            self.notify_error(
                "Choisissez un filtre d'articles dans la liste (les filtres se créent dans "
                "Paramètres › Filtres d'articles)."
            )
            self.query_one("#mapping-filter", Select).focus()
            return False
        seen = store.last_change_id(self.db)
        try:
            with bulk_allocation():
                rows = service.grid_rows(self.db, self.connector, mode, filter_name)
                grid_rows = mapping_rows(rows)
        except UserError as exc:
            self.notify_error(str(exc))
            return False
        self._seen_change = seen
        session = mapping_session(self.app)
        session.connector, session.mode = self.connector, mode
        session.filter_name = filter_name
        self.shown_mode, self.shown_filter = mode, filter_name
        self.missing = sum(1 for r in rows if not r.external_code)
        grid = self.grid
        if mode is ShowMode.EXPORT:
            grid.empty_text = "Aucun article n'est coché « Disponible à l'export »."
        else:
            grid.empty_text = f"Aucun article ne correspond au filtre « {filter_name} »."
        grid.set_rows(grid_rows)
        self._update_title()
        self._update_missing()
        return True

    def _update_missing(self) -> None:
        self.panel.status_extra = missing_text(self.missing) if self.grid.total_count else ""

    # -- editing

    def commit(self, key, column: str, text: str) -> str | None:
        """The grid's commit hook: saved at once, or the French refusal (editor stays open)."""
        if self.connector is None:
            return "Aucun connecteur."
        article = str(key)
        row = self.grid.get_row_by_key(key)
        change, error = save_code(
            self.db,
            self.connector,
            article,
            text,
            self.undo,
            # The code shown: one another operator changed meanwhile is not overwritten.
            expected=str(row.cells[2]) if row is not None else store.UNCHECKED,
            on_conflict=lambda current: self._show_code(article, current),
        )
        if error:
            return error
        if change is not None:
            self._show_code(str(key), change.new_code or "")
        return None

    def _show_code(self, article: str, code: str) -> None:
        row = self.grid.get_row_by_key(article)
        if row is None:
            return
        was_missing = not row.cells[2]
        self.grid.replace_row(article, mapping_row(MappingRow(article, str(row.cells[1]), code)))
        self.missing += (not code) - was_missing
        self._update_missing()

    def on_screen_resume(self) -> None:
        """Back on the screen (from the article card, another mode, a modal): show the codes
        changed elsewhere since the rows were read (the card's tab, `econnect mapping import`)."""
        if self.connector is None or not self._ready:
            return
        changed = store.articles_changed_since(self.db, self.connector, self._seen_change)
        self._seen_change = store.last_change_id(self.db)
        for article in changed:
            row = self.grid.get_row_by_key(article)
            if row is None:
                continue
            code = store.mappings_of_article(self.db, article).get(self.connector, "")
            if row.cells[2] != code:
                self._show_code(article, code)

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        # Enter on the article's code or label edits its external code.
        event.stop()
        self.grid.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "suggest":
            return self.connector is not None and self.grid.row_count > 0
        if action == "undo":
            return self.connector is not None
        return True

    def action_undo(self) -> None:
        if self.connector is None:
            return
        change = undo_last(self.app, self.db, self.undo, connector=self.connector)
        if change is not None:
            self._show_code(change.article_code, change.old_code or "")
            self.grid.select_key(change.article_code)

    def action_suggest(self) -> None:
        article = self.grid.cursor_key
        if self.connector is None or article is None:
            return
        connector = self.connector
        row = self.grid.get_row_by_key(article)
        # The code shown when S was pressed: one another operator saved meanwhile is kept.
        shown = str(row.cells[2]) if row is not None else store.UNCHECKED

        def show(code: str) -> None:
            if connector == self.connector:
                self._show_code(str(article), code)

        offer_suggestions(
            self.app, self.db, connector, str(article), self.undo, shown=shown, show=show
        )

    def action_options(self) -> None:
        if self.query_one("#mapping-connector-row").display:
            self.query_one("#mapping-connector", Select).focus()
        else:
            self.query_one(RadioSet).focus()

    def action_close(self) -> None:
        self.dismiss()

    def palette_commands(self):
        from ..commands import PaletteCommand

        yield PaletteCommand(
            "Suggestions de codes en attente",
            "Les codes externes en attente de réception, classés pour l'article courant (S)",
            self.action_suggest,
        )
        yield PaletteCommand(
            "Annuler la dernière correspondance",
            "Remet le code d'avant la dernière modification faite dans cet écran (U)",
            self.action_undo,
        )


def open_mapping(app: App, connector_code: str | None = None) -> MappingScreen:
    """Opens « Mettre à jour la correspondance des articles » in the Synchro mode (on
    `connector_code`, else the last one used, else the first). Reuses the screen when it is
    already on top."""
    if connector_code:
        mapping_session(app).connector = connector_code.upper()
    if getattr(app, "current_mode", None) != MappingScreen.MODE and (
        MappingScreen.MODE in getattr(app, "MODES", {})
    ):
        app.switch_mode(MappingScreen.MODE)
    screen = app.screen
    if isinstance(screen, MappingScreen):
        if connector_code and screen.connector != connector_code.upper():
            select = screen.query_one("#mapping-connector", Select)
            select.value = connector_code.upper()
        return screen
    screen = MappingScreen(connector_code)
    app.push_screen(screen)
    return screen
