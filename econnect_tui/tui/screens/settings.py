"""Paramètres: « E-connecteur » (the connectors, screens/connectors.py) first, then the small
reference tables, each edited by one generic table editor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...errors import UserError
from ...models.gc import ArticleFilter, ClientFilter
from ...normal import split_codes
from ...store import filters as filters_store
from ...store import reference
from ...store.reference import REF_TABLES, RefKind
from ..widgets.form import FieldSpec
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow
from .base import EconnectScreen, GridScreen
from .confirm import ConfirmScreen
from .connectors import open_connector_list
from .record_form import RecordFormScreen


@dataclass(frozen=True)
class TableEditor:
    """Everything the generic editor needs to list, edit and delete one kind of record."""

    key: str
    title: str
    noun: str  # with its article: « l'entreprise »
    columns: tuple[GridColumn, ...]
    fields: Callable[[Database], list[FieldSpec]]
    load: Callable[[Database], list]
    cells: Callable[[Any], tuple[str, ...]]
    key_of: Callable[[Any], str]
    values_of: Callable[[Any], dict[str, Any]]
    save: Callable[[Database, dict[str, Any], bool], None]
    delete: Callable[[Database, str], None]


def _choices(kind: RefKind) -> Callable[[Database], Callable[[], list[tuple[str, str]]]]:
    def for_db(db: Database):
        return lambda: [
            (f"{r.code} — {getattr(r, 'name', '')}", r.code)
            for r in reference.list_records(db, kind)
        ]

    return for_db


def _ref_editor(kind: RefKind) -> TableEditor:
    spec = REF_TABLES[kind]
    second = "name" if "name" in spec.fields else "label"
    second_label = "Nom" if second == "name" else "Libellé"
    columns = [GridColumn("code", "Code", width=14), GridColumn(second, second_label)]
    parent_field = {RefKind.SITES: "company_code", RefKind.DEPOTS: "site_code"}.get(kind)
    parent_label = {RefKind.SITES: "Entreprise", RefKind.DEPOTS: "Site"}.get(kind, "")
    if parent_field:
        columns.append(GridColumn(parent_field, parent_label, width=14))

    def fields(db: Database) -> list[FieldSpec]:
        out = [
            FieldSpec("code", "Code", required=True),
            FieldSpec(second, second_label, required=True),
        ]
        if parent_field:
            out.append(
                FieldSpec(
                    parent_field,
                    parent_label,
                    kind="choice",
                    required=True,
                    allow_blank_choice=False,
                    choices=_choices(spec.parent)(db),
                )
            )
        return out

    def save(db: Database, values: dict[str, Any], new: bool) -> None:
        reference.save_record(db, kind, spec.model.model_validate(values), new=new)

    return TableEditor(
        key=kind.value,
        title=spec.plural,
        noun=spec.singular,
        columns=tuple(columns),
        fields=fields,
        load=lambda db: reference.list_records(db, kind),
        cells=lambda r: tuple(str(getattr(r, c.key) or "") for c in columns),
        key_of=lambda r: r.code,
        values_of=lambda r: r.model_dump(),
        save=save,
        delete=lambda db, code: reference.delete_record(db, kind, code),
    )


_TRI_STATE = lambda: [("Oui", "oui"), ("Non", "non")]  # noqa: E731


def _tri(value: bool | None) -> str | None:
    return None if value is None else ("oui" if value else "non")


def _untri(value: str | None) -> bool | None:
    return None if value is None else value == "oui"


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Oui" if value else "Non")


def _families_field(db: Database, kind: RefKind, title: str) -> FieldSpec:
    """A filter's families, typed as codes; the help lists the existing ones."""
    return FieldSpec(
        "families",
        "Familles",
        placeholder="codes séparés par des virgules",
        help=f"{title} : " + ", ".join(r.code for r in reference.list_records(db, kind)),
    )


