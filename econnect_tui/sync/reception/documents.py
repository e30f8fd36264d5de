"""The plan of the waiting documents, page by page in numero order: checked whole in SQL
(`_check_versions`), the faulty ones checked again row by row (`_plan_document`) to say what
and where."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache

from sqlite_utils import Database

from ...exchange.csv import location
from ...exchange.facilitime import (
    check_document,
    hashed_before_one_line_break,
    preview_label,
    total_warning,
)
from ...exchange.staged import (
    ReadLine,
    header_of_serialized,
    read_lines,
    split_header,
)
from ...models.amounts import ZERO, Totals, totals_of_bases
from ...models.connector import Connector
from ...models.gc import TiersKind
from ...store import articles as articles_store
from ...store import documents as documents_store
from ...store import mappings, reference, staging
from ...store import tiers as tiers_store
from ...store.reference import RefKind
from .models import NEW, REFUSED, SAME, UPDATE, PendingArticle, PendingDocument

PAGE_DOCUMENTS = 500


class DocumentContext:
    """What every document of a reception is checked against, loaded once."""

    def __init__(self, db: Database, connector: Connector, extra_clients: set[str]):
        self.db = db
        self.connector = connector
        self.clients = tiers_store.tiers_ids(db, TiersKind.CLIENT)
        self.extra_clients = extra_clients

    # Only the detailed check of a faulty document, the pending articles of a preview and the
    # per-document writes need these: a clean reception is checked and written by SQL.
    @cached_property
    def mapping(self) -> dict[str, str]:
        return mappings.external_to_article(self.db, self.connector.code)

    @cached_property
    def articles(self) -> dict:
        return {a.code: a for a in articles_store.list_articles(self.db)}

    @cached_property
    def units(self) -> set[str]:
        return reference.codes(self.db, RefKind.UNITS)


@dataclass
class DocumentPlan:
    version: staging.Version
    numero: str
    client_code: str | None
    label: str
    status: str
    ok: bool
    held: bool
    messages: list[str]
    lines: int
    outcome: str | None = None  # final outcome without writing: inchange, refuse, erreur
    action: str | None = None  # create, update: written with its page (`write_checked`)
    content_hash: str = ""
    existing: documents_store.ExternalState | None = None
    unmapped: list[str] = field(default_factory=list)
    totals: Totals | None = None
    header: dict[str, str | None] | None = None  # to write: the header fields
    staged_ids: list[int] = field(default_factory=list)  # to write: its staged rows, in order

    def pending(self) -> PendingDocument:
        return PendingDocument(
            numero=self.numero,
            client_code=self.client_code,
            label=self.label,
            status=self.status,
            ok=self.ok,
            held=self.held,
            messages=self.messages,
            file_name=self.version.file_name,
            lines=self.lines,
            gc_number=self.existing.number if self.existing else None,
        )


def _plan_document(
    ctx: DocumentContext,
    version: staging.Version,
    rows: list[ReadLine],
    existing: documents_store.ExternalState | None,
) -> DocumentPlan:
    first = rows[0].values
    numero = version.numero
    client = first.get("CodeClient")
    located = [(version.file_name, r.line, r.values) for r in rows]
    row_errors = [e for r in rows for e in r.errors]

    def plan(status, ok, held, messages, **kw) -> DocumentPlan:
        computed = kw.pop("total", None)
        return DocumentPlan(
            version,
            numero,
            client,
            preview_label({**first, "NumeroDocument": numero}, computed),
            status,
            ok,
            held,
            messages,
            len(rows),
            existing=existing,
            **kw,
        )

    if row_errors:
        return plan(
            f"Erreur : {located_reason(row_errors[0])}", False, False, row_errors, outcome="erreur"
        )
    vat_rates = {}
    unmapped: list[str] = []
    for r in rows:
        code = r.values["CodeArticle"]
        article_code = ctx.mapping.get(code)
        if article_code is None:
            if code not in unmapped:
                unmapped.append(code)
        else:
            vat_rates[code] = ctx.articles[article_code].vat_rate
    check = check_document(located, vat_rates if not unmapped else None, [r.data for r in rows])
    if check.errors:
        return plan(
            f"Erreur : {located_reason(check.errors[0])}",
            False,
            False,
            check.errors,
            outcome="erreur",
            total=check.total_ttc,
        )
    if unmapped:
        return plan(
            f"Article sans correspondance : {', '.join(unmapped)}",
            False,
            True,
            [f"Article sans correspondance : {code}" for code in unmapped],
            unmapped=unmapped,
        )
    if client not in ctx.clients and client not in ctx.extra_clients:
        return plan(
            f"Client inconnu : {client}",
            False,
            True,
            [f"Client inconnu : {client}"],
            total=check.total_ttc,
        )
    bad_units = sorted({u for r in rows if (u := r.values.get("Unite")) and u not in ctx.units})
    if bad_units:
        # The contract's « Erreur : … » (not integrated), but a GC record is missing, as for an
        # unknown client: held back until the unit is created, not closed for good once its
        # file is archived (it would then come back « déjà reçu »).
        where = next(
            f"{version.file_name}:{r.line}: Unite: unité inconnue « {r.values['Unite']} »"
            for r in rows
            if r.values.get("Unite") in bad_units
        )
        return plan(
            f"Erreur : {located_reason(where)}", False, True, [where], total=check.total_ttc
        )
    warnings = [f"Attention : {w}" for w in check.warnings]
    known = _known_outcome(existing, check.content_hash, lambda: [r.data for r in rows])
    if known is not None:
        status, ok, messages, outcome = known
        return plan(
            status,
            ok,
            False,
            messages,
            outcome=outcome,
            total=check.total_ttc,
            content_hash=check.content_hash,
        )
    # Nothing wrong after all: written like the documents SQL found clean, from its rows.
    return plan(
        UPDATE if existing else NEW,
        True,
        False,
        warnings,
        action="update" if existing else "create",
        header=header_of_serialized(rows[0].data),
        staged_ids=[r.id for r in rows],
        content_hash=check.content_hash,
        total=check.total_ttc,
        totals=check.totals,
    )


def _known_outcome(
    existing: documents_store.ExternalState | None,
    content_hash: str,
    serialized: Callable[[], list[str]],
) -> tuple[str, bool, list[str], str] | None:
    """A document received before whose fate is settled: same content (nothing to write) or
    no longer a draft (refused). (status, ok, messages, outcome), or None. `serialized` gives
    its rows, only read when the hashes differ and the stored one may be an older version's
    (`hashed_before_one_line_break`)."""
    if existing is None:
        return None
    if existing.content_hash == content_hash or (
        existing.content_hash and hashed_before_one_line_break(existing.content_hash, serialized())
    ):
        return SAME, True, [f"Déjà intégré ({existing.number})"], "inchange"
    if existing.status.value != "brouillon":
        label = existing.status.label.lower()
        return REFUSED, False, [f"Refusé : le document {existing.number} est {label}"], "refuse"
    return None


def located_reason(located: str) -> str:
    """« file:14: Quantite: « x » n'est pas un nombre » -> « Quantite ligne 14 : … »."""
    where = location(located)
    cell = where.cell() if where and where.line is not None else None
    if cell:
        return f"{cell[0]} ligne {where.line} : {cell[1]}"
    return located


