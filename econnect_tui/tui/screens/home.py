"""Accueil: what the GC holds, what waits for each connector, and where to go next.

The E-connecteur panel lists the connectors with the dashboard's texts (the same service calls,
`widgets.connector_status`): the database's side at once, the import folders from a thread
worker (a slow share must not freeze the opening)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from ...models.gc import DocStatus, TiersKind
from ...models.reports import RunStatus
from ...store import articles, documents, tiers
from ...sync.reception import PendingStatus
from ..threads import call_ui, worker_db
from ..widgets.connector_status import (
    ConnectorOverview,
    first_run_advice,
    local_time,
    lock_text,
    pending_counts,
    read_overviews,
)
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

    def __init__(self) -> None:
        super().__init__()
        self._pending: dict[str, PendingStatus | None] = {}

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

    def on_screen_resume(self) -> None:
        self.reload_once(self.refresh_summary)

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
        overviews = read_overviews(db, with_pending=False, previous=self._pending)
        self.query_one("#sync-summary", Static).update(self.sync_summary(overviews))
        if overviews:
            self.run_worker(
                self._folders_worker,
                thread=True,
                exclusive=True,
                group="home-folders",
                exit_on_error=False,
            )

    def _folders_worker(self) -> None:
        app = self.app
        try:
            with worker_db(app) as db:
                overviews = read_overviews(db, with_pending=True)
        except Exception:
            return
        call_ui(app, self._show_folders, overviews)

    def _show_folders(self, overviews: list[ConnectorOverview]) -> None:
        self._pending = {o.code: o.pending for o in overviews}
        self.query_one("#sync-summary", Static).update(self.sync_summary(overviews))

    def sync_summary(self, overviews: list[ConnectorOverview]) -> Text:
        if not overviews:
            advice = first_run_advice(self.db)
            if advice:
                return Text.assemble("Aucun connecteur.\n\n", (advice, "dim"))
            return Text.from_markup(
                "Aucun connecteur.\n\n[dim]Créez-en un dans Paramètres › E-connecteur (F7).[/]"
            )
        text = Text()
        for index, o in enumerate(overviews):
            if index:
                text.append("\n")
            run = o.state_run
            text.append(o.code, style="bold")
            if run is not None:
                style = {RunStatus.ERROR: "red", RunStatus.WARNING: "yellow"}.get(
                    run.status, "green"
                )
                text.append(f"  {run.state}", style=style)
            pending = o.pending
            if o.owner is not None:
                text.append(f"\n{lock_text(o.owner)}", style="yellow")
            if pending is None:
                text.append("\n…", style="dim")
            elif pending.folder_error:
                text.append(f"\n{pending.folder_error}", style="red")
            elif pending.has_pending:
                text.append("\nDonnées en attente de réception", style="bold yellow")
                text.append(f"\n  {pending_counts(pending)}")
            else:
                text.append("\nAucune donnée en attente")
            last = o.last_reception
            text.append(
                f"\nDernière réception {local_time(last.started_at)}"
                if last
                else "\nAucune réception réalisée",
                style="dim",
            )
            sent = o.last_send
            text.append(
                f"\nDernier envoi {local_time(sent.started_at)} {sent.status.symbol}"
                if sent
                else "\nAucun envoi réalisé",
                style="dim",
            )
        text.append("\n\nF3 : Synchro › E-connecteur", style="dim")
        return text

    def _shortcuts(self) -> Text:
        text = Text()
        for key, label, what in SHORTCUTS:
            text.append(f"{key:>7} ", style="bold")
            text.append(f"{label:<11}", style="bold")
            text.append(f"{what}\n")
        text.rstrip()
        return text
