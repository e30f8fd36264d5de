"""The plan of the staged tiers: what each ImportTiers row would do to the GC (create, update,
nothing, error), and applying one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from ...exchange.facilitime import (
    CONTACT_FIELDS,
    TIERS_FIELDS,
    TiersType,
)
from ...models.connector import Connector
from ...models.gc import Contact, Tiers, TiersKind
from ...models.validators import spreadsheet_warnings
from ...store import staging
from ...store import tiers as tiers_store


@dataclass
class TiersPlan:
    row: staging.StagedTiers
    status: str
    ok: bool
    messages: list[str]
    action: str | None = None  # create, update, None
    record: Tiers | Contact | None = None


class TiersContext:
    """The GC's tiers as the plan goes: a client created by an earlier row exists for later
    rows (a contact, a document)."""

    def __init__(self, db: Database):
        self.db = db
        self.created: dict[tuple[TiersKind, str], Tiers] = {}

    def find(self, kind: TiersKind, code: str) -> Tiers | None:
        return self.created.get((kind, code)) or tiers_store.get_tiers(self.db, kind, code)

    def parent_kind(self, code: str) -> TiersKind | None:
        # A contact's parent: a client first, then a supplier.
        for kind in (TiersKind.CLIENT, TiersKind.SUPPLIER):
            if self.find(kind, code) is not None:
                return kind
        return None


def plan_tiers(ctx: TiersContext, connector: Connector, row: staging.StagedTiers) -> TiersPlan:
    """What to do with a staged tiers row; a value a spreadsheet likely damaged (a 4-digit
    postal code, a 9-digit phone) is said after the status, the row still goes through."""
    plan = _tiers_plan(ctx, connector, row)
    if plan.ok and (row.fields.keys() & {"postal_code", "phone", "mobile"}):
        country = row.fields.get("country")
        if isinstance(plan.record, Tiers):
            country = plan.record.country
        elif row.type != TiersType.CONTACT.value and row.fields.get("postal_code"):
            kind = TiersKind.CLIENT if row.type == TiersType.CLIENT.value else TiersKind.SUPPLIER
            existing = ctx.find(kind, row.code)
            country = existing.country if existing is not None else country
        plan.messages = [
            *plan.messages,
            *(
                f"Attention : {column} ligne {row.line} : {reason}"
                for column, reason in spreadsheet_warnings(row.fields, country)
            ),
        ]
    return plan


def _tiers_plan(ctx: TiersContext, connector: Connector, row: staging.StagedTiers) -> TiersPlan:
    if row.errors:
        first = row.errors[0].split(": ", 1)[-1]
        return TiersPlan(row, f"Erreur : {first}", False, row.errors)
    kind = TiersType(row.type)
    if kind is TiersType.CONTACT:
        return _plan_contact(ctx, row)
    tiers_kind = TiersKind.CLIENT if kind is TiersType.CLIENT else TiersKind.SUPPLIER
    existing = ctx.find(tiers_kind, row.code)
    if existing is None:
        family = (
            connector.receive.client_family
            if tiers_kind is TiersKind.CLIENT
            else connector.receive.supplier_family
        )
        data = {
            "country": "France",
            **row.fields,
            "code": row.code,
            "kind": tiers_kind,
            "family_code": family,
        }
        try:
            record = Tiers.model_validate(data)
        except ValueError as exc:
            return TiersPlan(row, f"Erreur : {_first_reason(exc)}", False, [str(exc)])
        ctx.created[(tiers_kind, row.code)] = record
        status = "Nouveau client" if tiers_kind is TiersKind.CLIENT else "Nouveau fournisseur"
        return TiersPlan(row, status, True, [], "create", record)
    changed = {k: v for k, v in row.fields.items() if getattr(existing, k, None) != v}
    if not changed:
        return TiersPlan(row, "Identique", True, [])
    try:
        record = Tiers.model_validate({**existing.model_dump(), **row.fields})
    except ValueError as exc:
        return TiersPlan(row, f"Erreur : {_first_reason(exc)}", False, [str(exc)])
    ctx.created[(tiers_kind, row.code)] = record
    return TiersPlan(row, "Mise à jour", True, [_changes(changed)], "update", record)


def _plan_contact(ctx: TiersContext, row: staging.StagedTiers) -> TiersPlan:
    parent_kind = ctx.parent_kind(row.parent)
    if parent_kind is None:
        return TiersPlan(row, f"Erreur : Tiers parent inconnu : {row.parent}", False, [])
    probe = Contact.model_construct(
        parent_kind=parent_kind,
        parent_code=row.parent,
        code=row.code,
        last_name=row.fields.get("last_name"),
        first_name=row.fields.get("first_name"),
    )
    existing = tiers_store.find_contact(ctx.db, probe)
    if existing is None:
        try:
            record = Contact.model_validate(
                {
                    **row.fields,
                    "code": row.code,
                    "parent_kind": parent_kind,
                    "parent_code": row.parent,
                }
            )
        except ValueError as exc:
            return TiersPlan(row, f"Erreur : {_first_reason(exc)}", False, [str(exc)])
        return TiersPlan(row, "Nouveau contact", True, [], "create", record)
    changed = {k: v for k, v in row.fields.items() if getattr(existing, k, None) != v}
    if not changed:
        return TiersPlan(row, "Identique", True, [])
    record = Contact.model_validate({**existing.model_dump(), **row.fields})
    return TiersPlan(row, "Mise à jour", True, [_changes(changed)], "update", record)


def _first_reason(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        from ..models.validators import french_reason

        first = errors()[0]
        return f"{first['loc'][0] if first['loc'] else ''} : {french_reason(first)}".strip(" :")
    return str(exc)


_COLUMN_OF_FIELD = {
    **{field: column for column, field in TIERS_FIELDS.items()},
    **{field: column for column, field in CONTACT_FIELDS.items()},
}


def _changes(changed: dict) -> str:
    """« modifié : Telephone, Email », in the file's column names."""
    return "modifié : " + ", ".join(sorted(_COLUMN_OF_FIELD.get(f, f) for f in changed))


def tiers_identifier(row: staging.StagedTiers) -> str:
    if row.type == TiersType.CONTACT.value:
        name = " ".join(
            str(v) for v in (row.fields.get("first_name"), row.fields.get("last_name")) if v
        )
        return f"Contact {row.parent or '?'} / {row.code or name}"
    return f"{row.type or 'Tiers'} {row.code or '?'}"


def apply_tiers(db: Database, plan: TiersPlan) -> None:
    if isinstance(plan.record, Tiers):
        tiers_store.save_tiers(db, plan.record)
    elif isinstance(plan.record, Contact):
        tiers_store.save_contact(db, plan.record)
