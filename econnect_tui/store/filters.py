"""Article filters and client filters: named, structured criteria (never SQL text)."""

from __future__ import annotations

import json
import sqlite3

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import NotFound, UserError
from ..models.gc import ArticleFilter, ClientFilter


def _bool(v):
    return None if v is None else bool(v)


def _int(v):
    return None if v is None else int(v)


def list_article_filters(db: Database) -> list[ArticleFilter]:
    cur = db.execute(
        "SELECT id, name, families, code_prefix, label_contains, export_available, active"
        " FROM article_filters ORDER BY name"
    )
    return [
        ArticleFilter.model_construct(
            id=r[0],
            name=r[1],
            families=json.loads(r[2]),
            code_prefix=r[3],
            label_contains=r[4],
            export_available=_bool(r[5]),
            active=_bool(r[6]),
        )
        for r in cur
    ]


def get_article_filter(db: Database, name: str) -> ArticleFilter:
    return _named(list_article_filters(db), name, "d'articles")


def list_client_filters(db: Database) -> list[ClientFilter]:
    cur = db.execute(
        "SELECT id, name, families, postal_code_prefix, city FROM client_filters ORDER BY name"
    )
    return [
        ClientFilter.model_construct(
            id=r[0], name=r[1], families=json.loads(r[2]), postal_code_prefix=r[3], city=r[4]
        )
        for r in cur
    ]


def get_client_filter(db: Database, name: str) -> ClientFilter:
    return _named(list_client_filters(db), name, "de clients")


def _named(filters: list, name: str, what: str):
    for f in filters:
        if f.name == name:
            return f
    raise NotFound(f"Le filtre {what} « {name} » n'existe pas.")


def _check_families(db: Database, table: str, families: list[str]) -> None:
    known = {r[0] for r in db.execute(f"SELECT code FROM {table}")}
    unknown = [f for f in families if f not in known]
    if unknown:
        raise UserError(f"Famille inconnue : {', '.join(unknown)}.")


def save_article_filter(db: Database, f: ArticleFilter) -> None:
    """Create or update by name."""
    with write_transaction(db):
        _check_families(db, "article_families", f.families)
        try:
            db.execute(
                "INSERT INTO article_filters"
                " (name, families, code_prefix, label_contains, export_available, active)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
                " families = excluded.families, code_prefix = excluded.code_prefix,"
                " label_contains = excluded.label_contains,"
                " export_available = excluded.export_available, active = excluded.active",
                [
                    f.name,
                    json.dumps(f.families),
                    f.code_prefix,
                    f.label_contains,
                    _int(f.export_available),
                    _int(f.active),
                ],
            )
        except sqlite3.IntegrityError as exc:
            raise UserError(f"Impossible d'enregistrer le filtre « {f.name} ».") from exc


def save_client_filter(db: Database, f: ClientFilter) -> None:
    with write_transaction(db):
        _check_families(db, "client_families", f.families)
        db.execute(
            "INSERT INTO client_filters (name, families, postal_code_prefix, city)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET families = excluded.families,"
            " postal_code_prefix = excluded.postal_code_prefix, city = excluded.city",
            [f.name, json.dumps(f.families), f.postal_code_prefix, f.city],
        )


def _refuse_if_used(db: Database, column: str, name: str) -> None:
    users = [r[0] for r in db.execute(f"SELECT code FROM connectors WHERE {column} = ?", [name])]
    if users:
        raise UserError(
            f"Le filtre « {name} » est utilisé par le connecteur {', '.join(users)} : "
            "changez d'abord ses envois."
        )


def delete_article_filter(db: Database, name: str) -> None:
    with write_transaction(db):
        _refuse_if_used(db, "send_article_filter", name)
        db.execute("DELETE FROM article_filters WHERE name = ?", [name])


def delete_client_filter(db: Database, name: str) -> None:
    with write_transaction(db):
        _refuse_if_used(db, "send_client_filter", name)
        db.execute("DELETE FROM client_filters WHERE name = ?", [name])
