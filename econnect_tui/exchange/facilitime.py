"""The files of the ETA software (« Suivi ETA », Facilitime): their columns and their rules.

Pure: rows in, records and located French errors out. Grouping rows into documents is done by
the caller (in SQL, so memory does not grow with the file); `check_document` then checks one
document's rows together (header fields agree, line amounts, total).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from ..french import two_decimals
from ..models.amounts import Totals, document_totals, line_amount_ht
from ..models.validators import (
    check_amount,
    check_email,
    check_line_number,
    check_quantity,
    check_rate,
    check_siret,
    check_total,
)
from .csv import ColumnKind as K
from .csv import CsvRow, Layout
from .csv import column as _c


class FileKind(StrEnum):
    TIERS = "tiers"
    DOCUMENTS = "documents"


# Tiers are integrated before documents of the same reception.
FILE_PREFIXES: tuple[tuple[str, FileKind], ...] = (
    ("importtiers", FileKind.TIERS),
    ("importdocuments", FileKind.DOCUMENTS),
)


def is_partial(name: str) -> bool:
    """Still being written by the ETA software: never read."""
    lower = name.lower()
    return lower.endswith((".tmp", ".part")) or name.startswith(("~", "."))


def file_kind(name: str) -> FileKind | None:
    """`ImportTiers*.csv` or `ImportDocuments*.csv`, case-insensitively; None otherwise."""
    lower = name.lower()
    if not lower.endswith(".csv"):
        return None
    for prefix, kind in FILE_PREFIXES:
        if lower.startswith(prefix):
            return kind
    return None


# Codes (K.CODE) refuse an invisible character inside; numbers are bounded (models.validators).
DOCUMENT_LAYOUT = Layout(
    (
        _c("NumeroDocument", K.CODE, True),
        _c("DateDocument", K.DATE, True),
        _c("CodeClient", K.CODE, True),
        _c("NomClient"),
        _c("ModeReglement"),
        _c("Reference"),
        _c("Commentaire"),
        _c("NumeroLigne", K.INTEGER, check=check_line_number),
        _c("CodeArticle", K.CODE, True),
        _c("LibelleArticle", K.TEXT, True),
        _c("Quantite", K.DECIMAL, True, check=check_quantity),
        _c("Unite", K.CODE),
        _c("PrixUnitaireHT", K.DECIMAL, True, check=check_amount),
        _c("RemisePourcent", K.DECIMAL, check=check_rate),
        _c("TauxTVA", K.DECIMAL, check=check_rate),
        _c("MontantHT", K.DECIMAL, check=check_amount),
        _c("TotalTTC", K.DECIMAL, check=check_total),
        _c("DateIntervention", K.DATE),
        _c("Chantier"),
        _c("Surface", K.DECIMAL, check=check_quantity),
        _c("Chauffeur"),
        _c("Materiel", K.TEXT, False, "Matériel"),
    )
)

# Header fields: repeated on every row of a document, they must agree.
HEADER_COLUMNS = (
    "DateDocument",
    "CodeClient",
    "NomClient",
    "ModeReglement",
    "Reference",
    "Commentaire",
    "TotalTTC",
)
# Values a document row must have (beyond the header presence the layout checks).
REQUIRED_VALUES = (
    "NumeroDocument",
    "DateDocument",
    "CodeClient",
    "CodeArticle",
    "LibelleArticle",
    "Quantite",
    "PrixUnitaireHT",
)

TIERS_LAYOUT = Layout(
    (
        _c("TypeTiers", K.CODE, True),
        _c("CodeTiers", K.CODE),
        _c("CodeTiersParent", K.CODE),
        _c("Civilite", K.TEXT, False, "Civilité"),
        _c("Nom", K.TEXT, True),
        _c("Prenom", K.TEXT, False, "Prénom"),
        _c("Fonction"),
        _c("Adresse1"),
        _c("Adresse2"),
        _c("CodePostal"),
        _c("Ville"),
        _c("Pays"),
        _c("Telephone", K.TEXT, False, "Téléphone"),
        _c("Mobile"),
        _c("Email", K.TEXT, False, "Mail", "Courriel"),
        _c("Siret"),
        _c("NumeroTVA"),
        _c("ModeReglement"),
    )
)


# Documents ------------------------------------------------------------------------------------


@dataclass
class DocumentCheck:
    """One document checked as a whole."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total_ttc: Decimal | None = None  # computed from the lines
    content_hash: str = ""
    totals: Totals | None = None  # when every line's VAT rate is known


