"""A site's database made by an older econnect, opened by this one: nothing the operator had is
lost or changed, and what waited is received once.

The fixtures (tests/fixtures/upgrade/, made by build.py with the code of an older commit): v4 is
the schema before m005_staged_line_columns (staged rows as one text), v6 the one before
m007_documents_list_index. Each holds the demo after one reception (two documents held back,
one validated in the GC), correspondence changes (one undone), a send, a second connector whose
reception was killed half-way (its lock and unfinished run), and ETA files previewed but not
received.

When a migration is added, build the fixture of the schema before it (`python
tests/fixtures/upgrade/build.py <last commit without it> vN`, a minute) and add vN below.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
import tracemalloc
from pathlib import Path

import pytest

from econnect_tui.db import apply_migrations, open_db, write_transaction
from econnect_tui.exchange.staged import STAGED_LINE_COLUMNS
from econnect_tui.migrations import migrations
from econnect_tui.models.reports import RunStatus
from econnect_tui.store import history, mappings
from econnect_tui.sync import locks, maintenance, reception
from econnect_tui.sync.runs import host
from tests.helpers import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "upgrade"
NO_SUCH_PID = 4_194_305  # above Linux's highest pid_max: never a live process
PREVIEWED = "ImportDocuments_20261128_0900.csv"


def site(tmp_path: Path, version: str) -> Path:
    """The fixture's folders under tmp_path and its database as the older version left it."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURES / version / "site", root)
    for connector in ("facili", "f2"):
        (root / connector / "export").mkdir(exist_ok=True)  # empty: not in git
    past = time.time() - 3600  # written long ago: no quiet period
    for path in root.rglob("*.csv"):
        os.utime(path, (past, past))
    sql = (FIXTURES / version / "econnect.sql").read_text().replace("@ROOT@", str(root))
    con = sqlite3.connect(root / "econnect.db")
    con.executescript(sql)
    # The reception killed when the fixture was made ran on this machine, and is gone.
    con.execute("UPDATE reception_locks SET host = ?, pid = ?", [host(), NO_SUCH_PID])
    con.commit()
    con.close()
    return root / "econnect.db"


