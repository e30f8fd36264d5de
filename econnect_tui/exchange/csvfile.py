"""The one CSV reader and writer of the exchange with the ETA software (spec sections 1 and 5).

Pure: bytes in, records out, and records in, bytes out. No database here.

Reading (`read_csv` / `CsvReader`) is tolerant:

* encoding: UTF-8 (BOM optional), else Windows-1252 (its five undefined bytes read as Latin-1, so
  decoding never fails); UTF-16 with a BOM is accepted too. A UTF-8 BOM wins over a few invalid
  bytes: they become « � » and a warning is recorded, instead of garbling every accent as cp1252;
* separator: `;`, or `,` / TAB when the header line has no `;` outside quotes;
* header names match ignoring case, accents, spaces, `_`, `-` and `.`;
* French numbers (`1 234,50 €`) become `Decimal`, dates `date` / `datetime`, flags `bool`;
* every rejected value is a located French message `file:line: column: reason` in the row's
  `errors`; the row is still yielded, so the caller reports every error of a file in one go.

A `Path` source is read twice, each time streaming: a first pass computes the SHA-256, the size
and the encoding; the second pass parses, lazily, row by row. Memory does not grow with the file
(only with its longest row). If the bytes change between the two passes, `reader.errors` says so.

Writing (`write_csv_atomic`, `atomic_writer`, `atomic_write_bytes`) is strict: `;`, CRLF, decimal
comma, `JJ/MM/AAAA`, UTF-8 with BOM by default, formula-looking text neutralised with a leading
`'`, and the file appears whole or not at all (temporary name, fsync, rename). In
Windows-1252, a text is fitted to the charset before it is neutralised and quoted.

Round trip: what `write_csv_atomic` writes, `CsvReader` reads back to the same values, except that
a text that was neutralised keeps its leading `'` (`"=SUM(A1)"` is read back as `"'=SUM(A1)"`),
text is trimmed, a row whose cells are all empty is a blank line, hence skipped, and in
Windows-1252 the characters it lacks are replaced (see `write_csv_atomic`).
"""

from __future__ import annotations

import codecs
import csv
import errno
import fcntl
import hashlib
import io
import itertools
import os
import re
import secrets
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum, auto
from pathlib import Path
from typing import IO, Any, NamedTuple, TextIO

from ..errors import os_reason
from ..text import fold, strip_accents

__all__ = [
    "FIELD_SIZE_LIMIT",
    "Column",
    "ColumnKind",
    "CsvFileError",
    "CsvReader",
    "CsvRow",
    "Layout",
    "Replaced",
    "UnencodableCell",
    "atomic_write_bytes",
    "atomic_writer",
    "charset_label",
    "format_cell",
    "normalize_header",
    "normalize_text",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "read_csv",
    "write_csv_atomic",
]

#: Largest field the reader accepts, in characters; a bigger one is a « champ trop long » error.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
#: Longest numeric text accepted (sign, digits, separators, unit included).
MAX_NUMBER_LENGTH = 64

_CHUNK_SIZE = 1 << 20
# Distinct values remembered per kind while parsing one file. Once full, the cache keeps the first
# values met (the frequent ones, in practice: prices, rates, dates) and stops growing.
_CACHE_LIMIT = 8192
_SHOW_LIMIT = 40  # characters of a bad value quoted in an error message
_UNKNOWN_LIMIT = 10  # unknown column names listed in the warning
_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space


# --------------------------------------------------------------------------------------------
# Codec error handlers


def _cp1252_latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the 5 bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) as Latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


def _transliterate_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Encode what the charset lacks as its unaccented letter (« ř » -> « r »), else « ? ».

    A replacement that would be blank or carry spaces at its ends (« ˘ » is a space and a
    breve) is « ? » too: a replaced text never gains a space a reader would trim."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start : exc.end]:
        base = strip_accents(char)
        try:
            base.encode(exc.encoding)
        except (UnicodeError, LookupError):
            base = ""
        out.append(base if base and base == base.strip() else "?")
    return "".join(out), exc.end


_DECODE_ERRORS = "econnect.cp1252_latin1"
_ENCODE_ERRORS = "econnect.transliterate"
codecs.register_error(_DECODE_ERRORS, _cp1252_latin1_fallback)
codecs.register_error(_ENCODE_ERRORS, _transliterate_fallback)


