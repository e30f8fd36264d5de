"""Connectors: one row per connector, its settings as columns (so GC codes are foreign keys)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import Conflict, NotFound, UserError
from ..french import dated
from ..models.connector import Connector, ReceiveSettings, SendSettings

# model attribute path -> column
_COLUMNS: dict[str, str] = {
    "code": "code",
    "liaison": "liaison",
    "mode": "mode",
    "import_path": "import_path",
    "export_path": "export_path",
    "url": "url",
    "key": "key",
    "send.articles": "send_articles",
    "send.article_filter": "send_article_filter",
    "send.price_category": "send_price_category",
    "send.unit": "send_unit",
    "send.depot": "send_depot",
    "send.clients": "send_clients",
    "send.client_filter": "send_client_filter",
    "send.contacts": "send_contacts",
    "send.encoding": "send_encoding",
    "receive.doc_type": "receive_doc_type",
    "receive.company": "receive_company",
    "receive.site": "receive_site",
    "receive.depot": "receive_depot",
    "receive.client_family": "receive_client_family",
    "receive.supplier_family": "receive_supplier_family",
    "receive.update_mode": "receive_update_mode",
}
_SELECT = f"SELECT {', '.join(_COLUMNS.values())} FROM connectors"


def _connector(row) -> Connector:
    top: dict = {}
    send: dict = {}
    receive: dict = {}
    for path, value in zip(_COLUMNS, row):
        if path.startswith("send."):
            send[path[5:]] = value
        elif path.startswith("receive."):
            receive[path[8:]] = value
        else:
            top[path] = value
    send["contacts"] = bool(send["contacts"])
    return Connector(**top, send=SendSettings(**send), receive=ReceiveSettings(**receive))


def _values(c: Connector) -> list:
    out = []
    for path in _COLUMNS:
        obj = c
        for part in path.split("."):
            obj = getattr(obj, part)
        out.append(int(obj) if isinstance(obj, bool) else obj)
    return out


def list_connectors(db: Database) -> list[Connector]:
    return [_connector(r) for r in db.execute(f"{_SELECT} ORDER BY code")]


def get_connector(db: Database, code: str) -> Connector | None:
    row = db.execute(f"{_SELECT} WHERE code = ?", [code.upper()]).fetchone()
    return _connector(row) if row else None


def require_connector(db: Database, code: str) -> Connector:
    connector = get_connector(db, code)
    if connector is None:
        raise NotFound(f"Le connecteur « {code.upper()} » n'existe pas.")
    return connector


def connector_codes(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT code FROM connectors ORDER BY code")]


def exchange_folders(db: Database) -> list[tuple[str, str | None, str | None]]:
    """(code, import folder, export folder) of every connector exchanging CSV files, by code,
    the folders as stored."""
    cur = db.execute(
        "SELECT code, import_path, export_path FROM connectors WHERE mode = 'csv' ORDER BY code"
    )
    return [tuple(r) for r in cur]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _updated_at(db: Database, code: str) -> str | None:
    """When the connector was last saved (ISO text), None when unknown."""
    row = db.execute("SELECT updated_at FROM connectors WHERE code = ?", [code]).fetchone()
    return row[0] if row else None


def save_connector(
    db: Database, c: Connector, *, new: bool, expected: Connector | None = None
) -> None:
    """Insert (new) or update a connector. The caller validated it (sync.connectors).

    `expected` is the connector as the operator's screen read it: when the stored one differs
    (saved meanwhile by another operator or `econnect connector import`), nothing is written
    and `Conflict` (holding the stored connector) says so."""
    columns = list(_COLUMNS.values())
    values = _values(c)
    try:
        with write_transaction(db):
            current = get_connector(db, c.code)
            exists = current is not None
            if new and exists:
                raise UserError(f"Le connecteur « {c.code} » existe déjà.")
            if not new and not exists:
                raise NotFound(f"Le connecteur « {c.code} » n'existe plus.")
            if not new and expected is not None and current != expected:
                changed = dated(
                    f"Le connecteur « {c.code} » a été modifié par ailleurs",
                    _updated_at(db, c.code),
                )
                raise Conflict(
                    f"{changed}, depuis l'ouverture de cet écran : rien n'a été "
                    "enregistré. Terminez de nouveau pour remplacer ses réglages par ceux "
                    "affichés ici, ou quittez sans enregistrer pour voir les siens.",
                    current=current,
                )
            now = _now()
            if new:
                db.execute(
                    f"INSERT INTO connectors ({', '.join(columns)}, created_at, updated_at)"
                    f" VALUES ({', '.join('?' for _ in columns)}, ?, ?)",
                    [*values, now, now],
                )
            else:
                sets = ", ".join(f"{col} = ?" for col in columns[1:])
                db.execute(
                    f"UPDATE connectors SET {sets}, updated_at = ? WHERE code = ?",
                    [*values[1:], now, c.code],
                )
    except sqlite3.IntegrityError as exc:
        raise UserError(
            f"Impossible d'enregistrer le connecteur « {c.code} » : "
            "un code qu'il cite n'existe pas."
        ) from exc


def delete_connector(db: Database, code: str) -> None:
    """Deletes a connector and its correspondences (the caller asked the operator first)."""
    with write_transaction(db):
        require_connector(db, code)
        db.execute("DELETE FROM connectors WHERE code = ?", [code.upper()])
