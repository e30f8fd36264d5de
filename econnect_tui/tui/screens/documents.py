"""Documents: orders and delivery notes, their lines and totals."""

from __future__ import annotations

from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static

from ...errors import UserError
from ...models.amounts import document_totals
from ...models.gc import DocStatus, Document
from ...store import documents as store
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow
from .articles import decimal_text
from .base import EconnectScreen, GridScreen
from .confirm import ConfirmScreen
from .menu import TextScreen

LIST_COLUMNS = (
    # No Type column: the number's prefix tells it (BL, CD), so that at 80 columns the client
    # keeps some room and a Facilitime origin (« F259035_D260008 ») shows whole.
    GridColumn("number", "Numéro", width=8),
    GridColumn("date", "Date", width=10),
    GridColumn("client", "Client"),
    GridColumn("status", "Statut", width=9),
    GridColumn("ttc", "Total TTC", width=10, align="right"),
    GridColumn("origin", "Origine", width=15),
)


def money(value) -> str:
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def price_text(value: Decimal) -> str:
    """A unit price with at least two decimals (7,50), more when it has them (1,3200)."""
    if -value.as_tuple().exponent < 2:  # type: ignore[operator]
        value = value.quantize(Decimal("0.01"))
    return format(value, "f").replace(".", ",")


def document_row(d: Document) -> GridRow:
    style = {DocStatus.DRAFT: "", DocStatus.VALIDATED: "ok", DocStatus.INVOICED: "muted"}
    return GridRow(
        d.id,
        (
            d.number,
            f"{d.date:%d/%m/%Y}",
            f"{d.client_code} {d.client_name or ''}",
            d.status.label,
            money(d.total_ttc),
            d.external_id or "saisi",
        ),
        style=style[d.status],
    )


class DocumentsScreen(GridScreen):
    MODE = "documents"

    def compose_body(self) -> ComposeResult:
        yield GridPanel(id="documents", unit=("document", "documents"))

    def on_mount(self) -> None:
        self.sub_title = "Documents"
        self.grid.set_columns(LIST_COLUMNS)
        self.grid.empty_text = "Aucun document. Les documents arrivent par les réceptions (F3)."
        self.reload()
        self.grid.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.grid.set_rows([document_row(d) for d in store.list_documents(self.db)])

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        self.app.push_screen(DocumentScreen(int(event.key)))


class DocumentScreen(EconnectScreen):
    """One document: its header, its lines, its totals by VAT rate."""

    MODE = "documents"
    BINDINGS = [
        Binding("v", "validate", "Valider", key_display="V", id="documents.validate"),
        Binding("escape", "close", "Fermer"),
    ]

    def __init__(self, document_id: int) -> None:
        super().__init__()
        self.document_id = document_id

    def compose_body(self) -> ComposeResult:
        yield Static(id="doc-header", classes="panel")
        yield DataGrid(id="doc-lines")
        with Horizontal(id="doc-footer"):
            yield Static(id="doc-vat")
            yield Static(id="doc-totals")

    def on_mount(self) -> None:
        grid = self.query_one(DataGrid)
        grid.set_columns(
            (
                GridColumn("article", "Article", width=10),
                GridColumn("label", "Libellé"),
                GridColumn("qty", "Qté", width=7, align="right"),
                GridColumn("unit", "Unité", width=5),
                GridColumn("price", "P.U. HT", width=9, align="right"),
                GridColumn("discount", "Rem.%", width=5, align="right"),
                GridColumn("amount", "Montant HT", width=10, align="right"),
            )
        )
        grid.empty_text = "Aucune ligne."
        self.show()
        grid.focus()

    def show(self) -> None:
        doc = self.document = store.get_document(self.db, self.document_id)
        self.sub_title = f"Documents › {doc.number}"  # the type is in the header below
        header = Table.grid(padding=(0, 1))
        header.add_column(style="dim")
        header.add_column()
        header.add_column(style="dim")
        header.add_column()
        header.add_row(
            "Numéro", f"{doc.number} ({doc.doc_type.label})", "Date", f"{doc.date:%d/%m/%Y}"
        )
        header.add_row(
            "Client", f"{doc.client_code} {doc.client_name or ''}", "Statut", doc.status.label
        )
        header.add_row(
            "Règlement",
            doc.payment_method or "",
            "Origine",
            f"{doc.connector_code} {doc.external_id}" if doc.external_id else "saisi",
        )
        if doc.reference or doc.comment:
            header.add_row("Référence", doc.reference or "", "Commentaire", doc.comment or "")
        self.query_one("#doc-header", Static).update(header)
        self.query_one(DataGrid).set_rows(
            [
                GridRow(
                    ln.position,
                    (
                        ln.article_code,
                        ln.label,
                        decimal_text(ln.quantity),
                        ln.unit_code or "",
                        price_text(ln.unit_price),
                        decimal_text(ln.discount_percent),
                        money(ln.amount_ht),
                    ),
                )
                for ln in doc.lines
            ]
        )
        totals = document_totals((ln.amount_ht, ln.vat_rate) for ln in doc.lines)
        vat = Text()
        for base in totals.by_rate:
            vat.append(
                f"TVA {decimal_text(base.rate)} % sur {money(base.base_ht)} : {money(base.vat)}\n"
            )
        self.query_one("#doc-vat", Static).update(vat)
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", style="dim")
        table.add_column(justify="right")
        table.add_row("Total HT", money(doc.total_ht))
        table.add_row("Total TVA", money(doc.total_vat))
        table.add_row(Text("Total TTC", style="bold"), Text(money(doc.total_ttc), style="bold"))
        self.query_one("#doc-totals", Static).update(table)

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        """Enter on a line: what the ETA said about the work (not shown in the columns)."""
        event.stop()
        line = next((ln for ln in self.document.lines if ln.position == event.key), None)
        if line is None:
            return
        details = [
            (
                "Date d'intervention",
                line.intervention_date and f"{line.intervention_date:%d/%m/%Y}",
            ),
            ("Chantier", line.work_site),
            ("Surface", line.surface is not None and decimal_text(line.surface)),
            ("Chauffeur", line.driver),
            ("Matériel", line.equipment),
            ("TVA", f"{decimal_text(line.vat_rate)} %"),
        ]
        text = "\n".join(f"{name} : {value}" for name, value in details if value)
        # A modal, not a toast: toasts piled up over the totals and outlived the document.
        title = f"Ligne {line.position} — {line.article_code} {line.label}"
        self.app.push_screen(TextScreen(title, text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "validate":
            doc = getattr(self, "document", None)
            return doc is not None and doc.status is DocStatus.DRAFT
        return True

    def action_validate(self) -> None:
        doc = self.document

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                store.set_status(self.db, doc.id, DocStatus.VALIDATED)
            except UserError as exc:
                self.notify_error(str(exc))
                return
            self.show()
            self.refresh_bindings()
            self.notify(f"Document {doc.number} validé.")

        self.app.push_screen(
            ConfirmScreen(
                f"Valider le document {doc.number} ? Les réceptions suivantes ne pourront plus "
                "le modifier.",
                "Valider",
                danger=False,
            ),
            answered,
        )

    def action_close(self) -> None:
        self.dismiss(None)