# --------------------------------------------------------------------------------------------
# Text normalisation


# Accent- and case-insensitive form, shared with every search of the app.
normalize_text = fold


_HEADER_DROP = str.maketrans("", "", "_-.\ufeff")


def normalize_header(name: str) -> str:
    """The key a header name is matched by: « Numéro document » == « NUMERO_DOCUMENT »."""
    return "".join(normalize_text(name).translate(_HEADER_DROP).split())


def _show(text: str) -> str:
    """A value as quoted in a message: trimmed, cut when long."""
    text = text.strip()
    if len(text) > _SHOW_LIMIT:
        return text[: _SHOW_LIMIT - 1] + "…"
    return text


# --------------------------------------------------------------------------------------------
# Value parsers. Each takes the cell's text and returns a value or raises ValueError whose text
# is the French reason (without location: the reader adds « file:line: column: »).


def _not_a_number(text: str) -> ValueError:
    return ValueError(f"« {_show(text)} » n'est pas un nombre")


def _grouped(int_part: str, separators: str) -> str | None:
    """Digits of an integer part written with thousands separators, or None when malformed."""
    groups = re.split(f"[{re.escape(separators)}]", int_part)
    head, tail = groups[0], groups[1:]
    if not (1 <= len(head) <= 3 and head.isdigit()):
        return None
    if not all(len(g) == 3 and g.isdigit() for g in tail):
        return None
    return "".join(groups)


_NUMBER_CHARS = str.maketrans("", "", "0123456789.," + _SPACES)


def _parse_decimal_slow(s: str) -> Decimal | None:
    """Thousands separators, units, two decimal marks: the careful path. None when invalid."""
    t = s
    if t[-1:] in ("€", "%"):
        t = t[:-1].rstrip(_SPACES)
    sign = ""
    if t[:1] in ("+", "-", "\u2212"):
        sign = "" if t[0] == "+" else "-"
        t = t[1:]
    if not t or t.translate(_NUMBER_CHARS):  # only digits, marks and spaces may remain
        return None
    commas, dots = t.count(","), t.count(".")
    mark = other = ""
    if commas and dots:
        mark, other = (",", ".") if t.rfind(",") > t.rfind(".") else (".", ",")
        if t.count(mark) != 1:
            return None
    elif commas == 1:
        mark = ","
    elif dots == 1:
        mark = "."
    elif commas or dots:  # « 3,5,1 », « 1.234.567 »: one mark repeated is ambiguous
        return None
    int_part, _, frac = t.partition(mark) if mark else (t, "", "")
    if frac and not frac.isdigit():
        return None
    separators = _SPACES + other
    if any(c in separators for c in int_part):
        digits = _grouped(int_part, separators)
        if digits is None:
            return None
        int_part = digits
    elif int_part and not int_part.isdigit():
        return None
    if not int_part and not frac:
        return None
    return Decimal(f"{sign}{int_part or '0'}{'.' + frac if frac else ''}")


def parse_decimal(text: str) -> Decimal:
    """`1 234,50 €` -> Decimal("1234.50"); `,` or `.` as decimal mark; never a float.

    Accepted: a leading sign, spaces / no-break spaces / narrow no-break spaces as thousands
    separators (groups of three), a trailing `€` or `%`, and both marks when unambiguous
    (`1.234,50` or `1,234.50`: the last one is the decimal mark, the other groups thousands).
    Refused: `3,5,1`, `1.234.567` (one mark repeated), exponents, NaN, Infinity, more than
    `MAX_NUMBER_LENGTH` characters.
    """
    if len(text) <= MAX_NUMBER_LENGTH:
        # Fast path: let Decimal parse « 12 », « -3.5 », « 86,25 », then refuse what it accepts
        # but a French number is not (exponent, NaN, Infinity, « 1_000 », non-ASCII digits).
        plain = text.replace(",", ".")
        try:
            result: Decimal | None = Decimal(plain)
        except (ArithmeticError, ValueError):
            result = None
        if (
            result is not None
            and result.is_finite()
            and plain.isascii()
            and "e" not in plain
            and "E" not in plain
            and "_" not in plain
        ):
            if not result and result.is_signed():
                result = result.copy_abs()  # « -0 » is 0
            return result
    s = text.strip()
    result = _parse_decimal_slow(s) if 0 < len(s) <= MAX_NUMBER_LENGTH else None
    if result is None:
        raise _not_a_number(text)
    if not result and result.is_signed():
        result = result.copy_abs()
    return result


