"""The schema: the one module that knows the tables, as a list of versioned migrations
(sqlite_utils.Migrations) that `db.open_db` applies. A migration is frozen once released: it
carries its own code (m005's row converter is a copy, not the reception's live stager), so
the schema an old database is brought to never changes with the code of the day.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlite_utils import Database, Migrations

migrations = Migrations("econnect")


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
    _m005_convert_lines(db, "staged_lines", "staged_lines_v5")
    db.execute("DROP TABLE staged_lines")
    db.execute("ALTER TABLE staged_lines_v5 RENAME TO staged_lines")
    db.execute("CREATE INDEX staged_lines_version ON staged_lines(file_id, numero)")


# One row per line of an ImportDocuments file (exchange.staged.StagedLine):
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


# m005's converter: a frozen copy of how the reception staged a document row when m005 was
# last changed (exchange.staged.DocumentRowStager), so that this migration never changes with
# the reception's code. Rows staged as one serialized text (unit separator between the 22
# values of the ImportDocuments layout, '' for None) get the columns of staged_lines_v5.
_M005_SEPARATOR = "\x1f"
_M005_DECIMALS = (10, 12, 13, 14, 15, 16, 19)  # Quantite, PrixUnitaireHT … Surface
_M005_DATES = (1, 17)  # DateDocument, DateIntervention
_M005_NUMERO_LIGNE = 7
_M005_REQUIRED = (0, 1, 2, 8, 9, 10, 12)  # NumeroDocument … PrixUnitaireHT
_M005_Q, _M005_P, _M005_R, _M005_M = 10, 12, 13, 15
_M005_MAX_CENTS = 10**14 - 1  # a line amount of 10^12 - 0.01
_M005_COLUMNS = (
    "id, file_id, line, numero, errors, clean, head, numero_ligne, code_article, libelle,"
    " quantite, unite, prix, remise, taux_tva, montant, total_ttc, date_intervention,"
    " chantier, surface, chauffeur, materiel, amount, cents, data"
)


def _m005_canonical_decimal(text: str) -> str:
    out = format(Decimal(text).normalize(), "f")
    return "0" if out == "-0" else out


def _m005_iso_date(text: str) -> str:
    when = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    return when.isoformat()


def _m005_line(row_id: int, file_id: int, line: int, data: str, errors: str | None) -> tuple:
    """One old row as the new columns; the errors kept as they were recorded (located with
    the file's name), `clean` computed as the stager did."""
    raw = [f or None for f in data.split(_M005_SEPARATOR)]
    texts: list = raw.copy()
    for i in _M005_DECIMALS:
        if texts[i] is not None:
            texts[i] = _m005_canonical_decimal(texts[i])
    for i in _M005_DATES:
        if texts[i] is not None:
            texts[i] = _m005_iso_date(texts[i])
    if texts[_M005_NUMERO_LIGNE] is not None:
        texts[_M005_NUMERO_LIGNE] = int(texts[_M005_NUMERO_LIGNE])
    ok = not errors and all(texts[i] is not None for i in _M005_REQUIRED)
    amount = cents = None
    quantity, price = raw[_M005_Q], raw[_M005_P]
    if quantity is not None and price is not None:
        try:
            gross = Decimal(quantity) * Decimal(price)
            discount = raw[_M005_R] and Decimal(raw[_M005_R])
            if discount:
                gross = gross * (100 - discount) / 100
            value = gross.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        except ArithmeticError:
            ok = False
        else:
            cents = int(value.scaleb(2))
            if not -_M005_MAX_CENTS <= cents <= _M005_MAX_CENTS:
                cents, ok = None, False
            else:
                amount = str(value)
                given = raw[_M005_M]
                if given is not None and abs(Decimal(given) - value) > Decimal("0.01"):
                    ok = False
    serial = ["" if t is None else str(t) for t in texts]
    return (
        row_id,
        file_id,
        line,
        serial[0],
        errors,
        1 if ok else 0,
        _M005_SEPARATOR.join(serial[1:_M005_NUMERO_LIGNE]),
        *texts[_M005_NUMERO_LIGNE:],
        amount,
        cents,
        _M005_SEPARATOR.join(serial),
    )


def _m005_convert_lines(db: Database, old: str, new: str) -> None:
    """Read and written by batches: a file of a million lines waiting at the upgrade is never
    held in memory whole."""
    sql = f"INSERT INTO {new} ({_M005_COLUMNS}) VALUES ({', '.join('?' * 25)})"
    rows = db.conn.execute(f"SELECT id, file_id, line, data, errors FROM {old} ORDER BY id")
    insert = db.conn.cursor()
    while batch := rows.fetchmany(1000):
        insert.executemany(sql, [_m005_line(*row) for row in batch])


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
