"""`econnect gc import KIND FILE`: GC master data from CSV.

The whole file is read and checked first (values, duplicates, codes it refers to); any error
refuses it whole, listing every error with its line. Records are created or updated by code, in
one transaction; an empty cell never blanks a value already in the GC, and nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ValidationError
from sqlite_utils import Database

from ..db import write_transaction
from ..errors import UserError, ValidationFailed, os_reason
from ..exchange.csv import CsvFileError, location, read_csv
from ..exchange.masterdata import KINDS, MasterKind
from ..models.gc import (
    Article,
    ArticleFilter,
    ClientFilter,
    Contact,
    Price,
    Stock,
    Tiers,
    TiersKind,
)
from ..models.validators import french_reason, spreadsheet_warnings
from ..normal import split_codes
from ..store import articles as articles_store
from ..store import filters as filters_store
from ..store import reference
from ..store import tiers as tiers_store
from ..store.reference import REF_TABLES, RefKind


class ImportSummary(BaseModel):
    kind: str
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int = 0
    warnings: list[str] = []


class _Rows:
    """Collects records and located errors while a file is checked: every error of a file is
    listed, each cell's once (a bad number is not also « valeur obligatoire »)."""

    def __init__(self, spec: MasterKind, filename: str):
        self.spec = spec
        self.filename = filename
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.columns = {field: col for col, field in spec.fields.items()}
        self._located: set[tuple[int, str]] = set()  # (line, column) already in error

    def error(self, line: int, column: str, reason: str) -> None:
        if (line, column) not in self._located:
            self._located.add((line, column))
            self.errors.append(f"{self.filename}:{line}: {column}: {reason}")

    def warn_spreadsheet_damage(self, line: int, fields: dict, country: str | None = None) -> None:
        """A postal code or a phone a spreadsheet likely cut (`spreadsheet_warnings`): said,
        located, and the value imported as it is."""
        for column, reason in spreadsheet_warnings(fields, country):
            self.warnings.append(f"{self.filename}:{line}: {column}: {reason}")

    def add_read_errors(self, messages: list[str]) -> None:
        """Errors of the CSV reader, « file:line: Column: reason »."""
        for message in messages:
            where = location(message)
            cell = where.cell() if where and where.line is not None else None
            if cell:
                self._located.add((where.line, cell[0]))
            self.errors.append(message)

    def validate(
        self,
        model: type[BaseModel],
        line: int,
        data: dict,
        codes: tuple[tuple[str, set, str], ...] = (),
    ) -> BaseModel | None:
        """The record, or None with its errors located. `codes` are (field, known codes, how
        to say an unknown one), checked even when another value of the row is wrong."""
        record = None
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else ""
                column = self.columns.get(field, field)
                self.error(line, column, french_reason(err))
        for field, known, unknown in codes:
            value = getattr(record, field) if record is not None else data.get(field)
            self.check_code(line, field, value, known, unknown)
        return record

    def check_code(self, line: int, field: str, value, known: set, unknown: str) -> None:
        """`unknown` says it in French with its agreement: « unité inconnue »."""
        if value is not None and value not in known:
            self.error(line, self.columns[field], f"{unknown} « {value} »")


def import_master_file(db: Database, kind: str, path: Path) -> ImportSummary:
    spec = KINDS.get(kind)
    if spec is None:
        raise UserError(f"Type de données inconnu « {kind} » (attendu : {', '.join(KINDS)}).")
    try:
        reader = read_csv(Path(path), spec.layout, filename=Path(path).name)
    except CsvFileError as exc:
        raise ValidationFailed(f"{exc} ; rien n'a été importé.") from exc
    except OSError as exc:
        raise UserError(f"Impossible de lire le fichier {path} : {os_reason(exc)}.") from exc
    rows = _Rows(spec, reader.filename)
    handler = _HANDLERS[kind]
    built: list = []
    seen: dict[tuple, int] = {}
    count = 0
    for row in reader:
        count += 1
        # A row with a bad value still goes through the other checks, so every error is listed.
        rows.add_read_errors(row.errors)
        key = tuple(row.values.get(col) for col in spec.key)
        if key in seen:
            rows.error(row.line, spec.key[0], f"en double (déjà ligne {seen[key]})")
            continue
        seen[key] = row.line
        built.append((row.line, spec.given(row)))
    rows.add_read_errors(getattr(reader, "errors", []))
    records = handler.check(db, rows, built)
    if rows.errors:
        n = len(rows.errors)
        raise ValidationFailed(
            f"{reader.filename} refusé : {n} erreur{'s' if n > 1 else ''}, rien n'a été importé.",
            sorted(rows.errors, key=_line_number),
        )
    with write_transaction(db):
        # A record identical to the stored one is not written: a nightly re-import of the
        # same file says « inchangé », not « mis à jour ».
        changed = [r for r in records if not _same(handler.stored(db, r), r)]
        created, updated = handler.write(db, changed)
    return ImportSummary(
        kind=kind,
        file=str(path),
        rows=count,
        created=created,
        updated=updated,
        unchanged=len(records) - len(changed),
        warnings=[*reader.warnings, *rows.warnings],
    )


