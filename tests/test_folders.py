"""The import and export folders: when a file is settled (two looks, whatever the clocks say),
names that are not UTF-8, links and FIFOs where files are read or moved, and connectors sharing
a folder. Real folders, links, FIFOs and sockets under tmp_path; the CLI in subprocesses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from econnect_tui.db import open_db
from econnect_tui.errors import ValidationFailed
from econnect_tui.models.connector import Connector
from econnect_tui.models.reports import ItemType
from econnect_tui.store import connectors as connectors_store
from econnect_tui.sync import maintenance, reception
from econnect_tui.sync.connectors import export_toml, save_connector
from econnect_tui.sync.demo import demo_connector
from tests.eta import DOC_HEADER, Setup, csv_text, doc_rows, report_rows
from tests.helpers import run_cli, still_written


@pytest.fixture
def s(tmp_path) -> Setup:
    return Setup(tmp_path)


def _rows(numero: str) -> bytes:
    """The CSV lines of one document, without the header (what a writer appends)."""
    return "".join(";".join(row) + "\r\n" for row in doc_rows(numero)).encode()


def _file_row(s: Setup, result, name: str):
    """The report's row about the file `name` itself."""
    (row,) = [r for r in report_rows(s, result) if r.file_name == name and r.type is ItemType.FILE]
    return row


def _numeros(path: Path) -> set[str]:
    return {line.split(";")[0] for line in path.read_text().splitlines()[1:] if line}


# A file is settled when two looks the quiet period apart saw it unchanged ---------------------


def test_a_file_dated_in_the_future_is_not_settled_at_first_sight(s, monkeypatch):
    """A share whose clock is ahead dates a file being written in the future: it used to count
    as settled at once, and a half-written file was archived with one document in error."""
    monkeypatch.setenv("ECONNECT_SETTLE_SECONDS", "5")
    path = s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    ahead = time.time() + 3600
    os.utime(path, (ahead, ahead))

    scan = reception.scan_folder(s.import_dir)

    assert [entry.name for entry in scan.settling] == ["ImportDocuments_1.csv"]
    assert scan.files == []


@pytest.mark.parametrize("clock", [3600, -3600], ids=["clock-ahead", "clock-behind"])
def test_a_file_still_growing_is_left_in_place_whatever_its_dates_say(s, monkeypatch, clock):
    monkeypatch.setenv("ECONNECT_SETTLE_SECONDS", "1")
    path = s.documents("ImportDocuments_1.csv", doc_rows("G000"))

    with still_written(path, lambda n: _rows(f"G{n + 1:03d}"), clock=clock):
        first = reception.receive(s.db, "FACILI")

    assert first.exit_code == 3
    assert s.gc_documents() == {} and s.waiting() == ["ImportDocuments_1.csv"]
    row = _file_row(s, first, "ImportDocuments_1.csv")
    assert row.messages.startswith("Fichier en cours d'écriture")
    # Finished: the next reception sees it unchanged across its two looks and reads it whole.
    written = _numeros(path)
    second = reception.receive(s.db, "FACILI")
    assert second.exit_code == 0
    assert set(s.gc_documents()) == written and len(written) > 2
    assert s.archived() == ["ImportDocuments_1.csv"] and s.waiting() == []


def test_an_unchanged_file_dated_in_the_future_is_read_after_a_second_look(s, monkeypatch):
    """Whatever the clocks say: a clock ahead never leaves a finished file aside for good."""
    monkeypatch.setenv("ECONNECT_SETTLE_SECONDS", "0.5")
    path = s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    ahead = time.time() + 3600
    os.utime(path, (ahead, ahead))

    preview = reception.preview(s.db, "FACILI")
    assert [(f.name, f.status) for f in preview.files] == [("ImportDocuments_1.csv", "à traiter")]
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0 and "D1" in s.gc_documents()


