"""Documents: orders and delivery notes, their lines and totals."""

from __future__ import annotations

import logging
from decimal import Decimal

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual.worker import get_current_worker

from ... import french
from ...errors import UserError, failure_reason
from ...models.amounts import document_totals
from ...models.gc import DocStatus
from ...store import documents as store
from ...text import fold
from ..threads import call_ui, worker_db
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow, bulk_allocation
from .articles import decimal_text
from .base import EconnectScreen, GridScreen
from .confirm import ConfirmScreen
from .menu import TextScreen

log = logging.getLogger("econnect")

FIRST_PAGE = 500
"""Documents read on the UI thread when the list opens (more than a screen holds); the rest
comes from a thread worker."""

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
    return french.money(value)


def price_text(value: Decimal) -> str:
    """A unit price with at least two decimals (7,50), more when it has them (1,3200)."""
    return french.price(value)


_STATUS_STYLE = {DocStatus.DRAFT: "", DocStatus.VALIDATED: "ok", DocStatus.INVOICED: "muted"}


def document_rows(documents: list[store.DocumentListRow]) -> list[GridRow]:
    """The list's grid rows. Built from plain stored texts (no model, no Decimal but for the
    total), the cyclic collector paused, and the search text folded only where it can hold an
    accent (client, status, origin): 200,000 documents open in about a second."""
    status_cells = {s.value: (s.label, fold(s.label), _STATUS_STYLE[s]) for s in DocStatus}
    folded: dict[str, str] = {}
    rows = []
    with bulk_allocation():
        for d in documents:
            client = f"{d.client_code} {d.client_name or ''}"
            client_search = folded.get(client)
            if client_search is None:
                client_search = folded[client] = fold(client)
            origin = d.external_id or "saisi"
            label, status_search, style = status_cells[d.status]
            day = f"{d.date[8:10]}/{d.date[5:7]}/{d.date[:4]}"
            total = money(Decimal(d.total_ttc))
            rows.append(
                GridRow(
                    d.id,
                    (d.number, day, client, label, total, origin),
                    f"{fold(d.number)} {day} {client_search} {status_search} {total} "
                    + fold(origin),
                    style,
                )
            )
    return rows


class DocumentsScreen(GridScreen):
    MODE = "documents"

    def compose_body(self) -> ComposeResult:
        yield GridPanel(id="documents", unit=("document", "documents"))

    def on_mount(self) -> None:
        self.sub_title = "Documents"
        self.grid.set_columns(LIST_COLUMNS)
        self.grid.empty_text = "Aucun document. Les documents arrivent par les réceptions (F3)."
        self.grid.focus()

    def on_screen_resume(self) -> None:
        self.reload_once(self.reload)

    def reload(self) -> None:
        """The newest page at once; when there are more, the whole list is read by a thread
        worker (its own connection) and replaces the page when ready. Coming back to a long
        list keeps it shown until the new one arrives."""
        page = store.list_rows(self.db, limit=FIRST_PAGE)
        if len(page) < FIRST_PAGE:
            self.grid.set_rows(document_rows(page))
            return
        if self.grid.total_count <= FIRST_PAGE:
            self.grid.set_rows(document_rows(page))
        self.panel.status_extra = "lecture de la liste…"
        self.run_worker(
            self._read_all, thread=True, exclusive=True, group="documents-list", exit_on_error=False
        )

    def _read_all(self) -> None:
        app = self.app
        try:
            with worker_db(app) as db:
                rows = document_rows(store.list_rows(db))
        except Exception as exc:  # the database locked or gone: say it, keep the page shown
            log.exception("documents list")
            call_ui(app, self._read_failed, failure_reason(exc))
            return
        if not get_current_worker().is_cancelled:
            call_ui(app, self._show_all, rows)

    def _read_failed(self, reason: str) -> None:
        self.panel.status_extra = "liste incomplète"
        self.notify_error(
            f"Lecture de la liste des documents impossible : {reason}. Seuls les {FIRST_PAGE} plus "
            "récents sont affichés ; revenez sur l'écran pour réessayer."
        )

    def _show_all(self, rows: list[GridRow]) -> None:
        self.grid.set_rows(rows)
        self.panel.status_extra = ""

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
