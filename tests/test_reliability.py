"""The reliability suite (`make check`): real processes, real files, injected faults.

Every fault ends with a rerun; then every document must exist exactly once and whole, and every
file must be in the archive exactly once. Each case is recorded in the table printed at the end.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from econnect_tui.db import open_db
from econnect_tui.models.reports import INTERRUPTED_SEND
from tests.eta import DOC_HEADER, Setup, csv_text, doc_rows
from tests.helpers import run_cli

pytestmark = pytest.mark.slow

DOCUMENTS = 1200  # three pages of 500: faults land inside and between pages
TIERS = 6


def _prepare(tmp_path: Path) -> Setup:
    s = Setup(tmp_path)
    tiers = [["Client", f"09{i:02d}", "", "", f"Client {i}", "", "", "", ""] for i in range(TIERS)]
    s.tiers("ImportTiers_1.csv", tiers)
    rows = []
    for i in range(DOCUMENTS):
        client = f"09{i % TIERS:02d}" if i % 3 == 0 else "0701"
        rows += doc_rows(
            f"D{i:05d}",
            client=client,
            lines=(("FT-LAB", "Labour", "2", "95"), ("FT-DEPL", "Km", "3", "1.1")),
        )
    third = 2 * (DOCUMENTS // 3)
    for n, start in enumerate(range(0, len(rows), third), start=1):
        s.drop(f"ImportDocuments_{n}.csv", csv_text(DOC_HEADER, rows[start : start + third]))
    return s


EXPECTED_FILES = [
    "ImportDocuments_1.csv",
    "ImportDocuments_2.csv",
    "ImportDocuments_3.csv",
    "ImportTiers_1.csv",
]


def _cmd(s: Setup, *args: str) -> list[str]:
    return [sys.executable, "-m", "econnect_tui", "--db", str(s.path), *args]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECONNECT_")}
    # The files are written, then received at once: no quiet period (conftest.py's reason).
    env["ECONNECT_SETTLE_SECONDS"] = "0"
    env.update(extra)
    return env


def _outcome(s: Setup) -> tuple[int, int, int]:
    """(distinct documents, duplicates, half-written) of the GC, and checks the files."""
    db = open_db(s.path)
    per_id = db.execute(
        "SELECT external_id, count(*) FROM documents WHERE connector_code = 'FACILI'"
        " GROUP BY external_id"
    ).fetchall()
    duplicates = sum(n - 1 for _, n in per_id)
    half = db.execute(
        "SELECT count(*) FROM documents d WHERE (SELECT count(*) FROM document_lines l"
        " WHERE l.document_id = d.id) <> 2 AND d.connector_code = 'FACILI'"
    ).fetchone()[0]
    db.close()
    return len(per_id), duplicates, half


def _files_lost(s: Setup) -> int:
    archived = s.archived()
    lost = sum(1 for name in EXPECTED_FILES if name not in archived and name not in s.waiting())
    twice = len(archived) - len(set(archived))
    return lost + twice


def _finish(s: Setup, ledger, fault: str, runs: int) -> None:
    rerun = subprocess.run(
        _cmd(s, "receive", "FACILI"), env=_env(), capture_output=True, text=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr
    assert "Traceback" not in rerun.stderr
    found, duplicates, half = _outcome(s)
    lost = _files_lost(s)
    ledger(fault, runs + 1, DOCUMENTS, found, lost)
    assert (found, duplicates, half) == (DOCUMENTS, 0, 0)
    assert s.archived() == EXPECTED_FILES and s.waiting() == []
    assert lost == 0
    check = run_cli("check", db=s.path)
    assert check.returncode == 0, check.stdout


HOOK_POINTS = [
    "staged:1",
    "staged:2",
    "staged:4",
    "archived:1",
    "archived:3",
    "archived:4",
    "tiers:1",
    "tiers:6",
    "document:1",
    "document:250",
    "document:499",
    "document:500",
    "document:501",
    "document:1199",
    "page:1",
    "page:2",
    "page:3",
    "report:1",
]


@pytest.mark.parametrize("point", HOOK_POINTS)
def test_kill_9_at_a_named_point(tmp_path, ledger, point):
    s = _prepare(tmp_path)
    killed = subprocess.run(
        _cmd(s, "receive", "FACILI"),
        env=_env(ECONNECT_FAULT=point),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    _finish(s, ledger, f"kill -9 au point {point}", 1)


@pytest.mark.parametrize("seed", range(8))
def test_kill_9_after_a_random_delay(tmp_path, ledger, seed):
    s = _prepare(tmp_path)
    delay = random.Random(seed).uniform(0.3, 3.0)
    process = subprocess.Popen(
        _cmd(s, "receive", "FACILI"),
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    _finish(s, ledger, f"kill -9 après {delay:.2f} s (graine {seed})", 1)


def _limit_file_size(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return apply


def test_disk_full_during_a_reception(tmp_path, ledger):
    s = _prepare(tmp_path)
    size = s.path.stat().st_size + (s.path.parent / "econnect.db-wal").stat().st_size
    full = subprocess.run(
        _cmd(s, "receive", "FACILI"),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size(size + 200_000),
    )
    assert full.returncode == 1, full.stdout + full.stderr
    assert "Traceback" not in full.stderr
    assert "disque plein" in full.stderr or "disque est plein" in full.stderr, full.stderr
    _found, duplicates, half = _outcome(s)
    assert duplicates == 0 and half == 0
    _finish(s, ledger, "disque plein pendant la réception", 1)


def test_disk_full_during_a_send(tmp_path, ledger):
    s = _prepare(tmp_path)
    assert subprocess.run(_cmd(s, "receive", "FACILI"), env=_env(), timeout=300).returncode == 0
    assert subprocess.run(_cmd(s, "send", "FACILI"), env=_env(), timeout=300).returncode == 0
    before = {p.name: p.read_bytes() for p in s.export_dir.iterdir()}
    # make the next Clients.csv bigger than the limit: many clients
    db = open_db(s.path)
    for i in range(3000):
        db.execute(
            "INSERT INTO tiers (kind, code, name) VALUES ('client', ?, ?)", [f"Z{i:05d}", "Z" * 200]
        )
    db.close()
    size = max(len(b) for b in before.values())
    result = subprocess.run(
        _cmd(s, "send", "FACILI"),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size(size + 50_000),
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    after = {p.name: p.read_bytes() for p in s.export_dir.iterdir()}
    assert not [n for n in after if n.endswith(".tmp")]
    for name, content in before.items():
        assert after[name] in (content, after[name])  # replaced whole or untouched
    clients = after["Clients.csv"]
    assert clients == before["Clients.csv"], "a partial Clients.csv"
    ok = subprocess.run(_cmd(s, "send", "FACILI"), env=_env(), capture_output=True, text=True)
    assert ok.returncode == 0
    ledger("disque plein pendant un envoi", 2, DOCUMENTS, _outcome(s)[0], 0)


def test_import_folder_removed_mid_run(tmp_path, ledger):
    s = _prepare(tmp_path)
    process = subprocess.Popen(
        _cmd(s, "receive", "FACILI"),
        env=_env(ECONNECT_PAUSE="staged:3"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.5)
    saved = tmp_path / "saved-import"
    os.rename(s.import_dir, saved)  # the folder disappears under the reception
    _out, err = process.communicate(timeout=300)
    assert "Traceback" not in err
    assert process.returncode in (0, 1, 3)
    again = subprocess.run(_cmd(s, "receive", "FACILI"), env=_env(), capture_output=True, text=True)
    assert again.returncode == 1 and "dossier d'import" in again.stderr
    os.rename(saved, s.import_dir)  # the operator puts it back
    _finish(s, ledger, "dossier d'import retiré en cours de réception", 2)


def test_database_locked_longer_than_the_busy_timeout(tmp_path, ledger):
    s = _prepare(tmp_path)
    holder = sqlite3.connect(s.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        start = time.monotonic()
        blocked = subprocess.run(
            _cmd(s, "receive", "FACILI"), env=_env(), capture_output=True, text=True, timeout=60
        )
        waited = time.monotonic() - start
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert blocked.returncode == 1
    assert "verrouillée" in blocked.stderr and "Traceback" not in blocked.stderr
    assert waited >= 4.5  # the busy timeout was honoured before giving up
    assert s.waiting() == sorted(EXPECTED_FILES)
    _finish(s, ledger, "base verrouillée plus longtemps que le délai d'attente", 1)


def test_four_receptions_of_one_connector_and_two_connectors_at_once(tmp_path, ledger):
    s = _prepare(tmp_path)
    # a second connector with its own folders and files
    export = run_cli("connector", "export", "FACILI", db=s.path).stdout
    other = tmp_path / "other"
    toml = export.replace("FACILI", "AUTRE").replace(str(s.folder), str(other))
    (tmp_path / "autre.toml").write_text(toml)
    assert (
        run_cli(
            "connector", "import", str(tmp_path / "autre.toml"), "--creer-dossiers", db=s.path
        ).returncode
        == 0
    )
    db = open_db(s.path)
    db.execute(
        "INSERT INTO article_mappings SELECT 'AUTRE', article_id, external_code"
        " FROM article_mappings WHERE connector_code = 'FACILI'"
    )
    db.close()
    rows = []
    for i in range(300):
        rows += doc_rows(
            f"A{i:04d}", lines=(("FT-LAB", "Labour", "1", "95"), ("FT-DEPL", "Km", "1", "1"))
        )
    (other / "import" / "ImportDocuments_a.csv").write_text(csv_text(DOC_HEADER, rows))
    reader = subprocess.Popen(
        [sys.executable, "-c", _TUI_READER, str(s.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    processes = [
        subprocess.Popen(
            _cmd(s, "receive", code),
            env=_env(),
            stdout=subprocess.DEVNULL,  # a full pipe nobody reads would block the report
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in ("FACILI", "FACILI", "AUTRE", "FACILI", "FACILI", "AUTRE")
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in processes]
    reader_out, reader_err = reader.communicate(timeout=120)
    for code, err in results:
        assert "Traceback" not in err and "database is locked" not in err
        assert code in (0, 1), err
        if code == 1:
            assert "Une réception est déjà en cours pour" in err
    assert reader.returncode == 0, reader_err
    assert "refreshes" in reader_out
    _finish(s, ledger, "6 réceptions simultanées (2 connecteurs) + une TUI qui lit", len(processes))
    db = open_db(s.path)
    autre = db.execute(
        "SELECT count(DISTINCT external_id), count(*) FROM documents WHERE connector_code = 'AUTRE'"
    ).fetchone()
    assert autre == (300, 300)


# A TUI session reading the database while receptions run: the Synchro dashboard refreshed
# repeatedly, headless.
_TUI_READER = r"""
import asyncio, sys
from pathlib import Path
from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db

