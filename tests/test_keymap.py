"""The operator's keys file: parsing, problems said in French, keys moved in the running app."""

from __future__ import annotations

import re
from pathlib import Path

from econnect_tui.tui.keymap import binding_ids, keys_file, load_keymap
from econnect_tui.tui.screens.reception import ReceptionScreen
from econnect_tui.tui.screens.sync import SyncScreen
from econnect_tui.tui.widgets.modebar import ModeBar
from tests.tui_helpers import demo_app, settle

ROOT = Path(__file__).resolve().parents[1]
KNOWN = set(binding_ids())


def write_keys(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_default_keys(tmp_path) -> None:
    assert load_keymap(tmp_path / "absent.toml", KNOWN) == ({}, [])


def test_keys_are_read_and_trimmed(tmp_path) -> None:
    path = write_keys(tmp_path, '[touches]\n"synchro.receive" = " a , f12 "\n')
    assert load_keymap(path, KNOWN) == ({"synchro.receive": "a,f12"}, [])


def test_each_problem_is_said_in_french_and_the_rest_is_kept(tmp_path) -> None:
    path = write_keys(
        tmp_path,
        '[touches]\n"synchro.recieve" = "a"\n"reception.map" = " "\n"reception.receive" = "f12"\n',
    )
    keymap, problems = load_keymap(path, KNOWN)
    assert keymap == {"reception.receive": "f12"}
    assert problems == [
        f"Fichier des touches {path} : « synchro.recieve » n'est pas une action.",
        f"Fichier des touches {path} : aucune touche pour « reception.map ».",
    ]


def test_a_broken_file_keeps_every_default_key(tmp_path) -> None:
    path = write_keys(tmp_path, "[touches\n")
    keymap, problems = load_keymap(path, KNOWN)
    assert keymap == {} and len(problems) == 1
    assert problems == [
        f"Fichier des touches {path} : TOML illisible (ligne 1, colonne 9) ; touches par défaut."
    ]
    path = write_keys(tmp_path, '[touches]\n"synchro.receive" = 3\n')
    keymap, problems = load_keymap(path, KNOWN)
    assert keymap == {} and problems == [
        f"Fichier des touches {path} : « synchro.receive » : les touches s'écrivent entre "
        "guillemets (« f9 », « a,f12 ») ; touches par défaut."
    ]
    path.write_bytes(b"\xff[touches]\n")  # tomllib's and Python's own reasons are English
    assert load_keymap(path, KNOWN)[1] == [
        f"Fichier des touches {path} illisible (pas en UTF-8) : touches par défaut."
    ]


def test_the_file_is_per_operator_unless_configured(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("ECONNECT_KEYS", raising=False)
    assert keys_file().parts[-2:] == ("econnect", "keys.toml")
    monkeypatch.setenv("ECONNECT_KEYS", str(tmp_path / "k.toml"))
    assert keys_file() == tmp_path / "k.toml"


def test_docs_list_every_action_with_its_default_keys() -> None:
    text = (ROOT / "docs" / "keys.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z_.]+)` \| `([^`]+)` \|", text, re.MULTILINE)
    assert dict(rows) == {ident: binding.key for ident, binding in binding_ids().items()}


async def test_moved_keys_work_and_the_old_ones_no_longer_do(tmp_path) -> None:
    keys = write_keys(tmp_path, '[touches]\n"synchro.receive" = "a"\n"app.mode.synchro" = "f12"\n')
    app = demo_app(tmp_path, keys=keys)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        assert not isinstance(app.screen, SyncScreen)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert " F12 Synchro " in str(app.screen.query_one(ModeBar).render())
        footer_keys = {b.binding.key for b in app.screen.active_bindings.values()}
        assert "a" in footer_keys and "r" not in footer_keys
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ReceptionScreen)


async def test_help_shows_the_operator_s_keys(tmp_path) -> None:
    keys = write_keys(tmp_path, '[touches]\n"synchro.receive" = "a"\n')
    app = demo_app(tmp_path, keys=keys)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        lines = {description: keys for keys, description in app.screen.keys}
        assert lines["Réceptionner"] == "a"


async def test_problems_of_the_file_are_shown_at_start(tmp_path) -> None:
    keys = write_keys(tmp_path, '[touches]\n"nimporte.quoi" = "a"\n')
    app = demo_app(tmp_path, keys=keys)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert f"Fichier des touches {keys} : « nimporte.quoi » n'est pas une action." in messages
