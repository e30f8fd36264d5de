"""`econnect backup` and `econnect check`."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading

from econnect_tui.db import open_db
from econnect_tui.models.reports import INTERRUPTED_SEND
from econnect_tui.store import history
from econnect_tui.sync import locks, maintenance, reception
from econnect_tui.sync.connectors import delete_connector, save_connector
from econnect_tui.sync.demo import demo_connector
from tests.eta import Setup, doc_rows
from tests.helpers import run_cli


def test_backup_is_a_consistent_private_copy_even_while_writing(tmp_path):
    s = Setup(tmp_path)
    stop = threading.Event()

    def writer():
        db = open_db(s.path)
        i = 0
        while not stop.is_set():
            db.execute("INSERT INTO units (code, label) VALUES (?, ?)", [f"W{i}", "x"])
            i += 1
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        target = maintenance.backup(s.db, tmp_path / "backup.db")
    finally:
        stop.set()
        thread.join()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM articles").fetchone()[0] == 32
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_backup_cli_and_errors(tmp_path):
    s = Setup(tmp_path)
    result = run_cli("backup", str(tmp_path / "b.db"), db=s.path)
    assert result.returncode == 0 and "Sauvegarde écrite" in result.stderr
    missing = run_cli("backup", str(tmp_path / "nope" / "b.db"), db=s.path)
    assert missing.returncode == 1 and "n'existe pas" in missing.stderr


def test_check_healthy_then_finds_a_missing_archive(tmp_path):
    s = Setup(tmp_path)
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    reception.receive(s.db, "FACILI")
    ok = run_cli("check", db=s.path)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.count("✓") == 9
    archived = next((s.import_dir / "archive").rglob("ImportDocuments_1.csv"))
    archived.unlink()
    bad = run_cli("check", db=s.path)
    assert bad.returncode == 3
    assert "✗ Fichiers reçus présents dans l'archive" in bad.stdout
    assert "ImportDocuments_1.csv" in bad.stdout
    report = maintenance.check(s.db)
    assert not report.ok


def test_check_reports_an_unfinished_run(tmp_path):
    s = Setup(tmp_path)
    s.db.execute(
        "INSERT INTO sync_runs (connector_code, kind, started_at, user, status)"
        " VALUES ('FACILI', 'reception', '2026-11-01T08:00:00+00:00', 'cron', 'en-cours')"
    )
    report = maintenance.check(s.db)
    item = next(i for i in report.items if i.name == "Synchronisations terminées")
    assert not item.ok and "interrompue" in item.details[0]


def _received(tmp_path) -> Setup:
    """A reception of a new client (0901) and four documents, one of them for that client."""
    s = Setup(tmp_path)
    s.tiers("ImportTiers_1.csv", [["Client", "0901", "", "", "Client 1", "", "", "", ""]])
    s.documents(
        "ImportDocuments_1.csv",
        doc_rows("D1", client="0901") + doc_rows("D2") + doc_rows("D3") + doc_rows("D4"),
    )
    assert reception.receive(s.db, "FACILI").exit_code == 0
    assert run_cli("check", db=s.path).returncode == 0
    return s


def _behind_its_back(s: Setup, *statements: str) -> None:
    """Changes made with the sqlite3 module alone (no foreign keys, no application): what a
    commit lost after it was confirmed (a damaged -wal) leaves."""
    raw = sqlite3.connect(s.path)
    with raw:
        for statement in statements:
            raw.execute(statement)
    raw.close()


def _details(result, item: str) -> list[str]:
    lines = result.stdout.splitlines()
    start = lines.index(f"✗ {item}")
    return [line.strip() for line in lines[start + 1 :] if line.startswith("    ")][:50]


def test_check_finds_integrated_documents_and_tiers_the_gc_lost(tmp_path):
    s = _received(tmp_path)
    _behind_its_back(
        s,
        "DELETE FROM document_lines WHERE document_id IN"
        " (SELECT id FROM documents WHERE external_id IN ('D2', 'D3'))",
        "DELETE FROM documents WHERE external_id IN ('D2', 'D3')",
        "UPDATE documents SET external_id = 'D9' WHERE external_id = 'D4'",
        "DELETE FROM documents WHERE external_id = 'D1'",
        "DELETE FROM tiers WHERE code = '0901'",
    )
    bad = run_cli("check", db=s.path)
    assert bad.returncode == 3, bad.stdout
    assert "Traceback" not in bad.stderr
    documents = "Documents intégrés toujours présents dans la GC"
    assert [line for line in bad.stdout.splitlines() if line.startswith("    Document ")] == [
        "    Document D1 (FACILI), intégré par la réception n° 1 : absent de la GC.",
        "    Document D2 (FACILI), intégré par la réception n° 1 : absent de la GC.",
        "    Document D3 (FACILI), intégré par la réception n° 1 : absent de la GC.",
        "    Document D4 (FACILI), intégré par la réception n° 1 : le document de la GC"
        " enregistré pour lui porte le numéro ETA D9.",
    ]
    assert f"✗ {documents}" in bad.stdout
    assert "✗ Tiers intégrés toujours présents dans la GC" in bad.stdout
    assert (
        "    Client 0901 (FACILI), intégré par la réception n° 1 : absent de la GC." in bad.stdout
    )


def test_check_finds_a_reception_whose_records_were_lost(tmp_path):
    s = _received(tmp_path)
    # the record of two documents' and the client's integration, and the file's, gone: the
    # GC documents are there, but the history no longer says they were integrated
    _behind_its_back(
        s,
        "UPDATE document_versions SET outcome = NULL, document_id = NULL, run_id = NULL"
        " WHERE numero IN ('D2', 'D3')",
        "UPDATE staged_tiers SET outcome = NULL, run_id = NULL",
        "DELETE FROM staged_tiers",
        "DELETE FROM received_files WHERE name = 'ImportTiers_1.csv'",
    )
    bad = run_cli("check", db=s.path)
    assert bad.returncode == 3, bad.stdout
    found = _details(bad, "Réceptions conformes à leur rapport (documents, tiers, fichiers)")
    assert len(found) == 3, found
    assert found[0].startswith("Réception n° 1 (FACILI) le ")
    assert found[0].endswith(
        " : 4 documents intégrés d'après son rapport, 2 d'après l'historique des documents."
    )
    assert found[1].endswith(
        " : 1 tiers intégré d'après son rapport, 0 d'après l'historique des tiers reçus."
    )
    assert found[2].endswith(
        " : le fichier ImportTiers_1.csv (archivé) n'est plus enregistré dans la base."
    )


def test_check_does_not_compare_the_history_of_a_connector_deleted_since(tmp_path):
    s = _received(tmp_path)
    # yesterday's reception of a connector deleted and created again today
    s.db.execute("UPDATE sync_runs SET started_at = '2026-01-01T08:00:00+00:00'")
    delete_connector(s.db, "FACILI", drop_held_back=True)
    save_connector(s.db, demo_connector(s.folder), new=True, create_folders=True)
    ok = run_cli("check", db=s.path)
    assert ok.returncode == 0, ok.stdout


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_check_and_history_tell_a_killed_send_from_a_live_one(tmp_path):
    s = Setup(tmp_path)
    s.db.execute(
        "INSERT INTO sync_runs (connector_code, kind, started_at, user, host, pid, status)"
        " VALUES ('FACILI', 'envoi', ?, 'cron', ?, ?, 'en-cours')",
        [history.now(), locks.host(), _dead_pid()],
    )
    s.db.execute(
        "INSERT INTO sync_runs (connector_code, kind, started_at, user, host, pid, status)"
        " VALUES ('FACILI', 'envoi', ?, 'marie', ?, ?, 'en-cours')",
        [history.now(), locks.host(), os.getpid()],  # this process: alive
    )
    report = maintenance.check(s.db)
    item = next(i for i in report.items if i.name == "Synchronisations terminées")
    assert len(item.details) == 1, item.details
    assert item.details[0].startswith("n° 1 (FACILI) le ")
    assert item.details[0].endswith(
        " : envoi interrompu, il sera marqué comme tel au prochain envoi ou à la prochaine"
        " réception du connecteur"
    )
    killed, live = (locks.as_shown(s.db, history.get_run(s.db, n)) for n in (1, 2))
    assert (killed.message, killed.state) == (INTERRUPTED_SEND, "✗ Interrompu")
    assert live.state == "… En cours"
    shown = run_cli("history", "FACILI", db=s.path)
    assert "Réception interrompue" not in shown.stdout
    assert "Envoi interrompu (processus arrêté)" in shown.stdout
