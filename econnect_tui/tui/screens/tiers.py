"""Tiers: clients and suppliers, their card (Général, Contacts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from ...errors import UserError
from ...models.gc import Contact, Tiers, TiersKind
from ...models.validators import field_errors
from ...store import reference
from ...store import tiers as store
from ...store.reference import RefKind
from ...store.tiers import TiersListRow
from ..widgets.form import FieldSpec, Form, FormScroll
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow, bulk_allocation, folded_rows
from .base import CardScreen, GridScreen
from .confirm import ConfirmScreen
from .record_form import RecordFormScreen

LIST_COLUMNS = (
    GridColumn("code", "Code", width=8),
    GridColumn("name", "Nom"),
    GridColumn("city", "Ville", width=16),
    GridColumn("family", "Famille", width=8),
    GridColumn("phone", "Téléphone", width=14),
)

PAYMENT_METHODS = ("Chèques", "Virement", "Prélèvement", "Espèces", "Carte bancaire")


def tiers_rows(tiers: Sequence[Tiers | TiersListRow]) -> list[GridRow]:
    """The list's rows, their search texts folded in one pass (`fold_all`)."""
    cells = [
        (
            t.code,
            t.name,
            " ".join(p for p in (t.postal_code, t.city) if p),
            t.family_code or "",
            t.phone or t.mobile or "",
        )
        for t in tiers
    ]
    return folded_rows([c[0] for c in cells], cells, [""] * len(cells))


class TiersScreen(GridScreen):
    MODE = "tiers"
    BINDINGS = [
        Binding("c", "show('client')", "Clients", key_display="C", id="tiers.clients"),
        Binding("f", "show('fournisseur')", "Fournisseurs", key_display="F", id="tiers.suppliers"),
        Binding("n,insert", "new", "Nouveau", key_display="N", id="tiers.new"),
    ]

    kind = TiersKind.CLIENT

    def compose_body(self) -> ComposeResult:
        yield GridPanel(id="tiers")

    def on_mount(self) -> None:
        self.grid.set_columns(LIST_COLUMNS)
        self.action_show(TiersKind.CLIENT.value)
        self.grid.focus()

    def action_show(self, kind: str) -> None:
        self.kind = TiersKind(kind)
        self.sub_title = "Tiers › " + (
            "Clients" if self.kind is TiersKind.CLIENT else "Fournisseurs"
        )
        self.grid.empty_text = (
            "Aucun client." if self.kind is TiersKind.CLIENT else "Aucun fournisseur."
        ) + " N pour en créer un."
        self.query_one(GridPanel).unit = (
            ("client", "clients")
            if self.kind is TiersKind.CLIENT
            else ("fournisseur", "fournisseurs")
        )
        self.reload()

    def reload(self) -> None:
        with bulk_allocation():  # 20,000 clients on a large database
            rows = tiers_rows(store.list_rows(self.db, self.kind))
        self.grid.set_rows(rows)

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        self.open_card(str(event.key))

    def open_card(self, code: str | None) -> None:
        def closed(saved: str | None) -> None:
            if saved:
                self.reload()
                self.grid.select_key(saved)

        self.app.push_screen(TiersCardScreen(self.kind, code), closed)

    def action_new(self) -> None:
        self.open_card(None)

    def palette_commands(self):
        from ..commands import PaletteCommand

        yield PaletteCommand("Nouveau client", "Crée une fiche client", self._new_client)
        yield PaletteCommand(
            "Nouveau fournisseur", "Crée une fiche fournisseur", self._new_supplier
        )

    def _new_client(self) -> None:
        self.action_show(TiersKind.CLIENT.value)
        self.open_card(None)

    def _new_supplier(self) -> None:
        self.action_show(TiersKind.SUPPLIER.value)
        self.open_card(None)


def tiers_fields(db, kind: TiersKind, new: bool) -> list[FieldSpec]:
    family_kind = RefKind.CLIENT_FAMILIES if kind is TiersKind.CLIENT else RefKind.SUPPLIER_FAMILIES
    return [
        FieldSpec("code", "Code", required=True, readonly=not new),
        FieldSpec("civility", "Civilité", placeholder="M., Mme, Société…"),
        FieldSpec("name", "Nom", required=True),
        FieldSpec("address1", "Adresse"),
        FieldSpec("address2", "Complément d'adresse"),
        FieldSpec("postal_code", "Code postal"),
        FieldSpec("city", "Ville"),
        FieldSpec("country", "Pays"),
        FieldSpec("phone", "Téléphone"),
        FieldSpec("mobile", "Mobile"),
        FieldSpec("email", "E-mail"),
        FieldSpec("siret", "SIRET"),
        FieldSpec("vat_number", "N° TVA intracommunautaire"),
        FieldSpec(
            "family_code",
            "Famille",
            kind="choice",
            choices=lambda: [
                (f"{r.code} — {r.label}", r.code) for r in reference.list_records(db, family_kind)
            ],
        ),
        FieldSpec(
            "payment_method",
            "Mode de règlement",
            kind="choice",
            choices=lambda: [(m, m) for m in PAYMENT_METHODS],
        ),
    ]