def parse_integer(text: str) -> int:
    """A number with no fractional part (`12`, `1 200`, `3,00`) -> int."""
    try:
        value = parse_decimal(text)
    except ValueError:
        raise ValueError(f"« {_show(text)} » n'est pas un nombre entier") from None
    if value != value.to_integral_value():
        raise ValueError(f"« {_show(text)} » n'est pas un nombre entier")
    return int(value)


_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?"
_DMY_RE = re.compile(rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}})(?: +{_TIME})?", re.ASCII)
_ISO_RE = re.compile(rf"(\d{{4}})-(\d{{2}})-(\d{{2}})(?:(?: +|T){_TIME})?", re.ASCII)


def parse_date(text: str) -> date | datetime:
    """`JJ/MM/AAAA`, `JJ/MM/AA` (20AA) or `AAAA-MM-JJ`, optionally followed by `HH:MM[:SS]`
    (after a space, or a `T` for ISO). A date without time gives a `date`, else a `datetime`."""
    s = text.strip()
    m = _DMY_RE.fullmatch(s)
    if m:
        day, month, year = m.group(1, 2, 3)
        if len(year) == 2:
            year = "20" + year
    else:
        m = _ISO_RE.fullmatch(s)
        if not m:
            raise ValueError(f"« {_show(text)} » n'est pas une date valide")
        year, month, day = m.group(1, 2, 3)
    hour, minute, second, fraction = m.group(4, 5, 6, 7)
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        micro = int(fraction.ljust(6, "0")) if fraction else 0
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro
        )
    except ValueError:
        raise ValueError(f"« {_show(text)} » n'est pas une date valide") from None


_BOOLS = {
    **dict.fromkeys(("oui", "o", "vrai", "v", "1", "true", "t", "yes", "y", "x"), True),
    **dict.fromkeys(("non", "n", "faux", "f", "0", "false", "no", ""), False),
}


def parse_bool(text: str) -> bool:
    """Oui/Non, O/N, Vrai/Faux, 1/0, true/false, yes/no, x/"" — case and accent insensitive."""
    value = _BOOLS.get(normalize_text(text.strip()))
    if value is None:
        raise ValueError(f"« {_show(text)} » n'est pas une valeur oui/non")
    return value


# --------------------------------------------------------------------------------------------
# Layout


class ColumnKind(StrEnum):
    TEXT = auto()
    DECIMAL = auto()
    INTEGER = auto()
    DATE = auto()
    BOOL = auto()


