"""Builders for the TUI tests: the real app on a demo database, a sample document, screen text."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import NamedTuple

from textual import events
from textual._compositor import CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from econnect_tui.app import EconnectApp
from econnect_tui.db import open_db
from econnect_tui.models.gc import Document
from econnect_tui.store import documents
from econnect_tui.sync.demo import load_demo
from econnect_tui.sync.reception import receive
from tests.eta import gc_document, gc_line
from tests.helpers import demo_db

SIZE = (80, 24)


def make_app(tmp_path: Path) -> EconnectApp:
    """The real application on a fresh copy of the sample GC data, without animations (the tab
    underline's animation makes each tab switch wait ~0.3 s in the harness)."""
    app = EconnectApp(demo_db(tmp_path), tmp_path / "econnect.db")
    app.animation_level = "none"
    return app


def demo_app(tmp_path: Path, *, held_back: bool = False, **app_options) -> EconnectApp:
    """The app on the demo: FACILI with its folders under tmp_path (and, with held_back, two
    documents held back by a reception); `app_options` go to EconnectApp (keys=…)."""
    db = open_db(tmp_path / "econnect.db")
    load_demo(db, tmp_path)
    if held_back:
        receive(db, "FACILI")
    app = EconnectApp(db, tmp_path / "econnect.db", **app_options)
    app.animation_level = "none"
    return app


def sample_document() -> Document:
    """A delivery note for client 0701 with two VAT rates (fixed data, so stable snapshots)."""
    lines = [
        gc_line(
            "LAB",
            "Labour",
            "2.5",
            "95",
            "237.50",
            unit_code="HA",
            intervention_date=date(2026, 1, 15),
            work_site="Parcelle des Mares",
            driver="Paul",
        ),
        gc_line(
            "SEMBLE",
            "Semences blé certifiées",
            "10",
            "42.80",
            "406.60",
            position=2,
            unit_code="U",
            discount_percent=D("5"),
            vat_rate=D("5.5"),
        ),
    ]
    return gc_document(lines, payment_method="Chèques")


def add_document(app: EconnectApp) -> Document:
    return documents.create_document(app.db, sample_document())


async def settle(pilot) -> None:
    """Until the workers (folder poll, preview, reception, send) are done and shown."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot, text: str) -> None:
    """Type `text` into the focused Input as a terminal paste does: one event instead of one
    key press per character (each press costs ~60 ms of harness time). Replaces a selection."""
    focused = pilot.app.focused
    assert isinstance(focused, Input), focused
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def burst(pilot, *keys: str) -> None:
    """Keys as a terminal delivers them when typed fast (tmux send-keys, a scanner): all read by
    the app at once, without waiting between them as `pilot.press` does. Then waits for idle."""
    for key in keys:
        character = key if len(key) == 1 else {"space": " "}.get(key)
        pilot.app._driver.send_message(events.Key(key, character))
    await pilot.pause()
    await pilot.pause()


def screen_text(app: App) -> str:
    """Every Static and Input text of the current screen, one per line (for `in` checks)."""
    parts = []
    for widget in app.screen.query("Static, Input"):
        if isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


def footer_text(app: App) -> str:
    """The keys the footer shows, « key description » each, joined by « · »."""
    return " · ".join(f"{k.key_display} {k.description}" for k in app.screen.query(FooterKey))


def field_error(app: App, name: str) -> str:
    """The French error shown under a form field ('' when none is shown)."""
    error = app.screen.query_one(f"#field-{name} .field-error", Static)
    return str(error.render()) if error.display else ""


def notifications(app: App) -> list[str]:
    return [n.message for n in app._notifications]


def post_burst(app: App, text: str, at: float | None = None) -> None:
    """Keys as a barcode scanner or tmux sends them: all queued at once (\r = Enter); `at` =
    when they were read (the harness is too slow to deliver a next packet within a burst)."""
    for ch in text:
        event = events.Key("enter", "\r") if ch == "\r" else events.Key(ch, ch)
        if at is not None:
            event.time = at
        app.post_message(event)


class TerminalWrite(NamedTuple):
    size: int  # characters written
    full: bool  # the whole screen written, every line


@contextmanager
def terminal_writes(app: App) -> Iterator[list[TerminalWrite]]:
    """What the app writes to its terminal meanwhile: one item per screen update (a headless
    app renders each one, then drops it). An empty list: nothing repainted, nothing sent over
    the SSH link. bench/bench_terminal.py counts the bytes on a real terminal."""
    writes: list[TerminalWrite] = []
    display = app._display

    def recording(screen, update) -> None:
        if isinstance(update, CompositorUpdate):
            size = len(update.render_segments(app.console))
            writes.append(TerminalWrite(size, isinstance(update, LayoutUpdate)))
        display(screen, update)

    app._display = recording  # type: ignore[method-assign]
    try:
        yield writes
    finally:
        del app._display
