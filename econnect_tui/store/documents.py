"""GC documents (orders and delivery notes) and their lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import NotFound, UserError
from ..models.amounts import Totals, document_totals
from ..models.gc import DocStatus, DocType, Document, DocumentLine, TiersKind

_DOC_COLS = (
    "d.id",
    "d.doc_type",
    "d.number",
    "d.date",
    "d.company_code",
    "d.site_code",
    "d.depot_code",
    "t.code",
    "t.name",
    "d.payment_method",
    "d.reference",
    "d.comment",
    "d.status",
    "d.connector_code",
    "d.external_id",
    "d.total_ht",
    "d.total_vat",
    "d.total_ttc",
)
_SELECT = f"SELECT {', '.join(_DOC_COLS)} FROM documents d JOIN tiers t ON t.id = d.client_id"
_LINE_COLS = (
    "l.position",
    "a.code",
    "l.label",
    "l.quantity",
    "l.unit_code",
    "l.unit_price",
    "l.discount_percent",
    "l.vat_rate",
    "l.amount_ht",
    "l.intervention_date",
    "l.work_site",
    "l.surface",
    "l.driver",
    "l.equipment",
)


def _dec(v):
    return None if v is None else Decimal(v)


def _document(row, lines: list[DocumentLine] | None = None) -> Document:
    return Document.model_construct(
        id=row[0],
        doc_type=DocType(row[1]),
        number=row[2],
        date=date.fromisoformat(row[3]),
        company_code=row[4],
        site_code=row[5],
        depot_code=row[6],
        client_code=row[7],
        client_name=row[8],
        payment_method=row[9],
        reference=row[10],
        comment=row[11],
        status=DocStatus(row[12]),
        connector_code=row[13],
        external_id=row[14],
        total_ht=Decimal(row[15]),
        total_vat=Decimal(row[16]),
        total_ttc=Decimal(row[17]),
        lines=lines or [],
    )


def _line(r) -> DocumentLine:
    return DocumentLine.model_construct(
        position=r[0],
        article_code=r[1],
        label=r[2],
        quantity=Decimal(r[3]),
        unit_code=r[4],
        unit_price=Decimal(r[5]),
        discount_percent=_dec(r[6]),
        vat_rate=Decimal(r[7]),
        amount_ht=Decimal(r[8]),
        intervention_date=date.fromisoformat(r[9][:10]) if r[9] else None,
        work_site=r[10],
        surface=_dec(r[11]),
        driver=r[12],
        equipment=r[13],
    )


def lines_of(db: Database, document_id: int) -> list[DocumentLine]:
    cur = db.execute(
        f"SELECT {', '.join(_LINE_COLS)} FROM document_lines l"
        " JOIN articles a ON a.id = l.article_id WHERE l.document_id = ? ORDER BY l.position",
        [document_id],
    )
    return [_line(r) for r in cur]


def list_documents(db: Database, *, with_lines: bool = False) -> list[Document]:
    return list(iter_documents(db, with_lines=with_lines))


_PAGE = 500


def iter_documents(db: Database, *, with_lines: bool = False) -> Iterator[Document]:
    """The documents, newest first, a page at a time (memory does not grow with the table);
    with their lines, read by one query per page, not one per document."""
    cur = db.execute(f"{_SELECT} ORDER BY d.date DESC, d.number DESC")
    while page := [_document(r) for r in cur.fetchmany(_PAGE)]:
        if with_lines:
            _attach_lines(db, page)
        yield from page


def _attach_lines(db: Database, page: list[Document]) -> None:
    by_id = {doc.id: doc for doc in page}
    cur = db.execute(
        f"SELECT l.document_id, {', '.join(_LINE_COLS)} FROM document_lines l"
        " JOIN articles a ON a.id = l.article_id"
        " WHERE l.document_id IN (SELECT value FROM json_each(?))"
        " ORDER BY l.document_id, l.position",
        [json.dumps(list(by_id))],
    )
    for row in cur:
        by_id[row[0]].lines.append(_line(row[1:]))


class DocumentListRow(NamedTuple):
    """What the Documents list shows of a document: plain texts as stored (date ISO, total TTC
    as a canonical decimal), no model, no Decimal; 200,000 of them are read at once."""

    id: int
    number: str
    date: str
    client_code: str
    client_name: str | None
    status: str
    total_ttc: str
    external_id: str | None


def list_rows(db: Database, limit: int | None = None) -> list[DocumentListRow]:
    """The documents, newest first, as the Documents list shows them; the newest `limit` only
    when given (read in the order of index documents_list: a page costs its own size)."""
    cur = db.execute(
        "SELECT d.id, d.number, d.date, t.code, t.name, d.status, d.total_ttc, d.external_id"
        " FROM documents d JOIN tiers t ON t.id = d.client_id"
        " ORDER BY d.date DESC, d.number DESC LIMIT ?",
        [-1 if limit is None else limit],
    )
    return list(map(DocumentListRow._make, cur))


def get_document(db: Database, document_id: int) -> Document:
    row = db.execute(f"{_SELECT} WHERE d.id = ?", [document_id]).fetchone()
    if row is None:
        raise NotFound("Ce document n'existe plus.")
    return _document(row, lines_of(db, document_id))


def find_documents(db: Database, number: str) -> list[Document]:
    """Documents whose GC number or external id (NumeroDocument) is `number`."""
    cur = db.execute(f"{_SELECT} WHERE d.number = ? OR d.external_id = ?", [number, number])
    return [_document(r) for r in cur]


def allocate_numbers(db: Database, doc_type: DocType, count: int) -> list[str]:
    """The next `count` GC numbers of a type at once (inside the caller's transaction)."""
    if count <= 0:
        return []
    (last,) = db.execute(
        "INSERT INTO document_counters (doc_type, last_number) VALUES (?, ?)"
        " ON CONFLICT(doc_type) DO UPDATE SET last_number = last_number + excluded.last_number"
        " RETURNING last_number",
        [doc_type.value, count],
    ).fetchone()
    return [f"{doc_type.prefix}{n:06d}" for n in range(last - count + 1, last + 1)]


class DocumentHeader(NamedTuple):
    """What the documents table holds of a document besides its number: what a reception
    writes in bulk (its lines copied from staging by `copy_staged_lines`) and `create_document` one
    at a time."""

    doc_type: DocType
    date: str  # ISO
    company_code: str
    site_code: str
    depot_code: str
    client_id: int
    payment_method: str | None
    reference: str | None
    comment: str | None
    connector_code: str | None
    external_id: str | None
    totals: Totals
    content_hash: str | None
    status: DocStatus = DocStatus.DRAFT


def insert_headers(db: Database, headers: list[DocumentHeader]) -> list[tuple[int, str]]:
    """New GC documents for these headers, numbered in order, without their lines; returns
    (id, number) of each, in order. Inside the caller's transaction."""
    if not headers:
        return []
    now = _now()
    # Ids given here (as SQLite would: the largest plus one; the caller's transaction holds the
    # write lock), so the new rows need not be looked up again.
    (next_id,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM documents").fetchone()
    written: list[tuple[int, str]] = [(0, "")] * len(headers)
    rows = []
    for doc_type in dict.fromkeys(h.doc_type for h in headers):
        of_type = [i for i, h in enumerate(headers) if h.doc_type is doc_type]
        for i, number in zip(of_type, allocate_numbers(db, doc_type, len(of_type))):
            h = headers[i]
            written[i] = (next_id, number)
            rows.append(
                (
                    next_id,
                    h.doc_type.value,
                    number,
                    h.date,
                    h.company_code,
                    h.site_code,
                    h.depot_code,
                    h.client_id,
                    h.payment_method,
                    h.reference,
                    h.comment,
                    h.status.value,
                    h.connector_code,
                    h.external_id,
                    h.totals.total_ht,
                    h.totals.total_vat,
                    h.totals.total_ttc,
                    h.content_hash,
                    now,
                    now,
                )
            )
            next_id += 1
    db.conn.executemany(
        "INSERT INTO documents (id, doc_type, number, date, company_code, site_code, depot_code,"
        " client_id, payment_method, reference, comment, status, connector_code,"
        " external_id, total_ht, total_vat, total_ttc, content_hash, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    return written


def replace_header(db: Database, document_id: int, header: DocumentHeader) -> str:
    """A changed draft: header and totals replaced, its lines deleted (the caller writes the
    new ones), the GC number kept and returned. Refused when the document is no longer a
    draft. Inside the caller's transaction."""
    cur = db.execute(
        "UPDATE documents SET date = ?, client_id = ?, payment_method = ?, reference = ?,"
        " comment = ?, total_ht = ?, total_vat = ?, total_ttc = ?, content_hash = ?,"
        " updated_at = ? WHERE id = ? AND status = ? RETURNING number",
        [
            header.date,
            header.client_id,
            header.payment_method,
            header.reference,
            header.comment,
            header.totals.total_ht,
            header.totals.total_vat,
            header.totals.total_ttc,
            header.content_hash,
            _now(),
            document_id,
            DocStatus.DRAFT.value,
        ],
    )
    row = cur.fetchone()
    if row is None:
        state = db.execute(
            "SELECT number, status FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if state is None:
            raise NotFound("Ce document n'existe plus.")
        raise UserError(f"Le document {state[0]} est {DocStatus(state[1]).label.lower()}.")
    db.execute("DELETE FROM document_lines WHERE document_id = ?", [document_id])
    return row[0]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _client_id(db: Database, code: str) -> int:
    row = db.execute(
        "SELECT id FROM tiers WHERE kind = ? AND code = ?", [TiersKind.CLIENT.value, code]
    ).fetchone()
    if row is None:
        raise NotFound(f"Le client « {code} » n'existe pas.")
    return row[0]


def _header(db: Database, doc: Document, content_hash: str | None) -> DocumentHeader:
    """The header of a document model, its totals computed from its lines."""
    return DocumentHeader(
        doc.doc_type,
        doc.date.isoformat(),
        doc.company_code,
        doc.site_code,
        doc.depot_code,
        _client_id(db, doc.client_code),
        doc.payment_method,
        doc.reference,
        doc.comment,
        doc.connector_code,
        doc.external_id,
        document_totals((ln.amount_ht, ln.vat_rate) for ln in doc.lines),
        content_hash,
        doc.status,
    )


def _insert_lines(db: Database, document_id: int, lines: list[DocumentLine]) -> None:
    ids = dict(
        db.execute(
            "SELECT code, id FROM articles WHERE code IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted({ln.article_code for ln in lines}))],
        ).fetchall()
    )
    rows = []
    for ln in lines:
        if ln.article_code not in ids:
            raise NotFound(f"L'article « {ln.article_code} » n'existe pas.")
        rows.append(
            (
                document_id,
                ln.position,
                ids[ln.article_code],
                ln.label,
                ln.quantity,
                ln.unit_code,
                ln.unit_price,
                ln.discount_percent,
                ln.vat_rate,
                ln.amount_ht,
                ln.intervention_date.isoformat() if ln.intervention_date else None,
                ln.work_site,
                ln.surface,
                ln.driver,
                ln.equipment,
            )
        )
    insert_line_rows(db, rows)


def insert_line_rows(db: Database, rows: Iterable[tuple]) -> None:
    """Document lines as tuples (document id, position, article id, label, quantity, unit,
    unit price, discount %, VAT rate, amount HT, intervention date, work site, surface, driver,
    equipment), with one `executemany`. Inside the caller's transaction."""
    db.conn.executemany(
        "INSERT INTO document_lines (document_id, position, article_id, label, quantity,"
        " unit_code, unit_price, discount_percent, vat_rate, amount_ht, intervention_date,"
        " work_site, surface, driver, equipment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


def copy_staged_lines(
    db: Database, connector_code: str, targets: list[tuple[int, list[int]]]
) -> None:
    """Writes the GC lines of checked documents straight from staging: `targets` are (GC
    document id, ids of its staged rows in line order: the position follows). Every article
    is mapped (checked)."""
    db.conn.execute(
        """
        INSERT INTO document_lines (document_id, position, article_id, label, quantity,
            unit_code, unit_price, discount_percent, vat_rate, amount_ht, intervention_date,
            work_site, surface, driver, equipment)
        SELECT json_extract(d.value, '$[0]'), r.key + 1, m.article_id, l.libelle,
               l.quantite, coalesce(l.unite, a.unit_code), l.prix, l.remise,
               coalesce(l.taux_tva, a.vat_rate), l.amount,
               substr(l.date_intervention, 1, 10), l.chantier, l.surface, l.chauffeur,
               l.materiel
        FROM json_each(:targets) d, json_each(d.value, '$[1]') r
        JOIN staged_lines l ON l.id = r.value
        JOIN article_mappings m ON m.connector_code = :c AND m.external_code = l.code_article
        JOIN articles a ON a.id = m.article_id
        """,
        {"targets": json.dumps(targets), "c": connector_code},
    )


def _with_totals(doc: Document, document_id: int, number: str, totals: Totals) -> Document:
    return doc.model_copy(
        update={
            "id": document_id,
            "number": number,
            "total_ht": totals.total_ht,
            "total_vat": totals.total_vat,
            "total_ttc": totals.total_ttc,
        }
    )


def create_document(db: Database, doc: Document, content_hash: str | None = None) -> Document:
    """Insert a document and its lines; allocates its number; totals computed from the lines."""
    with write_transaction(db):
        header = _header(db, doc, content_hash)
        ((document_id, number),) = insert_headers(db, [header])
        _insert_lines(db, document_id, doc.lines)
    return _with_totals(doc, document_id, number, header.totals)


def replace_document(db: Database, document_id: int, doc: Document, content_hash: str) -> Document:
    """A changed draft: header fields and lines replaced, the GC number kept."""
    with write_transaction(db):
        header = _header(db, doc, content_hash)
        number = replace_header(db, document_id, header)
        _insert_lines(db, document_id, doc.lines)
    return _with_totals(doc, document_id, number, header.totals)


def set_status(db: Database, document_id: int, status: DocStatus) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE documents SET status = ?, updated_at = ? WHERE id = ?",
            [status.value, _now(), document_id],
        )


def count_documents(db: Database) -> int:
    return db.execute("SELECT count(*) FROM documents").fetchone()[0]


def count_by_status(db: Database) -> dict[DocStatus, int]:
    counts = dict.fromkeys(DocStatus, 0)
    for status, n in db.execute("SELECT status, count(*) FROM documents GROUP BY status"):
        counts[DocStatus(status)] = n
    return counts


@dataclass(frozen=True)
class ExternalState:
    id: int
    number: str
    status: DocStatus
    content_hash: str | None


def external_states(
    db: Database, connector_code: str, external_ids: list[str]
) -> dict[str, ExternalState]:
    """The GC documents already received from these external ids, by external id."""
    cur = db.execute(
        "SELECT external_id, id, number, status, content_hash FROM documents"
        " WHERE connector_code = ? AND external_id IN (SELECT value FROM json_each(?))",
        [connector_code, json.dumps(external_ids)],
    )
    return {r[0]: ExternalState(r[1], r[2], DocStatus(r[3]), r[4]) for r in cur}
