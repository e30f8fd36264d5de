"""The small reference tables: companies › sites › depots, units, price categories, families."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import NotFound, UserError
from ..models.gc import CodeLabel, Company, Depot, Site
from ..text import plural


class RefKind(StrEnum):
    COMPANIES = "entreprises"
    SITES = "sites"
    DEPOTS = "depots"
    UNITS = "unites"
    PRICE_CATEGORIES = "categories-tarifaires"
    ARTICLE_FAMILIES = "familles-articles"
    CLIENT_FAMILIES = "familles-clients"
    SUPPLIER_FAMILIES = "familles-fournisseurs"


@dataclass(frozen=True)
class RefTable:
    kind: RefKind
    table: str
    model: type[Company] | type[Site] | type[Depot] | type[CodeLabel]
    singular: str  # French, with its article: « l'entreprise »
    plural: str  # French title: « Entreprises »
    parent: RefKind | None = None  # the table the `*_code` field points to

    @property
    def fields(self) -> list[str]:
        return list(self.model.model_fields)


REF_TABLES: dict[RefKind, RefTable] = {
    t.kind: t
    for t in (
        RefTable(RefKind.COMPANIES, "companies", Company, "l'entreprise", "Entreprises"),
        RefTable(RefKind.SITES, "sites", Site, "le site", "Sites", RefKind.COMPANIES),
        RefTable(RefKind.DEPOTS, "depots", Depot, "le dépôt", "Dépôts", RefKind.SITES),
        RefTable(RefKind.UNITS, "units", CodeLabel, "l'unité", "Unités"),
        RefTable(
            RefKind.PRICE_CATEGORIES,
            "price_categories",
            CodeLabel,
            "la catégorie tarifaire",
            "Catégories tarifaires",
        ),
        RefTable(
            RefKind.ARTICLE_FAMILIES,
            "article_families",
            CodeLabel,
            "la famille d'articles",
            "Familles d'articles",
        ),
        RefTable(
            RefKind.CLIENT_FAMILIES,
            "client_families",
            CodeLabel,
            "la famille de clients",
            "Familles de clients",
        ),
        RefTable(
            RefKind.SUPPLIER_FAMILIES,
            "supplier_families",
            CodeLabel,
            "la famille de fournisseurs",
            "Familles de fournisseurs",
        ),
    )
}


def list_records(db: Database, kind: RefKind) -> list:
    spec = REF_TABLES[kind]
    cols = ", ".join(spec.fields)
    cur = db.execute(f"SELECT {cols} FROM {spec.table} ORDER BY code")
    return [spec.model.model_construct(**dict(zip(spec.fields, row))) for row in cur]


def codes(db: Database, kind: RefKind) -> set[str]:
    spec = REF_TABLES[kind]
    return {row[0] for row in db.execute(f"SELECT code FROM {spec.table}")}


def get_record(db: Database, kind: RefKind, code: str):
    spec = REF_TABLES[kind]
    cols = ", ".join(spec.fields)
    row = db.execute(f"SELECT {cols} FROM {spec.table} WHERE code = ?", [code]).fetchone()
    return spec.model.model_construct(**dict(zip(spec.fields, row))) if row else None


def upsert_records(db: Database, kind: RefKind, records: list) -> tuple[int, int]:
    """Create or update by code; returns (created, updated). Never deletes."""
    spec = REF_TABLES[kind]
    cols = spec.fields
    placeholders = ", ".join("?" for _ in cols)
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "code")
    sql = (
        f"INSERT INTO {spec.table} ({', '.join(cols)}) VALUES ({placeholders}) "
        f"ON CONFLICT(code) DO UPDATE SET {updates}"
    )

    def values(record) -> list:
        return [getattr(record, c) for c in cols]

    return upsert_by_code(db, sql, records, values, codes(db, kind))


def upsert_by_code(
    db: Database,
    sql: str,
    records: Iterable[Any],
    values: Callable[[Any], list],
    stored: Iterable[str],
) -> tuple[int, int]:
    """Runs `sql` (an INSERT … ON CONFLICT(code) DO UPDATE) with `values(record)` for each
    record, in one transaction; returns (created, updated): a record is updated when its code
    is one of the `stored` codes or came earlier in `records`."""
    created = updated = 0
    known = set(stored)
    with write_transaction(db):
        for record in records:
            db.execute(sql, values(record))
            if record.code in known:
                updated += 1
            else:
                created += 1
                known.add(record.code)
    return created, updated


def refuse_other_case(db: Database, table: str, where: str, code: str, what: str, *args) -> None:
    """A new code that differs from an existing one by its case only (« lab », « LAB ») is
    refused: operators and the other software would take them for the same."""
    row = db.execute(
        f"SELECT code FROM {table} WHERE code = ? COLLATE NOCASE {where} LIMIT 1", [code, *args]
    ).fetchone()
    if row and row[0] != code:
        raise UserError(
            f"{what} « {row[0]} » existe déjà (« {code} » ne s'en distingue que par la casse)."
        )


def save_record(db: Database, kind: RefKind, record, *, new: bool) -> None:
    """Insert a new record, or update the fields of an existing one (a code never changes)."""
    spec = REF_TABLES[kind]
    cols = spec.fields
    try:
        with write_transaction(db):
            exists = get_record(db, kind, record.code) is not None
            if new and exists:
                raise UserError(f"Le code « {record.code} » existe déjà.")
            if new:
                refuse_other_case(db, spec.table, "", record.code, "Le code")
            if not new and not exists:
                raise NotFound(f"Le code « {record.code} » n'existe plus.")
            if new:
                db.execute(
                    f"INSERT INTO {spec.table} ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' for _ in cols)})",
                    [getattr(record, c) for c in cols],
                )
            else:
                sets = ", ".join(f"{c} = ?" for c in cols if c != "code")
                db.execute(
                    f"UPDATE {spec.table} SET {sets} WHERE code = ?",
                    [*(getattr(record, c) for c in cols if c != "code"), record.code],
                )
    except sqlite3.IntegrityError as exc:
        raise UserError(
            f"Impossible d'enregistrer {spec.singular} « {record.code} » : "
            "un code lié n'existe pas."
        ) from exc


# What a reference code may be used by, as the refusal of its deletion says it: table ->
# (singular, plural).
_USED_BY = {
    "sites": ("site", "sites"),
    "depots": ("dépôt", "dépôts"),
    "articles": ("article", "articles"),
    "prices": ("tarif", "tarifs"),
    "stocks": ("stock", "stocks"),
    "tiers": ("tiers", "tiers"),
    "documents": ("document", "documents"),
    "document_lines": ("ligne de document", "lignes de document"),
    "connectors": ("connecteur", "connecteurs"),
}


def usages(db: Database, table: str, code: str) -> list[str]:
    """« 2 dépôts », « 1 connecteur »: the rows whose foreign keys name this code."""
    found = []
    for (child,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        columns = [
            row[3]
            for row in db.execute(f"PRAGMA foreign_key_list({child})").fetchall()
            if row[2] == table and row[4] == "code"
        ]
        if not columns:
            continue
        where = " OR ".join(f"{column} = ?" for column in columns)
        (count,) = db.execute(
            f"SELECT count(*) FROM {child} WHERE {where}", [code] * len(columns)
        ).fetchone()
        if count:
            found.append(plural(count, *_USED_BY.get(child, (child, child))))
    return found


def delete_record(db: Database, kind: RefKind, code: str) -> None:
    spec = REF_TABLES[kind]
    try:
        with write_transaction(db):
            db.execute(f"DELETE FROM {spec.table} WHERE code = ?", [code])
    except sqlite3.IntegrityError as exc:
        used = usages(db, spec.table, code)
        by = f" par {', '.join(used)}" if used else ""
        raise UserError(
            f"Impossible de supprimer {spec.singular} « {code} » : ce code est encore utilisé{by}."
        ) from exc
