"""What an operator meets over SSH: keys sent differently, a session dropped, the terminal."""

from __future__ import annotations

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
