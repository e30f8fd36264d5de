"""Paramètres › E-connecteur: the list of connectors and the wizard (seed 2.1, 2.1.1, 2.1.2),
driven with the keyboard only in an 80×24 terminal."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db
from econnect_tui.models.connector import (
    ArticlesToSend,
    ClientsToSend,
    Connector,
    Liaison,
    Mode,
    OutputEncoding,
    UpdateMode,
)
from econnect_tui.models.gc import DocType
from econnect_tui.store import connectors as store
from econnect_tui.sync.demo import demo_connector
from econnect_tui.sync.gcimport import import_master_file
from econnect_tui.tui.screens.confirm import ConfirmScreen
from econnect_tui.tui.screens.connector_wizard import ConnectorWizardScreen, open_wizard
from econnect_tui.tui.screens.connectors import ConnectorListScreen, open_connector_list
from econnect_tui.tui.screens.menu import TextScreen
from econnect_tui.tui.screens.settings import SettingsScreen
from tests.conftest import closed_port
from tests.tui_helpers import (
    SIZE,
    burst,
    demo_app,
    field_error,
    make_app,
    notifications,
    type_text,
)

# Folders that exist on every Linux machine: stable snapshots of a valid CSV connector.
FIXED_EXPORT, FIXED_IMPORT = "/tmp", "/var/tmp"


async def open_list(pilot) -> ConnectorListScreen:
    """F7, then « E-connecteur », the menu's first entry."""
    await pilot.press("f7")
    assert isinstance(pilot.app.screen, SettingsScreen)
    assert pilot.app.screen.query_one(OptionList).highlighted == 0
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, ConnectorListScreen)
    return screen


def wizard(app) -> ConnectorWizardScreen:
    screen = app.screen
    assert isinstance(screen, ConnectorWizardScreen), screen
    return screen


async def retype(pilot, text: str) -> None:
    """Replace the focused Input's text (End, Ctrl+U, then the new text)."""
    await pilot.press("end", "ctrl+u")
    await type_text(pilot, text)


# In a focused Select: open its list, go down one or two lines, take that one.
CHOOSE_1 = ("enter", "down", "enter")
CHOOSE_2 = ("enter", "down", "down", "enter")


# ----------------------------------------------------------------------------- create


async def test_create_a_connector_through_the_four_steps(tmp_path) -> None:
    app = demo_app(tmp_path)
    export, import_ = tmp_path / "eta2" / "export", tmp_path / "eta2" / "import"
    export.mkdir(parents=True)
    import_.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("n")
        w = wizard(app)
        assert w.step == "identification" and isinstance(app.focused, Input)

        # 1 Identification: the code, the liaison « Suivi ETA » (already chosen).
        await type_text(pilot, "eta2")
        await pilot.press("tab", "f9")
        assert w.step == "communication"

        # 2 Mode de communication: Fichier au format CSV (chosen with Suivi ETA), the folders.
        assert w.row("mode").raw() == Mode.CSV.value
        await pilot.press("tab")
        await type_text(pilot, str(export))
        await pilot.press("enter")  # Enter goes on to the next field
        await type_text(pilot, str(import_))
        await pilot.press("ctrl+n")  # the other key of « Étape suivante »
        assert w.step == "envois"

        # 3 Envois: the arrows choose in a radio group; Enter opens a list, ↓ and Enter pick.
        await pilot.press("up", "up")
        assert w.row("envois.articles").raw() == ArticlesToSend.EXPORT.value
        await pilot.press(
            *("tab", *CHOOSE_2),  # Catégorie tarifaire à envoyer: TARIF1 (ADH, TARIF1)
            *("tab", "tab", *CHOOSE_1),  # no Unité à envoyer; Sélection du dépôt: DEP1
            *("tab", "up"),  # « Envoyer les clients correspondants au filtre personnalisé »
        )
        assert w.row("envois.filtre_clients").display
        await pilot.press(
            *("tab", *CHOOSE_1),  # the demo's client filter
            *("tab", "space", "tab", "right", "f9"),  # contacts, Windows-1252, next step
        )
        assert w.step == "receptions"

        # 4 Réceptions: the only company is chosen already; sites by company, depots by site.
        assert w.row("receptions.entreprise").raw() == "ETA1"
        await pilot.press(
            "left",  # Commandes
            *("tab", "tab", *CHOOSE_1),  # Site affecté: BONNEVAL (BONNEVAL, CHARTRES)
            *("tab", *CHOOSE_1),  # Dépôt affecté: DEP2, the only depot of BONNEVAL
            *("tab", *CHOOSE_1),  # AGRI
            *("tab", *CHOOSE_1),  # INTRANTS
            *("tab", "down", "ctrl+s"),  # À l'ouverture de l'application; Terminer
        )
        await pilot.pause()
        listing = app.screen
        assert isinstance(listing, ConnectorListScreen)
        assert listing.grid.cursor_key == "ETA2"
        assert "Connecteur « ETA2 » enregistré." in notifications(app)

    saved = store.require_connector(app.db, "ETA2")
    assert (saved.liaison, saved.mode) == (Liaison.SUIVI_ETA, Mode.CSV)
    assert (saved.export_path, saved.import_path) == (str(export), str(import_))
    assert (saved.url, saved.key) == (None, None)
    s = saved.send
    assert (s.articles, s.article_filter, s.price_category, s.unit, s.depot) == (
        ArticlesToSend.EXPORT,
        None,
        "TARIF1",
        None,
        "DEP1",
    )
    assert (s.clients, s.client_filter, s.contacts, s.encoding) == (
        ClientsToSend.FILTER,
        "Exploitants d'Eure-et-Loir",
        True,
        OutputEncoding.CP1252,
    )
    r = saved.receive
    assert (r.doc_type, r.company, r.site, r.depot) == (DocType.ORDER, "ETA1", "BONNEVAL", "DEP2")
    assert (r.client_family, r.supplier_family, r.update_mode) == (
        "AGRI",
        "INTRANTS",
        UpdateMode.AT_OPENING,
    )


