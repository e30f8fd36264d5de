"""A document row as the reception stages it: the one definition of its columns (`StagedLine`,
the columns of the `staged_lines` table, in order), how a parsed row becomes one
(`DocumentRowStager`) and how a stored row is read back (`read_lines`, `split_header`).

A staged row holds what SQL needs to check a whole document and copy its lines into the GC
without Python touching each line again, and the serialized row (`facilitime.serialize_row`),
what the content hash reads and what the detailed check of a faulty document parses back.
Pure: `store.staging` writes and returns these rows as plain tuples.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from ..models.amounts import line_amount_ht
from ..models.validators import MAX_LINE_AMOUNT, line_amount_error
from .csv import ColumnKind, location
from .facilitime import (
    DATE_POSITIONS,
    DECIMAL_POSITIONS,
    DOCUMENT_LAYOUT,
    FIELD_SEPARATOR,
    HEADER_COLUMNS,
    REQUIRED_VALUES,
    canonical_decimal,
)


class StagedLine(NamedTuple):
    """One row of an ImportDocuments file as staged (the `staged_lines` columns but its id).
    Canonical texts (decimals normalised, dates ISO); `head` is the header fields before
    NumeroLigne as one text; the line amount is computed (text, and cents for exact sums);
    `clean` says the row has no error and its MontantHT agrees; `data` is the serialized row
    (stored: cheaper than SQL rebuilding it at each check)."""

    file_id: int
    line: int
    numero: str
    errors: str | None
    clean: int
    head: str
    numero_ligne: int | None
    code_article: str | None
    libelle: str | None
    quantite: str | None
    unite: str | None
    prix: str | None
    remise: str | None
    taux_tva: str | None
    montant: str | None
    total_ttc: str | None
    date_intervention: str | None
    chantier: str | None
    surface: str | None
    chauffeur: str | None
    materiel: str | None
    amount: str | None
    cents: int | None
    data: str


STAGED_LINE_COLUMNS = StagedLine._fields


class ReadLine(NamedTuple):
    """A staged row read back for the detailed check of its document."""

    line: int
    values: dict  # by column name, parsed (Decimal, date, int), NumeroDocument included
    errors: list[str]
    data: str  # the serialized row
    id: int


_NAMES = DOCUMENT_LAYOUT.names
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
    `CsvReader.lists` gives them) into staged rows (`StagedLine`). Called once per line
    of files of a million lines: one function, canonical texts cached per value."""

    def __init__(self, filename: str, file_id: int) -> None:
        self.filename = filename
        self.file_id = file_id
        # (positions, canonical text of each value seen, how to make it): decimals, dates
        self._kinds = (
            (DECIMAL_POSITIONS, {}, canonical_decimal),
            (DATE_POSITIONS, {}, _isoformat),
        )

    def __call__(self, line: int, values: list, errors: list[str]) -> StagedLine:
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
        return StagedLine(
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


def _read_date(text: str | None):
    if text is None:
        return None
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)


# Positions to convert from their canonical text (the others are texts and codes, kept as is).
_CONVERTERS = {ColumnKind.DECIMAL: Decimal, ColumnKind.DATE: _read_date, ColumnKind.INTEGER: int}
_LINE_CONVERTERS = tuple(
    (i, _CONVERTERS[c.kind]) for i, c in enumerate(DOCUMENT_LAYOUT.columns) if c.kind in _CONVERTERS
)


def parse_serialized(data: str, cache: dict) -> list:
    """A serialized staged row back to its values in layout order; `cache` remembers each
    text converted (prices, quantities, dates repeat)."""
    fields = [f or None for f in data.split(FIELD_SEPARATOR)]
    for i, convert in _LINE_CONVERTERS:
        raw = fields[i]
        if raw is not None:
            key = (i, raw)
            value = cache.get(key)
            if value is None:
                value = cache[key] = convert(raw)
            fields[i] = value
    return fields


def read_lines(
    rows: Iterable[tuple[int, int, str, str, str | None, int]],
) -> dict[tuple[str, int], list[ReadLine]]:
    """Stored rows (file_id, line, numero, data, errors, id), as `store.staging.lines_of`
    gives them in line order, by document version (numero, file_id)."""
    out: dict[tuple[str, int], list[ReadLine]] = {}
    cache: dict = {}  # prices, quantities, dates repeat: convert each text once
    for file_id, line, numero, data, errors, row_id in rows:
        values = dict(zip(_NAMES, parse_serialized(data, cache)))
        values["NumeroDocument"] = numero
        out.setdefault((numero, file_id), []).append(
            ReadLine(line, values, errors.split("\n") if errors else [], data, row_id)
        )
    return out