def test_the_reception_screen_reads_only_what_its_preview_saw_settled(s, monkeypatch):
    """The screen's « Recevoir » does not wait again (`look_twice=False`): a file not seen
    settled by its preview stays for the next reception, as the preview said."""
    monkeypatch.setenv("ECONNECT_SETTLE_SECONDS", "30")
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    result = reception.receive(s.db, "FACILI", look_twice=False)
    assert result.exit_code == 3 and s.gc_documents() == {}
    assert s.waiting() == ["ImportDocuments_1.csv"]


# Names that are not UTF-8 -----------------------------------------------------------------------

LATIN1_NAME = b"ImportDocuments_\xe9t\xe9.csv"  # « été » as a Windows share writes it
C_LOCALE = {"LC_ALL": "C", "PYTHONUTF8": "0"}  # no UTF-8 mode: every non-ASCII name is bytes


def _archived_bytes(s: Setup) -> list[bytes]:
    return sorted(
        name for _, _, names in os.walk(os.fsencode(s.import_dir / "archive")) for name in names
    )


@pytest.mark.parametrize("env", [None, C_LOCALE], ids=["utf-8", "c-locale"])
def test_a_file_name_in_latin1_bytes_is_received_shown_escaped_and_archived_as_is(s, env):
    with open(os.path.join(os.fsencode(s.import_dir), LATIN1_NAME), "wb") as f:
        f.write(csv_text(DOC_HEADER, doc_rows("L1")).encode())
    s.documents("ImportDocuments_ok.csv", doc_rows("L2"))
    shown = "ImportDocuments_\\xe9t\\xe9.csv"

    preview = run_cli("receive", "FACILI", "--preview", db=s.path, env=env)
    assert preview.returncode == 0, preview.stderr
    assert f"  {shown}  [documents]  à traiter" in preview.stdout

    received = run_cli("receive", "FACILI", "--json", db=s.path, env=env)
    assert received.returncode == 0, received.stderr
    run = json.loads(received.stdout)
    names = sorted(f["name"] for f in run["files"])
    assert names == [shown, "ImportDocuments_ok.csv"]
    assert set(s.gc_documents()) == {"L1", "L2"}
    assert _archived_bytes(s) == sorted([LATIN1_NAME, b"ImportDocuments_ok.csv"])

    report = run_cli("history", "FACILI", "--run", str(run["id"]), db=s.path, env=env)
    assert report.returncode == 0, report.stderr
    assert f"{shown} | Document | L1 / 0701 | ✓ | Synchronisé" in report.stdout
    check = run_cli("check", db=s.path, env=env)
    assert check.returncode == 0, check.stdout  # found in the archive under its own bytes

    # The same bytes again: known by their archive path (stored as bytes), never twice.
    with open(os.path.join(os.fsencode(s.import_dir), LATIN1_NAME), "wb") as f:
        f.write(csv_text(DOC_HEADER, doc_rows("L1")).encode())
    again = reception.receive(s.db, "FACILI")
    (row,) = report_rows(s, again)
    assert (row.file_name, row.ok) == (shown, True)
    assert row.messages.startswith("Déjà reçu")


def test_a_utf8_name_under_the_c_locale_shows_its_letters(s):
    s.documents("ImportDocuments_été.csv", doc_rows("E1"))
    received = run_cli("receive", "FACILI", db=s.path, env=C_LOCALE)
    assert received.returncode == 0, received.stderr
    assert "ImportDocuments_été.csv | Document | E1 / 0701 | ✓" in received.stdout
    assert s.archived() == ["ImportDocuments_été.csv"]


def test_display_name_escapes_bytes_and_control_characters():
    latin1 = os.fsdecode(LATIN1_NAME)
    assert reception.display_name(latin1) == "ImportDocuments_\\xe9t\\xe9.csv"
    assert reception.display_name("ImportTiers_\x1b[2J.csv") == "ImportTiers_\\x1b[2J.csv"
    assert reception.display_name("ImportTiers_été.csv") == "ImportTiers_été.csv"


# Never moved into a link ------------------------------------------------------------------------