def _same(stored: BaseModel | None, record: BaseModel) -> bool:
    return stored is not None and stored.model_dump(exclude={"id"}) == record.model_dump(
        exclude={"id"}
    )


def _line_number(message: str) -> int:
    """« file.csv:14: Column: reason » -> 14, so errors list in file order."""
    where = location(message)
    return where.line if where and where.line is not None else 0


class _Handler:
    check: Callable
    write: Callable
    stored: Callable  # (db, record) -> the stored version of the record, or None

    def __init__(self, check, write, stored):
        self.check = check
        self.write = write
        self.stored = stored


# Reference tables -----------------------------------------------------------------------------

_PARENTS = {
    RefKind.SITES: ("company_code", "entreprise inconnue"),
    RefKind.DEPOTS: ("site_code", "site inconnu"),
}


def _reference_handler(kind: RefKind) -> _Handler:
    spec = REF_TABLES[kind]

    def check(db, rows: _Rows, built):
        existing = {r.code: r for r in reference.list_records(db, kind)}
        parent = _PARENTS.get(kind)
        parent_codes = reference.codes(db, spec.parent) if spec.parent else set()
        out = []
        for line, given in built:
            old = existing.get(given.get("code"))
            data = {**(old.model_dump() if old else {}), **given}
            codes = ((parent[0], parent_codes, parent[1]),) if parent else ()
            record = rows.validate(spec.model, line, data, codes)
            if record is not None:
                out.append(record)
        return out

    def write(db, records):
        return reference.upsert_records(db, kind, records)

    def stored(db, record):
        return reference.get_record(db, kind, record.code)

    return _Handler(check, write, stored)


# Articles, prices, stocks ---------------------------------------------------------------------


def _check_articles(db, rows: _Rows, built):
    existing = {a.code: a for a in articles_store.list_articles(db)}
    families = reference.codes(db, RefKind.ARTICLE_FAMILIES)
    units = reference.codes(db, RefKind.UNITS)
    out = []
    for line, given in built:
        old = existing.get(given.get("code"))
        base = old.model_dump(exclude={"id"}) if old else {}
        codes = (
            ("family_code", families, "famille d'articles inconnue"),
            ("unit_code", units, "unité inconnue"),
        )
        record = rows.validate(Article, line, {**base, **given}, codes)
        if record is not None:
            out.append(record)
    return out


def _check_prices(db, rows: _Rows, built):
    codes = (
        ("article_code", set(articles_store.article_ids(db)), "article inconnu"),
        (
            "price_category_code",
            reference.codes(db, RefKind.PRICE_CATEGORIES),
            "catégorie tarifaire inconnue",
        ),
        ("unit_code", reference.codes(db, RefKind.UNITS), "unité inconnue"),
    )
    return _validated(rows, Price, built, codes)


def _validated(rows: _Rows, model, built, codes) -> list:
    """The records of `built` (line, values) that `model` and the known `codes` accept; the
    others are said by `rows`."""
    records = (rows.validate(model, line, given, codes) for line, given in built)
    return [record for record in records if record is not None]


def _write_prices(db, records: list[Price]):
    existing = articles_store.price_keys(db)
    updated = sum(
        (p.article_code, p.price_category_code, p.unit_code or "") in existing for p in records
    )
    articles_store.upsert_prices(db, records)
    return len(records) - updated, updated


def _check_stocks(db, rows: _Rows, built):
    codes = (
        ("article_code", set(articles_store.article_ids(db)), "article inconnu"),
        ("depot_code", reference.codes(db, RefKind.DEPOTS), "dépôt inconnu"),
    )
    return _validated(rows, Stock, built, codes)


def _write_stocks(db, records: list[Stock]):
    existing = articles_store.stock_keys(db)
    updated = sum((s.article_code, s.depot_code) in existing for s in records)
    articles_store.upsert_stocks(db, records)
    return len(records) - updated, updated


# Tiers and contacts ---------------------------------------------------------------------------


def _tiers_handler(kind: TiersKind) -> _Handler:
    family_kind = RefKind.CLIENT_FAMILIES if kind is TiersKind.CLIENT else RefKind.SUPPLIER_FAMILIES

    def check(db, rows: _Rows, built):
        existing = {t.code: t for t in tiers_store.list_tiers(db, kind)}
        families = reference.codes(db, family_kind)
        out = []
        for line, given in built:
            old = existing.get(given.get("code"))
            base = old.model_dump(exclude={"id"}) if old else {}
            what = (
                "famille de clients inconnue"
                if kind is TiersKind.CLIENT
                else "famille de fournisseurs inconnue"
            )
            data = {**base, **given, "kind": kind}
            record = rows.validate(Tiers, line, data, (("family_code", families, what),))
            if record is not None:
                out.append(record)
                rows.warn_spreadsheet_damage(line, given, record.country)
        return out

    def write(db, records):
        return tiers_store.upsert_tiers(db, records)

    def stored(db, record):
        return tiers_store.get_tiers(db, kind, record.code)

    return _Handler(check, write, stored)


