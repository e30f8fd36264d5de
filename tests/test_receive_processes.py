"""Real processes: kill -9 in the middle of a reception, two receptions at once, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from econnect_tui.db import open_db
from tests.eta import DOC_HEADER, Setup, csv_text, doc_rows
from tests.helpers import run_cli


def _files(s: Setup, documents: int = 30) -> None:
    tiers = [["Client", f"09{i:02d}", "", "", f"Client {i}", "", "", "", ""] for i in range(5)]
    s.tiers("ImportTiers_1.csv", tiers)
    rows = []
    for i in range(documents):
        client = f"09{i % 5:02d}" if i % 3 == 0 else "0701"
        rows += doc_rows(
            f"D{i:03d}",
            client=client,
            lines=(("FT-LAB", "Labour", "2", "95"), ("FT-DEPL", "Km", "3", "1.1")),
        )
    half = 2 * (documents // 2)  # each document has 2 rows: split between documents
    s.drop("ImportDocuments_1.csv", csv_text(DOC_HEADER, rows[:half]))
    s.drop("ImportDocuments_2.csv", csv_text(DOC_HEADER, rows[half:]))


def _receive(s: Setup, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli("receive", "FACILI", db=s.path, env=env)


def _check_exactly_once(s: Setup, documents: int = 30) -> None:
    db = open_db(s.path)
    counts = db.execute(
        "SELECT external_id, count(*) FROM documents GROUP BY external_id"
    ).fetchall()
    assert len(counts) == documents
    assert all(n == 1 for _, n in counts)
    lines = db.execute(
        "SELECT d.external_id, count(l.id) FROM documents d"
        " LEFT JOIN document_lines l ON l.document_id = d.id GROUP BY d.id"
    ).fetchall()
    assert all(n == 2 for _, n in lines), "a half-written document"
    assert s.waiting() == []
    assert s.archived() == ["ImportDocuments_1.csv", "ImportDocuments_2.csv", "ImportTiers_1.csv"]
    clients = db.execute("SELECT count(*) FROM tiers WHERE code LIKE '09%'").fetchone()[0]
    assert clients == 5


@pytest.mark.parametrize(
    "fault",
    [
        "staged:1",
        "archived:1",
        "staged:2",
        "tiers:3",
        "document:1",
        "document:17",
        "page:1",
        "report:1",
    ],
)
def test_kill_9_then_rerun_integrates_every_document_exactly_once(tmp_path, fault):
    s = Setup(tmp_path)
    _files(s)
    killed = _receive(s, env={"ECONNECT_FAULT": fault})
    assert killed.returncode == -9, killed.stderr
    rerun = _receive(s)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "Traceback" not in rerun.stderr
    _check_exactly_once(s)
    history = json.loads(run_cli("history", "FACILI", "--json", db=s.path).stdout)
    assert history[0]["status"] == "ok"
    assert history[1]["status"] == "erreur"  # the killed run, marked interrupted
    assert "interrompue" in history[1]["message"]


def test_second_process_waits_then_says_who_holds_the_lock(tmp_path):
    s = Setup(tmp_path)
    _files(s, documents=3)
    env = {"ECONNECT_PAUSE": "staged:8"}
    first = subprocess.Popen(
        [sys.executable, "-m", "econnect_tui", "--db", str(s.path), "receive", "FACILI"],
        env={**__import__("os").environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            db = open_db(s.path)
            if db.execute("SELECT count(*) FROM reception_locks").fetchone()[0]:
                break
            time.sleep(0.1)
        start = time.monotonic()
        second = _receive(s)
        waited = time.monotonic() - start
        assert second.returncode == 1
        assert f"Une réception est déjà en cours pour FACILI (pid {first.pid}" in second.stderr
        assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
        assert waited >= 4  # it waited a few seconds before giving up
    finally:
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    _check_exactly_once(s, documents=3)


def test_cli_preview_says_3_when_files_would_be_left_aside(tmp_path):
    s = Setup(tmp_path)
    s.drop(
        "ImportDocuments_bad.csv", "NumeroDocument;DateDocument;CodeClient\r\nX;01/01/2026;0701\r\n"
    )
    preview = run_cli("receive", "FACILI", "--preview", "--json", db=s.path)
    assert preview.returncode == 3  # the reception would refuse it: it would exit 3 too
    assert [f["ok"] for f in json.loads(preview.stdout)["files"]] == [False]
    (s.import_dir / "ImportDocuments_bad.csv").unlink()
    s.drop("notes.txt", "four")
    preview = run_cli("receive", "FACILI", "--preview", "--json", db=s.path)
    assert preview.returncode == 3
    files = json.loads(preview.stdout)["files"]
    assert [(f["name"], f["size"], f["ok"]) for f in files] == [("notes.txt", 4, False)]
    assert run_cli("receive", "FACILI", db=s.path).returncode == 3


def test_cli_preview_receive_status_history(tmp_path):
    s = Setup(tmp_path)
    s.documents("ImportDocuments_1.csv", doc_rows("D1") + doc_rows("D2", client="0999"))
    preview = run_cli("receive", "FACILI", "--preview", "--json", db=s.path)
    assert preview.returncode == 3
    data = json.loads(preview.stdout)
    assert data["files_to_process"] == 1
    assert [d["status"] for d in data["documents"]] == ["Nouveau document", "Client inconnu : 0999"]
    status = json.loads(run_cli("status", "--json", db=s.path).stdout)
    assert status[0]["fichiers_en_attente"] == 1 and status[0]["derniere_reception"] is None
    text = run_cli("status", db=s.path).stdout
    assert "Aucune réception réalisée" in text
    assert "1 fichier en attente, 0 document retenu et 0 tiers retenu" in text

    result = run_cli("receive", "FACILI", db=s.path)
    assert result.returncode == 3
    assert "Nom du fichier | Type | Identifiant | Etat | Messages" in result.stdout
    assert "D1 / 0701 | ✓ | Synchronisé" in result.stdout
    assert "D2 / 0999 | ✗ | Client inconnu : 0999" in result.stdout

    status = json.loads(run_cli("status", "--json", db=s.path).stdout)
    assert status[0]["documents_retenus"] == 1 and status[0]["etat"] == "attention"
    runs = json.loads(run_cli("history", "FACILI", "--json", db=s.path).stdout)
    assert len(runs) == 1
    one = json.loads(
        run_cli("history", "FACILI", "--run", str(runs[0]["id"]), "--json", db=s.path).stdout
    )
    assert [r["identifier"] for r in one["rows"]] == ["D1 / 0701", "D2 / 0999"]
    missing = run_cli("history", "FACILI", "--run", "999", db=s.path)
    assert missing.returncode == 1 and "Aucune synchronisation n° 999" in missing.stderr
    unknown = run_cli("receive", "NOPE", db=s.path)
    assert unknown.returncode == 1 and "« NOPE » n'existe pas" in unknown.stderr


WRITER = """
import sys, time
path, first, rest = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
with open(path, "wb") as f:
    f.write(first); f.flush()
    sys.stdout.write("half\\n"); sys.stdout.flush()
    for i in range(0, len(rest), len(rest) // 24 + 1):  # the rest, slowly
        time.sleep(0.5)
        f.write(rest[i : i + len(rest) // 24 + 1]); f.flush()
"""


def test_file_still_being_written_is_left_for_the_next_reception(tmp_path) -> None:
    """The ETA software writes ImportDocuments_1.csv under its final name. A cron reception
    starting half-way used to read the first half, archive the file (the writer then finishing
    it inside archive/) and say nothing waits: the documents of the second half were lost."""
    s = Setup(tmp_path)
    rows = []
    for i in range(10):
        rows += doc_rows(f"D{i:03d}", lines=(("FT-LAB", "Labour", "2", "95"),))
    text = csv_text(DOC_HEADER, rows)
    cut = len(text) * 2 // 5
    path = s.import_dir / "ImportDocuments_1.csv"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), text[:cut], text[cut:]],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline() == "half\n"
    quiet = {"ECONNECT_SETTLE_SECONDS": "2"}

    first = _receive(s, quiet)  # its two looks, 2 s apart, fall in the 12 s of writing
    assert first.returncode == 3, first.stderr
    assert (
        "Fichier en cours d'écriture (modifié il y a moins de 2 s) : laissé en place, "
        "lu à la prochaine réception" in first.stdout
    )
    assert path.exists()  # not archived half-read

    writer.communicate(timeout=60)
    second = _receive(s, quiet)
    assert second.returncode == 0, second.stdout + second.stderr
    assert not path.exists()
    db = open_db(s.path)
    received = {
        r[0]
        for r in db.execute("SELECT external_id FROM documents WHERE external_id LIKE ?", ["%D0%"])
    }
    assert len(received) == 10, received


def test_the_demo_files_are_read_at_once_with_the_quiet_period(tmp_path) -> None:
    """`init --demo` drops its ETA files and receives the first ones at once: they are dated
    as finished earlier, or the quiet period would leave them all aside (and `make run` would
    open on a demo with no history)."""
    db_path = tmp_path / "econnect.db"
    quiet = {"ECONNECT_SETTLE_SECONDS": "5"}
    made = run_cli("init", "--demo", db=db_path, env=quiet)
    assert made.returncode == 0, made.stderr
    history = run_cli("history", "FACILI", db=db_path, env=quiet)
    assert "2 fichiers traités" in history.stdout, history.stdout
    preview = run_cli("receive", "FACILI", "--preview", db=db_path, env=quiet)
    assert "en cours d'écriture" not in preview.stdout
    sentence = "FACILI — 2 fichiers vont être traités pour importer des données."
    assert sentence in preview.stdout, preview.stdout
