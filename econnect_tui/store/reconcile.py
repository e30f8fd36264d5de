"""What the reception history says was integrated, against what the GC tables hold.

A reception writes a document and the record of what became of its version in one transaction,
then its report and counts in later ones; a connector's files are recorded when read. A write
that SQLite had confirmed and that was lost later (a damaged or deleted `-wal`, a copy of the
database without it, a failing disk) leaves these out of step: these queries find where.

The history of a connector deleted since (its staged data is dropped with it; a connector
created again under the same code starts a new history) is not compared: only the runs started
since the connector's creation are.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlite_utils import Database


class MissingDocument(NamedTuple):
    connector_code: str
    numero: str
    run_id: int | None  # the reception that integrated it
    found_numero: str | None  # the ETA number of the GC document recorded for it, if any


def documents_not_in_gc(db: Database) -> list[MissingDocument]:
    """Each ETA document whose newest integrated version (integrated or found unchanged)
    names no GC document, or one that is not that ETA document of that connector."""
    cur = db.execute(
        """
        WITH integrated AS (
            SELECT connector_code, numero, max(file_id) AS file_id FROM document_versions
            WHERE outcome IN ('integre', 'inchange') GROUP BY connector_code, numero
        )
        SELECT v.connector_code, v.numero, v.run_id, d.external_id
        FROM integrated i
        JOIN document_versions v ON v.connector_code = i.connector_code
          AND v.numero = i.numero AND v.file_id = i.file_id
        LEFT JOIN documents d ON d.id = v.document_id
        WHERE d.id IS NULL OR d.connector_code IS NOT v.connector_code
           OR d.external_id IS NOT v.numero
        ORDER BY v.connector_code, v.numero
        """
    )
    return [MissingDocument(*r) for r in cur]


class MissingTiers(NamedTuple):
    connector_code: str
    type: str  # Client, Fournisseur
    code: str
    run_id: int | None


def tiers_not_in_gc(db: Database) -> list[MissingTiers]:
    """Clients and suppliers a reception created or updated (or found identical) that the GC
    no longer has. Contacts are not compared: the operator may delete one."""
    cur = db.execute(
        """
        SELECT coalesce(f.connector_code, r.connector_code, '?') AS connector, t.type, t.code,
               max(t.run_id)
        FROM staged_tiers t
        LEFT JOIN received_files f ON f.id = t.file_id
        LEFT JOIN sync_runs r ON r.id = t.run_id
        WHERE t.outcome IN ('integre', 'identique') AND t.type IN ('Client', 'Fournisseur')
          AND NOT EXISTS (
              SELECT 1 FROM tiers g
              WHERE g.kind = CASE t.type WHEN 'Client' THEN 'client' ELSE 'fournisseur' END
                AND g.code = t.code)
        GROUP BY connector, t.type, t.code
        ORDER BY connector, t.type, t.code
        """
    )
    return [MissingTiers(*r) for r in cur]


class RunCounts(NamedTuple):
    run_id: int
    connector_code: str
    started_at: str
    counts: str  # the run's counts, JSON, as its report gave them
    documents: int  # versions recorded integrated by this run
    tiers: int  # tiers rows recorded integrated by this run


def finished_receptions(db: Database) -> list[RunCounts]:
    """The receptions that finished (their counts are final) since their connector was
    created, with what the staging tables record they integrated."""
    cur = db.execute(
        """
        WITH documents AS (
            SELECT run_id, count(*) AS n FROM document_versions
            WHERE outcome = 'integre' GROUP BY run_id
        ), tiers AS (
            SELECT run_id, count(*) AS n FROM staged_tiers
            WHERE outcome = 'integre' GROUP BY run_id
        )
        SELECT r.id, r.connector_code, r.started_at, r.counts, coalesce(d.n, 0),
               coalesce(t.n, 0)
        FROM sync_runs r JOIN connectors c ON c.code = r.connector_code
        LEFT JOIN documents d ON d.run_id = r.id
        LEFT JOIN tiers t ON t.run_id = r.id
        WHERE r.kind = 'reception' AND r.status IN ('ok', 'attention')
          AND r.started_at >= c.created_at
        ORDER BY r.id
        """
    )
    return [RunCounts(*r) for r in cur]


class UnknownFile(NamedTuple):
    run_id: int
    connector_code: str
    started_at: str
    name: str
    status: str  # archivé, erreurs, déjà reçu


def received_files_unknown(db: Database) -> list[UnknownFile]:
    """Files a reception's report lists as received (with their SHA-256) that the connector's
    staged files no longer hold: the next reception of the same bytes would take them as new,
    and an archived file is read by nobody."""
    cur = db.execute(
        """
        SELECT r.id, r.connector_code, r.started_at, rf.name, rf.status
        FROM sync_run_files rf
        JOIN sync_runs r ON r.id = rf.run_id
        JOIN connectors c ON c.code = r.connector_code
        WHERE r.kind = 'reception' AND rf.sha256 IS NOT NULL
          AND r.started_at >= c.created_at
          AND NOT EXISTS (SELECT 1 FROM received_files f
                          WHERE f.connector_code = r.connector_code AND f.sha256 = rf.sha256)
        ORDER BY r.id, rf.id
        """
    )
    return [UnknownFile(*r) for r in cur]