_TIERS_TYPES = {
    "client": TiersKind.CLIENT,
    "c": TiersKind.CLIENT,
    "fournisseur": TiersKind.SUPPLIER,
    "f": TiersKind.SUPPLIER,
}


def _check_contacts(db, rows: _Rows, built):
    clients = set(tiers_store.tiers_ids(db, TiersKind.CLIENT))
    suppliers = set(tiers_store.tiers_ids(db, TiersKind.SUPPLIER))
    out = []
    for line, given in built:
        given = dict(given)
        type_text = str(given.pop("parent_type", "") or "").strip().lower()
        parent = given.get("parent_code")
        if type_text:
            parent_kind = _TIERS_TYPES.get(type_text)
            if parent_kind is None:
                rows.error(line, "TypeTiers", f"« {type_text} » : attendu Client ou Fournisseur")
                continue
        else:
            parent_kind = TiersKind.CLIENT if parent in clients else TiersKind.SUPPLIER
        known = clients if parent_kind is TiersKind.CLIENT else suppliers
        if parent not in known:
            rows.error(line, "CodeTiers", f"tiers inconnu « {parent} »")
            continue
        record = rows.validate(Contact, line, {**given, "parent_kind": parent_kind})
        if record is None:
            continue
        rows.warn_spreadsheet_damage(line, given)
        old = tiers_store.find_contact(db, record)
        if old:
            data = {**old.model_dump(), **given, "parent_kind": parent_kind}
            record = rows.validate(Contact, line, data)
        if record is not None:
            out.append(record)
    return out


def _stored_price(db, p: Price) -> Price | None:
    return next(
        (
            old
            for old in articles_store.prices_of(db, p.article_code)
            if (old.price_category_code, old.unit_code) == (p.price_category_code, p.unit_code)
        ),
        None,
    )


def _stored_stock(db, s: Stock) -> Stock | None:
    return next(
        (
            old
            for old in articles_store.stocks_of(db, s.article_code)
            if old.depot_code == s.depot_code
        ),
        None,
    )


def _stored_article(db, a):
    return articles_store.get_article(db, a.code)


def _write_contacts(db, records: list[Contact]):
    updated = sum(r.id is not None for r in records)
    for r in records:
        tiers_store.save_contact(db, r)
    return len(records) - updated, updated


# Filters --------------------------------------------------------------------------------------


def _filter_handler(model, family_kind: RefKind, list_fn, save_fn) -> _Handler:
    def check(db, rows: _Rows, built):
        existing = {f.name: f for f in list_fn(db)}
        families = reference.codes(db, family_kind)
        out = []
        for line, given in built:
            given = dict(given)
            if "families" in given:
                try:
                    given["families"] = split_codes(str(given["families"]))
                except ValueError as exc:  # an invisible character inside a code
                    rows.error(line, "Famille", str(exc))
                    continue
                unknown = [f for f in given["families"] if f not in families]
                if unknown:
                    rows.error(line, "Famille", f"famille inconnue « {', '.join(unknown)} »")
                    continue
            old = existing.get(given.get("name"))
            base = old.model_dump(exclude={"id"}) if old else {}
            record = rows.validate(model, line, {**base, **given})
            if record is not None:
                out.append(record)
        return out

    def write(db, records):
        names = {f.name for f in list_fn(db)}
        for r in records:
            save_fn(db, r)
        updated = sum(r.name in names for r in records)
        return len(records) - updated, updated

    def stored(db, record):
        return next((f for f in list_fn(db) if f.name == record.name), None)

    return _Handler(check, write, stored)


_HANDLERS: dict[str, _Handler] = {
    **{kind.value: _reference_handler(kind) for kind in RefKind},
    "articles": _Handler(_check_articles, articles_store.upsert_articles, _stored_article),
    "tarifs": _Handler(_check_prices, _write_prices, _stored_price),
    "stocks": _Handler(_check_stocks, _write_stocks, _stored_stock),
    "clients": _tiers_handler(TiersKind.CLIENT),
    "fournisseurs": _tiers_handler(TiersKind.SUPPLIER),
    "contacts": _Handler(_check_contacts, _write_contacts, tiers_store.find_contact),
    "filtres-articles": _filter_handler(
        ArticleFilter,
        RefKind.ARTICLE_FAMILIES,
        filters_store.list_article_filters,
        filters_store.save_article_filter,
    ),
    "filtres-clients": _filter_handler(
        ClientFilter,
        RefKind.CLIENT_FAMILIES,
        filters_store.list_client_filters,
        filters_store.save_client_filter,
    ),
}
