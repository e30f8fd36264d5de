"""What reaches the operator's terminal and disk: control characters read from ETA files shown as
codes (never sent to the terminal), output encodings that cannot show a character, the log's
permissions, `backup`'s target, keys in URLs, and failures that end in one French sentence."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from econnect_tui.models.connector import Liaison, Mode
from econnect_tui.models.gc import Tiers
from econnect_tui.store import tiers as tiers_store
from econnect_tui.sync.connectors import save_connector
from econnect_tui.sync.demo import demo_connector
from econnect_tui.tui.widgets.grid import DataGrid
from tests.eta import DOC_HEADER, TIERS_HEADER, Setup, csv_text, doc_rows
from tests.helpers import run_cli, run_in_terminal, still_written, tmpfs
from tests.tui_helpers import SIZE, make_app, notifications, settle

# -- control characters from ETA files

TITLE = "\x1b]0;pirate\x07"  # sets the terminal's title
CLEAR = "\x1b[2J\x1b[H"  # clears the screen, cursor home: a fake report can follow
CSI_C1 = "\x9b31m"  # the one-character form of ESC [
RTL = "\u202e"  # shows what follows right to left
NAME = f"EARL {TITLE}du Moulin"
LABEL = f"Labour{CLEAR}Réception réussie{RTL}"
LINE_LABEL = f"Semis{CSI_C1} rouge"
EXTERNAL = "FT-\x1b[31mX"
RAW = (TITLE, CLEAR, CSI_C1, RTL, "\x1b[31m")
# A code holding ESC is refused, the character shown by its code point (normal.py).
REFUSED_CODE = "« FT-⟨U+001B⟩[31mX » contient un caractère invisible en position 4 (U+001B)"


def _quoted(rows) -> str:
    return "".join(";".join(f'"{c}"' for c in row) + "\r\n" for row in rows)


def hostile_setup(tmp_path) -> Setup:
    """FACILI with one ETA file of each kind whose names, labels and codes hold escape
    sequences: Q-1 is in error (its article code holds ESC, an invisible character inside a
    code: docs/format.md « Texts and codes »), Q-2 is integrated."""
    s = Setup(tmp_path)
    rows = doc_rows(
        "Q-1", name=NAME, lines=(("FT-LAB", LABEL, "2", "95"), (EXTERNAL, "x", "1", "5"))
    )
    rows += doc_rows("Q-2", name=NAME, lines=(("FT-LAB", LINE_LABEL, "2", "95"),))
    s.drop("ImportDocuments_hostile.csv", _quoted([DOC_HEADER, *rows]))
    tiers = [["C", "0999", "", "M", f"Ferme {CLEAR}Dupont", "", "", "", ""]]
    s.drop("ImportTiers_hostile.csv", _quoted([TIERS_HEADER, *tiers]))
    return s


def _no_raw_sequence(output: bytes) -> None:
    for raw in RAW:
        assert raw.encode() not in output, (raw, output[-3000:])
    assert b"\x1b" not in output and b"\xc2\x9b" not in output, output[-3000:]


@pytest.mark.slow
def test_cli_outputs_show_control_characters_as_codes_on_a_terminal(tmp_path, ledger):
    s = hostile_setup(tmp_path)
    s.db.close()
    code, preview = run_in_terminal("receive", "FACILI", "--preview", db=s.path)
    assert code == 3, preview
    _no_raw_sequence(preview)
    shown = preview.decode()
    assert "EARL \\x1b]0;pirate\\x07du Moulin" in shown, shown
    assert REFUSED_CODE in shown, shown
    code, report = run_in_terminal("receive", "FACILI", db=s.path)
    assert code == 3, report
    _no_raw_sequence(report)
    assert REFUSED_CODE in report.decode(), report
    code, history = run_in_terminal("history", "FACILI", "--run", "1", db=s.path)
    assert code == 0
    _no_raw_sequence(history)
    code, listed = run_in_terminal("documents", "list", db=s.path)
    assert code == 0
    _no_raw_sequence(listed)
    assert "Semis\\x9b31m rouge" in listed.decode(), listed
    ledger("séquences d'échappement dans les champs (CLI sur un terminal)", 4, 1, 1, 0)


def test_json_outputs_keep_control_characters_exact(tmp_path):
    s = hostile_setup(tmp_path)
    s.db.close()
    preview = run_cli("receive", "FACILI", "--preview", "--json", db=s.path)
    assert preview.returncode == 3, preview.stderr
    labels = [d["label"] for d in json.loads(preview.stdout)["documents"]]
    assert any(NAME in label for label in labels), labels
    assert run_cli("receive", "FACILI", db=s.path).returncode == 3
    listed = json.loads(run_cli("documents", "list", "--json", db=s.path).stdout)
    assert [ln["label"] for d in listed for ln in d["lines"]] == [LINE_LABEL]


def test_the_log_shows_control_characters_as_codes(tmp_path):
    s = hostile_setup(tmp_path)
    s.db.close()
    run_cli("receive", "FACILI", db=s.path)
    run_cli("documents", "validate", f"X{CLEAR}", db=s.path)  # a user error, logged
    log = (tmp_path / "econnect.log").read_bytes()
    assert b"X\\x1b[2J\\x1b[H" in log, log
    assert b"\x1b" not in log


async def test_grid_cells_cards_and_notifications_show_codes(tmp_path) -> None:
    app = make_app(tmp_path)
    tiers_store.upsert_tiers(app.db, [Tiers(code="0001", name=f"F{CLEAR}{RTL}")])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f5")
        await settle(pilot)
        grid = app.screen.grid
        lines = ["".join(seg.text for seg in grid.render_line(y)) for y in range(5)]
        assert any("F\\x1b[2J\\x1b[H\\u202e " in line for line in lines), lines
        assert not any("\x1b" in line or RTL in line for line in lines)
        await pilot.press("enter")
        await settle(pilot)
        fields = [w for w in app.screen.query("FieldInput") if CLEAR in w.value]
        assert fields and fields[0].value == f"F{CLEAR}{RTL}"  # kept as it is
        assert fields[0]._value.plain == "F�[2J�[H�"
        app.notify(f"Client {TITLE}enregistré", title=f"T{CLEAR}")
        await pilot.pause()
        assert notifications(app)[-1] == "Client \\x1b]0;pirate\\x07enregistré"
        assert list(app._notifications)[-1].title == "T\\x1b[2J\\x1b[H"
        # every text Textual builds (labels, panels, titles) shows them too
        await app.screen.mount(Static(f"Nom : F{CLEAR}{RTL}", id="probe"))
        await pilot.pause()
        assert (
            str(app.screen.query_one("#probe", Static).render()) == "Nom : F\\x1b[2J\\x1b[H\\u202e"
        )


@pytest.mark.slow
def test_the_application_sends_no_escape_sequence_read_from_a_file(tmp_path, ledger):
    """On a real terminal: the tiers list and the hostile client's card."""
    from tests.test_tui_ssh import Terminal

    s = Setup(tmp_path)
    tiers_store.upsert_tiers(s.db, [Tiers(code="0001", name=f"{TITLE}{CLEAR}Dupont")])
    s.db.close()
    terminal = Terminal(s.path)
    terminal.read_until(b"Accueil")
    terminal.settle(first=0)
    terminal.type(b"\x1b[15~")  # F5: the tiers
    terminal.read_until(b"pirate")
    terminal.settle(first=0)
    terminal.type(b"\r")  # the card of the first tiers, 0001
    terminal.settle(1.0)
    terminal.type(b"\x11")  # Ctrl+Q
    terminal.settle(0.5)
    terminal.type(b"\r")
    terminal.wait()
    for raw in (TITLE, CLEAR):
        assert raw.encode() not in terminal.output
    assert b"\\x1b]0;pirate\\x07" in terminal.output
    ledger("séquences d'échappement dans les champs (application)", 1, 0, 0, 0)


