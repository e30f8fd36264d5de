"""Opening the SQLite file and its schema: the one module that knows the tables.

Every connection runs in WAL mode with foreign keys on and a busy timeout; the file is created
0600 in a 0700 folder. The schema is a list of versioned migrations (sqlite_utils.Migrations),
applied in one IMMEDIATE transaction so two processes opening a new file never race.

Money and quantities are stored as TEXT holding a canonical Decimal, never as REAL.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from sqlite_utils import Database, Migrations

from . import faults
from .errors import UserError, describe
from .text import fold

BUSY_TIMEOUT_MS = 5000

sqlite3.register_adapter(Decimal, str)

migrations = Migrations("econnect")


def open_db(path: Path | str, *, migrate: bool = True, create: bool = True) -> Database:
    """Open (and create, and migrate) the database at `path`."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise UserError(f"La base de données {path} n'existe pas (lancez « econnect init »).")
        _create_private_file(path)
    try:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        db = Database(conn)
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # 32 MB of page cache (default 2 MB): a big reception rereads what it just staged.
        conn.execute("PRAGMA cache_size=-32000")
        conn.create_function("fold", 1, fold, deterministic=True)
        if migrate:
            apply_migrations(db)
    except sqlite3.DatabaseError as exc:
        raise UserError(
            f"Impossible d'ouvrir la base de données {path} : {describe(exc)}."
        ) from exc
    return db


