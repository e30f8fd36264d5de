"""Articles: the list and its `/` filter, the card (Général, Tarifs, Stocks), new article."""

from __future__ import annotations

from decimal import Decimal as D

from econnect_tui.store import articles
from econnect_tui.tui.screens.articles import (
    ArticleCardScreen,
    ArticlesScreen,
    article_row,
    article_rows,
)
from econnect_tui.tui.screens.confirm import ConfirmScreen
from econnect_tui.tui.screens.record_form import RecordFormScreen
from econnect_tui.tui.widgets.cell_editor import CellEditor
from econnect_tui.tui.widgets.form import FieldRow
from econnect_tui.tui.widgets.grid import DataGrid, GridRow
from tests.tui_helpers import SIZE, field_error, make_app, notifications, post_burst, type_text


def visible_keys(grid: DataGrid) -> list:
    return [grid.get_row(i).key for i in range(grid.row_count)]


async def open_card(pilot, code: str) -> ArticleCardScreen:
    """F4 then the card of `code`, pushed the way Enter on its row does."""
    app = pilot.app
    await pilot.press("f4")
    screen = app.screen
    assert isinstance(screen, ArticlesScreen)
    screen.grid.select_key(code)
    await pilot.press("enter")
    assert isinstance(app.screen, ArticleCardScreen)
    return app.screen


async def test_filter_open_edit_label_price_and_stock_then_save(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "slash", *"epandage")
        grid = app.screen.query_one(DataGrid)
        assert visible_keys(grid) == ["EPFUM", "EPLIS"]  # « Épandage », accent-insensitive
        await pilot.press("enter")  # back to the list, the filter kept
        assert app.focused is grid and grid.row_count == 2
        await pilot.press("enter")
        card = app.screen
        assert isinstance(card, ArticleCardScreen) and card.code == "EPFUM"

        # Général: the code is read-only, the focus is on the label.
        await pilot.press("end")
        await type_text(pilot, " bio")
        # Tarifs: Ctrl+PageDown, the cursor is on the price of the first line (ADH).
        await pilot.press("ctrl+pagedown")
        assert card.active_tab == "tarifs"
        prices_grid = card.query_one("#prices-grid", DataGrid)
        assert app.focused is prices_grid
        await pilot.press("enter", "ctrl+u", *"7,1", "enter")
        assert prices_grid.get_row(0).cells[2] == "7,1"
        # Stocks: N opens the form; the depot is a Select driven by the keyboard.
        await pilot.press("ctrl+pagedown", "n")
        assert isinstance(app.screen, RecordFormScreen)
        await pilot.press("enter", "down", "enter")  # open the list, DEP1 -> DEP2, choose
        await pilot.press("tab", "1", "enter")  # Enter on the last field saves the form
        assert isinstance(app.screen, ArticleCardScreen)
        assert card.query_one("#stocks-grid", DataGrid).row_count == 1

        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ArticlesScreen)
        assert grid.get_row_by_key("EPFUM").cells[1] == "Épandage de fumier bio"

    assert articles.get_article(app.db, "EPFUM").label == "Épandage de fumier bio"
    prices = {p.price_category_code: p.price for p in articles.prices_of(app.db, "EPFUM")}
    assert prices == {"ADH": D("7.1"), "TARIF1": D("6.80")}
    stocks = articles.stocks_of(app.db, "EPFUM")
    assert [(s.depot_code, s.quantity) for s in stocks] == [("DEP2", D("1"))]


async def test_a_price_refused_in_a_burst_says_why_at_once(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "EPFUM")
        await pilot.press("ctrl+pagedown")
        prices_grid = card.query_one("#prices-grid", DataGrid)
        post_burst(app, "xyz\r8\r")
        for _ in range(3):
            await pilot.pause()
        editor = app.screen
        assert isinstance(editor, CellEditor) and editor.input.value == "xyz"
        assert str(editor.error_label.render()).splitlines() == [
            "✗ « xyz » n'est pas un nombre",
            "1 saisie suivante ignorée",
        ]
        assert editor.error_label.display and editor.error_label.region.width > 0
        assert [row.cells[2] for row in prices_grid.rows] == ["6,20", "6,80"]


async def test_escape_with_changes_asks_and_defaults_to_cancel(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "LAB")
        await pilot.press("end", "X", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # the focused button is « Annuler »
        assert app.screen is card
        await pilot.press("escape", "right", "enter")  # this time « Fermer »
        assert isinstance(app.screen, ArticlesScreen)
    assert articles.get_article(app.db, "LAB").label == "Labour"


async def test_new_article_refuses_missing_fields_then_saves(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "n")
        card = app.screen
        assert isinstance(card, ArticleCardScreen) and card.new
        await pilot.press("ctrl+s")
        assert app.screen is card
        assert field_error(app, "code") == "valeur obligatoire"
        assert field_error(app, "label") == "valeur obligatoire"
        assert field_error(app, "vat_rate") == ""  # 20 % by default
        # A code that exists is refused too, in French.
        await type_text(pilot, "LAB")
        await pilot.press("tab")
        await type_text(pilot, "Binage")
        await pilot.press("ctrl+s")
        assert app.screen is card
        assert any("LAB" in message for message in notifications(app)), notifications(app)
        await pilot.press("shift+tab", "ctrl+u")
        await type_text(pilot, "NEW")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ArticlesScreen)
        assert app.screen.grid.cursor_key == "NEW"
    article = articles.get_article(app.db, "NEW")
    assert article.label == "Binage" and article.vat_rate == D(20) and article.active
    assert articles.get_article(app.db, "LAB").label == "Labour"


# ----------------------------------------------------------------------------- snapshots


