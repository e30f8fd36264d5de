"""Synchro › E-connecteur."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.widgets import Static

from .base import EconnectScreen


class SyncScreen(EconnectScreen):
    MODE = "synchro"

    def compose_body(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(
                "[b]Aucun connecteur[/b]\n\n"
                "Les connecteurs se créent dans Paramètres › E-connecteur (F7).",
                id="sync-empty",
                classes="empty-state",
            )

    def on_mount(self) -> None:
        self.sub_title = "Synchro › E-connecteur"