def _month() -> tuple[str, str]:
    now = time.localtime()
    return f"{now.tm_year}", f"{now.tm_mon:02d}"


@pytest.mark.parametrize("level", [1, 2, 3], ids=["archive", "archive-year", "archive-month"])
def test_a_symlinked_archive_is_never_followed(s, tmp_path, level):
    outside = tmp_path / "outside"
    outside.mkdir()
    parts = ("archive", *_month())[:level]
    link = s.import_dir.joinpath(*parts)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))

    preview = reception.preview(s.db, "FACILI")
    said = f"« {'/'.join(parts)} » est un lien symbolique"
    assert preview.files[0].status == f"à traiter ; restera dans le dossier d'import : {said}"

    first = reception.receive(s.db, "FACILI")
    assert list(outside.iterdir()) == []
    assert "ImportDocuments_1.csv" in s.waiting()
    row = _file_row(s, first, "ImportDocuments_1.csv")
    assert row.messages == (
        f"Fichier laissé en place : {said}, et un fichier reçu n'est jamais déplacé hors du "
        "dossier d'import (remplacez-le par un vrai dossier)"
    )
    assert first.exit_code == 3 and "D1" in s.gc_documents()  # its data are received

    second = reception.receive(s.db, "FACILI")  # still a link: still in place, nothing twice
    assert second.exit_code == 3 and list(outside.iterdir()) == []
    assert len(s.gc_documents()) == 1

    link.unlink()  # put right: the next reception archives it
    third = reception.receive(s.db, "FACILI")
    assert third.exit_code == 0
    assert s.archived() == ["ImportDocuments_1.csv"] and len(s.gc_documents()) == 1
    assert maintenance.check(s.db).ok