# -- output encodings that cannot show a character


def test_a_latin_1_output_never_changes_the_outcome(tmp_path):
    db = tmp_path / "econnect.db"
    assert run_cli("init", "--demo", db=db).returncode == 0
    latin = {"PYTHONIOENCODING": "latin-1"}
    received = run_cli("receive", "FACILI", db=db, env=latin, encoding="latin-1")
    assert received.returncode == 3, received.stderr  # as in UTF-8: items held back
    assert "Traceback" not in received.stderr and "Erreur" not in received.stderr
    assert " \\u2014 FACILI \\u2014 " in received.stdout, received.stdout  # « — » as its code
    assert "Réception n°" in received.stdout  # what Latin-1 has stays itself
    utf8 = run_cli("history", "FACILI", "--json", db=db)
    latin_json = run_cli("history", "FACILI", "--json", db=db, env=latin, encoding="latin-1")
    assert latin_json.returncode == 0
    assert json.loads(latin_json.stdout) == json.loads(utf8.stdout)  # exact, as \\uXXXX
    checked = run_cli("check", db=db, env=latin, encoding="latin-1")
    assert checked.returncode == 0 and "\\u2713 " in checked.stdout, checked


# -- the log


def test_the_log_stays_private_after_its_rotation(tmp_path):
    import logging

    from econnect_tui import paths

    old_umask = os.umask(0)
    try:
        path = paths.setup_logging(tmp_path / "econnect.db")
        assert path is not None and (path.stat().st_mode & 0o777) == 0o600
        handler = logging.getLogger("econnect").handlers[0]
        handler.maxBytes = 200  # as 2 MB would, sooner
        for i in range(10):
            logging.getLogger("econnect").info("ligne %d %s", i, "x" * 50)
        handler.close()
    finally:
        os.umask(old_umask)
    rotated = sorted(p.name for p in tmp_path.glob("econnect.log*"))
    assert rotated == ["econnect.log", "econnect.log.1", "econnect.log.2", "econnect.log.3"]
    for name in rotated:
        assert ((tmp_path / name).stat().st_mode & 0o777) == 0o600, name