def tables(path: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    con = sqlite3.connect(path)
    names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {
        name: (
            [c[1] for c in con.execute(f"PRAGMA table_info('{name}')")],
            con.execute(f"SELECT * FROM '{name}' ORDER BY rowid").fetchall(),
        )
        for name in names
    }
    con.close()
    return out


def assert_upgraded_keeping(path: Path, before: dict) -> None:
    """Every migration applied; every table, column and row of `before` kept unchanged
    (staged_lines gains columns at m005)."""
    after = tables(path)
    applied = [row[2] for row in after["_sqlite_migrations"][1]]
    assert applied == [m.name for m in migrations._migrations]
    assert set(after) == set(before)
    for name, (columns, rows) in before.items():
        new_columns, new_rows = after[name]
        if name == "_sqlite_migrations":
            assert new_rows[: len(rows)] == rows
            continue
        assert set(columns) <= set(new_columns), name
        keep = [new_columns.index(c) for c in columns]
        assert [tuple(r[i] for i in keep) for r in new_rows] == rows, name


def outcomes(db, connector: str) -> dict[str, str | None]:
    """Each document's newest version's outcome (None: waiting)."""
    return dict(
        db.execute(
            "SELECT numero, outcome FROM document_versions v WHERE connector_code = ?"
            " AND file_id = (SELECT max(file_id) FROM document_versions"
            " WHERE connector_code = v.connector_code AND numero = v.numero)",
            [connector],
        ).fetchall()
    )


@pytest.mark.parametrize("version", ["v4", "v6"])
def test_an_older_database_is_upgraded_with_nothing_lost(tmp_path, version):
    path = site(tmp_path, version)
    before = tables(path)

    db = open_db(path)
    assert_upgraded_keeping(path, before)

    # Correspondences and their undo history: still undoable.
    assert mappings.article_to_external(db, "FACILI")["FAUCH"] == "FT-FAUCH-X"
    changes = mappings.recent_changes(db, "FACILI", 5)
    assert [(c.article_code, c.new_code, c.undone) for c in changes[:4]] == [
        ("FAUCH", "FT-FAUCH-X", False),
        ("BROY", "FT-BROY", False),
        ("LAB", "FT-LAB", False),
        ("LAB", "FT-LABOUR", True),
    ]
    mappings.undo_change(db, changes[0], "test")
    assert mappings.article_to_external(db, "FACILI")["FAUCH"] == "FT-FAUCH"

    # The history and its reports read as they were written; the killed run reads interrupted.
    runs = history.list_runs(db)
    assert [(r.id, r.connector_code, r.status) for r in runs] == [
        (4, "FACILI2", RunStatus.RUNNING),
        (3, "FACILI", RunStatus.OK),
        (2, "FACILI", RunStatus.WARNING),
        (1, "FACILI", RunStatus.OK),
    ]
    assert locks.as_shown(db, runs[0]).interrupted
    report = history.get_run(db, 2, "FACILI")
    assert len(report.rows) == len([r for r in before["sync_report_rows"][1] if r[1] == 2])
    shown = run_cli("history", "FACILI", "--run", "2", db=path)
    assert shown.returncode == 0, shown.stderr
    assert "F259038_D260190" in shown.stdout and "Article sans correspondance" in shown.stdout

    # What waited is offered again: the held-back documents, the previewed files.
    assert outcomes(db, "FACILI")["F259038_D260190"] is None
    mappings.set_mapping(db, "FACILI", "SEMMAIS", "SEMIS-MAIS", "test")
    assert reception.receive(db, "FACILI").exit_code == 3
    assert outcomes(db, "FACILI") == {
        "F259030_D260118": "integre",
        "F259031_D260109": "inchange",
        "F259033_D260115": "refuse",
        "F259035_D260008": "integre",
        "F259036_D260081": "inchange",  # hashed by the older version, validated since
        "F259037_D260174": "integre",
        "F259038_D260190": "integre",  # held back by the older version, mapped now
        "F259039_D260201": None,  # client still unknown
        "F259040_D260210": "erreur",
        "F259041_D260215": "integre",
        "F259050_D260300": "integre",  # previewed by the older version
        "F259051_D260301": None,  # article still unmapped
        "F259052_D260302": "integre",
        "F259053_D260303": "erreur",
        "F259054_D260304": "erreur",
        "F259055_D260305": "erreur",
        "F259056_D260306": "erreur",
        "F259057_D260307": "erreur",
    }
    assert db.execute("SELECT name FROM tiers WHERE code = '0760'").fetchone() == ("EARL Nouvelle",)
    # The killed reception's lock is taken over; its documents are integrated.
    assert reception.receive(db, "FACILI2").exit_code == 0
    assert outcomes(db, "FACILI2") == {"K1": "integre", "K2": "integre", "K3": "integre"}
    killed = history.get_run(db, 4, with_rows=False)
    assert killed.status == RunStatus.ERROR and "interrompue" in killed.message
    assert db.execute("SELECT count(*) FROM reception_locks").fetchone()[0] == 0

    # Integrated exactly once, even received again.
    counts = "SELECT count(*), count(DISTINCT connector_code || ' ' || external_id) FROM documents"
    integrated = db.execute(counts).fetchone()
    assert integrated == (13, 13)
    assert reception.receive(db, "FACILI").exit_code == 3
    assert db.execute(counts).fetchone() == integrated
    assert maintenance.check(db).ok


def test_rows_staged_by_the_version_before_m005_convert_as_this_one_stages_them(tmp_path):
    path = site(tmp_path, "v4")
    db = open_db(path)
    columns = ", ".join(c for c in STAGED_LINE_COLUMNS if c != "file_id")

    def staged(name: str) -> list[tuple]:
        return db.execute(
            f"SELECT {columns} FROM staged_lines l JOIN received_files f ON f.id = l.file_id"
            " WHERE f.name = ? ORDER BY l.line",
            [name],
        ).fetchall()

    converted = staged(PREVIEWED)
    assert len(converted) == 11
    # The same file staged again by this version: the migration's rows are the same.
    db.execute("DELETE FROM received_files WHERE name = ?", [PREVIEWED])
    reception.preview(db, "FACILI")
    assert staged(PREVIEWED) == converted


def test_an_upgrade_killed_before_its_commit_is_done_again_at_the_next_start(tmp_path):
    path = site(tmp_path, "v4")
    before = tables(path)
    # kill -9 once every migration has run (m005 converted the staged rows), before the commit
    killed = run_cli("status", db=path, env={"ECONNECT_FAULT": "migrations:1"})
    assert killed.returncode == -signal.SIGKILL
    assert tables(path) == before  # nothing of the upgrade kept

    open_db(path).close()  # the next start
    assert_upgraded_keeping(path, before)


def m004_database_with_staged_rows(path: Path, count: int):
    """A database at schema 4 holding `count` staged rows (one real row of the v4 fixture)."""
    fixture = sqlite3.connect(":memory:")
    fixture.executescript((FIXTURES / "v4" / "econnect.sql").read_text())
    data = fixture.execute("SELECT data FROM staged_lines WHERE errors IS NULL").fetchone()[0]
    db = open_db(path, migrate=False)
    migrations.apply(db, stop_before="m005_staged_line_columns")
    db.execute(
        "INSERT INTO received_files (id, connector_code, name, kind, sha256, size, status,"
        " staged_at) VALUES (1, 'FACILI', 'f.csv', 'documents', 'x', 1, 'apercu', '2026-01-01')"
    )
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO staged_lines (file_id, line, numero, data) VALUES (1, ?, 'D', ?)",
            ((line, data) for line in range(2, count + 2)),
        )
    return db


def test_the_m005_conversion_holds_a_batch_of_rows_not_the_whole_table(tmp_path):
    import econnect_tui.store.staging  # noqa: F401  (imported by m005: not measured)

    peaks = {}
    for count in (3_000, 12_000):
        db = m004_database_with_staged_rows(tmp_path / f"{count}.db", count)
        tracemalloc.start()
        apply_migrations(db)
        peaks[count] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert db.execute("SELECT count(*) FROM staged_lines").fetchone()[0] == count
    # read all at once, 200,000 lines waiting at the upgrade took 100 MB more
    assert peaks[12_000] < 1.3 * peaks[3_000], peaks
