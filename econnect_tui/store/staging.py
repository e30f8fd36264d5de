"""Reception staging: the files read, their rows, and what became of each document version.

A document of the ETA software (NumeroDocument) may arrive several times; each file that holds
it adds a *version* (connector, numero, file). The newest version is the one that counts; its
`outcome` stays NULL while it waits (« Données en attente d'intégration »), then records what
the reception did: integre, inchange, refuse, erreur, ecarte (discarded by the operator) or
remplace (a newer version arrived first).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlite_utils import Database

from ..db import write_transaction
from .history import now

# The header fields of a staged row as one text (`exchange.staged.split_header` reads it).
_HEADER_SQL = "l.head || char(31) || coalesce(l.total_ttc, '')"


# Files ----------------------------------------------------------------------------------------


@dataclass
class ReceivedFile:
    id: int
    connector_code: str
    name: str
    kind: str
    sha256: str
    size: int
    rows: int
    status: str  # apercu (staged by a preview, file still waiting), recu, rejete
    error: str | None
    warnings: list[str]
    line_errors: list[str]
    archive_path: str | None
    staged_at: str
    received_at: str | None


_FILE_COLS = (
    "id, connector_code, name, kind, sha256, size, rows, status, error, warnings, line_errors,"
    " archive_path, staged_at, received_at"
)


def _file(row) -> ReceivedFile:
    values = list(row)
    values[9] = json.loads(values[9] or "[]")
    values[10] = json.loads(values[10] or "[]")
    values[11] = path_of(values[11])
    return ReceivedFile(*values)


def path_value(path: str | None) -> str | bytes | None:
    """A path as stored: its text, or its bytes when a name in it is not valid UTF-8 (Latin-1
    bytes of a Windows share; SQLite text must be UTF-8): the archived file is found again."""
    if path is None:
        return None
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def path_of(value: str | bytes | None) -> str | None:
    """The path `path_value` stored."""
    return os.fsdecode(value) if isinstance(value, bytes) else value


def find_file(db: Database, connector_code: str, sha256: str) -> ReceivedFile | None:
    row = db.execute(
        f"SELECT {_FILE_COLS} FROM received_files WHERE connector_code = ? AND sha256 = ?",
        [connector_code, sha256],
    ).fetchone()
    return _file(row) if row else None


def create_file(
    db: Database,
    connector_code: str,
    name: str,
    kind: str,
    sha256: str,
    size: int,
    status: str,
    *,
    error: str | None = None,
    warnings: list[str] | None = None,
    archive_path: str | None = None,
    run_id: int | None = None,
) -> int:
    received_at = now() if status != "apercu" else None
    cur = db.execute(
        "INSERT INTO received_files (connector_code, name, kind, sha256, size, status, error,"
        " warnings, archive_path, staged_at, received_at, run_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            connector_code,
            name,
            kind,
            sha256,
            size,
            status,
            error,
            json.dumps(warnings or [], ensure_ascii=False),
            path_value(archive_path),
            now(),
            received_at,
            run_id,
        ],
    )
    return cur.lastrowid


def set_file_rows(db: Database, file_id: int, rows: int, line_errors: list[str]) -> None:
    db.execute(
        "UPDATE received_files SET rows = ?, line_errors = ? WHERE id = ?",
        [rows, json.dumps(line_errors, ensure_ascii=False), file_id],
    )


def mark_received(db: Database, file_id: int, archive_path: str, run_id: int | None) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE received_files SET status = CASE status WHEN 'apercu' THEN 'recu'"
            " ELSE status END, archive_path = ?, received_at = coalesce(received_at, ?),"
            " run_id = coalesce(run_id, ?) WHERE id = ?",
            [path_value(archive_path), now(), run_id, file_id],
        )


def preview_files(db: Database, connector_code: str) -> list[ReceivedFile]:
    cur = db.execute(
        f"SELECT {_FILE_COLS} FROM received_files WHERE connector_code = ? AND status = 'apercu'",
        [connector_code],
    )
    return [_file(r) for r in cur]


def forget_file(db: Database, file_id: int) -> None:
    """A file staged by a preview that left the import folder unreceived: it never counted."""
    with write_transaction(db):
        db.execute("DELETE FROM received_files WHERE id = ? AND status = 'apercu'", [file_id])


# Document rows and versions -------------------------------------------------------------------


def insert_lines(db: Database, rows: Sequence[NamedTuple]) -> None:
    """Staged document rows, named by their fields (`exchange.staged.StagedLine`: the
    reception's format is defined there, not here)."""
    if not rows:
        return
    columns = rows[0]._fields
    db.conn.executemany(
        f"INSERT INTO staged_lines ({', '.join(columns)})"
        f" VALUES ({', '.join('?' for _ in columns)})",
        rows,
    )


def add_versions(db: Database, connector_code: str, file_id: int) -> int:
    """One version per document of a staged file; returns how many documents it holds."""
    cur = db.execute(
        "INSERT INTO document_versions (connector_code, numero, file_id)"
        " SELECT DISTINCT ?, numero, file_id FROM staged_lines WHERE file_id = ?",
        [connector_code, file_id],
    )
    return cur.rowcount


def insert_tiers(db: Database, rows: list[tuple]) -> None:
    """(file_id, line, type, code, parent, fields json, errors)."""
    db.conn.executemany(
        "INSERT INTO staged_tiers (file_id, line, type, code, parent, fields, errors)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _status_filter(include_preview: bool) -> str:
    return "('recu', 'apercu')" if include_preview else "('recu')"


class Version(NamedTuple):
    """A document as one file brought it (a tuple: a reception makes one per document)."""

    numero: str
    file_id: int
    file_name: str


def open_versions(
    db: Database, connector_code: str, *, include_preview: bool, after: str | None, limit: int
) -> list[Version]:
    """The newest version of each document that still waits, in numero order, by pages.

    Walks the undecided versions in numero order (index document_versions_open) and keeps
    those that are their document's newest: each page costs its own size, not the backlog's."""
    statuses = _status_filter(include_preview)
    beyond = ">=" if after is None else ">"  # the first page includes numero ''
    cur = db.conn.execute(
        f"""
        SELECT v.numero, v.file_id, f.name
        FROM document_versions v JOIN received_files f ON f.id = v.file_id
        WHERE v.connector_code = :c AND v.outcome IS NULL AND v.numero {beyond} :after
          AND f.status IN {statuses}
          AND v.file_id = (
              SELECT max(v2.file_id) FROM document_versions v2
              JOIN received_files f2 ON f2.id = v2.file_id
              WHERE v2.connector_code = :c AND v2.numero = v.numero AND f2.status IN {statuses})
        ORDER BY v.numero LIMIT :limit
        """,
        {"c": connector_code, "after": "" if after is None else after, "limit": limit},
    )
    return list(map(Version._make, cur))


def iter_open_versions(
    db: Database, connector_code: str, *, include_preview: bool, page: int = 500
) -> Iterator[list[Version]]:
    after = None
    while True:
        versions = open_versions(
            db, connector_code, include_preview=include_preview, after=after, limit=page
        )
        if not versions:
            return
        yield versions
        after = versions[-1].numero


def lines_of(db: Database, versions: list[Version]) -> list[tuple]:
    """The stored rows of these document versions, (file_id, line, numero, data, errors, id),
    by document in line order (`exchange.staged.read_lines` reads them)."""
    if not versions:
        return []
    keys = json.dumps([[v.numero, v.file_id] for v in versions])
    return db.conn.execute(
        "SELECT l.file_id, l.line, l.numero, l.data, l.errors, l.id FROM staged_lines l"
        " JOIN json_each(?) k ON l.file_id = json_extract(k.value, '$[1]')"
        " AND l.numero = json_extract(k.value, '$[0]')"
        " ORDER BY l.numero, l.numero_ligne IS NULL, l.numero_ligne, l.line",
        [keys],
    ).fetchall()


class VersionRow(NamedTuple):
    """A staged row of a document with what SQL knows of it, for the whole-document check."""

    id: int
    numero: str
    file_id: int
    data: str
    header: str
    ok: int  # row clean, article mapped, unit known
    vat_rate: str | None  # the file's, or the mapped article's
    cents: int | None


def version_rows(
    db: Database, connector_code: str, versions: list[Version]
) -> Iterator[VersionRow]:
    """The rows of these document versions, by document, in line order."""
    if not versions:
        return iter(())
    keys = json.dumps([[v.numero, v.file_id] for v in versions])
    cur = db.conn.execute(
        f"""
        SELECT l.id, l.numero, l.file_id, l.data, {_HEADER_SQL},
               l.clean AND m.article_id IS NOT NULL AND (l.unite IS NULL OR u.code IS NOT NULL),
               coalesce(l.taux_tva, a.vat_rate), l.cents
        FROM json_each(:keys) k
        JOIN staged_lines l ON l.file_id = json_extract(k.value, '$[1]')
          AND l.numero = json_extract(k.value, '$[0]')
        LEFT JOIN article_mappings m
          ON m.connector_code = :c AND m.external_code = l.code_article
        LEFT JOIN articles a ON a.id = m.article_id
        LEFT JOIN units u ON u.code = l.unite
        ORDER BY l.numero, l.file_id, l.numero_ligne IS NULL, l.numero_ligne, l.line
        """,
        {"keys": keys, "c": connector_code},
    )
    return map(VersionRow._make, cur)


def decide_version(
    db: Database,
    connector_code: str,
    version: Version,
    outcome: str,
    *,
    document_id: int | None = None,
    run_id: int | None = None,
    message: str | None = None,
    user: str | None = None,
) -> None:
    db.execute(
        "UPDATE document_versions SET outcome = ?, document_id = ?, decided_at = ?,"
        " decided_by = ?, run_id = ?, message = ?"
        " WHERE connector_code = ? AND numero = ? AND file_id = ?",
        [
            outcome,
            document_id,
            now(),
            user,
            run_id,
            message,
            connector_code,
            version.numero,
            version.file_id,
        ],
    )


@dataclass(frozen=True)
class Decision:
    """What became of a document version (written with the document, in its transaction)."""

    version: Version
    outcome: str
    document_id: int | None
    run_id: int | None
    message: str | None


def decide_versions(db: Database, connector_code: str, decisions: list[Decision]) -> None:
    stamp = now()
    db.conn.executemany(
        "UPDATE document_versions SET outcome = ?, document_id = ?, decided_at = ?, run_id = ?,"
        " message = ? WHERE connector_code = ? AND numero = ? AND file_id = ?",
        [
            (
                d.outcome,
                d.document_id,
                stamp,
                d.run_id,
                d.message,
                connector_code,
                d.version.numero,
                d.version.file_id,
            )
            for d in decisions
        ],
    )


def supersede_old_versions(db: Database, connector_code: str) -> int:
    """Older waiting versions of a document with a newer received version are replaced."""
    with write_transaction(db):
        cur = db.execute(
            """
            UPDATE document_versions SET outcome = 'remplace', decided_at = ?
            WHERE connector_code = ? AND outcome IS NULL AND file_id < (
                SELECT max(v2.file_id) FROM document_versions v2
                JOIN received_files f ON f.id = v2.file_id
                WHERE v2.connector_code = document_versions.connector_code
                  AND v2.numero = document_versions.numero AND f.status = 'recu')
            """,
            [now(), connector_code],
        )
        return cur.rowcount


def pending_articles(
    db: Database, connector_code: str, *, include_preview: bool
) -> list[tuple[str, str, int]]:
    """(CodeArticle, a label, documents) over the waiting documents."""
    statuses = _status_filter(include_preview)
    cur = db.execute(
        f"""
        WITH current AS (
            SELECT v.numero, max(v.file_id) AS file_id
            FROM document_versions v JOIN received_files f ON f.id = v.file_id
            WHERE v.connector_code = :c AND f.status IN {statuses}
            GROUP BY v.numero
        )
        SELECT l.code_article, min(l.libelle), count(DISTINCT l.numero)
        FROM current cur
        JOIN document_versions v
          ON v.connector_code = :c AND v.numero = cur.numero AND v.file_id = cur.file_id
        JOIN staged_lines l ON l.file_id = v.file_id AND l.numero = v.numero
        WHERE v.outcome IS NULL AND l.code_article IS NOT NULL
        GROUP BY l.code_article ORDER BY l.code_article
        """,
        {"c": connector_code},
    )
    return [tuple(r) for r in cur]


def held_back_documents(db: Database, connector_code: str) -> int:
    """Received documents still waiting (newest version undecided)."""
    return db.execute(
        """
        WITH current AS (
            SELECT v.numero, max(v.file_id) AS file_id
            FROM document_versions v JOIN received_files f ON f.id = v.file_id
            WHERE v.connector_code = ? AND f.status = 'recu'
            GROUP BY v.numero
        )
        SELECT count(*) FROM current cur JOIN document_versions v
          ON v.connector_code = ? AND v.numero = cur.numero AND v.file_id = cur.file_id
        WHERE v.outcome IS NULL
        """,
        [connector_code, connector_code],
    ).fetchone()[0]


def purge_decided_lines(db: Database, connector_code: str) -> None:
    """Rows of files whose every document is decided are no longer needed (the GC documents
    and the history hold the result, the archive holds the file)."""
    with write_transaction(db):
        db.execute(
            """
            DELETE FROM staged_lines WHERE file_id IN (
                SELECT f.id FROM received_files f
                WHERE f.connector_code = ? AND f.status = 'recu'
                  AND NOT EXISTS (SELECT 1 FROM document_versions v
                                  WHERE v.file_id = f.id AND v.outcome IS NULL))
            """,
            [connector_code],
        )


# Tiers rows -----------------------------------------------------------------------------------


@dataclass
class StagedTiers:
    id: int
    file_name: str
    line: int
    type: str | None
    code: str | None
    parent: str | None
    fields: dict
    errors: list[str]


def open_tiers(db: Database, connector_code: str, *, include_preview: bool) -> list[StagedTiers]:
    statuses = _status_filter(include_preview)
    cur = db.execute(
        f"SELECT t.id, f.name, t.line, t.type, t.code, t.parent, t.fields, t.errors"
        f" FROM staged_tiers t JOIN received_files f ON f.id = t.file_id"
        f" WHERE f.connector_code = ? AND f.status IN {statuses} AND t.outcome IS NULL"
        f" ORDER BY t.file_id, t.line",
        [connector_code],
    )
    return [
        StagedTiers(
            r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7].split("\n") if r[7] else []
        )
        for r in cur
    ]


def decide_tiers(
    db: Database, tiers_id: int, outcome: str, run_id: int | None, message: str
) -> None:
    db.execute(
        "UPDATE staged_tiers SET outcome = ?, decided_at = ?, run_id = ?, message = ? WHERE id = ?",
        [outcome, now(), run_id, message, tiers_id],
    )


def held_back_tiers(db: Database, connector_code: str) -> int:
    return db.execute(
        "SELECT count(*) FROM staged_tiers t JOIN received_files f ON f.id = t.file_id"
        " WHERE f.connector_code = ? AND f.status = 'recu' AND t.outcome IS NULL",
        [connector_code],
    ).fetchone()[0]


def discard_versions(
    db: Database, connector_code: str, numeros: Iterable[str] | None, user: str
) -> int:
    """Marks waiting received documents (all, or those numbers) as discarded by `user`."""
    total = 0
    with write_transaction(db):
        pending = [
            v
            for page in iter_open_versions(db, connector_code, include_preview=False)
            for v in page
        ]
        wanted = None if numeros is None else set(numeros)
        for v in pending:
            if wanted is None or v.numero in wanted:
                decide_version(
                    db,
                    connector_code,
                    v,
                    "ecarte",
                    message=f"Écarté par {user}",
                    user=user,
                )
                total += 1
    return total


# Dropping a connector -------------------------------------------------------------------------


def drop_connector_data(db: Database, connector_code: str) -> int:
    """Deletes every file staged for a connector, with its rows, document versions and tiers
    (they cascade). The history (sync_runs) and the GC documents stay. Returns the files."""
    with write_transaction(db):
        cur = db.execute("DELETE FROM received_files WHERE connector_code = ?", [connector_code])
        # Versions hang on their file; none should be left, but never leave one behind.
        db.execute("DELETE FROM document_versions WHERE connector_code = ?", [connector_code])
        return cur.rowcount
