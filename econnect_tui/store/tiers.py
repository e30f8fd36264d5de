"""Clients and suppliers (« tiers ») and their contacts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import NotFound, UserError
from ..models.gc import Contact, Tiers, TiersKind
from .reference import refuse_other_case

_FIELDS = (
    "code",
    "civility",
    "name",
    "address1",
    "address2",
    "postal_code",
    "city",
    "country",
    "phone",
    "mobile",
    "email",
    "siret",
    "vat_number",
    "payment_method",
)
_SELECT = (
    f"SELECT id, kind, {', '.join(_FIELDS)}, "
    "coalesce(client_family_code, supplier_family_code) FROM tiers"
)


def _family_column(kind: TiersKind) -> str:
    return "client_family_code" if kind is TiersKind.CLIENT else "supplier_family_code"


def _tiers(row) -> Tiers:
    values = dict(zip(_FIELDS, row[2:-1]))
    return Tiers.model_construct(id=row[0], kind=TiersKind(row[1]), family_code=row[-1], **values)


def list_tiers(db: Database, kind: TiersKind) -> list[Tiers]:
    return [_tiers(r) for r in db.execute(f"{_SELECT} WHERE kind = ? ORDER BY code", [kind.value])]


class TiersListRow(NamedTuple):
    """What the Tiers list shows of a client or a supplier, as stored (no model); 20,000 of
    them are read at once."""

    code: str
    name: str
    postal_code: str | None
    city: str | None
    family_code: str | None
    phone: str | None
    mobile: str | None


def list_rows(db: Database, kind: TiersKind) -> list[TiersListRow]:
    """The clients or the suppliers in code order, as the Tiers list shows them."""
    cur = db.execute(
        "SELECT code, name, postal_code, city, coalesce(client_family_code, supplier_family_code),"
        " phone, mobile FROM tiers WHERE kind = ? ORDER BY code",
        [kind.value],
    )
    return list(map(TiersListRow._make, cur))


def count_tiers(db: Database, kind: TiersKind) -> int:
    return db.execute("SELECT count(*) FROM tiers WHERE kind = ?", [kind.value]).fetchone()[0]


def get_tiers(db: Database, kind: TiersKind, code: str) -> Tiers | None:
    row = db.execute(f"{_SELECT} WHERE kind = ? AND code = ?", [kind.value, code]).fetchone()
    return _tiers(row) if row else None


def require_tiers(db: Database, kind: TiersKind, code: str) -> Tiers:
    tiers = get_tiers(db, kind, code)
    if tiers is None:
        what = "Le client" if kind is TiersKind.CLIENT else "Le fournisseur"
        raise NotFound(f"{what} « {code} » n'existe pas.")
    return tiers


def tiers_ids(db: Database, kind: TiersKind) -> dict[str, int]:
    cur = db.execute("SELECT code, id FROM tiers WHERE kind = ?", [kind.value])
    return dict(cur.fetchall())


def upsert_tiers(db: Database, records: Iterable[Tiers]) -> tuple[int, int]:
    """Create or update by (kind, code), every field replaced; returns (created, updated)."""
    created = updated = 0
    with write_transaction(db):
        for t in records:
            if save_tiers(db, t):
                created += 1
            else:
                updated += 1
    return created, updated


def save_tiers(db: Database, t: Tiers, *, new: bool | None = None) -> bool:
    """Write one tiers; returns True when it was created. `new` True/False enforces the case."""
    family_col = _family_column(t.kind)
    values = [getattr(t, f) for f in _FIELDS]
    try:
        with write_transaction(db):
            row = db.execute(
                "SELECT id FROM tiers WHERE kind = ? AND code = ?", [t.kind.value, t.code]
            ).fetchone()
            if new is True and row:
                raise UserError(f"Le code « {t.code} » existe déjà.")
            if new is True:
                refuse_other_case(db, "tiers", "AND kind = ?", t.code, "Le code", t.kind.value)
            if new is False and not row:
                raise NotFound(f"Le tiers « {t.code} » n'existe plus.")
            if row:
                sets = ", ".join(f"{f} = ?" for f in _FIELDS)
                db.execute(
                    f"UPDATE tiers SET {sets}, {family_col} = ? WHERE id = ?",
                    [*values, t.family_code, row[0]],
                )
                return False
            db.execute(
                f"INSERT INTO tiers (kind, {', '.join(_FIELDS)}, {family_col})"
                f" VALUES (?, {', '.join('?' for _ in _FIELDS)}, ?)",
                [t.kind.value, *values, t.family_code],
            )
            return True
    except sqlite3.IntegrityError as exc:
        raise UserError(
            f"Impossible d'enregistrer le tiers « {t.code} » : sa famille n'existe pas."
        ) from exc


# Contacts -------------------------------------------------------------------------------------

_CONTACT_FIELDS = (
    "code",
    "civility",
    "last_name",
    "first_name",
    "function",
    "phone",
    "mobile",
    "email",
)
_SELECT_CONTACT = (
    f"SELECT c.id, t.kind, t.code, {', '.join('c.' + f for f in _CONTACT_FIELDS)}"
    " FROM contacts c JOIN tiers t ON t.id = c.tiers_id"
)


def _contact(row) -> Contact:
    values = dict(zip(_CONTACT_FIELDS, row[3:]))
    return Contact.model_construct(
        id=row[0], parent_kind=TiersKind(row[1]), parent_code=row[2], **values
    )


def contacts_of(db: Database, kind: TiersKind, code: str) -> list[Contact]:
    cur = db.execute(
        f"{_SELECT_CONTACT} WHERE t.kind = ? AND t.code = ? ORDER BY c.last_name, c.first_name",
        [kind.value, code],
    )
    return [_contact(r) for r in cur]


def find_contact(db: Database, c: Contact) -> Contact | None:
    """Match by (parent, code), or by (parent, last name, first name) when the code is empty."""
    if c.code:
        where, params = "c.code = ?", [c.code]
    else:
        where, params = "c.last_name = ? AND c.first_name IS ?", [c.last_name, c.first_name]
    row = db.execute(
        f"{_SELECT_CONTACT} WHERE t.kind = ? AND t.code = ? AND {where}",
        [c.parent_kind.value, c.parent_code, *params],
    ).fetchone()
    return _contact(row) if row else None


def save_contact(db: Database, c: Contact) -> Contact:
    """Insert (id None) or update a contact; returns it with its id."""
    with write_transaction(db):
        parent = require_tiers(db, c.parent_kind, c.parent_code)
        values = [getattr(c, f) for f in _CONTACT_FIELDS]
        try:
            if c.id is None:
                cur = db.execute(
                    f"INSERT INTO contacts (tiers_id, {', '.join(_CONTACT_FIELDS)})"
                    f" VALUES (?, {', '.join('?' for _ in _CONTACT_FIELDS)})",
                    [parent.id, *values],
                )
                contact_id = cur.lastrowid
            else:
                sets = ", ".join(f"{f} = ?" for f in _CONTACT_FIELDS)
                db.execute(
                    f"UPDATE contacts SET tiers_id = ?, {sets} WHERE id = ?",
                    [parent.id, *values, c.id],
                )
                contact_id = c.id
        except sqlite3.IntegrityError as exc:
            raise UserError(
                f"Le code de contact « {c.code} » existe déjà pour le tiers « {c.parent_code} »."
            ) from exc
    return c.model_copy(update={"id": contact_id})


def delete_contact(db: Database, contact_id: int) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM contacts WHERE id = ?", [contact_id])