def test_a_symlinked_erreurs_is_never_followed(s, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (s.import_dir / "erreurs").symlink_to(outside, target_is_directory=True)
    s.drop("ImportDocuments_vide.csv", "")

    result = reception.receive(s.db, "FACILI")

    assert list(outside.iterdir()) == [] and s.waiting() == ["ImportDocuments_vide.csv"]
    row = _file_row(s, result, "ImportDocuments_vide.csv")
    assert row.messages.startswith("Fichier refusé : ImportDocuments_vide.csv: fichier vide")
    assert "Fichier laissé en place : « erreurs » est un lien symbolique" in row.messages


def test_an_archive_that_is_a_file_is_said_and_the_file_left_in_place(s):
    (s.import_dir / "archive").write_text("pas un dossier")
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    result = reception.receive(s.db, "FACILI")
    row = _file_row(s, result, "ImportDocuments_1.csv")
    assert row.messages.startswith("Fichier laissé en place : « archive » n'est pas un dossier")
    assert "ImportDocuments_1.csv" in s.waiting() and "D1" in s.gc_documents()


# FIFOs, folders and sockets named like ETA files ------------------------------------------------


def test_fifos_folders_and_sockets_named_like_eta_files_are_skipped_unlisted(s, monkeypatch):
    os.mkfifo(s.import_dir / "ImportDocuments_fifo.csv")
    (s.import_dir / "ImportTiers_dossier.csv").mkdir()
    monkeypatch.chdir(s.import_dir)  # a socket's path is limited to 108 bytes
    listening = socket.socket(socket.AF_UNIX)
    listening.bind("ImportDocuments_socket.csv")
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    try:
        status = run_cli("status", "--json", db=s.path)
        preview = run_cli("receive", "FACILI", "--preview", db=s.path)
        received = run_cli("receive", "FACILI", db=s.path)
    finally:
        listening.close()
    assert json.loads(status.stdout)[0]["fichiers_en_attente"] == 1
    assert preview.returncode == 0 and received.returncode == 0, received.stdout
    for output in (preview.stdout, received.stdout):
        for name in ("ImportDocuments_fifo", "ImportTiers_dossier", "ImportDocuments_socket"):
            assert name not in output
    assert "D1" in s.gc_documents()


def _wait_staged(path: Path, files: int, process: subprocess.Popen) -> None:
    """Until the reception `process` has staged `files` files (then paused: ECONNECT_PAUSE)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        db = open_db(path)
        try:
            if db.execute("SELECT count(*) FROM received_files").fetchone()[0] >= files:
                return
        finally:
            db.close()
        time.sleep(0.05)
    raise AssertionError("the reception never staged its first file")


@pytest.mark.slow
def test_a_file_replaced_by_a_fifo_during_a_reception_is_never_opened(s, ledger):
    """Opening a FIFO blocks until someone writes into it: a reception that met one where a
    file was at its scan never ended."""
    s.documents("ImportDocuments_1.csv", doc_rows("A1"))
    second = s.documents("ImportDocuments_2.csv", doc_rows("B1"))
    env = {**os.environ, "ECONNECT_PAUSE": "staged:3"}  # after the first file is staged
    process = subprocess.Popen(
        [sys.executable, "-m", "econnect_tui", "--db", str(s.path), "receive", "FACILI"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        _wait_staged(s.path, 1, process)
        second.unlink()
        os.mkfifo(second)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    found = len(s.gc_documents())
    lost = 0 if s.archived() == ["ImportDocuments_1.csv"] else 1
    ledger("fichier remplacé par une FIFO pendant la réception", 1, 1, found, lost)
    assert process.returncode == 0, out + err
    assert "ImportDocuments_2.csv" not in out
    assert set(s.gc_documents()) == {"A1"} and s.archived() == ["ImportDocuments_1.csv"]


# Two connectors never share a folder ------------------------------------------------------------


def _f2(tmp_path: Path, **folders: str) -> Connector:
    """A second connector F2 (folders f2/import and f2/export made), with `folders` instead."""
    (tmp_path / "f2" / "import").mkdir(parents=True, exist_ok=True)
    (tmp_path / "f2" / "export").mkdir(parents=True, exist_ok=True)
    c = demo_connector(tmp_path / "f2").model_copy(update={"code": "F2"})
    return c.model_copy(update=folders)


@pytest.mark.parametrize("spelled", ["as-is", "slash", "dot-dot", "link"])
def test_a_second_connector_on_the_same_import_folder_is_refused(s, tmp_path, spelled):
    (tmp_path / "link").symlink_to(s.folder, target_is_directory=True)
    path = {
        "as-is": str(s.import_dir),
        "slash": f"{s.import_dir}/",
        "dot-dot": f"{s.import_dir}/../import",
        "link": str(tmp_path / "link" / "import"),
    }[spelled]
    with pytest.raises(ValidationFailed) as refused:
        save_connector(s.db, _f2(tmp_path, import_path=path), new=True)
    also = f" (« {s.import_dir} »)" if spelled == "link" else ""
    assert refused.value.errors == [
        f"chemin_import : ce dossier est déjà le dossier d'import du connecteur FACILI{also}"
    ]
    assert connectors_store.get_connector(s.db, "F2") is None


@pytest.mark.parametrize(
    ("key", "where", "error"),
    [
        ("import_path", "import", "chemin_import : ce dossier est déjà le dossier d'import"),
        ("import_path", "export", "chemin_import : ce dossier est déjà le dossier d'export"),
        ("export_path", "import", "chemin_export : ce dossier est déjà le dossier d'import"),
        ("export_path", "export", "chemin_export : ce dossier est déjà le dossier d'export"),
        (
            "import_path",
            "import/sub",
            "chemin_import : ce dossier est à l'intérieur du dossier d'import",
        ),
        ("import_path", "", "chemin_import : ce dossier contient le dossier d'import"),
        ("export_path", "import/sub", None),  # a scan never looks into a subfolder
        ("import_path", "export/sub", None),
        ("export_path", "export/sub", None),
    ],
)
def test_which_folders_two_connectors_may_not_share(s, tmp_path, key, where, error):
    folder = s.folder / where
    folder.mkdir(exist_ok=True)
    c = _f2(tmp_path, **{key: str(folder)})
    if error is None:
        save_connector(s.db, c, new=True)
        assert connectors_store.get_connector(s.db, "F2") is not None
        return
    with pytest.raises(ValidationFailed) as refused:
        save_connector(s.db, c, new=True)
    (message,) = refused.value.errors
    assert message.startswith(f"{error} du connecteur FACILI")


def test_folders_are_stored_normalised_with_their_links_lost(s, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    real = tmp_path / "real"
    (real / "in").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    c = _f2(tmp_path, import_path="~/link/in/../in/", export_path=f"{tmp_path}//f2/./export/")
    saved = save_connector(s.db, c, new=True)
    assert saved.import_path == str(tmp_path / "link" / "in")  # the link stays a link
    assert saved.export_path == str(tmp_path / "f2" / "export")


def test_a_connector_changed_onto_another_ones_folder_is_refused(s, tmp_path):
    save_connector(s.db, _f2(tmp_path), new=True)
    stored = connectors_store.require_connector(s.db, "F2")
    with pytest.raises(ValidationFailed) as refused:
        save_connector(
            s.db, stored.model_copy(update={"export_path": str(s.export_dir)}), new=False
        )
    assert refused.value.errors == [
        "chemin_export : ce dossier est déjà le dossier d'export du connecteur FACILI"
    ]
    assert connectors_store.require_connector(s.db, "F2") == stored
    # Its own folders are no other connector's: saved again as they are.
    facili = connectors_store.require_connector(s.db, "FACILI")
    save_connector(s.db, facili, new=False)


def test_connector_import_refuses_another_connectors_folder(s, tmp_path):
    toml = tmp_path / "f2.toml"
    toml.write_text(
        export_toml(s.db, "FACILI")
        .replace('code = "FACILI"', 'code = "F2"')
        .replace(f'chemin_export = "{s.export_dir}"', f'chemin_export = "{tmp_path}"')
        .replace(f'chemin_import = "{s.import_dir}"', f'chemin_import = "{s.import_dir}/"')
    )
    result = run_cli("connector", "import", str(toml), db=s.path)
    assert result.returncode == 1
    assert result.stderr == (
        "chemin_import : ce dossier est déjà le dossier d'import du connecteur FACILI\n"
        "Connecteur « F2 » non enregistré : 1 erreur.\n"
    )
    assert connectors_store.get_connector(s.db, "F2") is None


def _stored_pair(s: Setup, tmp_path: Path) -> None:
    """F2 on FACILI's import folder, written past the rule (a database saved before it)."""
    c = _f2(tmp_path, import_path=f"{s.import_dir}/")
    connectors_store.save_connector(s.db, c, new=True)


def test_a_stored_shared_import_folder_is_flagged_and_receives_nothing(s, tmp_path):
    _stored_pair(s, tmp_path)
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))

    check = run_cli("check", db=s.path)
    assert check.returncode == 3, check.stdout
    assert (
        "✗ Dossiers d'échange propres à chaque connecteur\n"
        f"    Le dossier d'import de F2 (« {s.import_dir}/ ») est aussi le dossier d'import du "
        f"connecteur FACILI (« {s.import_dir} ») : corrigez le paramétrage de l'un des deux.\n"
    ) in check.stdout

    for code in ("FACILI", "F2"):
        refused = run_cli("receive", code, db=s.path)
        assert refused.returncode == 1
        assert f"aucune réception de {code} tant que l'un des deux n'est pas corrigé" in (
            refused.stderr
        )
        preview = run_cli("receive", code, "--preview", db=s.path)
        assert preview.returncode == 1 and "aucune réception" in preview.stderr
    assert s.waiting() == ["ImportDocuments_1.csv"] and s.gc_documents() == {}
    status = json.loads(run_cli("status", "--json", db=s.path).stdout)
    assert all("est aussi le dossier d'import" in row["erreur_dossier"] for row in status)

    # Put right: F2 on its own folder, FACILI receives.
    save_connector(s.db, _f2(tmp_path, import_path=str(tmp_path / "f2" / "import")), new=False)
    assert run_cli("check", db=s.path).returncode == 0
    assert reception.receive(s.db, "FACILI").exit_code == 0 and "D1" in s.gc_documents()