CONTACT_FIELDS = [
    FieldSpec("code", "Code contact"),
    FieldSpec("civility", "Civilité", placeholder="M., Mme…"),
    FieldSpec("last_name", "Nom", required=True),
    FieldSpec("first_name", "Prénom"),
    FieldSpec("function", "Fonction"),
    FieldSpec("phone", "Téléphone"),
    FieldSpec("mobile", "Mobile"),
    FieldSpec("email", "E-mail"),
]


class TiersCardScreen(CardScreen):
    MODE = "tiers"
    BINDINGS = [
        Binding("ctrl+s,f9", "save", "Enregistrer", key_display="Ctrl+S", id="form.save"),
        Binding("escape", "close", "Fermer"),
        # Short labels: the footer must keep F1 Aide visible at 80 columns.
        Binding("n,insert", "new_contact", "Nouveau", key_display="N", id="tiers.new_contact"),
        Binding(
            "delete", "delete_contact", "Supprimer", key_display="Suppr", id="tiers.delete_contact"
        ),
    ]
    TABS = ("general", "contacts")

    def __init__(self, kind: TiersKind, code: str | None) -> None:
        super().__init__()
        self.kind = kind
        self.code = code
        self.new = code is None

    def compose_body(self) -> ComposeResult:
        tiers = None if self.new else store.require_tiers(self.db, self.kind, self.code)
        values = tiers.model_dump() if tiers else {"country": "France"}
        with TabbedContent(id="card-tabs"):
            with TabPane("Général", id="general"), FormScroll():
                yield Form(tiers_fields(self.db, self.kind, self.new), values)
            with TabPane("Contacts", id="contacts"):
                yield Static(
                    "Entrée : modifier · N : nouveau contact · Suppr : supprimer", classes="hint"
                )
                yield DataGrid(id="contacts-grid")

    def on_mount(self) -> None:
        what = "Client" if self.kind is TiersKind.CLIENT else "Fournisseur"
        self.sub_title = (
            f"Tiers › {'Nouveau ' + what.lower() if self.new else what + ' ' + self.code}"
        )
        grid = self.query_one("#contacts-grid", DataGrid)
        grid.set_columns(
            (
                GridColumn("code", "Code", width=6),
                GridColumn("name", "Nom"),
                GridColumn("function", "Fonction", width=16),
                GridColumn("phone", "Téléphone", width=14),
            )
        )
        grid.empty_text = (
            "Enregistrez d'abord la fiche." if self.new else "Aucun contact. N pour en créer un."
        )
        self.show_contacts()
        self.query_one(Form).focus_first()

    def show_contacts(self) -> None:
        self.contacts = [] if self.new else store.contacts_of(self.db, self.kind, self.code)
        self.query_one("#contacts-grid", DataGrid).set_rows(
            [
                GridRow(
                    c.id,
                    (c.code or "", c.full_name, c.function or "", c.phone or c.mobile or ""),
                )
                for c in self.contacts
            ]
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_contact", "delete_contact"):
            return not self.new and self.query_one(TabbedContent).active == "contacts"
        return True

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        contact = next((c for c in self.contacts if c.id == event.key), None)
        if contact:
            self.edit_contact(contact)

    def action_new_contact(self) -> None:
        self.edit_contact(None)

    def edit_contact(self, contact: Contact | None) -> None:
        def save(values: dict[str, Any]) -> Contact:
            record = Contact.model_validate(
                {
                    **values,
                    "id": contact.id if contact else None,
                    "parent_kind": self.kind,
                    "parent_code": self.code,
                }
            )
            return store.save_contact(self.db, record)

        def done(saved: Contact | None) -> None:
            if saved:
                self.show_contacts()
                self.query_one("#contacts-grid", DataGrid).select_key(saved.id)
                self.notify(f"Contact {saved.full_name} enregistré.")

        title = "Nouveau contact" if contact is None else f"Contact {contact.full_name}"
        values = contact.model_dump() if contact else {}
        self.app.push_screen(RecordFormScreen(title, CONTACT_FIELDS, values, save), done)

    def action_delete_contact(self) -> None:
        grid = self.query_one("#contacts-grid", DataGrid)
        contact = next((c for c in self.contacts if c.id == grid.cursor_key), None)
        if contact is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                store.delete_contact(self.db, contact.id)
                self.show_contacts()
                self.notify(f"Contact {contact.full_name} supprimé.")

        self.app.push_screen(
            ConfirmScreen(f"Supprimer le contact {contact.full_name} ?", "Supprimer"), answered
        )

    def focus_tab(self, tab: str) -> None:
        if tab == "general":
            self.query_one(Form).focus_first()
        else:
            self.query_one("#contacts-grid", DataGrid).focus()

    def action_save(self) -> None:
        form = self.query_one(Form)
        values = form.values()
        if values is None:
            self.query_one(TabbedContent).active = "general"
            self.notify_error("Corrigez les champs signalés.")
            return
        try:
            record = Tiers.model_validate({**values, "kind": self.kind})
            store.save_tiers(self.db, record, new=self.new)
        except ValidationError as exc:
            form.set_errors(field_errors(exc))
            self.notify_error("Corrigez les champs signalés.")
            return
        except UserError as exc:
            self.notify_error(str(exc))
            return
        self.notify(f"{record.kind.label} {record.code} enregistré.")
        self.dismiss(record.code)

    def unsaved_changes(self) -> str | None:
        """Where changes wait for Ctrl+S (said when quitting), None when there are none."""
        return self.sub_title if self.query_one(Form).changed() else None