_PARSERS: dict[ColumnKind, Callable[[str], object]] = {
    ColumnKind.DECIMAL: parse_decimal,
    ColumnKind.INTEGER: parse_integer,
    ColumnKind.DATE: parse_date,
    ColumnKind.BOOL: parse_bool,
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column a file may have.

    `required` means the column must be in the header; whether its values may be empty is the
    caller's business (a required column may have empty cells in some rows)."""

    name: str
    kind: ColumnKind = ColumnKind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()


def column(
    name: str, kind: ColumnKind = ColumnKind.TEXT, required: bool = False, *aliases: str
) -> Column:
    """A `Column`, aliases given one by one: what the layouts of the files are written with."""
    return Column(name, kind, required, tuple(aliases))


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file, looked up by normalised header name."""

    columns: tuple[Column, ...]
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)
    _by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        columns = tuple(self.columns)
        by_name: dict[str, Column] = {}
        by_key: dict[str, Column] = {}
        for column in columns:
            if column.name in by_name:
                raise ValueError(f"duplicate column {column.name!r} in layout")
            by_name[column.name] = column
            for alias in (column.name, *column.aliases):
                key = normalize_header(alias)
                if not key:
                    raise ValueError(f"empty header name for column {column.name!r}")
                if by_key.get(key, column) is not column:
                    raise ValueError(
                        f"header name {alias!r} of {column.name!r} clashes with "
                        f"{by_key[key].name!r}"
                    )
                by_key[key] = column
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "_by_name", by_name)
        object.__setattr__(self, "_by_key", by_key)

    def column(self, name: str) -> Column:
        """The column by its canonical name (or any accepted header spelling); KeyError if none."""
        found = self._by_name.get(name) or self._by_key.get(normalize_header(name))
        if found is None:
            raise KeyError(name)
        return found

    def match(self, header_name: str) -> Column | None:
        """The column a header name designates, or None."""
        return self._by_key.get(normalize_header(header_name))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)


# --------------------------------------------------------------------------------------------
# Reader


@dataclass(slots=True)
class CsvRow:
    """One data row. `line` is the physical line (1-based) where it starts, as an editor shows it;
    `values` maps every layout column to its parsed value (None when empty, absent or invalid),
    or lists them in layout order (`CsvReader.lists`); `errors` holds located French messages
    `file:line: column: reason`."""

    line: int
    values: Any
    errors: list[str]


class Location(NamedTuple):
    """Where a located message points: « f.csv:14: Quantite: « x » n'est pas un nombre »."""

    line: int | None  # 14; None for a message about the whole file (« f.csv: … »)
    text: str  # what follows the location: « Quantite: « x » n'est pas un nombre »

    def cell(self) -> tuple[str, str] | None:
        """(column, reason) when the text names a column: (« Quantite », « « x » n'est… »)."""
        column, sep, reason = self.text.partition(": ")
        return (column, reason) if sep else None


def location(message: str) -> Location | None:
    """Reads back a located message as this module writes them, None when it has none."""
    head, sep, text = message.partition(": ")
    if not sep:
        return None
    _, colon, number = head.rpartition(":")
    return Location(int(number) if colon and number.isdigit() else None, text)


class CsvFileError(Exception):
    """The whole file is refused. `str(e)` is one located French sentence."""

    def __init__(self, message: str, filename: str, line: int | None = None):
        self.message = message
        self.filename = filename
        self.line = line
        where = f"{filename}:{line}" if line is not None else filename
        super().__init__(f"{where}: {message}")


_EOF = "\ufffe\uffff<fin>"  # appended after the last line: tells an unterminated quote apart
_BLANK_CHARS = ' \t\r\n;,"\x00' + _SPACES


class _State:
    """Flags the line feeders raise for the row loop (cheap to test on every row)."""

    __slots__ = ("eof", "nul")

    def __init__(self) -> None:
        self.eof = False
        self.nul = False


class _HashingRaw(io.RawIOBase):
    """A raw file that hashes what is read through it (to check the bytes did not change)."""

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        if n:
            with memoryview(buffer) as view:
                self.hash.update(view[:n])
            self.size += n
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _csv_error_reason(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        limit = f"{FIELD_SIZE_LIMIT:,}".replace(",", " ")
        return f"champ trop long (plus de {limit} caractères)"
    return "ligne CSV mal formée"


def _detect_separator(lines: Iterable[str]) -> str:
    """`;` unless the first non-blank line has none outside quotes; then `,` or TAB, whichever
    splits it most."""
    for line in lines:
        if not line.strip(_BLANK_CHARS):
            continue
        outside = line.split('"')[::2]  # pieces outside quotes ("" toggles twice)
        counts = {sep: sum(piece.count(sep) for piece in outside) for sep in (";", ",", "\t")}
        if counts[";"]:
            return ";"
        best = max((",", "\t"), key=counts.__getitem__)
        return best if counts[best] else ";"
    return ";"


def _is_blank(row: list[str]) -> bool:
    return not any(row) or not any(map(str.strip, row))


class CsvReader:
    """Reads one CSV file against a `Layout` (see the module docstring for the rules).

    The constructor reads the whole file once (hash, size, encoding) and then its header; it raises
    `CsvFileError` when the file is refused whole. Iterating yields the data rows lazily; every
    iteration re-reads the file from the start. Problems met mid-stream that belong to no row
    (a line holding only NUL bytes, a read failure, the file changing under us) are appended to
    `errors`, located; after a full iteration a non-empty `errors` means the file should be
    refused or reported.

    Reading sets `csv.field_size_limit(FIELD_SIZE_LIMIT)`, a process-wide setting of the csv
    module (16 MiB instead of its 128 KiB default).
    """

    filename: str
    encoding: str
    separator: str
    header: list[str]
    header_line: int
    warnings: list[str]
    errors: list[str]
    sha256: str
    size: int

    def __init__(self, source: Path | bytes, layout: Layout, filename: str | None = None):
        if isinstance(source, (bytes, bytearray, memoryview)):
            self._path: Path | None = None
            self._data = bytes(source)
            self.filename = filename or "<données>"
        else:
            self._path = Path(source)
            self._data = b""
            self.filename = filename or self._path.name
        self.layout = layout
        self.warnings = []
        self.errors = []
        # True when reading stopped on an I/O error or the file changed meanwhile: the rows
        # read do not describe the file, try again later. Other `errors` are about its content.
        self.interrupted = False
        self._sniff()
        csv.field_size_limit(FIELD_SIZE_LIMIT)
        try:
            with self._open_text() as text:
                self.separator = _detect_separator(text)
            with self._open_text() as text:
                state = _State()
                reader = csv.reader(self._feed(text, state), **self._dialect())
                self.header_line, _, header = self._read_header(reader, state)
        except OSError as exc:
            raise CsvFileError(os_reason(exc), self.filename) from exc
        if state.nul:
            self.warnings.append(
                f"{self.filename}:{self.header_line}: caractère NUL dans l'en-tête "
                "(fichier binaire ?)"
            )
        self.header = [name.strip() for name in header]
        self._bind_header()

    # -- first pass: hash, size, encoding

    def _open_binary(self) -> IO[bytes]:
        if self._path is None:
            return io.BytesIO(self._data)
        return open(self._path, "rb", buffering=0)  # closed by the caller

    def _sniff(self) -> None:
        digest = hashlib.sha256()
        size = 0
        try:
            with self._open_binary() as f:
                chunk = f.read(_CHUNK_SIZE)
                utf16 = chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                bom = chunk.startswith(codecs.BOM_UTF8)
                decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8")(
                    "replace" if utf16 else "strict"
                )
                valid = True
                has_nul = False
                while chunk:
                    digest.update(chunk)
                    size += len(chunk)
                    if utf16:
                        has_nul = has_nul or "\x00" in decoder.decode(chunk)
                    else:
                        has_nul = has_nul or b"\x00" in chunk
                        if valid:
                            try:
                                decoder.decode(chunk)
                            except UnicodeDecodeError:
                                valid = False
                    chunk = f.read(_CHUNK_SIZE)
                if valid and not utf16:
                    try:
                        decoder.decode(b"", True)
                    except UnicodeDecodeError:
                        valid = False
        except OSError as exc:
            raise CsvFileError(os_reason(exc), self.filename) from exc
        self.sha256 = digest.hexdigest()
        self.size = size
        self._has_nul = has_nul
        if utf16:
            self.encoding, self._codec, self._errors = "utf-16", "utf-16", "replace"
        elif valid or bom:
            # utf-8-sig drops the BOM when there is one; "replace" only matters when a BOM
            # declared UTF-8 yet some bytes are not (they become U+FFFD, with a warning).
            self.encoding, self._codec, self._errors = "utf-8", "utf-8-sig", "replace"
            if not valid:
                self.warnings.append(
                    f"{self.filename}: octets invalides en UTF-8 remplacés par « \ufffd »"
                )
        else:
            self.encoding, self._codec, self._errors = "cp1252", "cp1252", _DECODE_ERRORS

    # -- second pass: text lines -> csv rows

    def _open_text(self, hashing: _HashingRaw | None = None) -> TextIO:
        binary: IO[bytes]
        if hashing is not None:
            binary = io.BufferedReader(hashing, _CHUNK_SIZE)
        else:
            binary = self._open_binary()
        return io.TextIOWrapper(binary, encoding=self._codec, errors=self._errors, newline="")

    def _dialect(self) -> dict[str, Any]:
        return {
            "delimiter": self.separator,
            "quotechar": '"',
            "doublequote": True,
            "skipinitialspace": True,
            "strict": False,
        }

    def _feed(self, text: TextIO, state: _State) -> Iterator[str]:
        """The lines for csv.reader: NUL bytes removed (and flagged), then the EOF sentinel."""
        lines: Iterable[str] = text
        if self._has_nul:
            lines = self._strip_nul(text, state)
        return itertools.chain(lines, self._sentinel(state))

    @staticmethod
    def _strip_nul(lines: Iterable[str], state: _State) -> Iterator[str]:
        for line in lines:
            if "\x00" in line:
                state.nul = True
                line = line.replace("\x00", "")
            yield line

    @staticmethod
    def _sentinel(state: _State) -> Iterator[str]:
        state.eof = True
        yield _EOF

    def _read_header(self, reader: Any, state: _State) -> tuple[int, int, list[str]]:
        """(line, last physical line, fields) of the first non-blank row."""
        prev = 0
        try:
            for row in reader:
                line, prev = prev + 1, reader.line_num
                if state.eof:
                    if row == [_EOF]:
                        break
                    if row[-1].endswith(_EOF):
                        raise CsvFileError(
                            "guillemet non fermé dans l'en-tête", self.filename, line
                        )
                if not _is_blank(row):
                    return line, prev, row
        except csv.Error as exc:
            raise CsvFileError(
                f"en-tête illisible : {_csv_error_reason(exc)}", self.filename, prev + 1
            ) from exc
        raise CsvFileError("fichier vide", self.filename)

    def _bind_header(self) -> None:
        """Map header positions to layout columns; warn on unknown and duplicate columns."""
        where = f"{self.filename}:{self.header_line}"
        positions: dict[str, int] = {}
        unknown: list[str] = []
        n_unknown = 0
        for index, raw in enumerate(self.header):
            column = self.layout.match(raw)
            if column is None:
                if raw:
                    n_unknown += 1
                    if len(unknown) < _UNKNOWN_LIMIT:
                        unknown.append(_show(raw))
            elif column.name in positions:
                first = self.header[positions[column.name]]
                self.warnings.append(
                    f"{where}: colonne « {_show(raw)} » en double (déjà lue : « {_show(first)} »)"
                    " : seule la première est lue"
                )
            else:
                positions[column.name] = index
        if n_unknown:
            names = ", ".join(unknown)
            if n_unknown > len(unknown):
                names += f" et {n_unknown - len(unknown)} autres"
            label = "colonnes inconnues ignorées" if n_unknown > 1 else "colonne inconnue ignorée"
            self.warnings.append(f"{where}: {label} : {names}")
        missing = [c.name for c in self.layout.columns if c.required and c.name not in positions]
        if missing:
            label = (
                "colonnes obligatoires manquantes"
                if len(missing) > 1
                else "colonne obligatoire manquante"
            )
            raise CsvFileError(f"{label} : {', '.join(missing)}", self.filename)
        self._width = len(self.header)
        self._positions = positions
        self.present_columns = tuple(c.name for c in self.layout.columns if c.name in positions)

    # -- iteration

    def __iter__(self) -> Iterator[CsvRow]:
        return self._rows(as_lists=False)

    def lists(self) -> Iterator[CsvRow]:
        """The rows with `values` as a list in layout order instead of a dict: what a caller
        that stages hundreds of thousands of rows wants (no dict per row)."""
        return self._rows(as_lists=True)

    def _rows(self, as_lists: bool) -> Iterator[CsvRow]:
        # One hot loop, kept in one piece for speed: no call per cell but the parsers.
        fname = self.filename
        file_errors = self.errors
        file_errors.clear()
        self.interrupted = False
        csv.field_size_limit(FIELD_SIZE_LIMIT)
        width = self._width
        template: Any = (
            [None] * len(self.layout.columns) if as_lists else dict.fromkeys(self.layout.names)
        )
        # (key in the row's values, name for the messages, position in the file)
        text_cols: list[tuple[Any, int]] = []
        typed_cols: list[tuple[Any, str, int, Callable[[str], object], dict[str, object]]] = []
        caches: dict[ColumnKind, dict[str, object]] = {}
        for position, column in enumerate(self.layout.columns):
            index = self._positions.get(column.name)
            if index is None:
                continue
            key = position if as_lists else column.name
            if column.kind is ColumnKind.TEXT:
                text_cols.append((key, index))
            else:
                cache = caches.setdefault(column.kind, {})
                typed_cols.append((key, column.name, index, _PARSERS[column.kind], cache))
        padding = [""] * width
        cache_limit = _CACHE_LIMIT
        hashing: _HashingRaw | None = None
        state = _State()
        prev = 0
        try:
            if self._path is not None:
                hashing = _HashingRaw(self._open_binary())
            with self._open_text(hashing) as text:
                reader = csv.reader(self._feed(text, state), **self._dialect())
                try:
                    _, prev, _ = self._read_header(reader, state)
                except CsvFileError as exc:  # the file changed since the constructor read it
                    file_errors.append(f"{exc} (le fichier a changé pendant la lecture)")
                    self.interrupted = True
                    return
                state.nul = False
                while True:
                    try:
                        for row in reader:
                            line, prev = prev + 1, reader.line_num
                            extra = None
                            if state.eof or state.nul:
                                extra = self._special_row(row, line, state)
                                if extra is None:
                                    break  # the EOF sentinel alone: no more data
                            if not any(row) or (
                                (not row[0] or row[0].isspace()) and _is_blank(row)
                            ):
                                if extra:
                                    file_errors.extend(extra)
                                continue
                            errors: list[str] = extra or []
                            n = len(row)
                            if n < width:
                                row.extend(padding[n:])
                            elif n > width and any(
                                map(str.strip, itertools.islice(row, width, None))
                            ):
                                errors.append(f"{fname}:{line}: {n} champs au lieu de {width}")
                            values = template.copy()
                            for key, index in text_cols:
                                s = row[index].strip()
                                if s:
                                    values[key] = s
                            for key, name, index, parse, cache in typed_cols:
                                s = row[index].strip()
                                if s:
                                    v = cache.get(s)
                                    if v is None:
                                        try:
                                            v = parse(s)
                                        except ValueError as exc:
                                            errors.append(f"{fname}:{line}: {name}: {exc}")
                                            continue
                                        if len(cache) < cache_limit:
                                            cache[s] = v
                                    values[key] = v
                            yield CsvRow(line, values, errors)
                        break
                    except csv.Error as exc:
                        line, prev = prev + 1, reader.line_num
                        state.nul = False
                        message = f"{fname}:{line}: {_csv_error_reason(exc)}"
                        yield CsvRow(line, template.copy(), [message])
        except OSError as exc:
            file_errors.append(f"{fname}:{prev + 1}: lecture interrompue : {os_reason(exc)}")
            self.interrupted = True
            return
        if hashing is not None and (
            hashing.size != self.size or hashing.hash.hexdigest() != self.sha256
        ):
            file_errors.append(f"{fname}: le fichier a été modifié pendant la lecture")
            self.interrupted = True

    def _special_row(self, row: list[str], line: int, state: _State) -> list[str] | None:
        """Errors of a row read at EOF or holding NUL bytes; None for the EOF sentinel row."""
        extra: list[str] = []
        if state.eof:
            if row == [_EOF]:
                return None
            last = row[-1]
            if last.endswith(_EOF):
                row[-1] = last[: -len(_EOF)]
                extra.append(
                    f"{self.filename}:{line}: guillemet non fermé : le champ se prolonge "
                    "jusqu'à la fin du fichier"
                )
        if state.nul:
            state.nul = False
            extra.append(f"{self.filename}:{line}: caractère NUL (fichier binaire ?)")
        return extra

    def __repr__(self) -> str:
        return (
            f"<CsvReader {self.filename!r} {self.encoding} sep={self.separator!r} "
            f"{len(self.header)} columns>"
        )


def read_csv(source: Path | bytes, layout: Layout, filename: str | None = None) -> CsvReader:
    """Open a CSV file (or its bytes), check its header against `layout`; iterate for the rows.

    Raises `CsvFileError` when the file is refused whole (unreadable, empty, required column
    missing, header unreadable)."""
    return CsvReader(source, layout, filename)


# --------------------------------------------------------------------------------------------
# Writer

_FORMULA_START = frozenset("=+-@\t\r")


def _format_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"cannot write {value!r} to a CSV file")
    if not value and value.is_signed():
        value = value.copy_abs()
    return format(value, "f").replace(".", ",")


