"""The columns of a CSV file: their names (matched ignoring case, accents, spaces, `_`, `-`,
`.`), their kinds and checks, and the located errors of its rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum, auto
from typing import Any

from ...french import parse_bool, parse_date, parse_decimal, parse_integer
from ...text import fold

# Accent- and case-insensitive form, shared with every search of the app.
normalize_text = fold


_HEADER_DROP = str.maketrans("", "", "_-.\ufeff")


def normalize_header(name: str) -> str:
    """The key a header name is matched by: « Numéro document » == « NUMERO_DOCUMENT »."""
    return "".join(normalize_text(name).translate(_HEADER_DROP).split())


class ColumnKind(StrEnum):
    TEXT = auto()
    CODE = auto()  # a text that names a record: no invisible character inside (normal.py)
    DECIMAL = auto()
    INTEGER = auto()
    DATE = auto()
    BOOL = auto()


PARSERS: dict[ColumnKind, Callable[[str], object]] = {
    ColumnKind.DECIMAL: parse_decimal,
    ColumnKind.INTEGER: parse_integer,
    ColumnKind.DATE: parse_date,
    ColumnKind.BOOL: parse_bool,
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column a file may have.

    `required` means the column must be in the header; whether its values may be empty is the
    caller's business (a required column may have empty cells in some rows). `check`, for a
    typed column, takes the parsed value and returns it or raises ValueError with the French
    reason (a number past its limits): the cell is then an error like an unreadable one."""

    name: str
    kind: ColumnKind = ColumnKind.TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    check: Callable[[Any], Any] | None = None


def column(
    name: str,
    kind: ColumnKind = ColumnKind.TEXT,
    required: bool = False,
    *aliases: str,
    check: Callable[[Any], Any] | None = None,
) -> Column:
    """A `Column`, aliases given one by one: what the layouts of the files are written with."""
    return Column(name, kind, required, tuple(aliases), check)


def checked_parser(
    parse: Callable[[str], object], check: Callable[[Any], Any]
) -> Callable[[str], Any]:
    """`parse`, then `check` on its value."""

    def parse_and_check(text: str) -> Any:
        return check(parse(text))

    return parse_and_check


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