async def test_errors_under_the_fields_and_next_step_refused(tmp_path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        open_wizard(app)  # as N does in the list (the test above)
        await pilot.pause()
        await pilot.press("f9")
        w = wizard(app)
        assert w.step == "identification"
        assert field_error(app, "code") == "Le code du connecteur est obligatoire"
        await type_text(pilot, "FACILI")
        assert field_error(app, "code") == ""  # a change clears the field's error
        await pilot.press("f9")
        assert field_error(app, "code") == "Le connecteur « FACILI » existe déjà"
        await retype(pilot, "été 2")
        await pilot.press("f9")
        assert (
            field_error(app, "code") == "1 à 10 lettres, chiffres ou « _ » (sans accent ni espace)"
        )
        await retype(pilot, "NEW1")
        await pilot.press("f9")
        assert w.step == "communication"
        await pilot.press("f9")
        assert w.step == "communication"
        assert (
            field_error(app, "chemin_export") == "Le chemin d'export des fichiers est obligatoire"
        )
        assert (
            field_error(app, "chemin_import") == "Le chemin d'import des fichiers est obligatoire"
        )
        assert app.focused is w.row("chemin_export").editor
        await type_text(pilot, "relatif")
        await pilot.press("tab")
        await type_text(pilot, str(tmp_path / "facili" / "import"))
        await pilot.press("f9")
        assert (
            field_error(app, "chemin_export")
            == "« relatif » : indiquez un chemin complet (commençant par /)"
        )
        # « Terminer » checks every step and opens the first one in error.
        await pilot.press("f8")
        assert w.step == "identification"
        await pilot.press("ctrl+s")
        assert w.step == "communication"
        assert "chemin complet" in field_error(app, "chemin_export")
    assert store.get_connector(app.db, "NEW1") is None


async def test_missing_folders_created_on_request(tmp_path) -> None:
    app = demo_app(tmp_path)
    export, import_ = tmp_path / "new" / "export", tmp_path / "new" / "import"
    async with app.run_test(size=SIZE) as pilot:
        open_wizard(app, step="communication")  # a new connector, at its second step
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, str(export))
        await pilot.press("tab")
        await type_text(pilot, str(import_))
        await pilot.press("f9")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == (
            f"Les dossiers « {export} » et « {import_} » n'existent pas. Les créer ?"
        )
        await pilot.press("enter")  # Annuler, the default
        w = wizard(app)
        assert w.step == "communication" and not export.exists()
        assert field_error(app, "chemin_export") == f"Le dossier « {export} » n'existe pas"
        await pilot.press("f9", "right", "enter")  # « Créer les dossiers »
        assert w.step == "envois"
        assert export.is_dir() and import_.is_dir()