def _format_datetime(value: datetime) -> str:
    return (
        f"{value.day:02d}/{value.month:02d}/{value.year:04d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )


def _format_date(value: date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _format_text(value: str) -> str:
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
    str -> itself, with a leading `'` when it starts with `=`, `+`, `-`, `@`, TAB or CR so a
    spreadsheet never runs it as a formula. A float is refused (TypeError): amounts are Decimal.
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


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a directory: the rename is still atomic
        pass
    finally:
        os.close(fd)


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _claim(f: IO[Any], tmp: Path) -> bool:
    """Locks a new temporary file for as long as it is written: the lock dies with its process,
    which is how `remove_dead_temporaries` tells a dead writer's file from a live one. False
    when the name no longer links to the file (removed between its creation and the lock)."""
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    except OSError:  # a file system without locks: written unlocked, and never removed as dead
        return True
    try:
        named = os.lstat(tmp)
    except FileNotFoundError:
        return False
    mine = os.fstat(f.fileno())
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}\.tmp")


def remove_dead_temporaries(folder: Path, names: Collection[str]) -> list[str]:
    """Removes the temporary files (`.<name>.<random>.tmp`) that writers of `names` left in
    `folder` when they died (kill -9, a power cut); returns their names. A live writer's
    file, locked while written (`_claim`), is left alone, and so is anything else: another
    name, a link, a folder, a file that cannot be locked."""
    removed: list[str] = []
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry)
        if match is not None and match["name"] in names and _remove_if_dead(Path(folder, entry)):
            removed.append(entry)
    return removed