async def main():
    path = Path(sys.argv[1])
    app = EconnectApp(open_db(path), path)
    n = 0
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(20):
            await pilot.press("f3")
            await pilot.pause(0.2)
            await pilot.press("f6")
            await pilot.pause(0.1)
            n += 1
    print(f"{n} refreshes")

asyncio.run(main())
"""


def test_four_previews_at_once_each_get_their_preview(tmp_path, ledger):
    """Two operators (here four) opening the reception screen together: each preview stages the
    same new files at once; every one must get its preview (no « il existe déjà »), and the
    reception after them integrates every document exactly once."""
    s = Setup(tmp_path)
    rounds, per_round, previews = 6, 1500, 4
    listed = 0
    for r in range(rounds):
        # fresh files each round: the staging race is on files nobody has staged yet
        rows = []
        for i in range(per_round):
            rows += doc_rows(f"P{r}-{i:05d}")
        s.drop(f"ImportDocuments_p{r}.csv", csv_text(DOC_HEADER, rows))
        processes = [
            subprocess.Popen(
                _cmd(s, "receive", "FACILI", "--preview", "--json"),
                env=_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(previews)
        ]
        for p in processes:
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, f"round {r}: {err}"
            assert "Traceback" not in err
            numeros = {d["numero"] for d in json.loads(out)["documents"]}
            assert len(numeros) == per_round * (r + 1)
            listed += len(numeros)
    expected = previews * per_round * sum(range(1, rounds + 1))
    done = subprocess.run(
        _cmd(s, "receive", "FACILI"), env=_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    db = open_db(s.path)
    found, copies = db.execute(
        "SELECT count(DISTINCT external_id), count(*) FROM documents"
        " WHERE connector_code = 'FACILI'"
    ).fetchone()
    files = db.execute("SELECT count(*) FROM received_files").fetchone()[0]
    db.close()
    ledger(
        f"{previews} aperçus simultanés × {rounds} tours", previews * rounds, expected, listed, 0
    )
    ledger("réception après les aperçus simultanés", 1, rounds * per_round, found, 0)
    assert (found, copies, files) == (rounds * per_round, rounds * per_round, rounds)
    assert s.waiting() == [] and len(s.archived()) == rounds
    assert run_cli("check", db=s.path).returncode == 0


# Sends: the sample GC's 30 articles, 50 clients and 60 contacts, written in that order; `sent:n`
# kills the send with n rows handed to the writers (30: Articles.csv not yet renamed; 31: it is,
# Clients.csv is being written; 140: Contacts.csv's last row).
EXPORTS = ["Articles.csv", "Clients.csv", "Contacts.csv"]
SEND_POINTS = ["sent:1", "sent:30", "sent:31", "sent:80", "sent:81", "sent:140"]


def _export_files(s: Setup) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(s.export_dir.iterdir())}


def _debris(s: Setup) -> list[str]:
    return [p.name for p in s.export_dir.iterdir() if p.name.endswith(".tmp")]


def _sends(s: Setup) -> list[dict]:
    return json.loads(run_cli("history", "FACILI", "--json", db=s.path).stdout)


def test_killed_sends_leave_whole_files_and_the_next_run_cleans_up(tmp_path, ledger):
    """20 sends killed (kill -9) at points inside and between the files: every export file stays
    whole, each killed send is shown interrupted as a send, and the next run of the connector
    (a send, or a reception) removes the temporary files they left and marks them."""
    s = Setup(tmp_path)
    assert subprocess.run(_cmd(s, "send", "FACILI"), env=_env()).returncode == 0
    good = _export_files(s)
    assert list(good) == EXPORTS
    kills = [SEND_POINTS[i % len(SEND_POINTS)] for i in range(20)]
    for n, point in enumerate(kills, start=1):
        killed = subprocess.run(
            _cmd(s, "send", "FACILI"), env=_env(ECONNECT_FAULT=point), capture_output=True
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        # the temporary file of the file being written is there; no export file is partial
        assert len(_debris(s)) == 1, _debris(s)
        assert {k: v for k, v in _export_files(s).items() if k in EXPORTS} == good
        if n == 1:
            shown = _sends(s)[0]
            assert (shown["status"], shown["message"]) == ("erreur", INTERRUPTED_SEND)
            check = run_cli("check", db=s.path)
            assert check.returncode == 3 and "envoi interrompu" in check.stdout
    # a reception of the connector is a run of it too
    receive = subprocess.run(_cmd(s, "receive", "FACILI"), env=_env(), capture_output=True)
    assert receive.returncode == 0, receive.stderr
    assert _debris(s) == []
    final = subprocess.run(_cmd(s, "send", "FACILI"), env=_env(), capture_output=True, text=True)
    assert final.returncode == 0 and "Traceback" not in final.stderr, final.stderr
    assert _export_files(s) == good
    db = open_db(s.path)
    marked = db.execute(
        "SELECT count(*) FROM sync_runs WHERE kind = 'envoi' AND status = 'erreur' AND message = ?",
        [INTERRUPTED_SEND],
    ).fetchone()[0]
    running = db.execute("SELECT count(*) FROM sync_runs WHERE status = 'en-cours'").fetchone()[0]
    db.close()
    assert (marked, running) == (len(kills), 0)
    check = run_cli("check", db=s.path)
    assert check.returncode == 0, check.stdout
    ledger(
        f"kill -9 pendant {len(kills)} envois (points {', '.join(SEND_POINTS)})",
        len(kills) + 2,
        len(EXPORTS),
        sum(_export_files(s).get(name) == good[name] for name in EXPORTS),
        len(_debris(s)),
    )


def test_a_live_send_keeps_its_temporary_file_while_others_run(tmp_path, ledger):
    """A send paused inside Articles.csv (another operator's, a slow disk) while a second send,
    a reception and `check` run: its temporary file is not taken for a dead one's, it is not
    shown interrupted, and it ends well."""
    s = Setup(tmp_path)
    slow = subprocess.Popen(
        _cmd(s, "send", "FACILI"),
        env=_env(ECONNECT_PAUSE="sent:6"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _debris(s) and time.monotonic() < deadline:
            time.sleep(0.05)
        paused = _debris(s)
        assert len(paused) == 1 and paused[0].startswith(".Articles.csv.")
        other = subprocess.run(_cmd(s, "send", "FACILI"), env=_env(), capture_output=True)
        assert other.returncode == 0, other.stderr
        receive = subprocess.run(_cmd(s, "receive", "FACILI"), env=_env(), capture_output=True)
        assert receive.returncode == 0, receive.stderr
        check = run_cli("check", db=s.path)
        assert check.returncode == 0, check.stdout
        assert _sends(s)[-1]["status"] == "en-cours"  # the paused one, first started
        assert _debris(s) == paused
    finally:
        _out, err = slow.communicate(timeout=60)
    assert slow.returncode == 0, err
    assert _debris(s) == []
    assert [r["status"] for r in _sends(s) if r["kind"] == "envoi"] == ["ok", "ok"]
    ledger("un envoi en cours pendant un autre envoi, une réception et check", 4, 3, 3, 0)


def test_check_finds_commits_lost_behind_the_applications_back(tmp_path, ledger):
    """A reception of 1,200 documents, then what a lost commit leaves (a damaged -wal): three
    documents gone from the GC with the history intact, then the record of five integrations
    gone with the documents intact. `check` names each difference; before, it said healthy."""
    s = _prepare(tmp_path)
    done = subprocess.run(_cmd(s, "receive", "FACILI"), env=_env(), capture_output=True)
    assert done.returncode == 0, done.stderr
    assert run_cli("check", db=s.path).returncode == 0
    lost = ["D00007", "D00600", "D01199"]
    raw = sqlite3.connect(s.path)  # no application, no foreign keys
    with raw:
        marks = ", ".join("?" for _ in lost)
        raw.execute(
            "DELETE FROM document_lines WHERE document_id IN"
            f" (SELECT id FROM documents WHERE external_id IN ({marks}))",
            lost,
        )
        raw.execute(f"DELETE FROM documents WHERE external_id IN ({marks})", lost)
    check = run_cli("check", db=s.path)
    assert check.returncode == 3, check.stdout
    found = [line.strip() for line in check.stdout.splitlines() if "absent de la GC" in line]
    assert found == [
        f"Document {n} (FACILI), intégré par la réception n° 1 : absent de la GC." for n in lost
    ]
    ledger("3 documents validés puis perdus : trouvés par check", 2, len(lost), len(found), 0)
    with raw:
        raw.execute(
            "UPDATE document_versions SET outcome = NULL, run_id = NULL, document_id = NULL"
            " WHERE numero IN ('D00001', 'D00002', 'D00003', 'D00004', 'D00005')"
        )
    raw.close()
    check = run_cli("check", db=s.path)
    assert check.returncode == 3
    counted = [line.strip() for line in check.stdout.splitlines() if "d'après son rapport" in line]
    assert len(counted) == 1 and counted[0].endswith(
        " : 1200 documents intégrés d'après son rapport, 1195 d'après l'historique des documents."
    ), counted
    ledger("5 intégrations validées puis perdues : trouvées par check", 1, 5, 1200 - 1195, 0)


def test_a_preview_does_not_forget_what_another_preview_staged_since_it_looked(tmp_path, ledger):
    """Operator A's preview lists the import folder, then a new file arrives and operator B's
    preview stages it; A's preview, which never saw the file, must not take it for a file that
    left the folder and forget B's staging."""
    s = Setup(tmp_path)
    s.documents("ImportDocuments_a.csv", doc_rows("A1"))
    first = subprocess.Popen(
        _cmd(s, "receive", "FACILI", "--preview"),
        env=_env(ECONNECT_PAUSE="staged:5"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        staged = 0
        while not staged and time.monotonic() < deadline:
            time.sleep(0.1)
            db = open_db(s.path)
            staged = db.execute("SELECT count(*) FROM received_files").fetchone()[0]
            db.close()
        assert staged == 1  # A has listed the folder and staged its file; it pauses there
        s.documents("ImportDocuments_b.csv", doc_rows("B1") + doc_rows("B2"))
        second = run_cli("receive", "FACILI", "--preview", "--json", db=s.path)
        assert second.returncode == 0, second.stderr
        assert {d["numero"] for d in json.loads(second.stdout)["documents"]} == {"A1", "B1", "B2"}
    finally:
        _out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    db = open_db(s.path)
    names = sorted(n for (n,) in db.execute("SELECT name FROM received_files"))
    versions = db.execute("SELECT count(*) FROM document_versions").fetchone()[0]
    db.close()
    ledger("un aperçu pendant qu'un autre lit un fichier arrivé entre-temps", 2, 3, versions, 0)
    assert names == ["ImportDocuments_a.csv", "ImportDocuments_b.csv"]
    assert versions == 3
