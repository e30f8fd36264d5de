"""Synchro › E-connecteur: the dashboard, the reception (with a correspondence made on the
screen), the report, a send, the history, the warning at the opening, a reception held by another
process; driven with the keyboard only at 80×24 on the demo (FACILI with new ETA files that
produce every status, SEMIS-MAIS without correspondence)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from textual.command import CommandPalette

from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db, write_transaction
from econnect_tui.errors import UserError
from econnect_tui.models.connector import UpdateMode
from econnect_tui.store import connectors as connectors_store
from econnect_tui.store import documents as documents_store
from econnect_tui.store import history, mappings, staging
from econnect_tui.store.locks import put_lock
from econnect_tui.sync import send as sending
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector, load_demo
from econnect_tui.sync.reception import NEW, changed_since_preview, receive
from econnect_tui.sync.reception import preview as preview_of
from econnect_tui.sync.runs import host
from econnect_tui.tui.screens.confirm import ConfirmScreen
from econnect_tui.tui.screens.history import HistoryScreen
from econnect_tui.tui.screens.mapping import MappingScreen
from econnect_tui.tui.screens.menu import ActionMenu
from econnect_tui.tui.screens.reception import ReceptionScreen
from econnect_tui.tui.screens.report import ReportScreen, SendReportScreen
from econnect_tui.tui.screens.sync import ConnectorRow, PendingWarningScreen, SyncScreen
from econnect_tui.tui.widgets.article_picker import ArticlePicker
from tests.helpers import still_written
from tests.tui_helpers import SIZE, notifications, screen_text, settle, type_text

C = "FACILI"
HELD = "F259038_D260190"  # held back by SEMIS-MAIS until it is mapped
UNKNOWN_CLIENT = "F259039_D260201"


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """Dates are shown in the machine's time zone: make it UTC for stable snapshots."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def demo(tmp_path: Path, *, held_back: bool = False):
    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    if held_back:
        receive(db, C)  # F259038 (SEMIS-MAIS) and F259039 (client inconnu) wait
    return db


def make_app(tmp_path: Path, db=None, **kw) -> EconnectApp:
    app = EconnectApp(db or demo(tmp_path), tmp_path / "econnect.db", **kw)
    app.animation_level = "none"
    return app


def fix_history(db) -> None:
    """Fixed dates, user and pid in the history (snapshots)."""
    with write_transaction(db):
        db.execute(
            "UPDATE sync_runs SET started_at = strftime('%Y-%m-%dT%H:%M:%S+00:00',"
            " '2026-01-19 07:30:00', '+' || (id * 7) || ' minutes'), finished_at = NULL,"
            " user = 'marie', host = 'eta', pid = 4242"
        )