# ----------------------------------------------------------------------------- edit, cancel


async def test_edit_opens_at_communication_and_saves(tmp_path) -> None:
    app = demo_app(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        listing = await open_list(pilot)
        assert listing.grid.cursor_key == "FACILI"
        await pilot.press("enter")
        w = wizard(app)
        assert w.step == "communication" and not w.new
        await pilot.press("f8")
        assert w.row("code").editor.disabled  # the code is read-only
        await pilot.press("f9", "tab")
        assert app.focused is w.row("chemin_export").editor
        await type_text(pilot, str(elsewhere))
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert w.connection_text == "✓ Dossiers d'import et d'export accessibles."
        await pilot.press("ctrl+s")
        assert app.screen is listing
    saved = store.require_connector(app.db, "FACILI")
    assert saved.export_path == str(elsewhere)
    assert saved.send.depot == "DEP1" and saved.receive.site == "CHARTRES"  # kept as they were


async def test_cancel_asks_when_something_changed(tmp_path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        listing = await open_list(pilot)
        before = store.require_connector(app.db, "FACILI")
        # Nothing changed: Escape leaves at once.
        await pilot.press("enter", "escape")
        assert app.screen is listing
        await pilot.press("enter", "tab")
        await type_text(pilot, "/somewhere/else")
        await pilot.press("escape")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == "Abandonner les modifications du connecteur ?"
        await pilot.press("enter")  # Annuler, the default: back in the wizard
        assert wizard(app).row("chemin_export").raw() == "/somewhere/else"
        await pilot.press("escape", "right", "enter")  # Abandonner
        assert app.screen is listing
        assert store.require_connector(app.db, "FACILI") == before

        # The helpers other screens use: the wizard in their own mode, and back.
        done: list[str | None] = []
        open_wizard(app, "facili", mode="synchro", on_done=done.append)
        await pilot.pause()
        assert app.current_mode == "synchro"
        assert wizard(app).step == "communication" and wizard(app).MODE == "synchro"
        await pilot.press("escape")
        assert done == [None]
        assert open_connector_list(app) is listing  # reused: it is on top of Paramètres
        await pilot.pause()
        assert app.current_mode == "parametres" and app.screen is listing


# ----------------------------------------------------------------------------- key, connection


async def to_webservice_step(pilot, url: str, key: str) -> ConnectorWizardScreen:
    """A new PrestaShop connector (opened as N does in the list), at « Mode de communication »
    with its address and key."""
    open_wizard(pilot.app)
    await pilot.pause()
    await type_text(pilot, "SHOP")
    await pilot.press("tab", "right")  # Liaison: PrestaShop
    await pilot.press("f9")
    w = wizard(pilot.app)
    assert w.row("mode").raw() == Mode.WEBSERVICE.value  # follows the liaison
    await pilot.press("tab")
    await type_text(pilot, url)
    await pilot.press("tab")
    await type_text(pilot, key)
    return w


async def test_en_savoir_plus_explains_the_key_in_webservice_mode_only(tmp_path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        w = await to_webservice_step(pilot, "https://boutique.exemple.fr", "K")
        button = w.query_one("#learn-more")
        assert button.display
        button.press()
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        assert "Paramètres avancés › Webservice" in str(app.screen.text)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is w
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # back to Mode
        w.row("mode").editor.value = Mode.CSV.value
        await pilot.pause()
        assert not button.display


async def test_key_masked_and_connection_test_answers(tmp_path, prestashop) -> None:
    """The key is shown only on request (Ctrl+R); « Test de connexion » (Ctrl+T or its
    button) answers OK, refused key or unreachable, and the screen stays responsive."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        w = await to_webservice_step(pilot, prestashop, "SECRETKEY1234")
        key = w.row("cle").editor
        assert key.password and "SECRETKEY" not in app.export_screenshot()
        await pilot.press("ctrl+r")
        assert not key.password and "SECRETKEY1234" in app.export_screenshot()
        await pilot.press("ctrl+r")
        assert key.password and "SECRETKEY" not in app.export_screenshot()

        async def tested() -> str:
            await pilot.press("ctrl+t")
            assert w.connection_text.startswith(("Test en cours…", "✓", "✗"))
            await app.workers.wait_for_complete()
            await pilot.pause()
            return w.connection_text

        answers = (
            "✓ Connexion réussie : le webservice a accepté la clé.",
            "✗ Clé refusée par le site (HTTP 401/403).",
        )
        assert await tested() == answers[1]
        await retype(pilot, "GOODKEY")
        assert await tested() == answers[0]
        await pilot.press("shift+tab")
        await retype(pilot, f"http://127.0.0.1:{closed_port()}")
        answer = await tested()
        assert answer.startswith("✗ Site injoignable")
        # The button does the same as Ctrl+T.
        await pilot.press("tab", "tab", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert w.connection_text == answer

        await pilot.press("ctrl+r", "f9")  # leaving the step masks the key again
        assert w.step == "envois" and key.password
        assert not any("GOODKEY" in n or "SECRETKEY" in n for n in notifications(app))


# ----------------------------------------------------------------------------- delete


async def test_delete_asks_then_deletes(tmp_path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        listing = await open_list(pilot)
        await pilot.press("delete")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question.startswith("Supprimer le connecteur « FACILI » ?")
        await pilot.press("enter")  # Annuler, the default
        assert store.get_connector(app.db, "FACILI") is not None
        await pilot.press("delete", "right", "enter")
        assert app.screen is listing and store.get_connector(app.db, "FACILI") is None
        assert listing.grid.total_count == 0
        assert "Connecteur « FACILI » supprimé." in notifications(app)


async def test_delete_with_held_back_data_asks_again(tmp_path) -> None:
    app = demo_app(tmp_path, held_back=True)
    async with app.run_test(size=SIZE) as pilot:
        listing = await open_list(pilot)
        await pilot.press("delete", "right", "enter")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == (
            "2 documents et 0 tiers en attente de FACILI seront abandonnés. Supprimer quand même ?"
        )
        await pilot.press("enter")  # Annuler, the default: nothing is dropped
        assert app.screen is listing and store.get_connector(app.db, "FACILI") is not None
        await pilot.press("delete", "right", "enter", "right", "enter")
        assert store.get_connector(app.db, "FACILI") is None
        assert app.db.execute("SELECT count(*) FROM received_files").fetchone()[0] == 0
        assert app.db.execute("SELECT count(*) FROM sync_runs").fetchone()[0] == 2  # history kept


# ----------------------------------------------------------------------------- snapshots


def snap_app(tmp_path: Path, *, connectors: bool = True) -> EconnectApp:
    """The sample GC with connectors at fixed paths (nothing of tmp_path on screen)."""
    app = make_app(tmp_path)
    if connectors:
        facili = demo_connector(Path("/srv/econnect/facili"))
        store.save_connector(app.db, facili, new=True)
        shop = Connector(
            code="BOUTIQUE",
            liaison=Liaison.PRESTASHOP,
            mode=Mode.WEBSERVICE,
            url="https://boutique.eta-durand.fr",
            key="Z9Q8W7E6R5T4Y3U2I1O0P9A8S7D6F5G4",
            send=facili.send,
            receive=facili.receive.model_copy(update={"update_mode": UpdateMode.MANUAL}),
        )
        store.save_connector(app.db, shop, new=True)
    return app


def at_step(step: str, *keys: str, paths: tuple[str, str] | None = None):
    """run_before: a new connector's wizard opened at `step` (open_wizard's `step`), the CSV
    paths typed when given, then `keys`."""

    async def run_before(pilot) -> None:
        open_wizard(pilot.app, step=step)
        await pilot.pause()
        if paths:
            await pilot.press("tab")
            await type_text(pilot, paths[0])
            await pilot.press("tab")
            await type_text(pilot, paths[1])
        if keys:
            await pilot.press(*keys)

    return run_before


def test_snapshot_list(snap_compare, tmp_path) -> None:
    async def run_before(pilot) -> None:
        await open_list(pilot)

    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_list_empty(snap_compare, tmp_path) -> None:
    async def run_before(pilot) -> None:
        await open_list(pilot)

    assert snap_compare(
        snap_app(tmp_path, connectors=False), terminal_size=SIZE, run_before=run_before
    )


def test_snapshot_step_identification(snap_compare, tmp_path) -> None:
    async def run_before(pilot) -> None:
        open_wizard(pilot.app)
        await pilot.pause()
        await type_text(pilot, "ETA2")
        await pilot.press("tab")

    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_step_communication_csv(snap_compare, tmp_path) -> None:
    run_before = at_step("communication", paths=(FIXED_EXPORT, FIXED_IMPORT))
    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_step_communication_webservice(snap_compare, tmp_path) -> None:
    async def run_before(pilot) -> None:
        await to_webservice_step(pilot, "https://boutique.exemple.fr", "SECRETKEY1234")

    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_step_envois(snap_compare, tmp_path) -> None:
    # « Envoyer uniquement les articles disponibles en export » chosen with the arrows.
    run_before = at_step("envois", "up", "up")
    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_step_receptions(snap_compare, tmp_path) -> None:
    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=at_step("receptions"))


def test_snapshot_step_with_errors(snap_compare, tmp_path) -> None:
    # « … correspondants au filtre personnalisé » without its filter, no price category, no
    # depot: « Étape suivante » refused, each message under its field.
    run_before = at_step("envois", "up", "f9")
    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_snapshot_connection_answer(snap_compare, tmp_path) -> None:
    async def run_before(pilot) -> None:
        # Port 9 (discard) listens nowhere here: the answer is the same on every run.
        await to_webservice_step(pilot, "http://127.0.0.1:9", "SECRETKEY1234")
        await pilot.press("ctrl+t")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(snap_app(tmp_path), terminal_size=SIZE, run_before=run_before)


async def test_keys_typed_fast_follow_the_focus(tmp_path) -> None:
    """Keys typed faster than the screen handles them (tmux send-keys) land in the field focused
    after the keys before them: Tab, and F9's new step, come in their place."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("n")
        w = wizard(app)
        await burst(pilot, *"ETA2", "f9", "tab", *"/x", "tab", *"/y")
        assert w.step == "communication"
        assert (w.row("chemin_export").raw(), w.row("chemin_import").raw()) == ("/x", "/y")
        await burst(pilot, "shift+tab", "ctrl+u", *"rel", "tab", *"abc")
        # (Tab selects the field's text: typing replaces it.)
        assert (w.row("chemin_export").raw(), w.row("chemin_import").raw()) == ("rel", "abc")


async def test_error_count_follows_the_fields_put_right(tmp_path) -> None:
    """« Corrigez les champs signalés (N erreurs). » stayed once every field was put right."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        open_wizard(app, step="communication")
        await pilot.pause()
        await pilot.press("f9")
        w = wizard(app)
        message = w.query_one("#wizard-message", Static)
        assert str(message.render()) == "Corrigez les champs signalés (2 erreurs)."
        assert app.focused is w.row("chemin_export").editor
        await type_text(pilot, "/tmp")
        assert str(message.render()) == "Corrigez les champs signalés (1 erreur)."
        await pilot.press("tab")
        await type_text(pilot, "/var/tmp")
        assert not message.display


async def test_shift_tab_never_stops_on_the_step_itself(tmp_path) -> None:
    """The Envois step scrolls: its container took the focus (Shift+Tab from the first radio
    group), with nothing shown and Space or Enter doing nothing."""
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        open_wizard(app, "FACILI", step="envois")
        await pilot.pause()
        w = wizard(app)
        assert app.focused is w.row("envois.articles").editor
        stops = []
        for _ in range(12):
            await pilot.press("shift+tab")
            stops.append(type(app.focused).__name__)
        assert set(stops) <= {"ChoiceSet", "DropDown", "TickBox", "Button"}, stops


# ----------------------------------------------------------------------------- first run


def empty_app(tmp_path: Path) -> EconnectApp:
    """The app on a new database: no GC data at all, as on a real first run."""
    app = EconnectApp(open_db(tmp_path / "econnect.db"), tmp_path / "econnect.db")
    app.animation_level = "none"
    return app


def load_gc(app, tmp_path: Path, kind: str, text: str) -> None:
    """GC master data loaded as `econnect gc import` does, while the app runs (a colleague, a
    second SSH session)."""
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    import_master_file(app.db, kind, path)


async def test_wizard_on_an_empty_gc_says_what_to_load_then_offers_it(tmp_path) -> None:
    """On a first run the GC holds no depot: « Sélection du dépôt » was an empty list and its
    error only said it was required; depots loaded meanwhile never appeared in the wizard, whose
    lists were read once, so the operator had to leave it and type everything again."""
    app = empty_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        open_wizard(app, step="envois")
        await pilot.pause()
        w = wizard(app)
        await pilot.press("f9")
        assert w.step == "envois"
        assert field_error(app, "envois-depot") == (
            "Aucun dépôt dans la Gestion Commerciale : créez-en un dans Paramètres › Dépôts"
            " (ou « econnect gc import depots »)"
        )
        load_gc(app, tmp_path, "entreprises", "Code;Nom\nMART;ETA Martin\n")
        load_gc(app, tmp_path, "sites", "Code;Nom;CodeEntreprise\nSIEGE;Siège;MART\n")
        load_gc(app, tmp_path, "depots", "Code;Nom;CodeSite\nHANGAR;Hangar;SIEGE\n")
        await pilot.press("f9")  # still refused (no depot chosen), the lists read again
        assert w.step == "envois"
        assert field_error(app, "envois-depot") == "La sélection du dépôt est obligatoire"
        assert app.focused is w.row("envois.depot").editor
        await pilot.press(*CHOOSE_1)
        assert w.row("envois.depot").raw() == "HANGAR"
        await pilot.press("f9")
        assert w.step == "receptions"
        # The company, site and depot the GC now has are chosen, as for a new wizard.
        assert w.row("receptions.entreprise").raw() == "MART"
        assert w.row("receptions.site").raw() == "SIEGE"
        assert w.row("receptions.depot").raw() == "HANGAR"


async def test_a_new_wizard_chooses_the_only_record_the_gc_offers(tmp_path) -> None:
    """One depot, one price category, one family of each: nothing to choose, so they are
    chosen (they were left empty, each a required list to open for its only line)."""
    app = empty_app(tmp_path)
    for kind, text in (
        ("entreprises", "Code;Nom\nMART;ETA Martin\n"),
        ("sites", "Code;Nom;CodeEntreprise\nSIEGE;Siège;MART\n"),
        ("depots", "Code;Nom;CodeSite\nHANGAR;Hangar;SIEGE\n"),
        ("categories-tarifaires", "Code;Libelle\nTARIF1;Tarif agriculteurs\n"),
        ("familles-clients", "Code;Libelle\nAGRI;Agriculteurs\n"),
        ("familles-fournisseurs", "Code;Libelle\nFOURN;Fournisseurs\n"),
    ):
        load_gc(app, tmp_path, kind, text)
    async with app.run_test(size=SIZE) as pilot:
        open_wizard(app, step="envois")
        await pilot.pause()
        w = wizard(app)
        assert w.row("envois.depot").raw() == "HANGAR"
        assert w.row("envois.categorie_tarifaire").raw() == "TARIF1"
        await pilot.press("f9")
        assert w.step == "receptions"
        assert w.row("receptions.famille_client").raw() == "AGRI"
        assert w.row("receptions.famille_fournisseur").raw() == "FOURN"
        assert w.row("receptions.depot").raw() == "HANGAR"


async def test_another_connectors_folder_is_refused_under_its_field(tmp_path) -> None:
    app = demo_app(tmp_path)
    facili = tmp_path / "facili"
    own = tmp_path / "own"
    own.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        open_wizard(app, step="communication")  # a new connector, at its second step
        await pilot.pause()
        await pilot.press("tab")
        await type_text(pilot, str(facili / "import"))  # as export: FACILI's import folder
        await pilot.press("tab")
        await type_text(pilot, f"{facili}/export/")  # as import: FACILI's export, spelled apart
        await pilot.press("f9")
        w = wizard(app)
        assert w.step == "communication"
        assert field_error(app, "chemin_export") == (
            "Ce dossier est déjà le dossier d'import du connecteur FACILI"
        )
        assert field_error(app, "chemin_import") == (
            "Ce dossier est déjà le dossier d'export du connecteur FACILI"
        )
        assert app.focused is w.row("chemin_export").editor  # the first field in error
        await retype(pilot, str(own))
        await pilot.press("tab")
        await retype(pilot, str(facili / "import" / "autre"))
        (facili / "import" / "autre").mkdir()
        await pilot.press("f9")
        assert field_error(app, "chemin_import") == (
            "Ce dossier est à l'intérieur du dossier d'import du connecteur FACILI "
            f"(« {facili / 'import'} »)"
        )
        await retype(pilot, str(tmp_path / "own-import"))
        (tmp_path / "own-import").mkdir()
        await pilot.press("f9")
        assert w.step == "envois"
