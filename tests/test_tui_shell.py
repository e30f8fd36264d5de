"""The shell: F2–F7 modes, F1 help, Ctrl+P/F10 palette; snapshots of home, synchro and help."""

from __future__ import annotations

import re
from pathlib import Path

from textual.command import Command, CommandList, CommandPalette
from textual.widgets import Input, Select

from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db
from econnect_tui.sync.demo import load_demo
from econnect_tui.tui.commands import NO_MATCH, NO_THEME
from econnect_tui.tui.screens.confirm import ConfirmScreen
from econnect_tui.tui.screens.help import HelpScreen
from econnect_tui.tui.screens.mapping import open_mapping
from econnect_tui.tui.screens.menu import TextScreen
from tests.tui_helpers import SIZE, footer_text, make_app, screen_text, type_text


async def test_function_keys_switch_modes(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_mode == "accueil"
        for key, mode in (
            ("f3", "synchro"),
            ("f4", "articles"),
            ("f5", "tiers"),
            ("f6", "documents"),
            ("f7", "parametres"),
            ("f2", "accueil"),
        ):
            await pilot.press(key)
            assert app.current_mode == mode, key


async def test_f1_lists_the_keys_of_the_screen_and_escape_closes(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Aide — Articles" in text
        assert "Nouvel article" in text  # the screen's N
        assert "Filtrer" in text  # the grid panel's /
        assert "Ouvrir" in text  # the grid's Enter
        assert "Ctrl+P / F10  Commandes" in text
        assert "Copy selected text" not in text  # Textual's own English bindings stay out
        await pilot.press("f1")  # F1 again does not stack a second help
        assert len([s for s in app.screen_stack if isinstance(s, HelpScreen)]) == 1
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        assert app.current_mode == "articles"


async def test_a_window_shows_f1_last_and_its_help_keeps_to_what_works_there(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(TextScreen("Ligne 1", "Chantier : Parcelle des Mares"))
        await pilot.pause()
        assert footer_text(app) == "Échap Fermer · F1 Aide"
        await pilot.press("f3")  # the window keeps the operator until it is closed
        assert isinstance(app.screen, TextScreen) and app.current_mode == "accueil"
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Fermer" in text
        assert "Changer d'espace" not in text  # F2…F7 do nothing in a window
        assert "Champ ou zone suivant" not in text  # nothing else to go to
        await pilot.press("escape")
        assert isinstance(app.screen, TextScreen)


async def test_palette_says_in_french_that_nothing_matches(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await type_text(pilot, "zzqx")
        commands = app.screen.query_one(CommandList)
        for _ in range(60):  # the search runs in a worker, the line comes after a countdown
            if commands.option_count == 1:
                break
            await pilot.pause(0.05)
        assert commands.option_count == 1
        assert NO_MATCH in str(commands.get_option_at_index(0).prompt.renderable)


async def test_theme_list_searches_in_french(tmp_path) -> None:
    """« Thème » opens Textual's theme list: its prompt and its « no match » line were
    English (« Search for themes… », « No matches found »)."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.search_themes()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "Rechercher un thème…"
        await type_text(pilot, "zzqx")
        commands = app.screen.query_one(CommandList)
        for _ in range(60):
            if commands.option_count == 1:
                break
            await pilot.pause(0.05)
        assert NO_THEME in str(commands.get_option_at_index(0).prompt.renderable)


async def test_palette_runs_a_typed_command(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Aller à Tiers")
        for _ in range(40):  # the palette searches in a worker
            if app.screen.query_one(CommandList).option_count:
                break
            await pilot.pause(0.05)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "tiers"
        # F10 opens it too (Ctrl+ keys get lost over some SSH links), with the commands of the
        # screen below it.
        await pilot.press("f4", "f10")
        assert isinstance(app.screen, CommandPalette)
        titles = [c.title for c in app.palette_commands()]
        assert "Nouvel article" in titles
        assert "Aller à Documents" in titles
        # Textual's own commands, in French.
        system = [c.title for c in app.get_system_commands(app.screen)]
        assert system == ["Aide", "Thème", "Quitter"]
        await pilot.press("escape")
        assert not isinstance(app.screen, CommandPalette)


async def palette_titles(pilot, query: str) -> list[str]:
    """The titles the palette offers once it has searched `query`."""
    await pilot.press("ctrl+p")
    await type_text(pilot, query)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()  # the palette searches in a worker
    await pilot.pause()
    commands = pilot.app.screen.query_one(CommandList)
    options = [commands.get_option_at_index(i) for i in range(commands.option_count)]
    titles = [str(option.hit.text) for option in options if isinstance(option, Command)]
    await pilot.press("escape")
    return titles


async def test_palette_ignores_accents_in_textual_own_commands_too(tmp_path) -> None:
    """« theme » finds Textual's « Thème » as « parametres » finds « Aller à Paramètres »,
    and each command is offered once."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert await palette_titles(pilot, "theme") == ["Thème"]
        assert await palette_titles(pilot, "parametres") == ["Aller à Paramètres"]
        assert (await palette_titles(pilot, "quitter")).count("Quitter") == 1


async def test_palette_lists_every_command_in_one_order(tmp_path) -> None:
    """Before typing: ours, then Textual's, the same list at every opening (two providers
    answered in whichever order their tasks ran)."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        own = [c.title for c in app.palette_commands()]
        expected = [*own, "Aide", "Thème", "Quitter"]
        for _ in range(3):
            assert await palette_titles(pilot, "") == expected


# ----------------------------------------------------------------------------- snapshots


async def test_every_main_footer_fits_80_columns_with_f1_aide(tmp_path) -> None:
    """At 80x24 the footer's last key, F1 Aide, is whole on every main screen (Textual cuts
    what does not fit, and F1 comes last)."""
    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    app = EconnectApp(db, tmp_path / "econnect.db")
    app.animation_level = "none"
    footers: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:

        async def footer(name: str, *keys: str) -> None:
            await pilot.press(*keys)
            for _ in range(2):
                await app.workers.wait_for_complete()
                await pilot.pause()
            footers[name] = app.screen._compositor.render_strips()[-1].text.rstrip()

        await footer("Accueil", "escape", "f2")  # « Plus tard » on the startup warning
        await footer("Synchro", "f3")
        await footer("Réception", "r")
        await footer("Historique", "escape", "h")
        await footer("Rapport", "enter")
        await pilot.press("escape", "escape")
        open_mapping(app)
        await footer("Correspondance des articles")
        await pilot.press("f1")  # a label shortened for the footer is whole in the help
        assert "Choix des articles affichés" in screen_text(app)
        await pilot.press("escape")
        await footer("Correspondance des articles, choix", "o")
        await footer("Articles", "escape", "f4")
        await footer("Fiche article", "enter")
        await footer("Fiche article, Tarifs", "ctrl+pagedown")
        await footer("Fiche article, Stocks", "ctrl+pagedown")
        await footer("Fiche article, Correspondances", "ctrl+pagedown")
        await footer("Tiers", "escape", "f5")
        await footer("Fiche client", "enter")
        await footer("Fiche client, Contacts", "ctrl+pagedown")
        await footer("Documents", "escape", "f6")
        await footer("Document", "enter")
        await pilot.press("escape")
        await footer("Paramètres", "f7")
        await footer("Connecteurs", "enter")
        await footer("Assistant connecteur", "enter")
        await footer("Table de paramètres", "escape", "escape", "down", "enter")
    cut = {name: text for name, text in footers.items() if not text.endswith("F1 Aide")}
    assert not cut, cut
    assert "H Historique" in footers["Synchro"]
    assert "F2 Modifier" not in footers["Fiche article, Tarifs"]


def test_snapshot_home(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE)


def test_snapshot_sync_empty(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, press=["f3"])


def test_snapshot_help(snap_compare, tmp_path) -> None:
    assert snap_compare(make_app(tmp_path), terminal_size=SIZE, press=["f4", "f1"])


async def test_ctrl_q_asks_first_when_changes_are_not_saved(tmp_path) -> None:
    """Ctrl+Q asked nothing and lost the edits of an open card: it asks (Annuler by default)
    when a screen of any mode holds unsaved changes, and quits at once otherwise."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "enter", "end", "X", "f5")  # the card left open under F4
        await pilot.press("ctrl+q")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert "Articles › Fiche" in question.question
        assert question.question.endswith("Quitter sans les enregistrer ?")
        await pilot.press("enter")  # « Annuler »
        assert app.is_running and app.current_mode == "tiers"
        await pilot.press("f4", "ctrl+q", "right", "enter")  # « Quitter »
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_quits_at_once_without_changes(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "enter", "f5", "n", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_footer_in_french_with_a_list_open_and_in_the_cell_editor(tmp_path) -> None:
    """An open drop-down showed Textual's « Échap Dismiss menu »; the cell editor « tab »."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "n", "tab", "tab")
        assert isinstance(app.focused, Select)  # Famille
        await pilot.press("enter")
        await pilot.pause()
        footer = footer_text(app)
        assert "Échap Fermer la liste" in footer and "Dismiss" not in footer, footer
        await pilot.press("escape", "escape", "escape", "enter", "ctrl+pagedown", "enter")
        await pilot.pause()
        assert "Tab Suivant" in footer_text(app), footer_text(app)


def test_every_drop_down_is_the_french_one() -> None:
    """Screens build DropDown (French footer), never Textual's Select itself."""
    root = Path(__file__).resolve().parents[1] / "econnect_tui"
    built = [
        path.name
        for path in root.rglob("*.py")
        if re.search(r"\bSelect\(", path.read_text(encoding="utf-8"))
    ]
    assert built == [], built


async def test_first_run_says_to_load_the_gc_before_creating_a_connector(tmp_path) -> None:
    """On a new database, Accueil and Synchro said « Créez-en un dans Paramètres ›
    E-connecteur », and the wizard then had no company, site, depot or family to offer: they
    say what the GC lacks and how to load it first; once it is there, the old advice."""
    db = open_db(tmp_path / "econnect.db")
    app = EconnectApp(db, tmp_path / "econnect.db")
    app.animation_level = "none"
    needs = (
        "Avant de créer un connecteur, la Gestion Commerciale doit avoir une entreprise, un"
        " site, un dépôt, une famille de clients et une famille de fournisseurs"
    )
    async with app.run_test(size=SIZE) as pilot:
        assert needs in flat(screen_text(app))
        assert "econnect gc import" in flat(screen_text(app))
        # Accueil holds it at 80x24 with every shortcut: nothing to scroll to.
        home = app.screen.query_one("#home")
        assert home.max_scroll_y == 0 and not home.show_vertical_scrollbar
        await pilot.press("f3")
        assert needs in flat(screen_text(app))
        load_demo(db, tmp_path)  # the GC filled meanwhile (and a connector)
        await pilot.press("f2")
        assert needs not in flat(screen_text(app))


def flat(text: str) -> str:
    """Screen text with its line breaks as spaces (a long sentence wraps)."""
    return " ".join(text.split())


async def test_a_tick_box_shows_its_x_only_when_ticked() -> None:
    """Checkbox draws « X » ticked or not (only the colour differs): in 16 colours or a plain
    capture over SSH, « Contacts » looked ticked while it was not."""
    from textual.app import App

    from econnect_tui.tui.widgets.form import TickBox

    class One(App):
        def compose(self):
            yield TickBox("Contacts", False)

    app = One()
    async with app.run_test(size=(40, 3)) as pilot:
        box = app.query_one(TickBox)
        assert "X" not in box.render().plain
        await pilot.click(TickBox)
        assert box.value and "X" in box.render().plain