async def dashboard(pilot) -> SyncScreen:
    await pilot.press("f3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    return screen


async def reception(pilot) -> ReceptionScreen:
    await dashboard(pilot)
    await pilot.press("r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReceptionScreen)
    return screen


def status_of(screen: ReceptionScreen, numero: str) -> str:
    row = screen.grid.get_row_by_key(("document", numero))
    assert row is not None, numero
    return str(row.cells[1])


def external_ids(db) -> set[str]:
    return {d.external_id for d in documents_store.list_documents(db) if d.external_id}


# ------------------------------------------------------------------------------ the reception


async def test_reception_with_a_mapping_made_on_the_screen(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        board = await dashboard(pilot)
        row = board.query_one(ConnectorRow)
        assert app.focused is row
        text = str(row.query_one(".cell-reception").render())
        assert "Données en attente de réception" in text and "2 fichiers" in text

        screen = await reception(pilot)
        assert "2 fichiers vont être traités pour importer des données." in screen_text(app)
        assert "Les documents contenant des articles sans correspondance ne seront pas" in (
            screen_text(app)
        )
        # The cursor starts on the article without correspondence.
        assert screen.grid.cursor_key == ("article", "SEMIS-MAIS")
        assert str(screen.grid.get_row(1).cells[1]) == "Sans correspondance"
        assert status_of(screen, HELD) == "Article sans correspondance : SEMIS-MAIS"
        assert status_of(screen, UNKNOWN_CLIENT) == "Client inconnu : 0999"

        await pilot.press("enter")  # the article picker, suggestions first
        picker = app.screen
        assert isinstance(picker, ArticlePicker)
        assert picker.codes[0] == "SEMMAIS"
        await type_text(pilot, "semis mais")
        assert picker.codes[0] == "SEMMAIS"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert mappings.external_to_article(app.db, C)["SEMIS-MAIS"] == "SEMMAIS"
        # Every status again, before « Recevoir »: the held document will be integrated.
        assert status_of(screen, HELD) == NEW
        assert str(screen.grid.get_row_by_key(("article", "SEMIS-MAIS")).cells[1]) == (
            "SEMMAIS - Semis maïs monograine"
        )
        assert not screen.query_one("#reception-note").display
        assert "1 document n'est plus retenu" in notifications(app)[-1]

        await pilot.press("f9")  # Recevoir, in a worker with its own connection
        await settle(pilot)
        report = app.screen
        assert isinstance(report, ReportScreen)
        assert report.run.kind.value == "reception"
        failed = [r for r in report.run.rows if not r.ok]
        assert {r.identifier for r in failed} >= {"F259039_D260201 / 0999"}
        await pilot.press("x")  # only the ✗ rows
        assert report.grid.row_count == len(failed)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
    ids = external_ids(app.db)
    assert {HELD, "F259036_D260081", "F259037_D260174", "F259041_D260215"} <= ids
    assert UNKNOWN_CLIENT not in ids
    assert staging.held_back_documents(app.db, C) == 1  # only the unknown client waits


async def test_picker_search_without_match_lists_nothing_and_enter_maps_nothing(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reception(pilot)
        await pilot.press("c")
        picker = app.screen
        assert isinstance(picker, ArticlePicker)
        await type_text(pilot, "xwxwxw")
        assert picker.codes == [] and picker.query_one("#picker-list").option_count == 0
        empty = picker.query_one("#picker-empty")
        assert empty.display and str(empty.render()) == "Aucun article ne correspond"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is picker
        assert notifications(app)[-1] == "Aucun article ne correspond à la recherche."
        # Accents and case are still ignored.
        await pilot.press("ctrl+u")
        await type_text(pilot, "Semis Maïs")
        assert picker.codes[0] == "SEMMAIS"
        assert not empty.display
        # Among the labels with the typed word, the one closest to SEMIS-MAIS comes first.
        await pilot.press("ctrl+u")
        await type_text(pilot, "semis")
        assert picker.codes[:2] == ["SEMMAIS", "SEMCER"]
        await pilot.press("escape")
        assert app.screen is screen
    assert "SEMIS-MAIS" not in mappings.external_to_article(app.db, C)


async def test_the_seed_headers_are_whole_at_80_columns(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await reception(pilot)
        header = screen.grid.render_line(0).text
    assert "Données en attente d'intégration" in header
    assert "Statut / Correspondance Gestion Commerciale" in header


async def test_annuler_integrates_nothing(tmp_path) -> None:
    app = make_app(tmp_path)
    before = external_ids(app.db)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reception(pilot)
        await pilot.press("r")  # R again (a key held on the dashboard) does not receive
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
    assert external_ids(app.db) == before
    assert len(list((tmp_path / "facili" / "import").glob("*.csv"))) == 2
    assert len(history.list_runs(app.db, C)) == 1  # the demo's first reception only


async def test_discard_a_held_back_document_after_confirming(tmp_path) -> None:
    app = make_app(tmp_path, demo(tmp_path, held_back=True))
    assert staging.held_back_documents(app.db, C) == 2
    async with app.run_test(size=SIZE) as pilot:
        screen = await reception(pilot)
        assert "Aucun nouveau fichier : 2 documents retenus à nouveau proposés." in (
            screen_text(app)
        )
        screen.grid.select_key(("document", UNKNOWN_CLIENT))
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # Annuler has the focus
        assert app.screen is screen
        assert staging.held_back_documents(app.db, C) == 2
        await pilot.press("d", "right", "enter")  # Écarter, chosen explicitly
        await pilot.pause()
        assert app.screen is screen
        assert screen.grid.get_row_by_key(("document", UNKNOWN_CLIENT)) is None
        assert notifications(app)[-1] == f"Document {UNKNOWN_CLIENT} écarté."
        # D is only offered on a held-back document.
        screen.grid.select_key(("article", "SEMIS-MAIS"))
        assert screen.check_action("discard", ()) is False
    assert staging.held_back_documents(app.db, C) == 1


async def test_missing_import_folder_is_said_and_nothing_is_received(tmp_path) -> None:
    app = make_app(tmp_path)
    folder = tmp_path / "facili" / "import"
    shutil.rmtree(folder)
    async with app.run_test(size=SIZE) as pilot:
        board = await dashboard(pilot)
        alerts = str(board.query_one(".row-alerts").render())
        assert f"✗ Le dossier d'import {folder} n'existe pas" in alerts
        screen = await reception(pilot)
        assert f"Le dossier d'import {folder} n'existe pas" in screen_text(app)
        assert screen.query_one("#receive").disabled
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is screen
    assert len(history.list_runs(app.db, C)) == 1


async def test_reception_held_by_another_process_is_shown_and_refused(tmp_path) -> None:
    db = demo(tmp_path)
    with write_transaction(db):
        put_lock(db, C, 1, host(), "marie")  # pid 1 is always alive
    app = make_app(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        board = await dashboard(pilot)
        alerts = str(board.query_one(".row-alerts").render())
        assert alerts.startswith("Réception en cours par marie (pid 1, depuis ")
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is board
        assert notifications(app)[-1].startswith(
            f"Une réception est déjà en cours pour {C} (pid 1, marie, depuis"
        )


# --------------------------------------------------------------------- send, history, menus


async def test_send_writes_the_export_files_and_shows_the_report(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await dashboard(pilot)
        await pilot.press("e")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, SendReportScreen)
        assert modal.run is not None and modal.run.status.value == "ok"
        text = screen_text(app)
        assert "Articles.csv" in text and "articles envoyés" in text
        await pilot.press("enter")
        await settle(pilot)
        row = app.screen.query_one(ConnectorRow)
        assert "Dernier envoi" in str(row.query_one(".cell-send").render())
    export = tmp_path / "facili" / "export"
    assert {p.name for p in export.iterdir()} == {"Articles.csv", "Clients.csv", "Contacts.csv"}


async def test_send_error_is_reported(tmp_path) -> None:
    app = make_app(tmp_path)
    (tmp_path / "facili" / "export").rmdir()
    async with app.run_test(size=SIZE) as pilot:
        await dashboard(pilot)
        await pilot.press("e")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, SendReportScreen)
        assert modal.error and "export" in modal.error
        await pilot.press("escape")
        await settle(pilot)
        alerts = str(app.screen.query_one(".row-alerts").render())
        assert alerts.startswith("✗ Envoi du ")


async def test_history_filters_and_opens_a_report(tmp_path) -> None:
    db = demo(tmp_path)
    sending.send(db, C)
    app = make_app(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        await dashboard(pilot)
        await pilot.press("o")  # Options › Accéder à l'historique des synchronisations
        assert isinstance(app.screen, ActionMenu)
        await pilot.press("down", "enter")
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert [screen.grid.get_row(i).cells[2] for i in range(2)] == ["Envoi", "Réception"]
        await pilot.press("t")  # Réception only
        assert screen.grid.row_count == 1
        await pilot.press("s", "s", "s")  # ✗ Échec: none
        assert screen.grid.row_count == 0
        await pilot.press("s", "enter")  # every state again; open the reception's report
        report = app.screen
        assert isinstance(report, ReportScreen)
        assert report.run.kind.value == "reception" and report.grid.row_count > 0
        # The rows are read as tuples, not a model each (100,000 of them after a big reception)
        assert report.run.rows == [] and all(isinstance(r, history.ReportLine) for r in report.rows)
        assert [tuple(r) for r in report.rows] == [
            (r.file_name, r.type, r.identifier, r.ok, r.messages)
            for r in history.get_run(db, report.run.id).rows
        ]
        await pilot.press("enter")  # the whole row
        assert app.screen.text_title.startswith(report.rows[report.grid.cursor_row].type.value)
        await pilot.press("escape", "escape", "escape")
        assert isinstance(app.screen, SyncScreen)


async def test_menu_opens_the_correspondence_of_the_articles(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await dashboard(pilot)
        await pilot.press("m")
        menu = app.screen
        assert isinstance(menu, ActionMenu)
        assert [i.label for i in menu.items] == [
            "Créer un nouveau connecteur",
            "Accéder au paramétrage e-connecteur",
            "Mettre à jour la correspondance des articles",
        ]
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MappingScreen)
        assert app.screen.connector == C


async def test_menu_and_options_open_the_connector_settings(tmp_path) -> None:
    from econnect_tui.tui.screens.connector_wizard import ConnectorWizardScreen
    from econnect_tui.tui.screens.connectors import ConnectorListScreen

    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        board = await dashboard(pilot)
        await pilot.press("m", "enter")  # Créer un nouveau connecteur
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, ConnectorWizardScreen)
        assert wizard.new and wizard.step == "identification"
        assert app.current_mode == "synchro"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board
        await pilot.press("m", "down", "enter")  # Accéder au paramétrage e-connecteur
        await pilot.pause()
        assert isinstance(app.screen, ConnectorListScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is board
        await pilot.press("o", "enter")  # Options › Accéder au paramétrage du connecteur
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, ConnectorWizardScreen)
        assert wizard.code == C and wizard.step == "communication"


async def test_palette_offers_each_connector_s_actions(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        assert isinstance(app.screen, CommandPalette)
        titles = [c.title for c in app.palette_commands()]
        for title in (
            "Réceptionner FACILI",
            "Envoyer FACILI",
            "Historique FACILI",
            "Correspondance des articles",
        ):
            assert title in titles
        command = next(c for c in app.palette_commands() if c.title == "Historique FACILI")
        await pilot.press("escape")
        command.run()
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and app.current_mode == "synchro"


async def test_home_shows_the_connectors(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#sync-summary").render())
        assert "FACILI" in text and "Données en attente de réception" in text
        assert "2 fichiers" in text and "Aucun envoi réalisé" in text


# ------------------------------------------------------------------ the warning at the opening


async def test_warning_at_the_opening_then_open_the_reception(tmp_path) -> None:
    app = make_app(tmp_path, startup_checks=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        warning = app.screen
        assert isinstance(warning, PendingWarningScreen)
        assert "Des données sont en attente de réception pour FACILI" in screen_text(app)
        await pilot.press("enter")  # « Plus tard » has the focus
        assert not isinstance(app.screen, PendingWarningScreen)
        assert app.current_mode == "accueil"
    app = make_app(tmp_path, app.db, startup_checks=True)  # opened again
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right", "enter")  # « Ouvrir la réception »
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)


async def test_no_warning_for_a_manual_connector(tmp_path) -> None:
    db = demo(tmp_path)
    connector = connectors_store.require_connector(db, C)
    connector.receive.update_mode = UpdateMode.MANUAL
    save_connector(db, connector, new=False)
    app = make_app(tmp_path, db, startup_checks=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any(isinstance(s, PendingWarningScreen) for s in app.screen_stack)
        assert app.current_mode == "accueil"


# -------------------------------------------------------------------------- snapshots (80×24)


def test_snapshot_dashboard_pending(snap_compare, tmp_path) -> None:
    db = demo(tmp_path)
    fix_history(db)
    assert snap_compare(make_app(tmp_path, db), terminal_size=SIZE, run_before=dashboard)


def test_snapshot_dashboard_several(snap_compare, tmp_path) -> None:
    db = demo(tmp_path)
    sending.send(db, C)
    for code, folder in (("ETA2", "eta2"), ("ETA3", "eta3")):
        other = demo_connector(tmp_path / folder).model_copy(update={"code": code})
        save_connector(db, other, new=True, create_folders=True)
    with write_transaction(db):
        put_lock(db, "ETA2", 1, host(), "marie")
        # A fixed time for the picture, after pid 1 started (a lock older than its process is
        # one a reused pid holds: stale).
        db.execute("UPDATE reception_locks SET started_at = '2099-01-19T08:02:03+00:00'")
    fix_history(db)
    assert snap_compare(make_app(tmp_path, db), terminal_size=SIZE, run_before=dashboard)


def test_snapshot_dashboard_error(snap_compare, tmp_path) -> None:
    db = demo(tmp_path, held_back=True)
    (tmp_path / "facili" / "export").rmdir()
    with pytest.raises(UserError):
        sending.send(db, C)
    connector = connectors_store.require_connector(db, C)
    connectors_store.save_connector(
        db,
        connector.model_copy(update={"import_path": "/nonexistent/import"}),
        new=False,
    )
    fix_history(db)
    with write_transaction(db):
        db.execute(
            "UPDATE sync_runs SET message = 'Le dossier d''export /srv/eta/export n''existe"
            " pas.' WHERE kind = 'envoi'"
        )
    assert snap_compare(make_app(tmp_path, db), terminal_size=SIZE, run_before=dashboard)


def test_snapshot_reception(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=reception)


def test_snapshot_article_picker(snap_compare, tmp_path) -> None:
    async def run_before(pilot) -> None:
        await reception(pilot)
        await pilot.press("enter")
        await pilot.pause()  # the footer takes the picker's keys on the next refresh

    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_report(snap_compare, tmp_path) -> None:
    db = demo(tmp_path, held_back=True)
    fix_history(db)

    async def run_before(pilot) -> None:
        await dashboard(pilot)
        await pilot.press("h", "enter")  # the newest run: the reception with held-back rows

    assert snap_compare(make_app(tmp_path, db), terminal_size=SIZE, run_before=run_before)


def test_snapshot_send_report(snap_compare, tmp_path) -> None:
    db = demo(tmp_path)
    result = sending.send(db, C)
    fix_history(db)
    with write_transaction(db):
        db.execute(
            "UPDATE sync_run_files SET path = replace(path, ?, '/srv/eta')",
            [str(tmp_path / "facili")],
        )

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(SendReportScreen(C, history.get_run(pilot.app.db, result.run_id)))
        await pilot.pause()

    assert snap_compare(make_app(tmp_path, db), terminal_size=SIZE, run_before=run_before)


def test_snapshot_history(snap_compare, tmp_path) -> None:
    db = demo(tmp_path, held_back=True)
    sending.send(db, C)
    fix_history(db)

    async def run_before(pilot) -> None:
        await dashboard(pilot)
        await pilot.press("h")

    assert snap_compare(make_app(tmp_path, db), terminal_size=SIZE, run_before=run_before)


def test_snapshot_startup_warning(snap_compare, tmp_path) -> None:
    db = demo(tmp_path)
    fix_history(db)
    assert snap_compare(
        make_app(tmp_path, db, startup_checks=True), terminal_size=SIZE, run_before=settle
    )


def test_snapshot_home_with_a_connector(snap_compare, tmp_path) -> None:
    db = demo(tmp_path)
    fix_history(db)
    assert snap_compare(make_app(tmp_path, db), terminal_size=SIZE, run_before=settle)


async def test_a_reception_run_elsewhere_since_the_preview_is_said_and_nothing_received(
    tmp_path,
) -> None:
    """The screen shows « 2 fichiers vont être traités »; meanwhile cron receives them. F9 used
    to run a second reception that found nothing new, its report never saying why."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reception(pilot)
        assert screen.preview.files_to_process == 2
        other = open_db(tmp_path / "econnect.db")
        done = receive(other, C)  # cron, from another connection
        runs = len(history.list_runs(app.db, C, limit=100))
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is screen  # no report: nothing was received
        said = notifications(app)[-1]
        assert said.startswith(f"La réception n° {done.run.id} de FACILI (par ")
        assert "a eu lieu depuis l'aperçu : rien n'a été reçu. L'aperçu est relu" in said
        assert len(history.list_runs(app.db, C, limit=100)) == runs
        assert screen.preview.files_to_process == 0  # the preview read again
        await pilot.press("f9")  # now the operator has seen it: received
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)


async def test_a_file_arrived_since_the_preview_is_shown_before_it_is_received(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reception(pilot)
        folder = tmp_path / "facili" / "import"
        late = folder / "ImportTiers_20261128_0900.csv"
        late.write_text("Type;CodeTiers;Nom\nClient;0777;EARL Tardive\n", encoding="utf-8")
        old = time.time() - 60
        os.utime(late, (old, old))
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is screen
        said = notifications(app)[-1]
        assert said.startswith(
            "1 fichier arrivé depuis l'aperçu : ImportTiers_20261128_0900.csv : rien n'a été reçu."
        ), said
        assert late.name in {f.name for f in screen.preview.files}
        assert late.exists()


async def test_a_file_rewritten_since_the_preview_is_shown_before_it_is_received(tmp_path) -> None:
    """Same name, new content (the ETA software wrote it again): its new documents were
    received though the operator had never seen them."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await reception(pilot)
        path = tmp_path / "facili" / "import" / "ImportTiers_20261127_0800.csv"
        assert path.exists()
        path.write_bytes(path.read_bytes() + b"Client;0778;;;EARL Ajoutee;;;;\r\n")
        old = time.time() - 60
        os.utime(path, (old, old))
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is screen
        said = notifications(app)[-1]
        assert said.startswith(
            "1 fichier réécrit depuis l'aperçu : ImportTiers_20261127_0800.csv : rien n'a été reçu."
        ), said


def test_a_file_taken_away_since_the_preview_is_said(tmp_path) -> None:
    db = demo(tmp_path)
    shown = preview_of(db, C)
    assert changed_since_preview(db, shown) is None
    (tmp_path / "facili" / "import" / "ImportTiers_20261127_0800.csv").unlink()
    assert changed_since_preview(db, shown) == (
        "1 fichier retiré du dossier d'import depuis l'aperçu : ImportTiers_20261127_0800.csv"
    )


def test_the_preview_s_bookkeeping_stays_out_of_its_json(tmp_path) -> None:
    db = demo(tmp_path)
    dumped = preview_of(db, C).model_dump(mode="json")
    assert "readable" not in dumped and "last_reception" not in dumped


# ------------------------------------------------------------------- folders (settle, sharing)


async def test_a_file_still_being_written_is_said_so_and_left_by_recevoir(
    tmp_path, monkeypatch
) -> None:
    """The preview looks twice, the quiet period apart, whatever the file's dates say (here a
    share's clock an hour ahead): a file that changed between its looks is « fichier en cours
    d'écriture », and « Recevoir » leaves it in place, as the preview said."""
    monkeypatch.setenv("ECONNECT_SETTLE_SECONDS", "1")
    app = make_app(tmp_path)
    growing = tmp_path / "facili" / "import" / "ImportTiers_20261128_0900.csv"
    growing.write_bytes(b"TypeTiers;CodeTiers;Nom\r\n")

    def rows(n: int) -> bytes:
        return f"Client;08{n:02d};EARL {n}\r\n".encode()

    async with app.run_test(size=SIZE) as pilot:
        with still_written(growing, rows, every=0.2, clock=3600):
            screen = await reception(pilot)
            row = screen.grid.get_row_by_key(("file", growing.name))
            assert row is not None
            assert str(row.cells[1]).startswith("fichier en cours d'écriture")
            assert screen.preview.files_to_process == 3  # the demo's two files were read
            await pilot.press("f9")
            await settle(pilot)
        report = app.screen
        assert isinstance(report, ReportScreen)
        (file,) = [f for f in report.run.files if f.name == growing.name]
        assert file.status == "laissé en place"
    assert growing.exists()


async def test_connectors_sharing_an_import_folder_are_flagged_on_their_rows(tmp_path) -> None:
    db = demo(tmp_path)
    # Saved past the rule (a database older than it): F2 on FACILI's import folder.
    other = demo_connector(tmp_path / "f2").model_copy(
        update={"code": "F2", "import_path": str(tmp_path / "facili" / "import")}
    )
    connectors_store.save_connector(db, other, new=True)
    app = make_app(tmp_path, db)
    async with app.run_test(size=SIZE) as pilot:
        board = await dashboard(pilot)
        rows = {row.code: row for row in board.query(ConnectorRow)}
        for code, the_other in (("F2", "FACILI"), ("FACILI", "F2")):
            cell = str(rows[code].query_one(".cell-reception").render())
            assert cell.startswith("Dossier d'import en erreur")
            alerts = str(rows[code].query_one(".row-alerts").render())
            assert "est aussi le dossier d'import du connecteur " + the_other in alerts
            assert f"aucune réception de {code}" in alerts