def document_plans(
    db: Database, ctx: DocumentContext, *, include_preview: bool
) -> Iterator[list[DocumentPlan]]:
    """Plans of the waiting documents, page by page (numero order)."""
    for versions in staging.iter_open_versions(
        db, ctx.connector.code, include_preview=include_preview, page=PAGE_DOCUMENTS
    ):
        states = documents_store.external_states(
            db, ctx.connector.code, [v.numero for v in versions]
        )
        checked = _check_versions(db, ctx.connector.code, versions)
        faulty = [v for v in versions if checked.get((v.numero, v.file_id)) is None]
        lines = read_lines(staging.lines_of(db, faulty))
        plans = []
        for v in versions:
            key = (v.numero, v.file_id)
            if checked.get(key) is not None:
                plans.append(_plan_checked(ctx, v, checked[key], states.get(v.numero)))
            elif key in lines:
                plans.append(_plan_document(ctx, v, lines[key], states.get(v.numero)))
        yield plans


@dataclass(slots=True)
class _Checked:
    """A document version as SQL and one pass over its rows see it."""

    header: str
    ok: bool = True  # every row clean, mapped, with a known unit; the header fields agree
    ids: list[int] = field(default_factory=list)  # its staged rows, in line order
    digest: object = field(default_factory=hashlib.sha256)
    breaks: bool = False  # a text holds a line break (`hashed_before_one_line_break`)
    cents: dict[str, int] = field(default_factory=dict)  # HT base of each VAT rate, in cents


