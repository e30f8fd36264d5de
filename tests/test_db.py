import os
import sqlite3
import stat

import pytest

from econnect_tui.db import open_db, write_transaction
from econnect_tui.errors import UserError
from econnect_tui.migrations import migrations
from tests.helpers import run_cli


def test_new_database_is_private_wal_with_foreign_keys(tmp_path):
    path = tmp_path / "data" / "econnect.db"
    db = open_db(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert {"articles", "documents", "document_lines", "tiers"} <= set(db.table_names())


def test_migrations_applied_once_and_recorded(tmp_path):
    path = tmp_path / "e.db"
    open_db(path).close()
    db = open_db(path)
    applied = [m.name for m in migrations.applied(db)]
    assert applied == [m.name for m in migrations._migrations]
    assert len(applied) == len(set(applied))


def test_missing_database_refused_when_not_creating(tmp_path):
    with pytest.raises(UserError, match="n'existe pas"):
        open_db(tmp_path / "absent.db", create=False)


def test_not_a_database_is_a_french_error(tmp_path):
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(UserError, match="Impossible d'ouvrir la base"):
        open_db(path)


def _migrated_by_a_newer_version(path) -> None:
    """A database with one migration this code does not know (m999_future)."""
    db = open_db(path)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        ["econnect", "m999_future", "2030-01-01"],
    )
    db.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "e.db"
    _migrated_by_a_newer_version(path)
    # Also when a migration of ours is pending: simulate one by removing a record.
    db = sqlite3.connect(path)
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm001_gc'")
    db.commit()
    db.close()
    with pytest.raises(UserError, match="plus récente"):
        open_db(path)


def test_database_a_newer_version_migrated_is_refused(tmp_path):
    # A newer econnect applied all of our migrations and one of its own: nothing of ours is
    # pending, and this version would still write into tables it does not know.
    path = tmp_path / "e.db"
    _migrated_by_a_newer_version(path)
    with pytest.raises(UserError, match=r"plus récente d'econnect \(migration m999_future"):
        open_db(path)
    result = run_cli("status", db=path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        "La base de données a été mise à jour par une version plus récente d'econnect"
        " (migration m999_future inconnue) : ouvrez-la avec cette version ou une plus récente."
        in result.stderr
    )


def test_write_transaction_rolls_back_everything(tmp_path):
    db = open_db(tmp_path / "e.db")
    with pytest.raises(RuntimeError), write_transaction(db):
        db.execute("INSERT INTO units (code, label) VALUES ('HA', 'Hectare')")
        with write_transaction(db):  # nested: a savepoint
            db.execute("INSERT INTO units (code, label) VALUES ('H', 'Heure')")
        raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM units").fetchone()[0] == 0


def test_decimals_are_stored_as_exact_text(tmp_path):
    from decimal import Decimal

    db = open_db(tmp_path / "e.db")
    db.execute("INSERT INTO units (code, label) VALUES ('U', 'Unité')")
    db.execute(
        "INSERT INTO articles (code, label, unit_code, vat_rate) VALUES (?, ?, ?, ?)",
        ["A", "A", "U", Decimal("5.50")],
    )
    row = db.execute("SELECT vat_rate, typeof(vat_rate) FROM articles").fetchone()
    assert row == ("5.50", "text")


def test_constraint_failures_are_said_in_french():
    import sqlite3

    from econnect_tui.errors import describe

    fk = describe(sqlite3.IntegrityError("FOREIGN KEY constraint failed"))
    assert fk.startswith("une donnée qu'il cite n'existe plus")
    unique = sqlite3.IntegrityError("UNIQUE constraint failed: documents.number")
    assert describe(unique) == "il existe déjà"
