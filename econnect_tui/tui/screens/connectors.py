"""Paramètres › E-connecteur: the connectors, to create (N), change (Enter) or delete (Suppr).

Creating opens the wizard at Identification, changing it at « Mode de communication » (seed
3.2.2). Deleting asks first (Annuler by default); when received data is still held back, a
second question says exactly what will be dropped before anything is.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from ...errors import UserError
from ...models.connector import Connector, Mode, UpdateMode
from ...models.gc import DocType
from ...store import connectors as connectors_store
from ...sync.connectors import delete_connector, held_back_counts, held_back_text
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow
from .base import GridScreen
from .confirm import ConfirmScreen
from .connector_wizard import mode_label, open_wizard

COLUMNS = (
    GridColumn("code", "Code", width=10),
    GridColumn("liaison", "Liaison", width=10),
    GridColumn("mode", "Mode", width=10),
    GridColumn("where", "Emplacement", min_width=8),
    GridColumn("receive", "Réceptions", width=15),
    GridColumn("update", "Mise à jour", width=11),
)


def where_text(c: Connector) -> str:
    """Short enough for its column: the site's host name, or the last name of the exchange folders'
    common parent (else of the import folder). The detail under the grid has the full paths."""
    if c.mode is Mode.WEBSERVICE:
        try:  # the host alone: a key written into the address stays out
            return urlsplit(c.url or "").hostname or c.masked_url
        except ValueError:  # « https://[shop »: not an address
            return c.masked_url
    paths = [p.rstrip("/") for p in (c.import_path, c.export_path) if p]
    if not paths:
        return ""
    parents = {p.rsplit("/", 1)[0] for p in paths}
    folder = parents.pop() if len(parents) == 1 and len(paths) == 2 else paths[0]
    return "…/" + folder.rsplit("/", 1)[-1] if folder.count("/") > 1 else folder


def doc_type_text(c: Connector) -> str:
    return "Commandes" if c.receive.doc_type is DocType.ORDER else "Livraisons"


def connector_row(c: Connector) -> GridRow:
    return GridRow(
        c.code,
        (
            c.code,
            c.liaison.label,
            "CSV" if c.mode is Mode.CSV else "Webservice",
            where_text(c),
            f"{doc_type_text(c)} {c.receive.company or ''}".strip(),
            "Manuelle" if c.receive.update_mode is UpdateMode.MANUAL else "Ouverture",
        ),
    )


class ConnectorListScreen(GridScreen):
    """The connectors (seed 2.1, ÉTAPE 1 « Paramètre\\Sites\\E-connecteur »)."""

    MODE = "parametres"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,insert", "new", "Créer un connecteur", key_display="N", id="connectors.new"),
        # Priority over the grid's own Enter (« Ouvrir ») so the footer says what it does here.
        Binding("enter", "edit", "Modifier", priority=True),
        Binding("e", "edit", "Modifier", show=False, id="connectors.edit"),
        Binding("delete", "delete", "Supprimer", key_display="Suppr", id="connectors.delete"),
        Binding("escape", "back", "Retour"),
    ]
    DEFAULT_CSS = """
    ConnectorListScreen GridPanel { height: 1fr; }
    ConnectorListScreen #connector-detail {
        height: auto; max-height: 7; padding: 0 1; border-top: solid $primary;
    }
    """

    def __init__(self, mode: str = "parametres") -> None:
        super().__init__()
        self.MODE = mode
        self.connectors: dict[str, Connector] = {}

    def compose_body(self) -> ComposeResult:
        yield GridPanel(
            COLUMNS,
            empty_text="Aucun connecteur. N pour en créer un.",
            unit=("connecteur", "connecteurs"),
            id="connectors",
        )
        yield Static("", id="connector-detail", markup=False)

    def on_mount(self) -> None:
        self.sub_title = f"{mode_label(self.MODE)} › E-connecteur"
        self.reload()
        self.grid.focus()

    def reload(self, select: str | None = None) -> None:
        connectors = connectors_store.list_connectors(self.db)
        self.connectors = {c.code: c for c in connectors}
        self.grid.set_rows([connector_row(c) for c in connectors])
        if select is not None:
            self.grid.select_key(select)
        self.show_detail()

    def on_data_grid_cursor_moved(self, event: DataGrid.CursorMoved) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        detail = self.query_one("#connector-detail", Static)
        key = self.grid.cursor_key
        c = self.connectors.get(str(key)) if key is not None else None
        detail.display = c is not None
        if c is None:
            return
        lines = []
        if c.mode is Mode.CSV:
            lines.append(f"Chemin d'export : {c.export_path or ''}")
            lines.append(f"Chemin d'import : {c.import_path or ''}")
        else:
            lines.append(f"Adresse du site : {c.masked_url}")
            lines.append(f"Clé Prestashop : {c.masked_key}")
        r = c.receive
        lines.append(
            f"Réceptions : {doc_type_text(c)} · {r.company or '?'} › {r.site or '?'} › "
            f"{r.depot or '?'}"
        )
        lines.append(f"Mise à jour des réceptions : {r.update_mode.label}")
        documents, tiers = held_back_counts(self.db, c.code)
        if documents or tiers:
            lines.append(f"En attente d'intégration : {held_back_text(documents, tiers)}")
        detail.update("\n".join(lines))

    # -- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete"):
            # Enter in the grid's filter line belongs to the filter.
            return self.app.focused is self.grid and self.grid.cursor_key is not None
        return True

    def action_new(self) -> None:
        open_wizard(self.app, mode=self.MODE, on_done=self._after_wizard)

    def action_edit(self) -> None:
        key = self.grid.cursor_key
        if key is None:
            return
        try:
            open_wizard(self.app, str(key), mode=self.MODE, on_done=self._after_wizard)
        except UserError as exc:
            self.notify_error(str(exc))
            self.reload()

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        self.action_edit()

    def _after_wizard(self, code: str | None) -> None:
        self.reload(select=code)

    def action_delete(self) -> None:
        key = self.grid.cursor_key
        if key is None:
            return
        code = str(key)

        def first(yes: bool | None) -> None:
            if not yes:
                return
            documents, tiers = held_back_counts(self.db, code)
            if not (documents or tiers):
                self._delete(code, drop_held_back=False)
                return
            self.app.push_screen(
                ConfirmScreen(
                    f"{held_back_text(documents, tiers)} en attente de {code} seront "
                    "abandonnés. Supprimer quand même ?",
                    "Supprimer quand même",
                ),
                lambda again: self._delete(code, drop_held_back=True) if again else None,
            )

        self.app.push_screen(
            ConfirmScreen(
                f"Supprimer le connecteur « {code} » ? Ses correspondances d'articles sont "
                "supprimées avec lui ; l'historique des synchronisations est conservé.",
                "Supprimer",
            ),
            first,
        )

    def _delete(self, code: str, *, drop_held_back: bool) -> None:
        try:
            delete_connector(self.db, code, drop_held_back=drop_held_back)
        except UserError as exc:
            self.notify_error(str(exc))
            return
        self.reload()
        self.notify(f"Connecteur « {code} » supprimé.")

    def action_back(self) -> None:
        self.dismiss()

    def palette_commands(self):
        from ..commands import PaletteCommand

        yield PaletteCommand(
            "Créer un connecteur",
            "Ouvre le paramétrage d'un nouveau connecteur à l'étape Identification (N)",
            self.action_new,
        )


def open_connector_list(app: App, mode: str = "parametres") -> ConnectorListScreen:
    """Opens Paramètres › E-connecteur in `mode` (switching to it first); reuses the list when
    it is already on top."""
    if getattr(app, "current_mode", None) != mode and mode in getattr(app, "MODES", {}):
        app.switch_mode(mode)
    if isinstance(app.screen, ConnectorListScreen):
        return app.screen
    screen = ConnectorListScreen(mode)
    app.push_screen(screen)
    return screen
