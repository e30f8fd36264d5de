"""The one CSV reader and writer of the exchange with the ETA software (spec sections 1 and 5):
`layout` (columns), `reader`, `writer`, `encoding` (codec handlers); French values are read by
`econnect_tui.french`, files written whole by `econnect_tui.files`.

Pure: bytes in, records out, and records in, bytes out. No database here.

Reading (`read_csv` / `CsvReader`) is tolerant, but never reads damaged data silently:

* encoding: UTF-16 (with a BOM, or without one when NUL bytes fill every other place); UTF-8
  (with a BOM, or all valid); otherwise the first `_ENCODING_SAMPLE` lines holding non-ASCII
  bytes decide: UTF-8 when those valid in UTF-8 are at least as many as the others, else
  Windows-1252 (its five undefined bytes read as Latin-1, so decoding never fails). In a UTF
  file, a cell of the layout holding invalid bytes is an error of its row (« � » in the value);
  the other rows are read as they are, never re-decoded;
* separator: Excel's first line `sep=;` (`,`, TAB) when there is one, not taken for the header;
  else `;`, or `,` / TAB when the header line has no `;` outside quotes;
* records: csv.reader splits the cells, strictly (text after a closing quote is an error of that
  line); a quoted cell may hold line breaks, but a record of several lines is refused when it is
  a stray quote's doing (`CsvReader._multiline_refused`): its first line is then an error, read
  without that quote, and the lines after it are read again as rows of their own;
* header names match ignoring case, accents, spaces, `_`, `-` and `.`;
* every text is NFC with its line breaks as `\n`, and trimmed of invisible characters (BOM,
  zero-width and no-break spaces…) at both ends; a code (`ColumnKind.CODE`) holding one inside is
  an error (`econnect_tui.normal`);
* French numbers (`1 234,50 €`) become `Decimal`, dates `date` / `datetime`, flags `bool`; a
  column's `check` then bounds the value (digits, decimals, range);
* every rejected value is a located French message `file:line: column: reason` in the row's
  `errors`; the row is still yielded, so the caller reports every error of a file in one go.
  The line is the physical line where the record starts.

A `Path` source is read twice, each time streaming: a first pass computes the SHA-256, the size
and the encoding; the second pass parses, lazily, row by row. Memory does not grow with the file
(only with its longest record, bounded by the field size limit). If the bytes change between the
two passes, `reader.errors` says so.

Writing (`write_csv_atomic`, through `econnect_tui.files`) is strict: `;`, CRLF between
rows and LF for a line break inside a cell, decimal comma, `JJ/MM/AAAA`, UTF-8 with BOM by
default, formula-looking text neutralised with a leading `'`, and the file appears whole or not
at all (temporary name, fsync, rename). In Windows-1252, a text is fitted to the charset before
it is neutralised and quoted.

Round trip: what `write_csv_atomic` writes, `CsvReader` reads back to the same values, except that
a text that was neutralised keeps its leading `'` (`"=SUM(A1)"` is read back as `"'=SUM(A1)"`),
text comes back in its normal form (`normal.clean_text`: trimmed of invisible characters, NFC,
line breaks LF), a row whose cells are all empty is a blank line, hence skipped, in
Windows-1252 the characters it lacks are replaced (see `write_csv_atomic`), and a text holding a
line break followed by a line with as many separators as the header is taken for a stray quote's
doing (`CsvReader._multiline_refused`).
"""

from .encoding import charset_label
from .layout import Column, ColumnKind, Layout, column, normalize_header, normalize_text
from .reader import (
    FIELD_SIZE_LIMIT,
    CsvFileError,
    CsvReader,
    CsvRow,
    Location,
    location,
    read_csv,
)
from .writer import Replaced, UnencodableCell, format_cell, write_csv_atomic

__all__ = [
    "FIELD_SIZE_LIMIT",
    "Column",
    "ColumnKind",
    "CsvFileError",
    "CsvReader",
    "CsvRow",
    "Layout",
    "Location",
    "Replaced",
    "UnencodableCell",
    "charset_label",
    "column",
    "format_cell",
    "location",
    "normalize_header",
    "normalize_text",
    "read_csv",
    "write_csv_atomic",
]
