"""The terminal over SSH: keys from a terminal that is not in UTF-8, the signals that end a
session (the SSH link dropped, an administrator's kill), and what the screens write to it.

Every text Textual shows (labels, panels, notifications, titles) is built as a `Content`,
which drops a few control characters and lets the others through, ESC included: a name read
from an ETA file could clear the screen or set the terminal's title. `show_control_characters`
makes it show them as codes instead (`text.escape_controls`); the grid draws its cells itself
and escapes them there; fields (`FieldInput`) show each as « � ». Check it on a Textual upgrade
(`textual.content.Content` must still call the module's `_strip_control_codes`).

Textual decodes the keyboard as strict UTF-8 in its input thread: one « é » typed on a PuTTY
left in Latin-1 (the byte 0xE9) raised there and ended the application. The decoder the Linux
driver builds is made lenient here (`lenient_key_decoding`); check it on a Textual upgrade
(`textual.drivers.linux_driver` must still call `getincrementaldecoder("utf-8")`).
"""

from __future__ import annotations

import codecs
import functools
import re
import signal
from typing import TYPE_CHECKING

from rich.text import Text
from textual.reactive import Reactive
from textual.widgets import Input

from ..text import escape_controls, mask_controls

if TYPE_CHECKING:
    from textual.app import App
    from textual.driver import Driver
    from textual.widget import Widget

KEY_ERRORS = "econnect-keys"
# SIGHUP: the SSH session (or its terminal) went away; SIGTERM: kill, shutdown, systemd.
ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def _as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 are read as a Latin-1 / Windows-1252 terminal sends them."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    text = "".join(_byte_as_windows_1252(byte) for byte in bad)
    return text, error.end


def _byte_as_windows_1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return chr(byte)


def lenient_incremental_decoder(encoding: str):
    """`codecs.getincrementaldecoder`, whose decoders never raise on the keyboard's bytes."""
    return functools.partial(codecs.getincrementaldecoder(encoding), errors=KEY_ERRORS)


def lenient_key_decoding() -> None:
    """Keys typed on a terminal that is not in UTF-8 arrive as their Windows-1252 letters
    instead of ending the application. A byte that can start a UTF-8 letter (« é » is 0xE9)
    waits for the next one: decoding it alone would break a UTF-8 letter split between two
    reads (a long paste over a slow link), so the accent shows with the next key."""
    from textual.drivers import linux_driver

    codecs.register_error(KEY_ERRORS, _as_windows_1252)
    linux_driver.getincrementaldecoder = lenient_incremental_decoder


def _shown_content_text(text: str, _translate_table: object = None) -> str:
    return escape_controls(text)


def show_control_characters() -> None:
    """Textual's texts show control characters as codes (« \\x1b ») instead of sending them."""
    from textual import content

    content._strip_control_codes = _shown_content_text


class FieldInput(Input):
    """A field whose value may hold control characters (a name read from an ETA file): each
    shows as « � », one character for one, so the cursor stays on its character; the value
    itself is kept as it is until the operator changes it."""

    @property
    def _value(self) -> Text:
        text = super()._value
        if not text.plain.isprintable():
            text.plain = mask_controls(text.plain)
        return text


def exit_on_ending_signals(app: App) -> None:
    """SIGHUP and SIGTERM end the application as Ctrl+Q would without asking: the terminal is
    given back as it was (no alternate screen, no mouse reporting left on), the exit status
    says which signal (128 + its number). Call it from within the running app (on_mount)."""
    import asyncio

    loop = asyncio.get_running_loop()
    for number in ENDING_SIGNALS:
        loop.add_signal_handler(number, functools.partial(app.exit, return_code=128 + number))


class QuietFocus:
    """For screens: Textual repaints the whole screen each time the focus moves on it (its
    `Screen.focused` repaints), though the widgets that lose and gain the focus restyle
    themselves: every Tab between two fields of a card wrote the whole screen to the terminal.
    Put before Screen or ModalScreen in a screen's bases."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)


# Textual writes each run of text with its style and a reset after it, « ESC[<style>m text
# ESC[0m », even when the next run has the same style: a grid row of one colour is five or six
# runs. A run, then the runs of the same style that follow it, each after a reset.
_SAME_STYLE_RUNS = re.compile(r"(\x1b\[([0-9;]*)m[^\x1b]*)((?:\x1b\[0m\x1b\[\2m[^\x1b]*)+)")


def _joined_runs(match: re.Match[str]) -> str:
    return match[1] + match[3].replace(f"\x1b[0m\x1b[{match[2]}m", "")


def merge_style_runs(data: str) -> str:
    """`data` (what Textual writes to the terminal) with the runs that follow one another in
    the same style written as one: « ESC[0m ESC[<same style>m » between them is dropped. The
    screen shown is the same: Textual starts every styled run from the reset state (each one
    ends with ESC[0m; plain text changes nothing), so after « ESC[0m ESC[S m » the terminal is
    in style S, as it was before. About 28 % fewer bytes over the whole session measured by
    bench/bench_terminal.py."""
    return _SAME_STYLE_RUNS.sub(_joined_runs, data)


def compact_driver(driver_class: type[Driver]) -> type[Driver]:
    """Textual's terminal driver (Linux, macOS: the terminal of an SSH session) writing
    `merge_style_runs` of everything; any other driver as it is."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # Windows
        return driver_class
    if not issubclass(driver_class, LinuxDriver):
        return driver_class

    class CompactDriver(driver_class):  # type: ignore[valid-type,misc]
        def write(self, data: str) -> None:
            super().write(merge_style_runs(data))

    return CompactDriver
