"""The CSV reader (`read_csv` / `CsvReader`): encoding and separator sniffed, records split,
every cell parsed by its column, every rejected value a located French message. See the
package's docstring for the rules."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple, TextIO
from unicodedata import is_normalized

from ...errors import os_reason
from ...french import SPACES as _SPACES
from ...french import count
from ...french import shown as _show
from ...normal import InvisibleCharacter, clean_code, clean_text
from .encoding import DECODE_ERRORS
from .layout import PARSERS, ColumnKind, Layout, checked_parser

#: Largest field the reader accepts, in characters; a bigger one is a « champ trop long » error.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024


_CHUNK_SIZE = 1 << 20


# Distinct values remembered per kind while parsing one file. Once full, the cache keeps the first
# values met (the frequent ones, in practice: prices, rates, dates) and stops growing.
_CACHE_LIMIT = 8192


_UNKNOWN_LIMIT = 10  # unknown column names listed in the warning


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


_BLANK_CHARS = ' \t\r\n;,"\x00' + _SPACES


# An invalid byte of a UTF-8 or UTF-16 file as decoded (« surrogateescape »): never in a text
# decoded from valid bytes, so finding one in a line means the line holds invalid bytes.
_INVALID = re.compile("[\udc00-\udcff]")


_NON_ASCII = re.compile(b"[\x80-\xff]")


_LINE_END = re.compile(b"[\r\n]")


_LINE_BREAK = re.compile("\r\n|\r|\n")  # where a physical line ends (csv.reader's line ends)


# Lines holding non-ASCII bytes read to choose between UTF-8 and Windows-1252 in a file that is
# not all valid UTF-8 (see `CsvReader._sniff`).
_ENCODING_SAMPLE = 1000


# Excel's first line naming the separator: « sep=; », « sep=, », « sep=<TAB> » (maybe quoted).
_SEP_DIRECTIVE = re.compile(r'"?sep=(.)"?[ \t;,]*', re.IGNORECASE)


_SEPARATORS = (";", ",", "\t")


_STRAY_QUOTE = "guillemet non fermé sur sa ligne : les lignes suivantes sont lues à part"


_OPEN_TO_THE_END = "guillemet non fermé : le champ se prolonge jusqu'à la fin du fichier"


class _State:
    """What the line feeder (`CsvReader._feed`) shares with the row loop.

    `held` holds the physical lines (as read, before NUL bytes are removed) of the record
    csv.reader is assembling, from its first line holding a quote (a record without one is one
    line): the row loop empties it after each record, or hands lines back through `pending`
    when it refuses a record. `raised` is the one flag the row loop tests on
    every row: something below needs a look (`eof`: the file ended inside a quoted field, which
    the feeder closed; `nul`: NUL bytes were removed; `invalid`: a line holds invalid bytes)."""

    __slots__ = ("eof", "error", "feed", "held", "invalid", "nul", "pending", "raised")

    def __init__(self) -> None:
        self.feed: Iterator[str] = iter(())  # the lines csv.reader reads (CsvReader._feed)
        self.held: list[str] = []
        self.pending: deque[str] = deque()
        self.error: csv.Error | None = None  # csv.reader failed on the record `held` holds
        self.clear()

    def clear(self) -> None:
        self.raised = self.eof = self.nul = self.invalid = False


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


def _mark_invalid(exc: UnicodeError) -> tuple[str, int]:
    """« surrogateescape » for any byte (UTF-16's invalid bytes may be below 0x80)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


_MARK_ERRORS = "econnect.mark_invalid"


codecs.register_error(_MARK_ERRORS, _mark_invalid)


def _utf16_without_bom(sample: bytes) -> str | None:
    """« utf-16-le » or « utf-16-be » when `sample` (the file's start) looks like UTF-16 text
    without a BOM: a NUL byte in most even (BE) or odd (LE) places, almost none in the others —
    what ASCII and Latin letters give, and what no UTF-8 or Windows-1252 text has."""
    sample = sample[: min(len(sample), 4096) & ~1]
    units = len(sample) // 2
    if units < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    codec = None
    if odd * 4 >= units * 3 and even * 8 <= units:
        codec = "utf-16-le"
    elif even * 4 >= units * 3 and odd * 8 <= units:
        codec = "utf-16-be"
    if codec is not None:
        try:  # a pair cut at the sample's end is fine, a lone surrogate inside is not
            codecs.getincrementaldecoder(codec)().decode(sample)
        except UnicodeDecodeError:
            return None
    return codec


# What a text of a Latin language holds beyond ASCII: Latin-1 and Latin Extended-A letters and
# signs, typographic punctuation, €, ™. Windows-1252 bytes that happen to be valid UTF-8 decode
# to something else (« É» » to « ɻ », « é»» » to a CJK character).
_NOT_LATIN = re.compile("[^\x00-\x7f\u00a0-\u017f\u2000-\u206f\u20ac\u2122]")


def _utf8_line_counts(f: IO[bytes], limit: int) -> tuple[int, int]:
    """(lines valid in UTF-8 that read as Latin text, lines holding bytes invalid in UTF-8)
    among the first `limit` lines of `f` holding non-ASCII bytes; a line valid in UTF-8 that
    does not read as Latin text counts for neither. A line is cut at CR or LF."""
    valid = invalid = 0
    tail = b""
    while valid + invalid < limit:
        chunk = f.read(_CHUNK_SIZE)
        buf = tail + chunk
        if not buf:
            break
        end = len(buf) if not chunk else max(buf.rfind(b"\n"), buf.rfind(b"\r")) + 1
        cut = False
        if not end:  # no line end yet: wait for more, unless the line is huge
            if len(buf) < 4 * _CHUNK_SIZE:
                tail = buf
                continue
            end, cut = len(buf), True
        pos = 0
        while valid + invalid < limit:
            found = _NON_ASCII.search(buf, pos, end)
            if found is None:
                break
            at = found.start()
            start = max(buf.rfind(b"\n", pos, at), buf.rfind(b"\r", pos, at), pos - 1) + 1
            line_end = _LINE_END.search(buf, at, end)
            stop = end if line_end is None else line_end.start()
            try:  # a piece of a huge line may end inside a character: not an error
                text, _ = codecs.utf_8_decode(buf[start:stop], "strict", not cut or stop < end)
            except UnicodeDecodeError:
                invalid += 1
            else:
                valid += not _NOT_LATIN.search(text)
            pos = stop
        tail = buf[end:]
        if not chunk:
            break
    return valid, invalid


def _csv_error_reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        limit = count(FIELD_SIZE_LIMIT, " ")
        return f"champ trop long (plus de {limit} caractères)"
    if "expected after" in text:
        return "texte après un guillemet fermant"
    return "ligne CSV mal formée"


def _detect_separator(lines: Iterable[str]) -> tuple[str, bool]:
    """(separator, whether the first non-blank line is Excel's « sep=X »): X when it is one of
    `;`, `,` or TAB; else `;` unless the first non-blank line has none outside quotes, then `,`
    or TAB, whichever splits it most."""
    for line in lines:
        if not line.strip(_BLANK_CHARS):
            continue
        directive = _SEP_DIRECTIVE.fullmatch(line.rstrip("\r\n"))
        if directive and directive.group(1) in _SEPARATORS:
            return directive.group(1), True
        outside = line.split('"')[::2]  # pieces outside quotes ("" toggles twice)
        counts = {sep: sum(piece.count(sep) for piece in outside) for sep in _SEPARATORS}
        if counts[";"]:
            return ";", False
        best = max((",", "\t"), key=counts.__getitem__)
        return (best if counts[best] else ";"), False
    return ";", False


def _cleaned(line: str) -> str:
    """A physical line as csv.reader gets it: NUL bytes removed (csv.reader refuses them), and
    a BOM that starts it (files joined end to end) too: it would hide an opening quote."""
    if line.startswith("\ufeff"):
        line = line.lstrip("\ufeff")
    return line.replace("\x00", "") if "\x00" in line else line


def _quote_fault(text: str, sep: str) -> tuple[int, int, bool] | None:
    """Where a record (one physical line, or the lines of a record joined) breaks the quoting:
    (field index, offset of the field's opening quote, True when the quote is still open at the
    end / False when text follows the closing quote), or None. Follows csv.reader's rules: a
    quote opens a quoted field only at the start of a field (after spaces), `""` inside is a
    quote; spaces after a closing quote are no text (a padded file: `"Dupont"   ;`)."""
    pad = " " if sep == "\t" else " \t"
    field = i = 0
    n = len(text)
    while i < n:
        while i < n and text[i] == " ":
            i += 1
        if text.startswith('"', i):
            j = i + 1
            while True:
                k = text.find('"', j)
                if k < 0:
                    return field, i, True
                if not text.startswith('"', k + 1):
                    break
                j = k + 2
            k += 1
            while k < n and text[k] in pad:
                k += 1
            after = text[k : k + 1]
            if after in ("", "\r", "\n"):
                return None
            if after != sep:
                return field, i, False
            i = k + 1
        else:
            ends = [
                e for e in (text.find(sep, i), text.find("\n", i), text.find("\r", i)) if e >= 0
            ]
            if not ends or text[min(ends)] != sep:
                return None  # the record ends with this field
            i = min(ends) + 1
        field += 1
    return None


def _lenient_fields(line: str, sep: str) -> list[str]:
    """The fields of one damaged physical line as a forgiving reader sees them (text after a
    closing quote kept, a quote open at the end closed there); [] when even that fails."""
    try:
        return next(
            csv.reader(
                (line,),
                delimiter=sep,
                quotechar='"',
                doublequote=True,
                skipinitialspace=True,
                strict=False,
            ),
            [],
        )
    except csv.Error:
        return []


def _is_blank(row: list[str]) -> bool:
    return not any(row) or not any(map(str.strip, row))


# The Latin-1 characters `str.isprintable` accepts, as bytes (`bytes.translate` deletes them).
_PRINTABLE = bytes(c for c in range(256) if chr(c).isprintable())


def _normal_cells(row: list[str], codes: dict[int, str], where: str, errors: list[str]) -> None:
    """The cells of `row` in their normal form, in place (`normal.clean_text`: NFC, line breaks
    as `\n`, invisible characters stripped at both ends). A cell of a code column (`codes`:
    position -> column name) holding an invisible character inside is emptied and its error
    added, located at `where` (« f.csv:14 »)."""
    for i, cell in enumerate(row):
        if not cell or (cell.isascii() and cell.isprintable()):
            continue
        name = codes.get(i)
        if name is None:
            row[i] = clean_text(cell)
            continue
        try:
            row[i] = clean_code(cell)
        except InvisibleCharacter as exc:
            errors.append(f"{where}: {name}: {exc}")
            row[i] = ""


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
                self.separator, self._directive = _detect_separator(text)
            with self._open_text() as text:
                state = _State()
                reader = csv.reader(self._feed(text, state), **self._dialect())
                self.header_line, _, header = self._read_header(reader, state)
        except OSError as exc:
            raise CsvFileError(os_reason(exc), self.filename) from exc
        where = f"{self.filename}:{self.header_line}"
        if state.nul:
            self.warnings.append(f"{where}: caractère NUL dans l'en-tête (fichier binaire ?)")
        if state.invalid:
            header = [_INVALID.sub("\ufffd", name) for name in header]
            self.warnings.append(
                f"{where}: octets invalides en {self.encoding.upper()} dans l'en-tête, "
                "remplacés par « \ufffd »"
            )
        self.header = [name.strip() for name in header]
        self._bind_header()

    # -- first pass: hash, size, encoding

    def _open_binary(self) -> IO[bytes]:
        if self._path is None:
            return io.BytesIO(self._data)
        return open(self._path, "rb", buffering=0)  # closed by the caller

    def _sniff(self) -> None:
        """Hash, size and encoding, in one streaming pass (plus, for a file that is not all
        valid UTF-8, a look at its first lines holding non-ASCII bytes).

        UTF-16 when the file starts with its BOM or looks like it (`_utf16_without_bom`); UTF-8
        when it starts with the UTF-8 BOM or is all valid UTF-8. Otherwise the first
        `_ENCODING_SAMPLE` lines holding non-ASCII bytes decide: UTF-8 when those valid in UTF-8
        (and reading as Latin text) are at least as many as those that are not (the others are
        then errors, line by line), else Windows-1252. A Windows-1252 text rarely holds a valid
        UTF-8 sequence (« é », a no-break space and « » » do), mostly next to accents that are
        not, and what it decodes to is no Latin text."""
        digest = hashlib.sha256()
        size = 0
        try:
            with self._open_binary() as f:
                chunk = f.read(_CHUNK_SIZE)
                bom = chunk.startswith(codecs.BOM_UTF8)
                utf16: str | None = None
                if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    utf16 = "utf-16"
                elif not bom:
                    utf16 = _utf16_without_bom(chunk)
                decoder = codecs.getincrementaldecoder(utf16 or "utf-8")(
                    _MARK_ERRORS if utf16 else "strict"
                )
                valid = True
                has_nul = has_bom = has_quote = False
                first = True
                while chunk:
                    digest.update(chunk)
                    size += len(chunk)
                    if utf16:
                        text = decoder.decode(chunk)
                        has_nul = has_nul or "\x00" in text
                        has_quote = has_quote or '"' in text
                        has_bom = has_bom or "\ufeff" in (text[1:] if first else text)
                        valid = valid and not _INVALID.search(text)
                    else:
                        has_nul = has_nul or b"\x00" in chunk
                        has_quote = has_quote or b'"' in chunk
                        # 0xEF is rare in Latin text: a fast look before the slower search
                        has_bom = has_bom or (
                            b"\xef" in chunk and codecs.BOM_UTF8 in (chunk[3:] if first else chunk)
                        )
                        if valid:
                            try:
                                decoder.decode(chunk)
                            except UnicodeDecodeError:
                                valid = False
                    chunk = f.read(_CHUNK_SIZE)
                    first = False
                if valid:
                    try:
                        valid = not _INVALID.search(decoder.decode(b"", True))
                    except UnicodeDecodeError:
                        valid = False
            utf8 = not utf16 and (valid or bom)
            if not (utf16 or valid or bom):
                with self._open_binary() as f:
                    good, bad = _utf8_line_counts(f, _ENCODING_SAMPLE)
                utf8 = good >= bad and good > 0
        except OSError as exc:
            raise CsvFileError(os_reason(exc), self.filename) from exc
        self.sha256 = digest.hexdigest()
        self.size = size
        self._has_nul = has_nul
        self._has_quote = has_quote
        # a BOM past the start (files joined end to end): removed where it starts a line
        self._has_bom_inside = has_bom and bool(utf16 or utf8)
        # Invalid bytes of a UTF file are kept as marks (`_INVALID`) that the row loop reports;
        # a file valid at the first pass reads with « replace » (no mark can reach a value even
        # if it changed meanwhile: the hash check then discards the rows).
        self._check_invalid = not valid and bool(utf16 or utf8)
        errors = _MARK_ERRORS if self._check_invalid else "replace"
        if utf16:
            self.encoding, self._codec, self._errors = "utf-16", utf16, errors
        elif utf8:
            # utf-8-sig drops the BOM when there is one
            self.encoding, self._codec, self._errors = "utf-8", "utf-8-sig", errors
        else:
            self.encoding, self._codec, self._errors = "cp1252", "cp1252", DECODE_ERRORS

    # -- second pass: text lines -> csv rows

    def _open_text(self, hashing: _HashingRaw | None = None) -> TextIO:
        binary: IO[bytes]
        if hashing is not None:
            binary = io.BufferedReader(hashing, _CHUNK_SIZE)
        else:
            binary = self._open_binary()
        return io.TextIOWrapper(binary, encoding=self._codec, errors=self._errors, newline="")

    def _dialect(self) -> dict[str, Any]:
        # strict: text after a closing quote is an error, not glued to the field (a stray quote
        # that swallowed lines usually ends so, at the next quote of the file)
        return {
            "delimiter": self.separator,
            "quotechar": '"',
            "doublequote": True,
            "skipinitialspace": True,
            "strict": True,
        }

    def _feed(self, text: TextIO, state: _State) -> Iterator[str]:
        """The physical lines for csv.reader (`_lines`); straight from the file when it holds no
        quote and nothing to clean: then no record spans lines and none is refused."""
        if self._has_quote or self._has_nul or self._check_invalid or self._has_bom_inside:
            return self._lines(text, state)
        return iter(text)

    def _lines(self, text: TextIO, state: _State) -> Iterator[str]:
        """The physical lines for csv.reader, those of the record in progress kept in
        `state.held` from its first line holding a quote (no record spans lines otherwise)
        until the row loop has it: lines handed back in `state.pending` first, NUL bytes removed
        (and flagged), lines holding invalid bytes flagged; at the end of the file, a quote
        closing a quoted field left open (flagged `eof`)."""
        held = state.held
        hold = held.append
        pending = state.pending
        if not (self._has_nul or self._check_invalid or self._has_bom_inside):
            for line in text:
                if held or '"' in line:
                    hold(line)
                yield line
                if pending:
                    yield from self._handed_back(state)
        else:
            for line in text:
                if held or '"' in line:
                    hold(line)
                yield self._clean(line, state)
                if pending:
                    yield from self._handed_back(state)
        while pending or held:
            if pending:
                yield from self._handed_back(state)
            else:  # csv.reader is inside a quoted field: close it, the row loop reports it
                state.eof = state.raised = True
                yield '"'

    def _handed_back(self, state: _State) -> Iterator[str]:
        """The lines of a refused record after its first, read again (and held again)."""
        held = state.held
        pending = state.pending
        while pending:
            line = pending.popleft()
            if held or '"' in line:
                held.append(line)
            yield self._clean(line, state)

    def _clean(self, line: str, state: _State) -> str:
        """`line` as csv.reader gets it (`_cleaned`), its NUL and invalid bytes flagged."""
        if "\x00" in line:
            state.nul = state.raised = True
        if self._check_invalid and not line.isascii() and _INVALID.search(line):
            state.invalid = state.raised = True
        return _cleaned(line)

    def _multiline_refused(self, row: list[str], error: csv.Error | None, state: _State) -> bool:
        """Whether the record csv.reader made of several lines (`state.held`) is a stray
        quote's doing rather than a quoted cell holding line breaks: the file ended inside it;
        or text follows the quote that closed it (`error`: a stray quote runs to the next quote
        of the file, mostly one that opens a later cell); or the record has more fields than the
        header and a cell of the header's columns holds the line break; or one of the lines
        inside a quoted cell has as many separators as the header: it reads as a record of its
        own, and a spreadsheet's multi-line cell hardly ever does (files of fewer than three
        columns are not judged so). A record over the field size limit is judged by its
        lines."""
        if state.eof:
            return True
        if error is not None and "expected after" in str(error):
            return True  # (spaces after a closing quote are no error: see _special_row)
        width = self._width
        if (
            error is None
            and len(row) > width
            and any("\n" in cell or "\r" in cell for cell in row[:width])
        ):
            return True  # the fields after a cell of the header's columns were shifted
        sep = self.separator
        least = width - 1
        if least < 2:
            return False
        if error is not None:
            return any(line.count(sep) >= least for line in state.held[1:])
        for cell in row:
            if "\n" in cell or "\r" in cell:
                inner = _LINE_BREAK.split(cell)[1:]
                if any(line.count(sep) >= least for line in inner):
                    return True
        return False

    def _refuse_first_line(self, state: _State, reason: str) -> tuple[list[str], list[str]]:
        """Hands back the lines after the first of the held record (read again as records of
        their own) and returns the first line's fields and error (`reason`): its stray quote is
        left out so its other cells still say what the line was (the document it belongs
        to)."""
        held = state.held
        state.pending.extendleft(reversed(held[1:]))
        state.clear()
        first = self._clean(held[0], state)
        held.clear()
        fault = _quote_fault(first, self.separator)
        column = ""
        if fault is not None:
            index, at, _ = fault
            first = first[:at] + first[at + 1 :]
            column = f"{self._column_name(index)}: "
        return _lenient_fields(first, self.separator), [f"{column}{reason}"]

    def _finish_leniently(self, state: _State) -> list[str]:
        """The fields of the held record read leniently, with the lines that complete it taken
        from the feeder (they are held too); [] when even that fails."""
        lines = itertools.chain(("".join(map(_cleaned, state.held)),), state.feed)
        try:
            return next(csv.reader(lines, **{**self._dialect(), "strict": False}), [])
        except csv.Error:
            return []

    def _quote_swallowed_lines(self, header: list[str]) -> bool:
        """Whether a header name quoted over several lines holds a separator after its first
        line: the header's quote was left open and swallowed data lines."""
        sep = self.separator
        return any(
            sep in piece
            for cell in header
            if "\n" in cell or "\r" in cell
            for piece in _LINE_BREAK.split(cell)[1:]
        )

    def _column_name(self, index: int) -> str:
        if index < len(self.header) and self.header[index]:
            return _show(self.header[index])
        return f"champ {index + 1}"

    def _read_header(self, reader: Any, state: _State) -> tuple[int, int, list[str]]:
        """(line, last physical line, fields) of the first non-blank row, Excel's « sep=X »
        line skipped. A quote left open in the header refuses the file."""
        prev = 0
        skip_directive = self._directive
        held = state.held
        sep = self.separator
        rows: Iterable[list[str]] = reader
        while True:
            try:
                for row in rows:
                    line, prev = prev + 1, reader.line_num - state.eof
                    if state.eof or (prev != line and self._quote_swallowed_lines(row)):
                        raise CsvFileError(
                            "guillemet non fermé dans l'en-tête", self.filename, line
                        )
                    held.clear()
                    if _is_blank(row) or skip_directive:
                        skip_directive = skip_directive and _is_blank(row)
                        state.clear()
                        continue
                    return line, prev, row
                break
            except csv.Error as exc:
                record = "".join(map(_cleaned, held))
                if "expected after" in str(exc) and _quote_fault(record, sep) is None:
                    rows = itertools.chain((_lenient_fields(record, sep),), reader)
                    continue  # only spaces after a closing quote: read as they are
                line = prev + 1
                if len(held) > 1:
                    raise CsvFileError(
                        "guillemet non fermé dans l'en-tête", self.filename, line
                    ) from exc
                raise CsvFileError(
                    f"en-tête illisible : {_csv_error_reason(exc)}", self.filename, line
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
        codes: dict[int, str] = {}  # position in the file -> name, of the code columns
        typed_cols: list[tuple[Any, str, int, Callable[[str], object], dict[str, object]]] = []
        # One cache per parser and check: « 150 » is a quantity, not a VAT rate.
        caches: dict[tuple[ColumnKind, Any], dict[str, object]] = {}
        for position, column in enumerate(self.layout.columns):
            index = self._positions.get(column.name)
            if index is None:
                continue
            key = position if as_lists else column.name
            if column.kind is ColumnKind.TEXT or column.kind is ColumnKind.CODE:
                text_cols.append((key, index))
                if column.kind is ColumnKind.CODE:
                    codes[index] = column.name
            else:
                parse = PARSERS[column.kind]
                if column.check is not None:
                    parse = checked_parser(parse, column.check)
                cache = caches.setdefault((column.kind, column.check), {})
                typed_cols.append((key, column.name, index, parse, cache))
        padding = [""] * width
        cache_limit = _CACHE_LIMIT
        hashing: _HashingRaw | None = None
        state = _State()
        prev = 0
        try:
            if self._path is not None:
                hashing = _HashingRaw(self._open_binary())
            with self._open_text(hashing) as text:
                state.feed = self._feed(text, state)
                reader = csv.reader(state.feed, **self._dialect())
                try:
                    _, prev, _ = self._read_header(reader, state)
                except CsvFileError as exc:  # the file changed since the constructor read it
                    file_errors.append(f"{exc} (le fichier a changé pendant la lecture)")
                    self.interrupted = True
                    return
                state.clear()
                held = state.held
                rows: Iterable[list[str]] = reader
                shift = 0  # lines csv.reader counts that are not new physical lines
                while True:
                    try:
                        for row in rows:
                            line = prev + 1
                            prev = reader.line_num - shift
                            extra = None
                            if state.raised or prev != line:
                                line, prev, shift, special, extra = self._special_row(
                                    row, line, prev, shift, state
                                )
                                if special is None:  # nothing readable: its errors alone
                                    yield CsvRow(line, template.copy(), extra)
                                    continue
                                row = special
                            elif held:
                                held.clear()
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
                            # A row all printable and NFC needs nothing but trimming (the
                            # characters normal.py strips at the ends are not printable): one
                            # test per row; the others are made normal cell by cell first. In
                            # Latin-1 (most French rows) a text is always NFC: one C pass.
                            joined = "".join(row)
                            try:
                                plain = not joined.encode("latin-1").translate(None, _PRINTABLE)
                            except UnicodeEncodeError:
                                plain = joined.isprintable() and is_normalized("NFC", joined)
                            if not plain:
                                _normal_cells(row, codes, f"{fname}:{line}", errors)
                                if not errors and not any(row):
                                    continue  # nothing but invisible characters: blank
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
                        # the failed record goes through the loop as an empty row that
                        # _special_row replaces
                        state.error = exc
                        state.raised = True
                        rows = itertools.chain(([],), reader)
        except OSError as exc:
            file_errors.append(f"{fname}:{prev + 1}: lecture interrompue : {os_reason(exc)}")
            self.interrupted = True
            return
        if hashing is not None and (
            hashing.size != self.size or hashing.hash.hexdigest() != self.sha256
        ):
            file_errors.append(f"{fname}: le fichier a été modifié pendant la lecture")
            self.interrupted = True

    def _special_row(
        self, row: list[str], line: int, prev: int, shift: int, state: _State
    ) -> tuple[int, int, int, list[str] | None, list[str]]:
        """A record that needs more than splitting: made of several lines, failed in
        csv.reader (`state.error`), closed by the feeder at the end of the file, holding NUL or
        invalid bytes. Returns (line, last physical line, shift, fields, located errors) for the
        row loop; a record refused as a stray quote's doing (`_multiline_refused`, or a quote
        open at the end of the file) becomes its first line alone, in error, and its other lines
        are handed back to be read again. The fields are None when csv.reader failed and
        nothing of the line is readable."""
        fname = self.filename
        error, state.error = state.error, None
        held = state.held
        if state.eof:  # the quote the feeder added is no physical line
            shift += 1
            prev -= 1
        messages: list[str] = []
        sep = self.separator
        if error is not None and "expected after" in str(error):
            # csv.reader stops at any character after a closing quote, spaces included: when
            # nothing but spaces follow one so far, the record is read to its end leniently,
            # then judged whole
            fault = _quote_fault("".join(map(_cleaned, held)), sep)
            if fault is None or fault[2]:
                count = len(held)
                row = self._finish_leniently(state)
                prev += len(held) - count  # lines csv.reader did not count
                shift -= len(held) - count
                if _quote_fault("".join(map(_cleaned, held)), sep) is None:
                    error = None
        if state.eof or (len(held) > 1 and self._multiline_refused(row, error, state)):
            reason = _STRAY_QUOTE if len(held) > 1 else _OPEN_TO_THE_END
            shift += len(held) - 1
            prev = line
            row, messages = self._refuse_first_line(state, reason)
            error = None
        elif error is not None:
            first = _cleaned(held[0]) if held else ""
            fault = _quote_fault(first, sep)
            column = f"{self._column_name(fault[0])}: " if fault else ""
            messages.append(f"{column}{_csv_error_reason(error)}")
            row = []
            if len(held) == 1 and fault is not None:
                # read without the quote that breaks it, the line still says which document
                # it is (a stray quote mostly: the next quote of the line closed it)
                at = fault[1]
                row = _lenient_fields(first[:at] + first[at + 1 :], sep)
        if state.nul:
            messages.append("caractère NUL (fichier binaire ?)")
        if state.invalid:
            used = set(self._positions.values())
            label = self.encoding.upper()
            for index, cell in enumerate(row):
                if _INVALID.search(cell):
                    cell = row[index] = _INVALID.sub("\ufffd", cell)
                    if index in used:
                        messages.append(
                            f"{self._column_name(index)}: octets invalides en {label} : "
                            f"« {_show(cell)} »"
                        )
        held.clear()
        state.clear()
        located = [f"{fname}:{line}: {m}" for m in messages]
        return line, prev, shift, (row if row or error is None else None), located

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
