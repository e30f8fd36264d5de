"""What an operator meets over SSH: keys sent differently, a session dropped, the terminal."""

from __future__ import annotations

from textual import events

from tests.tui_helpers import SIZE, demo_app, make_app, notifications


async def test_ctrl_c_says_in_french_how_to_quit(tmp_path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        assert app.is_running
        said = notifications(app)
        assert said == ["Ctrl+C ne quitte pas l'application : Ctrl+Q pour quitter."], said


async def test_ctrl_c_names_the_quit_key_of_the_keys_file(tmp_path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[touches]\n"app.quit" = "f12"\n', encoding="utf-8")
    app = demo_app(tmp_path, keys=keys)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        assert notifications(app)[-1] == "Ctrl+C ne quitte pas l'application : F12 pour quitter."


async def test_escape_and_the_next_key_read_at_once_are_both_kept(tmp_path) -> None:
    """Échap then N typed while the app is busy (or sent in one SSH packet) reach the parser
    together and come as « alt+n »: the card closes, then N opens a new article."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f4", "enter")
        card = app.screen
        assert "AMMONIT" in str(card.sub_title), card.sub_title
        app._driver.send_message(events.Key("alt+n", "n"))
        await pilot.pause()
        await pilot.pause()
        assert card not in app.screen_stack
        assert app.screen is not card and "Nouvel article" in str(app.screen.sub_title), (
            app.screen.sub_title
        )


async def test_an_alt_key_of_the_keys_file_is_left_whole(tmp_path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[touches]\n"app.mode.synchro" = "alt+s"\n', encoding="utf-8")
    app = demo_app(tmp_path, keys=keys)
    async with app.run_test(size=SIZE) as pilot:
        app._driver.send_message(events.Key("alt+s", "s"))
        await pilot.pause()
        await pilot.pause()
        assert app.current_mode == "synchro"
