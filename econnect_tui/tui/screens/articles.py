"""Articles: the list (fast `/` filter on 50,000 articles) and the article card."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TabbedContent, TabPane

from ... import french
from ...errors import UserError
from ...french import parse_decimal
from ...models.gc import Article, Price, Stock
from ...models.validators import field_errors
from ...store import articles as store
from ...store import reference
from ...store.articles import ArticleListRow
from ...store.reference import RefKind
from ..widgets.correspondences import CorrespondencesTab
from ..widgets.form import FieldSpec, Form
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow, bulk_allocation, folded_rows
from .base import CardScreen, GridScreen
from .record_form import RecordFormScreen

LIST_COLUMNS = (
    GridColumn("code", "Code", width=12),
    GridColumn("label", "Libellé"),
    GridColumn("family", "Famille", width=9),
    GridColumn("unit", "Unité", width=5),
    GridColumn("vat", "TVA %", width=5, align="right"),
    GridColumn("export", "Export", width=6),
    GridColumn("active", "Actif", width=5),
)


def decimal_text(value: Decimal | None) -> str:
    return french.decimal_short(value)


def article_rows(articles: Sequence[Article | ArticleListRow]) -> list[GridRow]:
    """The list's rows, their search texts folded in one pass (`fold_all`) and each VAT rate
    written once: 50,000 articles have a handful of rates."""
    vat_texts: dict[object, str] = {}
    cells = []
    for a in articles:
        vat = vat_texts.get(a.vat_rate)
        if vat is None:
            vat = vat_texts[a.vat_rate] = decimal_text(Decimal(a.vat_rate))
        cells.append(
            (
                a.code,
                a.label,
                a.family_code or "",
                a.unit_code,
                vat,
                "Oui" if a.export_available else "Non",
                "Oui" if a.active else "Non",
            )
        )
    return folded_rows(
        [c[0] for c in cells], cells, ["" if c[6] == "Oui" else "muted" for c in cells]
    )


def article_row(a: Article | ArticleListRow) -> GridRow:
    return article_rows([a])[0]


class ArticlesScreen(GridScreen):
    MODE = "articles"
    BINDINGS = [Binding("n,insert", "new", "Nouvel article", key_display="N", id="articles.new")]

    def compose_body(self) -> ComposeResult:
        yield GridPanel(id="articles", unit=("article", "articles"))

    def on_mount(self) -> None:
        self.sub_title = "Articles"
        self.grid.set_columns(LIST_COLUMNS)
        self.grid.empty_text = "Aucun article. N pour en créer un, ou « econnect gc import »."
        self.reload()
        self.grid.focus()

    def reload(self) -> None:
        with bulk_allocation():  # 50,000 articles on a large database
            rows = article_rows(store.list_rows(self.db))
        self.grid.set_rows(rows)

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        self.open_card(str(event.key))

    def open_card(self, code: str | None) -> None:
        def closed(saved: str | None) -> None:
            if saved:
                article = store.get_article(self.db, saved)
                if article is None:
                    return
                if self.grid.get_row_by_key(saved) is None:
                    self.reload()
                else:
                    self.grid.replace_row(saved, article_row(article))
                self.grid.select_key(saved)

        self.app.push_screen(ArticleCardScreen(code), closed)

    def action_new(self) -> None:
        self.open_card(None)

    def palette_commands(self):
        from ..commands import PaletteCommand

        yield PaletteCommand("Nouvel article", "Crée une fiche article", self.action_new)


class ArticleCardScreen(CardScreen):
    """Tabs Général, Tarifs, Stocks; Ctrl+S saves the three together."""

    MODE = "articles"
    BINDINGS = [
        Binding("ctrl+s,f9", "save", "Enregistrer", key_display="Ctrl+S", id="form.save"),
        Binding("escape", "close", "Fermer"),
        Binding("n,insert", "add_line", "Ajouter", key_display="N", id="articles.add_line"),
        # Not Suppr: on an editable cell Suppr clears the cell, as in a spreadsheet.
        Binding(
            "f8", "remove_line", "Retirer la ligne", key_display="F8", id="articles.remove_line"
        ),
    ]
    TABS = ("general", "tarifs", "stocks", "correspondances")

    def __init__(self, code: str | None) -> None:
        super().__init__()
        self.code = code
        self.new = code is None
        self.dirty = False

    # -- layout

    def compose_body(self) -> ComposeResult:
        article = None if self.new else store.require_article(self.db, self.code)
        self.prices = [] if self.new else store.prices_of(self.db, self.code)
        self.stocks = [] if self.new else store.stocks_of(self.db, self.code)
        values = article.model_dump() if article else {"vat_rate": Decimal(20), "active": True}
        with TabbedContent(id="card-tabs"):
            with TabPane("Général", id="general"):
                yield Form(self.general_fields(), values, id="general-form")
            with TabPane("Tarifs", id="tarifs"):
                yield Static(
                    "Entrée : modifier le prix · N : ajouter un tarif · F8 : retirer la ligne",
                    classes="hint",
                )
                yield DataGrid(id="prices-grid", commit_hook=self.commit_price)
            with TabPane("Stocks", id="stocks"):
                yield Static(
                    "Entrée : modifier la quantité · N : ajouter un dépôt · F8 : retirer la ligne",
                    classes="hint",
                )
                yield DataGrid(id="stocks-grid", commit_hook=self.commit_stock)
            if not self.new:  # saved at once, not with Ctrl+S: the article must exist
                with TabPane("Publication › Correspondances", id="correspondances"):
                    yield CorrespondencesTab(self.code, self.db)

    def general_fields(self) -> list[FieldSpec]:
        db = self.db
        return [
            FieldSpec("code", "Code article", required=True, readonly=not self.new),
            FieldSpec("label", "Libellé", required=True),
            FieldSpec(
                "family_code",
                "Famille",
                kind="choice",
                choices=lambda: [
                    (f"{r.code} — {r.label}", r.code)
                    for r in reference.list_records(db, RefKind.ARTICLE_FAMILIES)
                ],
            ),
            FieldSpec(
                "unit_code",
                "Unité",
                kind="choice",
                required=True,
                allow_blank_choice=False,
                choices=lambda: [
                    (f"{r.code} — {r.label}", r.code)
                    for r in reference.list_records(db, RefKind.UNITS)
                ],
            ),
            FieldSpec("vat_rate", "Taux de TVA (%)", kind="decimal", required=True),
            FieldSpec("export_available", "Disponible à l'export", kind="bool"),
            FieldSpec("active", "Actif", kind="bool"),
        ]

    def on_mount(self) -> None:
        self.sub_title = "Articles › " + ("Nouvel article" if self.new else f"Fiche {self.code}")
        prices = self.query_one("#prices-grid", DataGrid)
        prices.set_columns(
            (
                GridColumn("category", "Catégorie tarifaire"),
                GridColumn("unit", "Unité", width=8),
                GridColumn("price", "Prix HT", width=12, align="right", editable=True),
            )
        )
        prices.empty_text = "Aucun tarif. N pour en ajouter un."
        stocks = self.query_one("#stocks-grid", DataGrid)
        stocks.set_columns(
            (
                GridColumn("depot", "Dépôt"),
                GridColumn("quantity", "Quantité", width=14, align="right", editable=True),
            )
        )
        stocks.empty_text = "Aucun stock. N pour en ajouter un."
        # N adds a line, Suppr removes one: keys the screen keeps even on an editable cell.
        for grid in (prices, stocks):
            grid.reserved_keys = grid.reserved_keys | {"n"}
            # The cursor starts on the value to edit: typing a number replaces it at once.
            grid.move_cursor(column=len(grid.columns) - 1)
        self.show_prices()
        self.show_stocks()
        self.query_one(Form).focus_first()

    def show_prices(self) -> None:
        names = {r.code: r.label for r in reference.list_records(self.db, RefKind.PRICE_CATEGORIES)}
        self.query_one("#prices-grid", DataGrid).set_rows(
            [
                GridRow(
                    (p.price_category_code, p.unit_code or ""),
                    (
                        f"{p.price_category_code} — {names.get(p.price_category_code, '')}",
                        p.unit_code or "",
                        decimal_text(p.price),
                    ),
                )
                for p in self.prices
            ]
        )

    def show_stocks(self) -> None:
        names = {r.code: r.name for r in reference.list_records(self.db, RefKind.DEPOTS)}
        self.query_one("#stocks-grid", DataGrid).set_rows(
            [
                GridRow(
                    s.depot_code,
                    (f"{s.depot_code} — {names.get(s.depot_code, '')}", decimal_text(s.quantity)),
                )
                for s in self.stocks
            ]
        )

    # -- editing prices and stocks (kept here until Ctrl+S)

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        # Enter on the read-only part of a line edits its value, as the hint above says.
        event.stop()
        event.grid.action_edit()

    def commit_price(self, key, column: str, text: str) -> str | None:
        try:
            value = parse_decimal(text)
        except ValueError as exc:
            return str(exc)
        self.prices = [
            p.model_copy(update={"price": value})
            if (p.price_category_code, p.unit_code or "") == key
            else p
            for p in self.prices
        ]
        self.dirty = True
        return None

    def commit_stock(self, key, column: str, text: str) -> str | None:
        try:
            value = parse_decimal(text)
        except ValueError as exc:
            return str(exc)
        self.stocks = [
            s.model_copy(update={"quantity": value}) if s.depot_code == key else s
            for s in self.stocks
        ]
        self.dirty = True
        return None

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_line", "remove_line"):
            return self.active_tab in ("tarifs", "stocks")
        return True

    def action_add_line(self) -> None:
        if self.active_tab == "tarifs":
            self.add_price()
        elif self.active_tab == "stocks":
            self.add_stock()

    def add_price(self) -> None:
        db = self.db
        fields = [
            FieldSpec(
                "price_category_code",
                "Catégorie tarifaire",
                kind="choice",
                required=True,
                allow_blank_choice=False,
                choices=lambda: [
                    (f"{r.code} — {r.label}", r.code)
                    for r in reference.list_records(db, RefKind.PRICE_CATEGORIES)
                ],
            ),
            FieldSpec(
                "unit_code",
                "Unité (facultative)",
                kind="choice",
                choices=lambda: [
                    (f"{r.code} — {r.label}", r.code)
                    for r in reference.list_records(db, RefKind.UNITS)
                ],
            ),
            FieldSpec("price", "Prix HT", kind="decimal", required=True),
        ]

        def save(values: dict[str, Any]) -> Price:
            key = (values["price_category_code"], values.get("unit_code") or "")
            if any((p.price_category_code, p.unit_code or "") == key for p in self.prices):
                raise UserError("Ce tarif existe déjà : modifiez son prix dans la liste.")
            return Price.model_validate({**values, "article_code": self.current_code()})

        def added(price: Price | None) -> None:
            if price:
                self.prices.append(price)
                self.dirty = True
                self.show_prices()

        self.app.push_screen(RecordFormScreen("Ajouter un tarif", fields, {}, save), added)

    def add_stock(self) -> None:
        db = self.db
        fields = [
            FieldSpec(
                "depot_code",
                "Dépôt",
                kind="choice",
                required=True,
                allow_blank_choice=False,
                choices=lambda: [
                    (f"{r.code} — {r.name}", r.code)
                    for r in reference.list_records(db, RefKind.DEPOTS)
                ],
            ),
            FieldSpec("quantity", "Quantité", kind="decimal", required=True),
        ]

        def save(values: dict[str, Any]) -> Stock:
            if any(s.depot_code == values["depot_code"] for s in self.stocks):
                raise UserError("Ce dépôt a déjà un stock : modifiez sa quantité dans la liste.")
            return Stock.model_validate({**values, "article_code": self.current_code()})

        def added(stock: Stock | None) -> None:
            if stock:
                self.stocks.append(stock)
                self.dirty = True
                self.show_stocks()

        self.app.push_screen(RecordFormScreen("Ajouter un stock", fields, {}, save), added)

    def action_remove_line(self) -> None:
        if self.active_tab == "tarifs":
            key = self.query_one("#prices-grid", DataGrid).cursor_key
            if key is not None:
                self.prices = [
                    p for p in self.prices if (p.price_category_code, p.unit_code or "") != key
                ]
                self.dirty = True
                self.show_prices()
        elif self.active_tab == "stocks":
            key = self.query_one("#stocks-grid", DataGrid).cursor_key
            if key is not None:
                self.stocks = [s for s in self.stocks if s.depot_code != key]
                self.dirty = True
                self.show_stocks()

    def current_code(self) -> str:
        return self.code or str(self.query_one(Form).raw_values().get("code") or "").strip()

    # -- tabs

    def tab_names(self) -> tuple[str, ...]:
        # a new article has no correspondences yet
        return self.TABS[:3] if self.new else self.TABS

    def focus_tab(self, tab: str) -> None:
        if tab == "general":
            self.query_one(Form).focus_first()
        elif tab == "correspondances":
            self.query_one(CorrespondencesTab).grid.focus()
        else:
            self.query_one("#prices-grid" if tab == "tarifs" else "#stocks-grid").focus()

    # -- save and close

    def action_save(self) -> None:
        form = self.query_one(Form)
        values = form.values()
        if values is None:
            self.show_tab("general")
            self.notify_error("Corrigez les champs signalés de l'onglet Général.")
            return
        try:
            article = Article.model_validate(values)
            code = article.code
            prices = [p.model_copy(update={"article_code": code}) for p in self.prices]
            stocks = [s.model_copy(update={"article_code": code}) for s in self.stocks]
            store.save_article_card(self.db, article, prices, stocks, new=self.new)
        except ValidationError as exc:
            form.set_errors(field_errors(exc))
            self.show_tab("general")
            self.notify_error("Corrigez les champs signalés de l'onglet Général.")
            return
        except UserError as exc:
            self.notify_error(str(exc))
            return
        self.notify(f"Article {code} enregistré.")
        self.dismiss(code)

    def unsaved_changes(self) -> str | None:
        """Where changes wait for Ctrl+S (said when quitting), None when there are none."""
        return self.sub_title if self.dirty or self.query_one(Form).changed() else None