def card(code: str | None, *keys: str):
    async def run_before(pilot) -> None:
        await pilot.press("f4")
        pilot.app.push_screen(ArticleCardScreen(code))
        await pilot.pause()
        if keys:
            await pilot.press(*keys)

    return run_before


def test_snapshot_articles_list(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, press=["f4"])


def test_snapshot_articles_filtered(snap_compare, tmp_path) -> None:
    async def run_before(pilot) -> None:
        await pilot.press("f4", "slash")
        await type_text(pilot, "epandage")
        await pilot.press("enter")

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_article_card_general(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=card("GNR"))


def test_snapshot_article_card_prices(snap_compare, tmp_path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, run_before=card("GNR", "ctrl+pagedown")
    )


def test_snapshot_article_card_stocks(snap_compare, tmp_path) -> None:
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, run_before=card("GNR", "ctrl+pageup")
    )


def test_snapshot_new_article_with_errors(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=card(None, "ctrl+s"))


def test_snapshot_add_stock_form(snap_compare, tmp_path) -> None:
    """The record form over the card (Select for the depot)."""
    assert snap_compare(
        make_app(tmp_path), terminal_size=SIZE, run_before=card("EPFUM", "ctrl+pageup", "n")
    )


async def test_escape_on_a_new_untouched_article_leaves_at_once(tmp_path) -> None:
    """A new article shows its Unité's first choice (a Select without a blank line): that is
    not a change of the operator's. Nothing typed, Échap leaves; something typed, it asks."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "n")
        card = app.screen
        assert isinstance(card, ArticleCardScreen) and card.new
        await pilot.press("ctrl+pagedown", "n")  # « Ajouter un tarif »: two Selects, no blank
        assert isinstance(app.screen, RecordFormScreen)
        await pilot.press("escape")
        assert app.screen is card
        await pilot.press("escape")
        assert isinstance(app.screen, ArticlesScreen)
        await pilot.press("n", "tab", "X", "escape")
        assert isinstance(app.screen, ConfirmScreen)


async def test_the_focused_field_has_a_bar_on_its_left(tmp_path) -> None:
    """A focused Select differed from the others by one shade of grey, lost in 16 colours:
    the focused field (Input, Select, Checkbox) shows a bar on its left, the others a blank."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "LAB")
        editors = [row.editor for row in card.query(FieldRow) if not row.editor.disabled]
        kinds = set()
        for _ in editors:
            focused = app.focused
            kinds.add(type(focused).__name__)
            bars = {e: e.styles.border_left[0] for e in editors}
            assert bars[focused] == "outer"
            assert all(bar == "blank" for e, bar in bars.items() if e is not focused)
            await pilot.press("tab")
        assert kinds == {"FieldInput", "DropDown", "TickBox"}


async def test_the_list_is_built_from_the_stores_tuples_once_per_showing(
    tmp_path, monkeypatch
) -> None:
    """50,000 articles on a large database: the list reads tuples (`store.articles.list_rows`),
    not a model each, once when shown; its rows are those an article model gives."""
    app = make_app(tmp_path)
    reads = []

    def list_rows(db):
        reads.append(1)
        return read(db)

    read = articles.list_rows
    monkeypatch.setattr(articles, "list_rows", list_rows)
    monkeypatch.setattr(articles, "list_articles", None)  # not called by the list
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        screen = app.screen
        assert isinstance(screen, ArticlesScreen) and reads == [1]
        await pilot.press("f2", "f4")
        assert app.screen is screen and reads == [1]
        shown = [screen.grid.get_row(i) for i in range(screen.grid.row_count)]
        models = [articles.get_article(app.db, row.key) for row in shown]
        assert shown == [article_row(a) for a in models]
        # the search text folded in one pass is the one a row derives from its cells
        assert [row.search for row in shown] == [
            GridRow(row.key, row.cells).search for row in shown
        ]
    # as the model's row did: the rate without trailing zeros when whole, an inactive one muted
    row = article_rows([articles.ArticleListRow("A1", "Été", None, "U", "5.50", 1, 0)])[0]
    assert (row.key, row.cells, row.search, row.style) == (
        "A1",
        ("A1", "Été", "", "U", "5,50", "Oui", "Non"),
        "a1 ete  u 5,50 oui non",
        "muted",
    )
    assert article_rows([articles.ArticleListRow("A2", "x", "F", "U", "20.00", 0, 1)])[0].cells[
        4:
    ] == ("20", "Non", "Oui")


async def test_a_new_articles_code_is_kept_in_its_normal_form_or_refused_saying_where(
    tmp_path,
) -> None:
    # Issue 16: the code an operator pastes is the code a file gives: BOM, no-break and
    # zero-width spaces around it removed, one inside it said with its place.
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "n")
        card = app.screen
        await type_text(pilot, "BI\u200bNAGE")
        await pilot.press("tab")
        await type_text(pilot, "Binage")
        await pilot.press("ctrl+s")
        assert app.screen is card
        assert field_error(app, "code") == (
            "le code « BI⟨U+200B⟩NAGE » contient un caractère invisible en position 3"
            " (espace sans chasse, U+200B)"
        )
        assert app.focused.value == "BI\u200bNAGE"  # the field in error
        await pilot.press("ctrl+u")
        await type_text(pilot, "\ufeffBINAGE\u00a0")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ArticlesScreen)
    assert articles.get_article(app.db, "BINAGE").label == "Binage"


async def test_a_vat_rate_outside_0_to_100_is_refused_as_in_a_file(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "LAB")
        rate = card.query_one("#field-vat_rate Input")
        rate.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "150")
        await pilot.press("ctrl+s")
        assert app.screen is card
        assert field_error(app, "vat_rate") == "« 150 » : taux hors de 0 à 100 %"
        rate.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "5,5")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, ArticlesScreen)
    assert articles.get_article(app.db, "LAB").vat_rate == D("5.5")