def _create_private_file(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def apply_migrations(db: Database) -> None:
    """Brings the schema up to date, or refuses a database a newer econnect has migrated:
    this code would write into tables it does not know. Checked at every opening, also when
    nothing of ours is pending (a newer version applies all of ours, then its own)."""
    if not _pending_after_refusing_newer(db):
        return
    with write_transaction(db):
        # again under the write lock: another process may have migrated meanwhile
        if _pending_after_refusing_newer(db):
            migrations.apply(db)
            faults.checkpoint("migrations")  # the crash tests: killed here, nothing is kept


def _pending_after_refusing_newer(db: Database) -> bool:
    known = {m.name for m in migrations._migrations}
    applied = [m.name for m in migrations.applied(db)]
    newer = [name for name in applied if name not in known]
    if newer:
        raise UserError(
            "La base de données a été mise à jour par une version plus récente d'econnect"
            f" (migration {newer[0]} inconnue) : ouvrez-la avec cette version ou une plus"
            " récente."
        )
    return not known <= set(applied)


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """One unit of work. Takes the write lock at once (BEGIN IMMEDIATE) so a transaction never
    fails half-way on a lock upgrade; nested calls become savepoints."""
    conn = db.conn
    if conn.in_transaction:
        # One fixed name: SQLite pairs ROLLBACK TO/RELEASE with the innermost savepoint of
        # that name, so nesting works and a document costs two short statements.
        conn.execute("SAVEPOINT econnect")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO econnect")
                conn.execute("RELEASE econnect")
            raise
        else:
            conn.execute("RELEASE econnect")
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise


def _run_schema(db: Database, schema: str) -> None:
    """The statements of a schema text, one by one, inside the migration's transaction."""
    for statement in schema.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_gc(db: Database) -> None:
    """The commercial management's tables."""
    _run_schema(db, _GC_SCHEMA)


_GC_SCHEMA = """
CREATE TABLE companies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE sites (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    company_code TEXT NOT NULL REFERENCES companies(code)
);
CREATE TABLE depots (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    site_code TEXT NOT NULL REFERENCES sites(code)
);
CREATE TABLE units (code TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE price_categories (code TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE article_families (code TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE client_families (code TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE supplier_families (code TEXT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    family_code TEXT REFERENCES article_families(code),
    unit_code TEXT NOT NULL REFERENCES units(code),
    vat_rate TEXT NOT NULL DEFAULT '20',
    export_available INTEGER NOT NULL DEFAULT 0 CHECK (export_available IN (0, 1)),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE TABLE prices (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    price_category_code TEXT NOT NULL REFERENCES price_categories(code),
    unit_code TEXT REFERENCES units(code),
    price TEXT NOT NULL
);
CREATE UNIQUE INDEX prices_key ON prices(article_id, price_category_code, ifnull(unit_code, ''));
CREATE TABLE stocks (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    depot_code TEXT NOT NULL REFERENCES depots(code),
    quantity TEXT NOT NULL,
    PRIMARY KEY (article_id, depot_code)
);
CREATE TABLE tiers (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('client', 'fournisseur')),
    code TEXT NOT NULL,
    civility TEXT,
    name TEXT NOT NULL,
    address1 TEXT,
    address2 TEXT,
    postal_code TEXT,
    city TEXT,
    country TEXT,
    phone TEXT,
    mobile TEXT,
    email TEXT,
    siret TEXT,
    vat_number TEXT,
    client_family_code TEXT REFERENCES client_families(code),
    supplier_family_code TEXT REFERENCES supplier_families(code),
    payment_method TEXT,
    UNIQUE (kind, code),
    CHECK (kind = 'client' OR client_family_code IS NULL),
    CHECK (kind = 'fournisseur' OR supplier_family_code IS NULL)
);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    tiers_id INTEGER NOT NULL REFERENCES tiers(id) ON DELETE CASCADE,
    code TEXT,
    civility TEXT,
    last_name TEXT NOT NULL,
    first_name TEXT,
    function TEXT,
    phone TEXT,
    mobile TEXT,
    email TEXT
);
CREATE UNIQUE INDEX contacts_code ON contacts(tiers_id, code) WHERE code IS NOT NULL;
CREATE INDEX contacts_tiers ON contacts(tiers_id);
CREATE TABLE article_filters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    families TEXT NOT NULL DEFAULT '[]',
    code_prefix TEXT,
    label_contains TEXT,
    export_available INTEGER CHECK (export_available IN (0, 1)),
    active INTEGER CHECK (active IN (0, 1))
);
CREATE TABLE client_filters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    families TEXT NOT NULL DEFAULT '[]',
    postal_code_prefix TEXT,
    city TEXT
);
CREATE TABLE document_counters (
    doc_type TEXT PRIMARY KEY CHECK (doc_type IN ('commande', 'livraison')),
    last_number INTEGER NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    doc_type TEXT NOT NULL CHECK (doc_type IN ('commande', 'livraison')),
    number TEXT NOT NULL,
    date TEXT NOT NULL,
    company_code TEXT NOT NULL REFERENCES companies(code),
    site_code TEXT NOT NULL REFERENCES sites(code),
    depot_code TEXT NOT NULL REFERENCES depots(code),
    client_id INTEGER NOT NULL REFERENCES tiers(id),
    payment_method TEXT,
    reference TEXT,
    comment TEXT,
    status TEXT NOT NULL DEFAULT 'brouillon' CHECK (status IN ('brouillon', 'valide', 'facture')),
    connector_code TEXT,
    external_id TEXT,
    total_ht TEXT NOT NULL DEFAULT '0',
    total_vat TEXT NOT NULL DEFAULT '0',
    total_ttc TEXT NOT NULL DEFAULT '0',
    content_hash TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (doc_type, number),
    UNIQUE (connector_code, external_id)
);
CREATE INDEX documents_client ON documents(client_id);
CREATE TABLE document_lines (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id),
    label TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit_code TEXT REFERENCES units(code),
    unit_price TEXT NOT NULL,
    discount_percent TEXT,
    vat_rate TEXT NOT NULL,
    amount_ht TEXT NOT NULL,
    intervention_date TEXT,
    work_site TEXT,
    surface TEXT,
    driver TEXT,
    equipment TEXT
);
CREATE INDEX document_lines_document ON document_lines(document_id, position);
CREATE INDEX document_lines_article ON document_lines(article_id)
"""


@migrations()
def m002_connectors(db: Database) -> None:
    """Connectors and their article correspondences."""
    _run_schema(db, _CONNECTOR_SCHEMA)


_CONNECTOR_SCHEMA = """
CREATE TABLE connectors (
    code TEXT PRIMARY KEY,
    liaison TEXT NOT NULL CHECK (liaison IN ('suivi-eta', 'prestashop')),
    mode TEXT NOT NULL CHECK (mode IN ('csv', 'webservice')),
    import_path TEXT,
    export_path TEXT,
    url TEXT,
    key TEXT,
    send_articles TEXT NOT NULL CHECK (send_articles IN ('disponibles-export', 'filtre', 'aucun')),
    send_article_filter TEXT REFERENCES article_filters(name) ON UPDATE CASCADE,
    send_price_category TEXT REFERENCES price_categories(code),
    send_unit TEXT REFERENCES units(code),
    send_depot TEXT REFERENCES depots(code),
    send_clients TEXT NOT NULL CHECK (send_clients IN ('tous', 'filtre', 'aucun')),
    send_client_filter TEXT REFERENCES client_filters(name) ON UPDATE CASCADE,
    send_contacts INTEGER NOT NULL DEFAULT 0 CHECK (send_contacts IN (0, 1)),
    send_encoding TEXT NOT NULL CHECK (send_encoding IN ('utf-8-sig', 'cp1252')),
    receive_doc_type TEXT NOT NULL CHECK (receive_doc_type IN ('commande', 'livraison')),
    receive_company TEXT REFERENCES companies(code),
    receive_site TEXT REFERENCES sites(code),
    receive_depot TEXT REFERENCES depots(code),
    receive_client_family TEXT REFERENCES client_families(code),
    receive_supplier_family TEXT REFERENCES supplier_families(code),
    receive_update_mode TEXT NOT NULL CHECK (receive_update_mode IN ('manuelle', 'ouverture')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE article_mappings (
    connector_code TEXT NOT NULL REFERENCES connectors(code) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    external_code TEXT NOT NULL,
    PRIMARY KEY (connector_code, article_id),
    UNIQUE (connector_code, external_code)
);
CREATE TABLE mapping_changes (
    id INTEGER PRIMARY KEY,
    connector_code TEXT NOT NULL,
    article_code TEXT NOT NULL,
    old_code TEXT,
    new_code TEXT,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
);
CREATE INDEX mapping_changes_connector ON mapping_changes(connector_code, id)
"""


@migrations()
def m003_history(db: Database) -> None:
    """The synchronisation history: one run per reception or send, its files, its report."""
    _run_schema(db, _HISTORY_SCHEMA)


_HISTORY_SCHEMA = """
CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY,
    connector_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reception', 'envoi')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    user TEXT NOT NULL,
    host TEXT,
    pid INTEGER,
    status TEXT NOT NULL CHECK (status IN ('en-cours', 'ok', 'attention', 'erreur')),
    message TEXT,
    counts TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sync_runs_connector ON sync_runs(connector_code, kind, id);
CREATE TABLE sync_run_files (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT,
    size INTEGER,
    rows INTEGER,
    path TEXT,
    status TEXT NOT NULL
);
CREATE INDEX sync_run_files_run ON sync_run_files(run_id);
CREATE TABLE sync_report_rows (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    identifier TEXT NOT NULL,
    ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
    messages TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_report_rows_run ON sync_report_rows(run_id, id)
"""


@migrations()
def m004_reception(db: Database) -> None:
    """Reception staging: files read, their rows, what became of each document version, and
    the reception locks."""
    _run_schema(db, _RECEPTION_SCHEMA)


_RECEPTION_SCHEMA = """
CREATE TABLE received_files (
    id INTEGER PRIMARY KEY,
    connector_code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('documents', 'tiers')),
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    rows INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('apercu', 'recu', 'rejete')),
    error TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    line_errors TEXT NOT NULL DEFAULT '[]',
    archive_path TEXT,
    staged_at TEXT NOT NULL,
    received_at TEXT,
    run_id INTEGER,
    UNIQUE (connector_code, sha256)
);
CREATE TABLE staged_lines (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES received_files(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    numero TEXT NOT NULL,
    numero_ligne INTEGER,
    code_article TEXT,
    libelle TEXT,
    data TEXT NOT NULL,
    errors TEXT
);
CREATE INDEX staged_lines_version ON staged_lines(file_id, numero);
CREATE TABLE document_versions (
    connector_code TEXT NOT NULL,
    numero TEXT NOT NULL,
    file_id INTEGER NOT NULL REFERENCES received_files(id) ON DELETE CASCADE,
    outcome TEXT CHECK (outcome IN ('integre', 'inchange', 'refuse', 'erreur', 'ecarte',
                                    'remplace')),
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    decided_at TEXT,
    decided_by TEXT,
    run_id INTEGER,
    message TEXT,
    PRIMARY KEY (connector_code, numero, file_id)
);
CREATE INDEX document_versions_open ON document_versions(connector_code, outcome, numero);
CREATE TABLE staged_tiers (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES received_files(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    type TEXT,
    code TEXT,
    parent TEXT,
    fields TEXT NOT NULL DEFAULT '{}',
    errors TEXT,
    outcome TEXT CHECK (outcome IN ('integre', 'identique', 'erreur', 'ecarte')),
    decided_at TEXT,
    run_id INTEGER,
    message TEXT
);
CREATE INDEX staged_tiers_file ON staged_tiers(file_id, line);
CREATE TABLE reception_locks (
    connector_code TEXT PRIMARY KEY,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    user TEXT NOT NULL,
    started_at TEXT NOT NULL,
    run_id INTEGER
)
"""


@migrations()
def m005_staged_line_columns(db: Database) -> None:
    """Staged document rows keep, beside their serialized text, the columns SQL checks and
    copies into the GC: rows staged before are converted."""
    _run_schema(db, _STAGED_LINES_V5)
    from .store.staging import convert_serialized_lines  # the store knows the staged rows

    convert_serialized_lines(db, "staged_lines", "staged_lines_v5")
    db.execute("DROP TABLE staged_lines")
    db.execute("ALTER TABLE staged_lines_v5 RENAME TO staged_lines")
    db.execute("CREATE INDEX staged_lines_version ON staged_lines(file_id, numero)")


# One row per line of an ImportDocuments file (exchange.facilitime.STAGED_LINE_COLUMNS):
# canonical texts (decimals normalised, dates ISO), the header fields before NumeroLigne as one
# text (`head`), the computed line amount (text and cents, for exact sums), `clean`, and the
# serialized row.
_STAGED_LINES_V5 = """
CREATE TABLE staged_lines_v5 (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES received_files(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    numero TEXT NOT NULL,
    errors TEXT,
    clean INTEGER NOT NULL,
    head TEXT NOT NULL,
    numero_ligne INTEGER,
    code_article TEXT,
    libelle TEXT,
    quantite TEXT,
    unite TEXT,
    prix TEXT,
    remise TEXT,
    taux_tva TEXT,
    montant TEXT,
    total_ttc TEXT,
    date_intervention TEXT,
    chantier TEXT,
    surface TEXT,
    chauffeur TEXT,
    materiel TEXT,
    amount TEXT,
    cents INTEGER,
    data TEXT NOT NULL
)
"""


@migrations()
def m006_open_versions_index(db: Database) -> None:
    """The index of waiting document versions holds only them: deciding a version removes an
    entry instead of moving it."""
    db.execute("DROP INDEX document_versions_open")
    db.execute(
        "CREATE INDEX document_versions_open ON document_versions(connector_code, numero)"
        " WHERE outcome IS NULL"
    )


@migrations()
def m007_documents_list_index(db: Database) -> None:
    """The Documents list opens on the newest documents: a page read in this index's order
    instead of a sort of the whole table (200,000 documents after a few years)."""
    db.execute("CREATE INDEX documents_list ON documents(date DESC, number DESC)")
