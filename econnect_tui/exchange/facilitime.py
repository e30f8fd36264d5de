"""The files of the ETA software (« Suivi ETA », Facilitime): their columns and their rules.

Pure: rows in, records and located French errors out. Grouping rows into documents is done by
the caller (in SQL, so memory does not grow with the file); `check_document` then checks one
document's rows together (header fields agree, line amounts, total).
"""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from ..french import two_decimals
from ..models.amounts import Totals, document_totals, line_amount_ht
from ..models.validators import (
    MAX_LINE_AMOUNT,
    check_amount,
    check_email,
    check_line_number,
    check_quantity,
    check_rate,
    check_siret,
    check_total,
    line_amount_error,
)
from .csvfile import ColumnKind as K
from .csvfile import CsvRow, Layout, location
from .csvfile import column as _c


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
_DECIMALS = tuple(i for i, c in enumerate(DOCUMENT_LAYOUT.columns) if c.kind is K.DECIMAL)
_DATES = tuple(i for i, c in enumerate(DOCUMENT_LAYOUT.columns) if c.kind is K.DATE)


def canonical_row(values: dict) -> list:
    """A parsed row as canonical values in layout order: text as read, numbers normalised, dates
    ISO, NumeroLigne an int, None when empty. What staging stores and the content hash reads."""
    get = values.get
    row = [get(name) for name in _NAMES]
    for i in _DECIMALS:
        if row[i] is not None:
            row[i] = canonical_decimal(row[i])
    for i in _DATES:
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


# A document row as staging stores it, in this order (store.staging writes these columns):
# what SQL needs to check a whole document and copy its lines into the GC without Python
# touching each line again. Canonical texts (decimals normalised, dates ISO); `head` is the
# header fields before NumeroLigne as one text; the line amount is computed (text, and cents
# for exact sums); `clean` says the row has no error and its MontantHT agrees; `data` is the
# serialized row (`serialize_row`), what the content hash reads (stored: cheaper than SQL
# rebuilding it at each check).
STAGED_LINE_COLUMNS = (
    "file_id",
    "line",
    "numero",
    "errors",
    "clean",
    "head",
    "numero_ligne",
    "code_article",
    "libelle",
    "quantite",
    "unite",
    "prix",
    "remise",
    "taux_tva",
    "montant",
    "total_ttc",
    "date_intervention",
    "chantier",
    "surface",
    "chauffeur",
    "materiel",
    "amount",
    "cents",
    "data",
)
_POSITION = {name: i for i, name in enumerate(_NAMES)}
_NUMERO_LIGNE = _POSITION["NumeroLigne"]
_REQUIRED_POSITIONS = tuple((_POSITION[name], name) for name in REQUIRED_VALUES)
_Q, _P, _R, _M = (
    _POSITION[n] for n in ("Quantite", "PrixUnitaireHT", "RemisePourcent", "MontantHT")
)
_ONE_CENT = Decimal("0.01")
_MAX_CENTS = int(MAX_LINE_AMOUNT.scaleb(2))
_MIN_CENTS = -_MAX_CENTS
assert HEADER_COLUMNS[-1] == "TotalTTC" and all(
    _POSITION[name] < _NUMERO_LIGNE for name in HEADER_COLUMNS[:-1]
)


def split_header(header: str) -> dict[str, str | None]:
    """The header fields of a staged row (`head` and TotalTTC, as store.staging gives them),
    by column name: canonical text, None when empty."""
    return {n: v or None for n, v in zip(HEADER_COLUMNS, header.split(FIELD_SEPARATOR))}


def header_of_serialized(data: str) -> dict[str, str | None]:
    """`split_header` of a serialized staged row (`serialize_row`)."""
    fields = data.split(FIELD_SEPARATOR)
    return split_header(FIELD_SEPARATOR.join(fields[_POSITION[n]] for n in HEADER_COLUMNS))


class DocumentRowStager:
    """Turns the parsed rows of one ImportDocuments file (values in layout order, as
    `CsvReader.lists` gives them) into staged rows (`STAGED_LINE_COLUMNS`). Called once per line
    of files of a million lines: one function, canonical texts cached per value."""

    def __init__(self, filename: str, file_id: int) -> None:
        self.filename = filename
        self.file_id = file_id
        # (positions, canonical text of each value seen, how to make it): decimals, dates
        self._kinds = (
            (_DECIMALS, {}, canonical_decimal),
            (_DATES, {}, _isoformat),
        )

    def __call__(self, line: int, values: list, errors: list[str]) -> tuple:
        if None in _required(values):
            errors.extend(missing_values(values, errors, self.filename, line))
        texts = values.copy()
        for positions, cache, canonical in self._kinds:
            for i in positions:
                value = texts[i]
                if value is not None:
                    text = cache.get(value)
                    if text is None:
                        text = cache[value] = canonical(value)
                    texts[i] = text
        amount = cents = None
        ok = not errors
        quantity, price = values[_Q], values[_P]
        if quantity is not None and price is not None:
            try:
                amount = line_amount_ht(quantity, price, values[_R])
            except ArithmeticError:  # beyond exact decimals: the document check reports it
                amount, ok = None, False
            else:
                cents = int(amount.scaleb(2))
                if not _MIN_CENTS <= cents <= _MAX_CENTS:
                    # would not fit SQLite's integers, or leave no room for a document's sums
                    errors.append(f"{self.filename}:{line}: MontantHT: {line_amount_error(amount)}")
                    amount = cents = None
                    ok = False
                else:
                    given = values[_M]
                    if given is not None and abs(given - amount) > _ONE_CENT:
                        ok = False
        serial = ["" if t is None else t for t in texts]
        numero_ligne = texts[_NUMERO_LIGNE]
        if numero_ligne is not None:
            serial[_NUMERO_LIGNE] = str(numero_ligne)
        return (
            self.file_id,
            line,
            serial[0],
            "\n".join(errors) if errors else None,
            1 if ok else 0,
            FIELD_SEPARATOR.join(serial[1:_NUMERO_LIGNE]),
            *texts[_NUMERO_LIGNE:],
            None if amount is None else str(amount),
            cents,
            FIELD_SEPARATOR.join(serial),
        )


def _isoformat(value: date | datetime) -> str:
    return value.isoformat()


_required = operator.itemgetter(*(i for i, _ in _REQUIRED_POSITIONS))


def missing_values(values: list, errors: list[str], filename: str, line: int) -> list[str]:
    """Located errors for required cells left empty (a bad value already has its own error);
    `values` in layout order."""
    bad = {cell[0] for e in errors if (where := location(e)) and (cell := where.cell())}
    return [
        f"{filename}:{line}: {name}: valeur obligatoire"
        for i, name in _REQUIRED_POSITIONS
        if values[i] is None and name not in bad
    ]


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
