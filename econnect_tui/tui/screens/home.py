"""Accueil: what the GC holds and where to go next."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from ...models.gc import DocStatus, TiersKind
from ...store import articles, documents, tiers
from .base import EconnectScreen

SHORTCUTS = (
    ("F3", "Synchro", "réceptionner les données ETA, envoyer articles et clients"),
    ("F4", "Articles", "fiches articles, tarifs, stocks, correspondances"),
    ("F5", "Tiers", "clients, fournisseurs et leurs contacts"),
    ("F6", "Documents", "commandes et bons de livraison reçus"),
    ("F7", "Paramètres", "entreprises, dépôts, familles, filtres, connecteurs"),
    ("Ctrl+P", "Commandes", "toutes les actions par leur nom (aussi F10)"),
    ("F1", "Aide", "les touches de l'écran en cours"),
)


class HomeScreen(EconnectScreen):
    MODE = "accueil"

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="home"):
            with Horizontal(id="home-panels"):
                yield Static(id="gc-summary", classes="panel")
                yield Static(id="sync-summary", classes="panel")
            yield Static(self._shortcuts(), id="shortcuts", classes="panel")

    def on_mount(self) -> None:
        self.sub_title = "Accueil"
        self.query_one("#gc-summary").border_title = "Gestion Commerciale"
        self.query_one("#sync-summary").border_title = "E-connecteur"
        self.query_one("#shortcuts").border_title = "Raccourcis"
        self.refresh_summary()

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        db = self.db
        by_status = documents.count_by_status(db)
        table = Table.grid(padding=(0, 2))
        table.add_column()
        table.add_column(justify="right")
        table.add_row("Articles", str(articles.count_articles(db)))
        table.add_row("Clients", str(tiers.count_tiers(db, TiersKind.CLIENT)))
        table.add_row("Fournisseurs", str(tiers.count_tiers(db, TiersKind.SUPPLIER)))
        table.add_row("Documents", str(sum(by_status.values())))
        for status in DocStatus:
            table.add_row(Text(f"  {status.label}", style="dim"), str(by_status[status]))
        self.query_one("#gc-summary", Static).update(table)
        self.query_one("#sync-summary", Static).update(self.sync_summary())

    def sync_summary(self) -> Text:
        return Text.from_markup(
            "Aucun connecteur.\n\n[dim]Créez-en un dans Paramètres › E-connecteur (F7).[/]"
        )

    def _shortcuts(self) -> Text:
        text = Text()
        for key, label, what in SHORTCUTS:
            text.append(f"{key:>7} ", style="bold")
            text.append(f"{label:<11}", style="bold")
            text.append(f"{what}\n")
        text.rstrip()
        return text