def test_a_stored_shared_export_folder_is_flagged_receptions_go_on(s, tmp_path):
    connectors_store.save_connector(s.db, _f2(tmp_path, export_path=str(s.export_dir)), new=True)
    report = maintenance.check(s.db)
    item = next(i for i in report.items if i.name.startswith("Dossiers d'échange"))
    assert item.details == [
        f"Le dossier d'export de F2 (« {s.export_dir} ») est aussi le dossier d'export du "
        "connecteur FACILI : corrigez le paramétrage de l'un des deux."
    ]
    pending = reception.pending_status(s.db, "FACILI")
    assert pending.folder_error is None
    assert pending.folder_warning == (
        f"Le dossier d'export de FACILI (« {s.export_dir} ») est aussi le dossier d'export du "
        "connecteur F2 : corrigez le paramétrage de l'un des deux."
    )
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    assert reception.receive(s.db, "FACILI").exit_code == 0


# The reliability table (`make check`): hostile folders through real receptions ----------------

DOCUMENTS = 120


def _batch(s: Setup, name: str | bytes, prefix: str, count: int = DOCUMENTS) -> None:
    rows = [row for i in range(count) for row in doc_rows(f"{prefix}{i:04d}")]
    with open(os.path.join(os.fsencode(s.import_dir), os.fsencode(name)), "wb") as f:
        f.write(csv_text(DOC_HEADER, rows).encode())