def _article_filter_editor() -> TableEditor:
    def fields(db: Database) -> list[FieldSpec]:
        return [
            FieldSpec("name", "Nom", required=True),
            _families_field(db, RefKind.ARTICLE_FAMILIES, "Familles d'articles"),
            FieldSpec("code_prefix", "Code commence par"),
            FieldSpec("label_contains", "Libellé contient"),
            FieldSpec(
                "export_available",
                "Disponible à l'export",
                kind="choice",
                choices=_TRI_STATE,
                extra={"blank": "(indifférent)"},
            ),
            FieldSpec(
                "active",
                "Actif",
                kind="choice",
                choices=_TRI_STATE,
                extra={"blank": "(indifférent)"},
            ),
        ]

    def save(db: Database, values: dict[str, Any], new: bool) -> None:
        record = ArticleFilter.model_validate(
            {
                **values,
                "families": split_codes(values.get("families") or ""),
                "export_available": _untri(values.get("export_available")),
                "active": _untri(values.get("active")),
            }
        )
        if new and any(f.name == record.name for f in filters_store.list_article_filters(db)):
            raise UserError(f"Le filtre « {record.name} » existe déjà.")
        filters_store.save_article_filter(db, record)

    return TableEditor(
        key="filtres-articles",
        title="Filtres d'articles",
        noun="le filtre",
        columns=(
            GridColumn("name", "Nom"),
            GridColumn("families", "Familles", width=16),
            GridColumn("code_prefix", "Code", width=6),
            GridColumn("label_contains", "Libellé", width=10),
            GridColumn("export_available", "Export", width=6),
            GridColumn("active", "Actif", width=5),
        ),
        fields=fields,
        load=filters_store.list_article_filters,
        cells=lambda f: (
            f.name,
            ",".join(f.families),
            f.code_prefix or "",
            f.label_contains or "",
            _yes_no(f.export_available),
            _yes_no(f.active),
        ),
        key_of=lambda f: f.name,
        values_of=lambda f: {
            **f.model_dump(),
            "families": ", ".join(f.families),
            "export_available": _tri(f.export_available),
            "active": _tri(f.active),
        },
        save=save,
        delete=filters_store.delete_article_filter,
    )


def _client_filter_editor() -> TableEditor:
    def fields(db: Database) -> list[FieldSpec]:
        return [
            FieldSpec("name", "Nom", required=True),
            _families_field(db, RefKind.CLIENT_FAMILIES, "Familles de clients"),
            FieldSpec("postal_code_prefix", "Code postal commence par"),
            FieldSpec("city", "Ville"),
        ]

    def save(db: Database, values: dict[str, Any], new: bool) -> None:
        record = ClientFilter.model_validate(
            {**values, "families": split_codes(values.get("families") or "")}
        )
        if new and any(f.name == record.name for f in filters_store.list_client_filters(db)):
            raise UserError(f"Le filtre « {record.name} » existe déjà.")
        filters_store.save_client_filter(db, record)

    return TableEditor(
        key="filtres-clients",
        title="Filtres de clients",
        noun="le filtre",
        columns=(
            GridColumn("name", "Nom"),
            GridColumn("families", "Familles", width=16),
            GridColumn("postal_code_prefix", "CP", width=6),
            GridColumn("city", "Ville", width=16),
        ),
        fields=fields,
        load=filters_store.list_client_filters,
        cells=lambda f: (f.name, ",".join(f.families), f.postal_code_prefix or "", f.city or ""),
        key_of=lambda f: f.name,
        values_of=lambda f: {**f.model_dump(), "families": ", ".join(f.families)},
        save=save,
        delete=filters_store.delete_client_filter,
    )


EDITORS: dict[str, TableEditor] = {
    e.key: e
    for e in (
        *(_ref_editor(kind) for kind in RefKind),
        _article_filter_editor(),
        _client_filter_editor(),
    )
}


CONNECTORS_ENTRY = "e-connecteur"  # the menu's first entry: Paramètres › E-connecteur
MENU_KEYS: tuple[str, ...] = (CONNECTORS_ENTRY, *EDITORS)


