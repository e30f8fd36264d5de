"""`econnect backup` and `econnect check`."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading

from econnect_tui.db import open_db
from econnect_tui.sync import maintenance
from econnect_tui.sync import receive as reception
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
    assert ok.stdout.count("✓") == 7
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
