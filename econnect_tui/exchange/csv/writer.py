"""The CSV writer (`write_csv_atomic`, `format_cell`): `;`, CRLF, decimal comma, `JJ/MM/AAAA`,
formula-looking text neutralised, the file written whole or not at all (`econnect_tui.files`)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...files import atomic_writer
from ...french import decimal
from ...normal import one_line_break
from .encoding import ENCODE_ERRORS, charset_label

# A line break first: a CR was neutralised before line breaks were written LF; so is LF.
_FORMULA_START = frozenset("=+-@\t\r\n")


def _format_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"cannot write {value!r} to a CSV file")
    if not value and value.is_signed():
        value = value.copy_abs()
    return decimal(value)


def _format_datetime(value: datetime) -> str:
    return (
        f"{value.day:02d}/{value.month:02d}/{value.year:04d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )


def _format_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _format_text(value: str) -> str:
    if "\r" in value:  # one form of line break inside a cell, LF, whatever the GC holds
        value = one_line_break(value)
    if value and value[0] in _FORMULA_START:
        return "'" + value
    return value


_FORMATTERS: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: "",
    bool: lambda v: "Oui" if v else "Non",
    int: str,
    Decimal: _format_decimal,
    datetime: _format_datetime,
    date: _format_date,
    str: _format_text,
}


def format_cell(value: object) -> str:
    """One value as a cell of an export file.

    None -> ""; Decimal -> decimal comma without exponent (`86,25`, `-5,00`, never neutralised);
    int -> digits; bool -> Oui/Non; datetime -> `JJ/MM/AAAA HH:MM:SS`; date -> `JJ/MM/AAAA`;
    str -> itself, its line breaks written LF (CRLF and lone CR too: one form, as the reader
    gives them), with a leading `'` when it starts with `=`, `+`, `-`, `@`, TAB or a line break
    so a spreadsheet never runs it as a formula. A float is refused (TypeError): amounts are
    Decimal.
    """
    formatter = _FORMATTERS.get(type(value))
    if formatter is not None:
        return formatter(value)
    # subclasses (StrEnum, IntEnum, ...): by their base type's value, most specific base first
    if isinstance(value, str):
        return _format_text(str.__str__(value))
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, int):
        return int.__repr__(value)
    for base in (Decimal, datetime, date):
        if isinstance(value, base):
            return _FORMATTERS[base](value)
    raise TypeError(f"cannot write a {type(value).__name__} to a CSV file: {value!r}")


class UnencodableCell(ValueError):
    """A cell of a column that must be written exactly (a code) holds a character the file's
    encoding lacks. `str(e)` is French, the facts of the sentence `sync.send` says (the file,
    what to do): « CodeClient « DVOŘÁK » contient « Ř », absent de Windows-1252 »."""

    def __init__(self, row: int, column: str, value: str, char: str, encoding: str):
        self.row = row  # data row, from 1
        self.column = column
        self.value = value
        self.char = char
        self.encoding = encoding
        super().__init__(
            f"{column} « {value} » contient « {char} », absent de {charset_label(encoding)}"
        )


#: Called for each text a write changed to fit its encoding: (data row from 1, column, the text,
#: what was written).
Replaced = Callable[[int, str, str, str], None]


def _fitted_cells(
    header: Sequence[str], encoding: str, exact: Collection[str], on_replaced: Replaced | None
) -> Callable[[int, Sequence[object]], list[object]]:
    """A row's values with every text fitted to `encoding` before the cells are formatted, so
    a replacement never escapes the formula neutralisation nor the quoting (« ＝ » becomes
    « = », « ﹔ » becomes « ; »). A text of an `exact` column that does not fit raises
    `UnencodableCell`."""
    exact_positions = {i for i, name in enumerate(header) if name in exact}

    def fit(number: int, row: Sequence[object]) -> list[object]:
        values = list(row)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                continue
            text = str.__str__(value)
            try:
                text.encode(encoding)
                continue
            except UnicodeEncodeError as exc:
                bad = text[exc.start]
            column = header[i] if i < len(header) else str(i + 1)
            if i in exact_positions:
                raise UnencodableCell(number, column, text, bad, encoding)
            fitted = text.encode(encoding, errors=ENCODE_ERRORS).decode(encoding)
            if on_replaced is not None:
                on_replaced(number, column, text, fitted)
            values[i] = fitted
        return values

    return fit


def write_csv_atomic(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: str = "utf-8-sig",
    *,
    exact: Collection[str] = (),
    on_replaced: Replaced | None = None,
) -> int:
    """Write an export file: `;`, CRLF, minimal `"` quoting, cells through `format_cell`.

    Streams `rows` (any iterable, e.g. a generator over a query) into a temporary file that
    replaces `path` only once every row is written. Returns the number of data rows. A row whose
    length differs from the header's raises ValueError (and `path` is left untouched).

    In an encoding that cannot hold every character (cp1252), each text is fitted first: the
    characters it lacks become their unaccented letter, else « ? » (« Dvořák 中文 » ->
    « Dvorák ?? »), and `on_replaced` is told; then the text is neutralised and quoted as
    written. A text of a column named in `exact` (codes the other program sends back) is never
    changed: `UnencodableCell` aborts the write and `path` is left untouched."""
    fit = None  # an unknown encoding raises LookupError here, before anything is written
    if not codecs.lookup(encoding).name.startswith("utf"):
        fit = _fitted_cells(header, encoding, exact, on_replaced)
    width = len(header)
    count = 0
    with atomic_writer(path, encoding=encoding, errors=ENCODE_ERRORS) as f:
        writer = csv.writer(
            f, delimiter=";", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
        )
        writer.writerow(header)
        for row in rows:
            values = fit(count + 1, row) if fit is not None else row
            cells = [format_cell(value) for value in values]
            if len(cells) != width:
                raise ValueError(f"row {count + 1} has {len(cells)} cells for {width} columns")
            writer.writerow(cells)
            count += 1
    return count
