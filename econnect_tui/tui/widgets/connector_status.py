"""What the Synchro dashboard and the Accueil panel say about each connector, read through the
services (`receive.pending_status`, `store.history.last_run`, `sync.locks.current_owner`) and
turned into the seed's French texts.

`read_overviews(db, with_pending=False)` only reads the database (cheap, on the UI thread);
`with_pending=True` also looks into each import folder (in a thread worker: a folder on a slow
share must not freeze the screen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from sqlite_utils import Database

from ... import french
from ...models.connector import Connector, UpdateMode
from ...models.reports import RunKind, RunStatus, SyncRun
from ...store import connectors as connectors_store
from ...store import history
from ...store.locks import LockOwner
from ...sync import locks
from ...sync.connectors import gc_missing_for_connector
from ...sync.reception import PendingStatus, pending_status
from ...sync.runs import host
from ...text import plural

__all__ = [
    "ConnectorOverview",
    "first_run_advice",
    "local_time",
    "lock_text",
    "pending_counts",
    "read_overview",
    "read_overviews",
]

# The worst state first: the dashboard shows the worst of the last reception and the last send.
_SEVERITY = {RunStatus.ERROR: 3, RunStatus.RUNNING: 2, RunStatus.WARNING: 1, RunStatus.OK: 0}


def first_run_advice(db: Database) -> str | None:
    """What to do before creating the first connector when the GC lacks what it needs (a new
    database); None once the GC holds it."""
    missing = gc_missing_for_connector(db)
    if not missing:
        return None
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " et " + missing[-1]
    return (
        f"Avant de créer un connecteur, la Gestion Commerciale doit avoir {listed} : "
        "chargez-les avec « econnect gc import » ou créez-les dans Paramètres (F7)."
    )


def local_time(when: datetime | None, seconds: bool = False) -> str:
    """« 27/11/2026 08:13 » in the machine's time zone (the history stores UTC)."""
    return french.date_time(when, seconds)


def pending_counts(pending: PendingStatus) -> str:
    """« 2 fichiers, 1 document retenu » (only the non-zero parts)."""
    parts = []
    if pending.files_waiting:
        parts.append(plural(pending.files_waiting, "fichier"))
    if pending.held_back_documents:
        parts.append(plural(pending.held_back_documents, "document retenu", "documents retenus"))
    if pending.held_back_tiers:
        parts.append(plural(pending.held_back_tiers, "tiers retenu", "tiers retenus"))
    return ", ".join(parts)


def lock_text(owner: LockOwner) -> str:
    """« Réception en cours par marie (pid 4242, depuis 27/11/2026 08:13:02) »."""
    try:
        since = local_time(datetime.fromisoformat(owner.started_at), seconds=True)
    except ValueError:
        since = owner.started_at
    where = "" if owner.host == host() else f" sur {owner.host}"
    return f"Réception en cours par {owner.user} (pid {owner.pid}{where}, depuis {since})"


@dataclass(frozen=True)
class ConnectorOverview:
    code: str
    update_mode: UpdateMode
    last_reception: SyncRun | None
    last_send: SyncRun | None
    owner: LockOwner | None
    pending: PendingStatus | None = None
    """None until the import folder was looked at (by a worker)."""

    # -- « État des synchronisations précédentes »

    @property
    def state_run(self) -> SyncRun | None:
        """The run the state shows: the worse of the last reception and the last send (the
        newer one when equal); None when the connector never synchronised."""
        runs = [r for r in (self.last_reception, self.last_send) if r is not None]
        if not runs:
            return None
        return max(runs, key=lambda r: (_SEVERITY[r.status], r.started_at))

    def state_text(self) -> Text:
        run = self.state_run
        if run is None:
            return Text("—", style="dim")
        style = {
            RunStatus.OK: "bold green",
            RunStatus.WARNING: "bold yellow",
            RunStatus.ERROR: "bold red",
            RunStatus.RUNNING: "bold",
        }[run.status]
        text = Text()
        text.append(run.state, style=style)
        # The date is in the column of its kind (« Dernière : … », « Dernier envoi »).
        text.append(f"\n({run.kind.label.lower()})", style="dim")
        return text

    # -- « Réceptionner les données »

    def reception_text(self) -> Text:
        text = Text()
        pending = self.pending
        if pending is None:
            text.append("…", style="dim")
        elif pending.folder_error:
            text.append("Dossier d'import en erreur", style="red")
            if pending.has_pending:
                text.append(f"\n{pending_counts(pending)}")
        elif pending.has_pending:
            text.append("Données en attente de réception", style="bold yellow")
            text.append(f"\n{pending_counts(pending)}")
        else:
            text.append("Aucune donnée en attente")
        if self.last_reception is None:
            text.append("\nAucune réception réalisée", style="dim")
        else:
            text.append(f"\nDernière : {local_time(self.last_reception.started_at)}", style="dim")
        return text

    # -- « Envoyer les données »

    def send_text(self) -> Text:
        run = self.last_send
        if run is None:
            return Text("Aucun envoi\nréalisé", style="dim")
        text = Text()
        style = "red" if run.status is RunStatus.ERROR else "green"
        text.append(f"{run.status.symbol} ", style=f"bold {style}")
        text.append("Dernier envoi" if run.status is not RunStatus.ERROR else "Envoi en échec")
        text.append(f"\n{local_time(run.started_at)}", style="dim")
        return text

    # -- the lines under the row: a reception in progress elsewhere, the last error

    def alerts(self) -> list[tuple[str, str]]:
        """(text, kind) with kind « lock » or « error »."""
        out: list[tuple[str, str]] = []
        if self.owner is not None:
            out.append((lock_text(self.owner), "lock"))
        for run in (self.last_reception, self.last_send):
            if run is not None and run.status is RunStatus.ERROR:
                out.append(
                    (
                        f"✗ {run.kind.label} du {local_time(run.started_at)} : "
                        f"{run.message or 'échec'}",
                        "error",
                    )
                )
        if self.pending is not None and self.pending.folder_error:
            out.append((f"✗ {self.pending.folder_error}", "error"))
        if self.pending is not None and self.pending.folder_warning:
            out.append((f"✗ {self.pending.folder_warning}", "error"))
        return out


def read_overview(
    db: Database, connector: Connector, *, with_pending: bool, pending: PendingStatus | None = None
) -> ConnectorOverview:
    """One connector's overview; `pending` (a previous look at its folder) is kept when
    `with_pending` is False."""
    return ConnectorOverview(
        code=connector.code,
        update_mode=connector.receive.update_mode,
        last_reception=locks.as_shown(db, history.last_run(db, connector.code, RunKind.RECEPTION)),
        last_send=locks.as_shown(db, history.last_run(db, connector.code, RunKind.SEND)),
        owner=locks.current_owner(db, connector.code),
        pending=pending_status(db, connector.code) if with_pending else pending,
    )


def read_overviews(
    db: Database,
    *,
    with_pending: bool,
    previous: dict[str, PendingStatus | None] | None = None,
) -> list[ConnectorOverview]:
    """Every connector's overview, by code."""
    previous = previous or {}
    return [
        read_overview(db, c, with_pending=with_pending, pending=previous.get(c.code))
        for c in connectors_store.list_connectors(db)
    ]