def _remove_if_dead(path: Path) -> bool:
    # O_NONBLOCK: a FIFO named like a temporary file must not hang the opening; O_RDWR: NFS
    # takes flock as a POSIX write lock, which a read-only descriptor cannot hold.
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: its writer lives
        named = os.lstat(path)
        if (named.st_dev, named.st_ino) != (opened.st_dev, opened.st_ino):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


@contextmanager
def _atomic_file(
    path: Path, mode: str, *, private: bool = False, **open_args: Any
) -> Iterator[IO[Any]]:
    """Open `.<name>.<random>.tmp` next to `path` (readers skip dot- and .tmp files) for writing;
    rename it onto `path` when the block succeeds, remove it when anything fails. `private`:
    readable by its owner only (0600)."""
    path = Path(path)
    opener = _private_opener if private else None
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            # "x": exclusive creation, with the usual permissions (0o666 filtered by the umask,
            # not mkstemp's 0o600 that could hide the file from the other program's account)
            # unless `private`
            f = open(tmp, "x" + mode, opener=opener, **open_args)  # noqa: SIM115 (closed below)
        except FileExistsError:
            continue
        except OSError as exc:  # named after the file asked for, not the temporary one
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        try:
            claimed = _claim(f, tmp)
        except BaseException:
            f.close()
            with suppress(OSError):
                os.unlink(tmp)
            raise
        if claimed:
            break
        f.close()  # removed as a dead writer's before it was locked: another name
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
            # renamed while still locked: a finished file is never taken for a dead one's
            os.replace(tmp, path)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            # a failed write or flush (disk full) names no file: name the one asked for
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
        raise
    _fsync_dir(path.parent)