def _check_versions(
    db: Database, connector_code: str, versions: list[staging.Version]
) -> dict[tuple[str, int], _Checked | None]:
    """Each version with rows, checked whole: None when something is wrong with it, for the
    detailed check (`_plan_document`) to say what and where."""
    out: dict[tuple[str, int], _Checked | None] = {}
    key = current = None
    for row_id, numero, file_id, data, header, ok, rate, cents in staging.version_rows(
        db, connector_code, versions
    ):
        if (numero, file_id) != key:
            if key is not None:
                out[key] = current if current.ok else None
            key, current = (numero, file_id), _Checked(header)
        current.ids.append(row_id)
        if not current.ok:
            continue
        if not ok or header != current.header:
            current.ok = False
            continue
        current.digest.update(data.encode())
        current.digest.update(b"\x1e")
        if "\n" in data:
            current.breaks = True
        current.cents[rate] = current.cents.get(rate, 0) + cents
    if key is not None:
        out[key] = current if current.ok else None
    return out


@lru_cache(maxsize=256)
def _rate_key(rate: str) -> Decimal:
    """A VAT rate as `document_totals` keys it (a few rates, thousands of documents)."""
    return Decimal(rate).normalize() or ZERO


def _plan_checked(
    ctx: DocumentContext,
    version: staging.Version,
    checked: _Checked,
    existing: documents_store.ExternalState | None,
) -> DocumentPlan:
    """The plan of a document SQL found clean: same statuses as `_plan_document`."""
    header = split_header(checked.header)
    bases: dict[Decimal, Decimal] = {}
    for rate, cents in checked.cents.items():
        key = _rate_key(rate)
        bases[key] = bases.get(key, ZERO) + Decimal(cents).scaleb(-2)
    totals = totals_of_bases(bases)
    given = Decimal(header["TotalTTC"]) if header["TotalTTC"] else None
    numero = version.numero
    client = header["CodeClient"]
    label = preview_label({**header, "NumeroDocument": numero, "TotalTTC": given}, totals.total_ttc)
    content_hash = checked.digest.hexdigest()

    def plan(status, ok, held, messages, **kw) -> DocumentPlan:
        return DocumentPlan(
            version,
            numero,
            client,
            label,
            status,
            ok,
            held,
            messages,
            len(checked.ids),
            existing=existing,
            totals=totals,
            content_hash=content_hash,
            staged_ids=checked.ids,
            **kw,
        )

    if client not in ctx.clients and client not in ctx.extra_clients:
        return plan(f"Client inconnu : {client}", False, True, [f"Client inconnu : {client}"])

    def serialized() -> list[str]:
        if not checked.breaks:
            return []
        rows = read_lines(staging.lines_of(ctx.db, [version]))[(version.numero, version.file_id)]
        return [r.data for r in rows]

    known = _known_outcome(existing, content_hash, serialized)
    if known is not None:
        status, ok, messages, outcome = known
        return plan(status, ok, False, messages, outcome=outcome)
    warning = total_warning(given, totals.total_ttc)
    return plan(
        UPDATE if existing else NEW,
        True,
        False,
        [f"Attention : {warning}"] if warning else [],
        action="update" if existing else "create",
        header=header,
    )


def pending_articles(ctx: DocumentContext, include_preview: bool) -> list[PendingArticle]:
    """The external codes of the waiting documents, with their GC article (the context's
    correspondences and articles, already loaded for the documents)."""
    out = []
    for code, label, count in staging.pending_articles(
        ctx.db, ctx.connector.code, include_preview=include_preview
    ):
        article = ctx.mapping.get(code)
        out.append(
            PendingArticle(
                code=code,
                label=label or "",
                documents=count,
                article_code=article,
                article_label=ctx.articles[article].label if article else None,
            )
        )
    return out
