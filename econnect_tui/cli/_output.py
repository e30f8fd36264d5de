"""Printing for the CLI: JSON on stdout when asked, messages on stderr, exit codes of cli.md.

Human text goes out through `out` and `say`, control characters shown as codes (a hostile ETA
file cannot drive the operator's terminal); JSON, TOML and CSV outputs are the data, exact.
Printing never changes an outcome: a character the output's encoding cannot show is written as
its code (`use_forgiving_streams`)."""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from .. import french
from ..text import escape_controls, plural

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_HELD_BACK = 3


def _default(value: Any):
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def use_forgiving_streams() -> None:
    """stdout and stderr write what their encoding cannot show as its code (« \\u2014 » on a
    Latin-1 terminal): a reception that finished is never turned into a failure by its report."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _stdout_is_unicode() -> bool:
    try:
        return codecs.lookup(sys.stdout.encoding or "ascii").name.startswith("utf")
    except (LookupError, AttributeError):
        return False


def _json(data: Any) -> str:
    # \uXXXX escapes where stdout's encoding is not Unicode: the document stays exact.
    return json.dumps(data, ensure_ascii=not _stdout_is_unicode(), indent=2, default=_default)


def print_json(data: Any) -> None:
    """One JSON document on stdout, nothing else there."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    elif isinstance(data, list):
        data = [d.model_dump(mode="json") if isinstance(d, BaseModel) else d for d in data]
    click.echo(_json(data))


def print_json_items(items: Iterable[Any]) -> None:
    """One JSON array on stdout, written item by item (a big listing is never held whole in
    memory); the same text as `print_json` of the list."""
    first = True
    for item in items:
        data = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
        text = _json(data)
        # Indented on "\n" only: str.splitlines would also break inside a string holding
        # U+2028 or U+0085 (written raw by ensure_ascii=False) and pad the data.
        indented = "\n".join("  " + line for line in text.split("\n"))
        click.echo(("[\n" if first else ",\n") + indented, nl=False)
        first = False
    click.echo("[]" if first else "\n]")


def say(message: str) -> None:
    """A message for the operator: on stderr, so stdout stays clean for data."""
    click.echo(escape_controls(message), err=True)


def out(message: str = "") -> None:
    """A line of a human listing or report on stdout."""
    click.echo(escape_controls(message))


def money(value: Decimal | None) -> str:
    """86.25 -> « 86,25 », thousands grouped by a narrow no-break space."""
    return french.money(value, french.NARROW_NO_BREAK_SPACE)


def number(value: Decimal | None) -> str:
    return french.decimal_short(value)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def say_import(summary: Any, file: Path, as_json: bool, counts: str) -> None:
    """The outcome of an import of `file`: its warnings on stderr, then the summary as JSON, or
    « f.csv : 12 lignes lues, `counts` »."""
    for warning in summary.warnings:
        say(warning)
    if as_json:
        print_json(summary)
    else:
        say(f"{file.name} : {plural(summary.rows, 'ligne lue', 'lignes lues')}, {counts}")