def _gc(path: Path, code: str = "FACILI") -> tuple[int, int]:
    """(distinct documents, duplicates) of the connector `code`, read by a new connection."""
    db = open_db(path)
    try:
        per_id = db.execute(
            "SELECT external_id, count(*) FROM documents WHERE connector_code = ?"
            " GROUP BY external_id",
            [code],
        ).fetchall()
    finally:
        db.close()
    return len(per_id), sum(n - 1 for _, n in per_id)


def _lost(s: Setup, names: list[bytes]) -> int:
    """How many of the files `names` are not once in the import folder (waiting, archived or
    in erreurs/): gone, or twice."""
    everywhere = [name for _, _, files in os.walk(os.fsencode(s.import_dir)) for name in files]
    return sum(1 for name in names if everywhere.count(name) != 1)


@pytest.mark.slow
def test_fault_symlinked_archive_and_erreurs(tmp_path, ledger):
    s = Setup(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("archive", "erreurs"):
        (s.import_dir / name).symlink_to(outside, target_is_directory=True)
    _batch(s, "ImportDocuments_1.csv", "S")
    s.drop("ImportDocuments_vide.csv", "")
    names = [b"ImportDocuments_1.csv", b"ImportDocuments_vide.csv"]

    runs = [run_cli("receive", "FACILI", db=s.path) for _ in range(2)]
    assert [r.returncode for r in runs] == [3, 3], runs[-1].stdout + runs[-1].stderr
    assert list(outside.iterdir()) == [] and s.waiting() == sorted(n.decode() for n in names)
    for name in ("archive", "erreurs"):
        (s.import_dir / name).unlink()  # put right by the administrator
    final = run_cli("receive", "FACILI", db=s.path)

    found, duplicates = _gc(s.path)
    lost = _lost(s, names) + len(list(outside.iterdir()))
    ledger("archive/ et erreurs/ : liens symboliques vers l'extérieur", 3, DOCUMENTS, found, lost)
    assert final.returncode == 3  # the empty file is refused
    assert (found, duplicates, lost) == (DOCUMENTS, 0, 0)
    assert s.archived() == ["ImportDocuments_1.csv"]
    assert s.rejected() == ["ImportDocuments_vide.csv"]


@pytest.mark.slow
def test_fault_two_connectors_on_one_import_folder(tmp_path, ledger):
    """Over 8 rounds of both connectors receiving at once, files used to be split at random
    between them: documents held back, or integrated, under the wrong connector."""
    s = Setup(tmp_path)
    _stored_pair(s, tmp_path)
    names = []
    for n in range(4):
        _batch(s, f"ImportDocuments_{n}.csv", f"P{n}", DOCUMENTS // 4)
        names.append(f"ImportDocuments_{n}.csv".encode())
    cmd = [sys.executable, "-m", "econnect_tui", "--db", str(s.path), "receive"]
    rounds = 8
    for _ in range(rounds):
        both = [subprocess.Popen([*cmd, code], stderr=subprocess.PIPE) for code in ("FACILI", "F2")]
        assert [p.wait(timeout=120) for p in both] == [1, 1]
        for process in both:
            process.stderr.close()
    assert s.waiting() == sorted(n.decode() for n in names)
    save_connector(s.db, _f2(tmp_path, import_path=str(tmp_path / "f2" / "import")), new=False)
    final = run_cli("receive", "FACILI", db=s.path)

    found, duplicates = _gc(s.path)
    wrong = (
        _gc(s.path, "F2")[0]
        + s.db.execute(
            "SELECT count(*) FROM received_files WHERE connector_code = 'F2'"
        ).fetchone()[0]
    )
    lost = _lost(s, names)
    ledger(
        "un dossier d'import pour deux connecteurs (base ancienne)",
        2 * rounds + 1,
        DOCUMENTS,
        found,
        lost + wrong,
    )
    assert final.returncode == 0, final.stdout + final.stderr
    assert (found, duplicates, wrong, lost) == (DOCUMENTS, 0, 0, 0)


@pytest.mark.slow
def test_fault_half_written_file_dated_in_the_future(tmp_path, ledger):
    s = Setup(tmp_path)
    path = s.documents("ImportDocuments_1.csv", doc_rows("W0000"))
    quiet = {"ECONNECT_SETTLE_SECONDS": "1"}
    with still_written(path, lambda n: _rows(f"W{n + 1:04d}"), clock=3600):
        first = run_cli("receive", "FACILI", db=s.path, env=quiet)
    assert first.returncode == 3 and s.waiting() == ["ImportDocuments_1.csv"]
    assert _gc(s.path) == (0, 0)
    expected = len(_numeros(path))
    second = run_cli("receive", "FACILI", db=s.path, env=quiet)

    found, duplicates = _gc(s.path)
    lost = _lost(s, [b"ImportDocuments_1.csv"])
    ledger("fichier en cours d'écriture, daté dans le futur", 2, expected, found, lost)
    assert second.returncode == 0, second.stdout + second.stderr
    assert (found, duplicates, lost) == (expected, 0, 0)
    assert s.archived() == ["ImportDocuments_1.csv"]


@pytest.mark.slow
def test_fault_file_names_that_are_not_utf8(tmp_path, ledger):
    s = Setup(tmp_path)
    names = [LATIN1_NAME, "ImportDocuments_été.csv".encode(), b"ImportTiers_\xff\xfe.csv"]
    _batch(s, names[0], "N", DOCUMENTS // 2)
    _batch(s, names[1], "U", DOCUMENTS // 2)
    with open(os.path.join(os.fsencode(s.import_dir), names[2]), "wb") as f:
        f.write(b"TypeTiers;CodeTiers;Nom\r\nClient;0950;EARL Octets\r\n")

    received = run_cli("receive", "FACILI", db=s.path, env=C_LOCALE)

    found, duplicates = _gc(s.path)
    lost = sum(1 for name in names if name not in _archived_bytes(s))
    ledger("noms de fichiers non UTF-8 (Latin-1, LC_ALL=C)", 1, DOCUMENTS, found, lost)
    assert received.returncode == 0, received.stdout + received.stderr
    assert (found, duplicates, lost) == (DOCUMENTS, 0, 0)
    assert "ImportTiers_\\xff\\xfe.csv | Tiers | Client 0950 | ✓" in received.stdout