@pytest.fixture
def disk(tmp_path):
    """A real 4 MB disk (tmpfs; needs the right to mount, skipped otherwise)."""
    with tmpfs(tmp_path / "disk", "4m") as mount:
        yield mount


def _fill(folder) -> None:
    """Writes a file until the disk is full."""
    import errno

    with open(folder / "remplissage", "wb", buffering=0) as f:
        for size in (65536, 4096, 1):
            try:
                while True:
                    f.write(b"x" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC


@pytest.mark.slow
def test_a_full_disk_under_the_database_and_its_log_ends_in_french(disk, ledger):
    db = disk / "econnect.db"
    assert run_cli("init", "--demo", db=db).returncode == 0
    _fill(disk)
    for args, codes in ((("receive", "FACILI"), {1}), (("check",), {0, 1, 3})):
        done = run_cli(*args, db=db)
        assert done.returncode in codes, (args, done.stderr)
        assert "Traceback" not in done.stderr and "Logging error" not in done.stderr, done.stderr
        lines = done.stderr.splitlines()
        journal = [line for line in lines if line.startswith("Journal ")]
        assert journal == [f"Journal {disk / 'econnect.log'} non écrit : disque plein."], lines
        if done.returncode == 1:
            assert len(lines) == 2 and "disque plein" in lines[-1], lines
    ledger("disque plein sous la base et son journal", 2, 0, 0, 0)


# -- a service account: no HOME, no passwd entry


def _as_service_account(*args: str, cwd) -> subprocess.CompletedProcess:
    """`econnect ARGS` as a uid without a passwd entry nor HOME (a user namespace mapping this
    process to uid 54321), as cron or systemd may run it."""
    unshare = shutil.which("unshare")
    probe = [unshare, "--user", "--map-user=54321", "--map-group=54321", "true"] if unshare else []
    if not unshare or subprocess.run(probe, capture_output=True).returncode:
        pytest.skip("no user namespace here")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HOME", "USER", "LOGNAME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "ECONNECT_DB")
    }
    cmd = [*probe[:-1], sys.executable, "-m", "econnect_tui", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.mark.slow
def test_no_home_and_no_passwd_entry_is_one_french_sentence(tmp_path, ledger):
    for command in ("init", "status"):
        done = _as_service_account(command, cwd=tmp_path)
        assert done.returncode == 1, done
        assert done.stderr == (
            "Dossier personnel introuvable (ni HOME ni compte utilisateur) : indiquez la base "
            "de données avec --db ou ECONNECT_DB.\n"
        )
    done = _as_service_account("--db", "~/econnect.db", "status", cwd=tmp_path)
    assert done.returncode == 1 and done.stderr.startswith("Dossier personnel introuvable")
    db = tmp_path / "econnect.db"
    assert _as_service_account("--db", str(db), "init", "--demo", cwd=tmp_path).returncode == 0
    done = _as_service_account("--db", str(db), "status", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("FACILI "), done
    ledger("compte de service sans HOME ni entrée passwd", 5, 0, 0, 0)


# -- failures that end in one French sentence


def test_the_application_without_a_terminal_refuses_at_once(tmp_path):
    """Under cron, or `econnect < /dev/null > out`: it waited for keys forever."""
    db = tmp_path / "econnect.db"
    for args in ([], ["--accueil"]):
        done = subprocess.run(
            [sys.executable, "-m", "econnect_tui", "--db", str(db), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 1, done
        assert done.stderr == (
            "L'application a besoin d'un terminal (entrée et sortie) : dans un script ou une "
            "tâche planifiée, utilisez les commandes (econnect --help).\n"
        )
        assert done.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no database, no log


# -- backup's target


def test_backup_replaces_only_a_regular_file_and_never_the_database(tmp_path):
    s = Setup(tmp_path)  # kept open: the -wal and -shm exist
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    link = tmp_path / "lien.db"
    link.symlink_to(tmp_path / "ailleurs.db")
    cases = {
        fifo: f"{fifo} n'est pas un fichier ordinaire (périphérique, tube ou socket) : sauvegarde "
        "refusée, indiquez un fichier ordinaire.",
        link: f"{link} est un lien symbolique : sauvegarde refusée, indiquez un fichier ordinaire.",
        s.path: f"{s.path} est la base de données en service : sauvegarde refusée, indiquez un "
        "autre fichier.",
        tmp_path / "econnect.db-wal": f"{tmp_path / 'econnect.db-wal'} est le fichier -wal de la "
        "base de données en service : sauvegarde refusée, indiquez un autre fichier.",
    }
    if os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        cases[device] = cases[fifo].replace(str(fifo), str(device))
    before = {path: path.lstat() for path in cases}
    for path, sentence in cases.items():
        done = run_cli("backup", str(path), db=s.path)
        assert (done.returncode, done.stderr) == (1, sentence + "\n"), path
        after = path.lstat()
        assert (after.st_ino, after.st_mode) == (before[path].st_ino, before[path].st_mode)
    # the database itself through another name (a hard link) is the database too
    os.link(s.path, tmp_path / "autre-nom.db")
    done = run_cli("backup", str(tmp_path / "autre-nom.db"), db=s.path)
    assert done.returncode == 1 and "est la base de données en service" in done.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    old = tmp_path / "hier.db"
    old.write_bytes(b"ancienne sauvegarde")
    done = run_cli("backup", str(old), db=s.path)
    assert done.returncode == 0 and old.read_bytes().startswith(b"SQLite format 3\x00")
    assert (old.stat().st_mode & 0o777) == 0o600


# -- a key written into a connector's URL


URL_KEY = "CLEDANSURL1234WXYZ"
SHOP = demo_connector(Path("/nulle-part")).model_copy(
    update={
        "code": "SHOP",
        "liaison": Liaison.PRESTASHOP,
        "mode": Mode.WEBSERVICE,
        "import_path": None,
        "export_path": None,
        "url": f"https://{URL_KEY}:motdepasse@shop.example/boutique",
        "key": "CLEPRESTA9876ABCD",
    }
)


def test_a_key_in_the_url_is_masked_by_connector_list(tmp_path):
    s = Setup(tmp_path)
    save_connector(s.db, SHOP, new=True)
    s.db.close()
    listed = run_cli("connector", "list", db=s.path)
    assert listed.returncode == 0
    assert "url=https://••••••••WXYZ:••••••••@shop.example/boutique cle=••••••••ABCD" in (
        listed.stdout
    )
    as_json = run_cli("connector", "list", "--json", db=s.path)
    assert URL_KEY not in as_json.stdout and URL_KEY not in listed.stdout
    assert "motdepasse" not in as_json.stdout + listed.stdout
    shop = next(c for c in json.loads(as_json.stdout) if c["code"] == "SHOP")
    assert shop["url"] == "https://••••••••WXYZ:••••••••@shop.example/boutique"
    exported = run_cli("connector", "export", "SHOP", db=s.path)  # a copy of the setup: exact
    assert f'url = "{SHOP.url}"' in exported.stdout


async def test_a_key_in_the_url_is_masked_in_the_connectors_screen(tmp_path) -> None:
    from tests.test_tui_connectors import open_list

    app = make_app(tmp_path)
    save_connector(app.db, SHOP, new=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        await settle(pilot)
        grid = screen.query_one(DataGrid)
        lines = ["".join(seg.text for seg in grid.render_line(y)) for y in range(4)]
        assert any(" shop.example " in line for line in lines), lines
        detail = str(screen.query_one("#connector-detail", Static).render())
        assert "Adresse du site : https://••••••••WXYZ:••••••••@shop.example/boutique" in detail
        assert not any(URL_KEY in line for line in [*lines, detail])


def _demo(tmp_path) -> Path:
    db = tmp_path / "econnect.db"
    assert run_cli("init", "--demo", db=db).returncode == 0
    return db


def test_connector_tomls_that_are_no_connector_end_in_french(tmp_path):
    db = _demo(tmp_path)
    exported = run_cli("connector", "export", "FACILI", db=db).stdout
    nul = tmp_path / "nul.toml"
    nul.write_text(exported.replace('chemin_import = "', 'chemin_import = "\\u0000'))
    done = run_cli("connector", "import", str(nul), db=db)
    assert done.returncode == 1 and "Erreur inattendue" not in done.stderr, done.stderr
    assert "chemin_import : caractère de contrôle interdit : « \\x00" in done.stderr
    assert done.stderr.splitlines()[-1] == "nul.toml refusé : 1 erreur."
    binary = tmp_path / "binaire.toml"
    binary.write_bytes(bytes(range(256)) * 4)  # 0x81 is neither UTF-8 nor Windows-1252
    done = run_cli("connector", "import", str(binary), db=db)
    assert (done.returncode, done.stderr) == (
        1,
        "binaire.toml : fichier TOML illisible (ni UTF-8 ni Windows-1252).\n",
    )
    nested = tmp_path / "imbrique.toml"
    nested.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    done = run_cli("connector", "import", str(nested), db=db)
    assert (done.returncode, done.stderr) == (
        1,
        "imbrique.toml : fichier TOML illisible (tableaux imbriqués trop profondément).\n",
    )
    fifo = tmp_path / "tube.toml"
    os.mkfifo(fifo)
    done = run_cli("connector", "import", str(fifo), db=db, timeout=30)
    assert (done.returncode, done.stderr) == (
        1,
        f"{fifo} n'est pas un fichier ordinaire : indiquez un fichier TOML.\n",
    )


def test_a_fifo_as_the_database_is_refused_at_once(tmp_path):
    fifo = tmp_path / "econnect.db"
    os.mkfifo(fifo)
    for command in ("status", "init"):
        done = run_cli(command, db=fifo, timeout=30)
        assert (done.returncode, done.stderr) == (
            1,
            f"{fifo} n'est pas un fichier ordinaire : indiquez le fichier de la base de données "
            "(--db).\n",
        ), command
    assert sorted(p.name for p in tmp_path.iterdir()) == ["econnect.db"]  # no log beside it


def test_a_run_number_past_any_integer_is_no_run(tmp_path):
    db = _demo(tmp_path)
    done = run_cli("history", "FACILI", "--run", "99999999999999999999", db=db)
    assert (done.returncode, done.stderr) == (
        1,
        "Aucune synchronisation n° 99999999999999999999 pour le connecteur FACILI.\n",
    )


def test_a_wrong_fault_injection_is_said_and_ignored(tmp_path):
    db = _demo(tmp_path)
    done = run_cli("receive", "FACILI", db=db, env={"ECONNECT_FAULT": "staged:abc"})
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(
        "ECONNECT_FAULT=« staged:abc » ignorée : attendu « point:nombre ».\n"
    )
    assert "Erreur" not in done.stderr


@pytest.mark.parametrize("value", ["-inf", "inf", "nan", "-3", "1e9", "abc"])
def test_a_settle_delay_out_of_range_keeps_the_default_and_says_so_once(tmp_path, value):
    s = Setup(tmp_path)
    s.db.close()
    growing = s.import_dir / "ImportDocuments_1.csv"
    growing.write_bytes(csv_text(DOC_HEADER, []).encode())
    env = {"ECONNECT_SETTLE_SECONDS": value}

    # Still growing across two looks 5 s apart: left in place. With 0 s (what « -inf » gave),
    # it would have been read half-written at once.
    def rows(n: int) -> bytes:
        return csv_text(DOC_HEADER, doc_rows(f"D{n + 1}")).split("\r\n", 1)[1].encode()

    with still_written(growing, rows, every=0.2):
        done = run_cli("receive", "FACILI", db=s.path, env=env)
    assert done.returncode == 3, done.stdout
    assert "(modifié il y a moins de 5 s) : laissé en place" in done.stdout
    said = [
        line
        for line in (tmp_path / "econnect.log").read_text().splitlines()
        if "ECONNECT_SETTLE_SECONDS" in line
    ]
    assert len(said) == 1 and f"« {value} » ignorée (attendu 0 à 600 s) : délai de 5 s." in said[0]


def test_mapping_export_to_a_dash_writes_standard_output(tmp_path):
    db = _demo(tmp_path)
    done = run_cli("mapping", "export", "FACILI", "-", db=db, env={})
    plain = run_cli("mapping", "export", "FACILI", db=db)
    assert done.returncode == 0 and done.stdout == plain.stdout
    assert done.stdout.startswith("CodeArticle;CodeArticleExterne")
    assert not (tmp_path / "-").exists() and not Path("-").exists()
