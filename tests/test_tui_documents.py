"""Documents: the list, the detail (lines, totals by VAT rate) and validation."""

from __future__ import annotations

from econnect_tui.models.gc import DocStatus
from econnect_tui.store import documents
from econnect_tui.tui.screens.confirm import ConfirmScreen
from econnect_tui.tui.screens.documents import DocumentScreen, DocumentsScreen
from econnect_tui.tui.screens.menu import TextScreen
from econnect_tui.tui.widgets.grid import DataGrid
from tests.tui_helpers import (
    SIZE,
    add_document,
    make_app,
    notifications,
    sample_document,
    screen_text,
)


async def test_open_a_document_and_validate_it(tmp_path) -> None:
    app = make_app(tmp_path)
    doc = add_document(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        listing = app.screen
        assert isinstance(listing, DocumentsScreen)
        assert listing.grid.row_count == 1
        row = listing.grid.get_row(0)
        assert row.cells[0] == doc.number and row.cells[3] == "Brouillon"
        assert row.cells[4] == "713,96"

        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, DocumentScreen)
        lines = detail.query_one("#doc-lines", DataGrid)
        assert [lines.get_row(i).cells[0] for i in range(lines.row_count)] == ["LAB", "SEMBLE"]
        text = screen_text(app)
        assert "TVA 20 % sur 237,50 : 47,50" in text
        assert "TVA 5,5 % sur 406,60 : 22,36" in text
        assert "v" in detail.active_bindings
        # Enter on a line shows what the ETA said about the work, in a modal (not in toasts
        # that pile up over the totals); Escape or Enter closes it.
        await pilot.press("enter")
        modal = app.screen
        assert isinstance(modal, TextScreen)
        assert modal.text_title == "Ligne 1 — LAB Labour"
        assert str(modal.text) == (
            "Date d'intervention : 15/01/2026\nChantier : Parcelle des Mares\n"
            "Chauffeur : Paul\nTVA : 20 %"
        )
        await pilot.press("escape")
        assert app.screen is detail
        await pilot.press("down", "enter")
        assert isinstance(app.screen, TextScreen)
        assert app.screen.text_title == "Ligne 2 — SEMBLE Semences blé certifiées"
        await pilot.press("enter")
        assert app.screen is detail and notifications(app) == []

        # V asks first; the default answer (Enter on « Annuler ») changes nothing.
        await pilot.press("v")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        assert app.screen is detail
        assert documents.get_document(app.db, doc.id).status is DocStatus.DRAFT

        await pilot.press("v", "right", "enter")
        assert app.screen is detail
        assert documents.get_document(app.db, doc.id).status is DocStatus.VALIDATED
        assert notifications(app)[-1] == f"Document {doc.number} validé."
        # Once validated, V is no longer offered (nor shown in the footer).
        assert "v" not in detail.active_bindings
        await pilot.press("v")
        assert app.screen is detail

        await pilot.press("escape")
        assert app.screen is listing
        assert listing.grid.get_row(0).cells[3] == "Validé"


# ----------------------------------------------------------------------------- snapshots


def test_snapshot_documents_empty(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, press=["f6"])


def test_snapshot_documents_list(snap_compare, tmp_path) -> None:
    app = make_app(tmp_path)
    add_document(app)
    assert snap_compare(app, terminal_size=SIZE, press=["f6"])


def test_snapshot_document_detail(snap_compare, tmp_path) -> None:
    app = make_app(tmp_path)
    add_document(app)
    assert snap_compare(app, terminal_size=SIZE, press=["f6", "enter"])


def test_snapshot_document_line_detail(snap_compare, tmp_path) -> None:
    app = make_app(tmp_path)
    add_document(app)
    assert snap_compare(app, terminal_size=SIZE, press=["f6", "enter", "enter"])


def test_snapshot_validate_confirm(snap_compare, tmp_path) -> None:
    """The confirm dialog (over the document), « Annuler » focused."""
    app = make_app(tmp_path)
    add_document(app)
    assert snap_compare(app, terminal_size=SIZE, press=["f6", "enter", "v"])


async def test_the_list_opens_on_a_page_and_reads_the_rest_in_a_worker(tmp_path, monkeypatch):
    """Read once on F6 (not once per ScreenResume), a page on the UI thread, the whole list in
    a thread worker that then replaces the page."""
    import threading

    from econnect_tui.tui.screens import documents as screen_module

    app = make_app(tmp_path)
    for n in range(3):
        documents.create_document(
            app.db, sample_document().model_copy(update={"external_id": f"F{n}"})
        )
    monkeypatch.setattr(screen_module, "FIRST_PAGE", 2)
    calls: list[tuple[bool, int | None]] = []
    read = documents.list_rows

    def spy(db, limit=None):
        calls.append((threading.current_thread() is threading.main_thread(), limit))
        return read(db, limit)

    monkeypatch.setattr(documents, "list_rows", spy)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, DocumentsScreen)
        assert calls == [(True, 2), (False, None)]
        assert listing.grid.total_count == 3
        assert listing.panel.status_extra == ""


async def test_a_short_list_is_read_once_on_the_ui_thread(tmp_path, monkeypatch):
    app = make_app(tmp_path)
    add_document(app)
    calls: list[int | None] = []
    read = documents.list_rows
    monkeypatch.setattr(
        documents, "list_rows", lambda db, limit=None: calls.append(limit) or read(db, limit)
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        assert len(calls) == 1 and app.screen.grid.total_count == 1
        assert not app.workers._workers


async def test_a_list_that_cannot_be_read_whole_says_so_and_keeps_its_page(
    tmp_path, monkeypatch
) -> None:
    """The worker reading the whole list failed silently: « lecture de la liste… » forever."""
    from econnect_tui.tui.screens import documents as screen_module

    app = make_app(tmp_path)
    for n in range(3):
        documents.create_document(
            app.db, sample_document().model_copy(update={"external_id": f"F{n}"})
        )
    monkeypatch.setattr(screen_module, "FIRST_PAGE", 2)
    # The file moved away under the running app (its own connection keeps its handle): the
    # worker's connection cannot open it.
    (tmp_path / "econnect.db").rename(tmp_path / "moved.db")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = app.screen
        assert listing.grid.total_count == 2  # the page stays
        assert listing.panel.status_extra == "liste incomplète"
        said = notifications(app)[-1]
        assert said.startswith("Lecture de la liste des documents impossible : La base de "), said
        assert said.endswith(
            "Seuls les 2 plus récents sont affichés ; revenez sur l'écran pour réessayer."
        )