@contextmanager
def atomic_writer(path: Path, encoding: str = "utf-8-sig", newline: str = "") -> Iterator[TextIO]:
    """A text handle on a temporary file that replaces `path` when the block ends normally.

    The temporary file is `.<name>.<random>.tmp` in the same folder; on success it is flushed,
    fsynced and renamed onto `path` (then the folder is fsynced); on any exception it is removed
    and `path` is left untouched. Characters the encoding cannot hold (cp1252) are written as
    their unaccented letter when there is one, else « ? ». "utf-8-sig" writes a BOM.
    """
    codecs.lookup(encoding)  # an unknown encoding fails before any file is created
    with _atomic_file(path, "", encoding=encoding, errors=_ENCODE_ERRORS, newline=newline) as f:
        yield f


def atomic_write_bytes(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write `data` to `path` atomically (see `atomic_writer`); `private`: readable by its
    owner only (0600)."""
    with _atomic_file(path, "b", private=private) as f:
        f.write(data)


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


def charset_label(encoding: str) -> str:
    """« Windows-1252 » for cp1252, the codec's name otherwise."""
    name = codecs.lookup(encoding).name
    return "Windows-1252" if name == "cp1252" else name


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
            fitted = text.encode(encoding, errors=_ENCODE_ERRORS).decode(encoding)
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
    with atomic_writer(path, encoding=encoding) as f:
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