@lru_cache(maxsize=16384)
def canonical_decimal(value: Decimal) -> str:
    """One text per number: « 95,00 » and « 95 » are the same value, stored and hashed as 95."""
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _canonical(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


_NAMES = DOCUMENT_LAYOUT.names
#: Positions, in layout order, of the values that are numbers and dates.
DECIMAL_POSITIONS = tuple(i for i, c in enumerate(DOCUMENT_LAYOUT.columns) if c.kind is K.DECIMAL)
DATE_POSITIONS = tuple(i for i, c in enumerate(DOCUMENT_LAYOUT.columns) if c.kind is K.DATE)
_ONE_CENT = Decimal("0.01")


def canonical_row(values: dict) -> list:
    """A parsed row as canonical values in layout order: text as read, numbers normalised, dates
    ISO, NumeroLigne an int, None when empty. What staging stores and the content hash reads."""
    get = values.get
    row = [get(name) for name in _NAMES]
    for i in DECIMAL_POSITIONS:
        if row[i] is not None:
            row[i] = canonical_decimal(row[i])
    for i in DATE_POSITIONS:
        if row[i] is not None:
            row[i] = row[i].isoformat()
    return row


FIELD_SEPARATOR = "\x1f"


def serialize_row(canonical: list) -> str:
    """Canonical values as one text (unit separator between fields, '' for None: a text value
    is never empty). What staging stores and the content hash reads."""
    return FIELD_SEPARATOR.join("" if v is None else str(v) for v in canonical)


def content_hash(serialized_rows) -> str:
    """SHA-256 of a document's serialized rows, in line order: equal content, equal hash."""
    digest = hashlib.sha256()
    for row in serialized_rows:
        digest.update(row.encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def hashed_before_one_line_break(stored: str, serialized_rows: list[str]) -> bool:
    """Whether `stored` is the content hash a version before line breaks were read as LF gave
    these rows (texts then kept CRLF or a lone CR as the file had them): the rows with each
    line break written CRLF, or CR. A document received then and sent again is the same
    document, not an update (nor « Refusé » once validated). False when no text of the rows
    holds a line break (nothing to compare again)."""
    if not any("\n" in row for row in serialized_rows):
        return False
    return any(
        content_hash(row.replace("\n", form) for row in serialized_rows) == stored
        for form in ("\r\n", "\r")
    )


def line_amount(values: dict) -> Decimal:
    return line_amount_ht(
        values["Quantite"], values["PrixUnitaireHT"], values.get("RemisePourcent")
    )


def check_document(
    rows: list[tuple[str, int, dict]],
    vat_rates: dict[str, Decimal] | None = None,
    serialized_rows: list[str] | None = None,
) -> DocumentCheck:
    """Checks the rows of one document: `rows` are (file name, line, values) in line order, the
    values already parsed. `vat_rates` gives each line's rate when TauxTVA is empty (the GC
    article's rate); without it the TTC total is not checked. `serialized_rows` (as staged)
    spare recomputing them for the content hash."""
    result = DocumentCheck()
    _, first_line, first = rows[0]
    for name in HEADER_COLUMNS:
        expected = first.get(name)
        for file_name, line, values in rows[1:]:
            if values.get(name) != expected:
                result.errors.append(
                    f"{file_name}:{line}: {name}: « {_canonical(values.get(name))} » diffère de "
                    f"la ligne {first_line} (« {_canonical(expected)} »)"
                )
                break
    lines_for_total = []
    for file_name, line, values in rows:
        try:
            amount = line_amount(values)
        except ArithmeticError:  # beyond 28 significant digits
            result.errors.append(
                f"{file_name}:{line}: Quantite: Quantite × PrixUnitaireHT dépasse la précision"
                " des montants"
            )
            continue
        given = values.get("MontantHT")
        if given is not None and abs(given - amount) > Decimal("0.01"):
            result.errors.append(
                f"{file_name}:{line}: MontantHT: « {_canonical(given)} » au lieu de "
                f"{_canonical(amount)} (Quantite × PrixUnitaireHT × (1 − Remise/100))"
            )
        rate = values.get("TauxTVA")
        if rate is None and vat_rates is not None:
            rate = vat_rates.get(values["CodeArticle"])
        lines_for_total.append((amount, rate))
    if all(rate is not None for _, rate in lines_for_total):
        totals = result.totals = document_totals(lines_for_total)
        result.total_ttc = totals.total_ttc
        warning = total_warning(first.get("TotalTTC"), totals.total_ttc)
        if warning:
            result.warnings.append(warning)
    if serialized_rows is None:
        serialized_rows = [serialize_row(canonical_row(values)) for _, _, values in rows]
    result.content_hash = content_hash(serialized_rows)
    return result


def total_warning(given: Decimal | None, computed: Decimal) -> str | None:
    """The TotalTTC of the file, when it differs from the computed total by more than 0.01."""
    if given is None or abs(given - computed) <= _ONE_CENT:
        return None
    return f"total TTC reçu {two_decimals(given)} €, calculé {two_decimals(computed)} €"


def preview_label(values: dict, computed_total: Decimal | None) -> str:
    """`NumeroDocument - NomClient (or CodeClient) - TotalTTC€ - ModeReglement`."""
    total = values.get("TotalTTC")
    if total is None:
        total = computed_total
    parts = [
        str(values.get("NumeroDocument") or ""),
        str(values.get("NomClient") or values.get("CodeClient") or ""),
    ]
    if total is not None:
        parts.append(f"{total:.2f}€")
    if values.get("ModeReglement"):
        parts.append(str(values["ModeReglement"]))
    return " - ".join(parts)


def report_identifier(numero: str, client: str | None) -> str:
    """`NumeroDocument / CodeClient`."""
    return f"{numero} / {client or '?'}"


# Tiers ----------------------------------------------------------------------------------------


class TiersType(StrEnum):
    CLIENT = "Client"
    SUPPLIER = "Fournisseur"
    CONTACT = "Contact"


_TIERS_TYPES = {
    "client": TiersType.CLIENT,
    "c": TiersType.CLIENT,
    "fournisseur": TiersType.SUPPLIER,
    "f": TiersType.SUPPLIER,
    "contact": TiersType.CONTACT,
    "ct": TiersType.CONTACT,
}

TIERS_FIELDS = {
    "Civilite": "civility",
    "Nom": "name",
    "Adresse1": "address1",
    "Adresse2": "address2",
    "CodePostal": "postal_code",
    "Ville": "city",
    "Pays": "country",
    "Telephone": "phone",
    "Mobile": "mobile",
    "Email": "email",
    "Siret": "siret",
    "NumeroTVA": "vat_number",
    "ModeReglement": "payment_method",
}
CONTACT_FIELDS = {
    "Civilite": "civility",
    "Nom": "last_name",
    "Prenom": "first_name",
    "Fonction": "function",
    "Telephone": "phone",
    "Mobile": "mobile",
    "Email": "email",
}


@dataclass
class TiersRecord:
    type: TiersType | None
    code: str | None
    parent: str | None
    values: dict[str, object]  # model field -> non-empty value given by the file
    errors: list[str]

    @property
    def identifier(self) -> str:
        if self.type is TiersType.CONTACT:
            name = " ".join(
                str(v) for v in (self.values.get("first_name"), self.values.get("last_name")) if v
            )
            return f"Contact {self.parent or '?'} / {self.code or name}"
        return f"{self.type.value if self.type else 'Tiers'} {self.code or '?'}"


def tiers_record(row: CsvRow, filename: str) -> TiersRecord:
    """One ImportTiers row as a record; every rule of the file with located errors."""
    v = row.values
    errors = list(row.errors)

    def err(column: str, reason: str) -> None:
        errors.append(f"{filename}:{row.line}: {column}: {reason}")

    raw_type = v.get("TypeTiers")
    kind = _TIERS_TYPES.get(str(raw_type).strip().lower()) if raw_type else None
    if raw_type is None:
        err("TypeTiers", "valeur obligatoire")
    elif kind is None:
        err("TypeTiers", f"« {raw_type} » : attendu Client (C), Fournisseur (F) ou Contact (CT)")
    code = v.get("CodeTiers")
    parent = v.get("CodeTiersParent")
    if kind in (TiersType.CLIENT, TiersType.SUPPLIER) and code is None:
        err("CodeTiers", "valeur obligatoire pour un client ou un fournisseur")
    if kind is TiersType.CONTACT and parent is None:
        err("CodeTiersParent", "valeur obligatoire pour un contact")
    if v.get("Nom") is None:
        err("Nom", "valeur obligatoire")
    fields = CONTACT_FIELDS if kind is TiersType.CONTACT else TIERS_FIELDS
    values: dict[str, object] = {}
    for column, name in fields.items():
        value = v.get(column)
        if value is None:
            continue
        try:
            if column == "Email":
                value = check_email(str(value))
            elif column == "Siret":
                value = check_siret(str(value))
        except ValueError as exc:
            err(column, str(exc))
            continue
        values[name] = value
    return TiersRecord(kind, code, parent, values, errors)