class SettingsScreen(EconnectScreen):
    """The list of what can be set up; Enter opens one."""

    MODE = "parametres"
    # Priority: the OptionList's own Enter would hide « Ouvrir » from the footer.
    BINDINGS = [Binding("enter", "open", "Ouvrir", priority=True)]

    def compose_body(self) -> ComposeResult:
        yield OptionList(
            Option("E-connecteur", id=CONNECTORS_ENTRY),
            *(Option(e.title, id=e.key) for e in EDITORS.values()),
            id="settings-menu",
        )

    def on_mount(self) -> None:
        self.sub_title = "Paramètres"
        self.query_one(OptionList).border_title = "Paramètres"
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == CONNECTORS_ENTRY:
            open_connector_list(self.app)
            return
        self.app.push_screen(TableEditorScreen(EDITORS[str(event.option.id)]))

    def action_open(self) -> None:
        menu = self.query_one(OptionList)
        if menu.highlighted is not None:
            menu.action_select()

    def palette_commands(self):
        from ..commands import PaletteCommand

        yield PaletteCommand(
            "Paramètres : E-connecteur",
            "Les connecteurs : créer, modifier, supprimer",
            lambda: open_connector_list(self.app),
        )
        for editor in EDITORS.values():
            yield PaletteCommand(
                f"Paramètres : {editor.title}",
                "Ouvre la table pour la modifier",
                lambda e=editor: self.app.push_screen(TableEditorScreen(e)),
            )


class TableEditorScreen(GridScreen):
    """The generic editor: a grid of the records, a form to create or change one."""

    MODE = "parametres"
    BINDINGS = [
        Binding("n,insert", "new", "Nouveau", key_display="N", id="settings.new"),
        # Enter on a row (the grid's « Ouvrir ») edits it; E is an alias kept off the footer.
        Binding("e", "edit", "Modifier", show=False, id="settings.edit"),
        Binding("delete", "delete", "Supprimer", key_display="Suppr", id="settings.delete"),
        Binding("escape", "back", "Retour"),
    ]

    def __init__(self, editor: TableEditor) -> None:
        super().__init__()
        self.editor = editor

    def compose_body(self) -> ComposeResult:
        yield GridPanel(id="records")

    def on_mount(self) -> None:
        self.sub_title = f"Paramètres › {self.editor.title}"
        self.grid.set_columns(self.editor.columns)
        self.grid.empty_text = "Aucun enregistrement. N pour en créer un."
        self.reload()
        self.grid.focus()

    def reload(self, select: str | None = None) -> None:
        records = self.editor.load(self.db)
        self.records = {self.editor.key_of(r): r for r in records}
        self.grid.set_rows([GridRow(self.editor.key_of(r), self.editor.cells(r)) for r in records])
        if select is not None:
            self.grid.select_key(select)

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        self.open_form(self.records.get(event.key))

    def action_new(self) -> None:
        self.open_form(None)

    def action_edit(self) -> None:
        key = self.grid.cursor_key
        if key is not None:
            self.open_form(self.records.get(key))

    def open_form(self, record) -> None:
        new = record is None
        fields = self.editor.fields(self.db)
        if not new:
            key_field = fields[0].name
            fields = [
                FieldSpec(**{**f.__dict__, "readonly": True}) if f.name == key_field else f
                for f in fields
            ]
        values = {} if new else self.editor.values_of(record)

        def save(form_values: dict[str, Any]) -> str:
            self.editor.save(self.db, form_values, new)
            return str(form_values[fields[0].name])

        def done(saved_key: str | None) -> None:
            if saved_key:
                self.reload(select=saved_key)
                self.notify(f"« {saved_key} » enregistré.")

        title = f"{self.editor.title} › " + ("création" if new else self.editor.key_of(record))
        self.app.push_screen(RecordFormScreen(title, fields, values, save), done)

    def action_delete(self) -> None:
        key = self.grid.cursor_key
        if key is None:
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.editor.delete(self.db, str(key))
            except UserError as exc:
                self.notify_error(str(exc))
                return
            self.reload()
            self.notify(f"« {key} » supprimé.")

        self.app.push_screen(
            ConfirmScreen(f"Supprimer {self.editor.noun} « {key} » ?", "Supprimer"), answered
        )

    def action_back(self) -> None:
        self.app.pop_screen()
