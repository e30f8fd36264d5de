"""The synchronisation history: runs (receptions and sends), their files, their report rows."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


class RunKind(StrEnum):
    RECEPTION = "reception"
    SEND = "envoi"

    @property
    def label(self) -> str:
        return "Réception" if self is RunKind.RECEPTION else "Envoi"


class RunStatus(StrEnum):
    RUNNING = "en-cours"
    OK = "ok"
    WARNING = "attention"  # done, but some items were held back or refused
    ERROR = "erreur"  # could not run

    @property
    def symbol(self) -> str:
        return {"en-cours": "…", "ok": "✓", "attention": "!", "erreur": "✗"}[self.value]

    @property
    def label(self) -> str:
        return {
            "en-cours": "En cours",
            "ok": "Réussi",
            "attention": "Éléments en attente",
            "erreur": "Échec",
        }[self.value]


class ItemType(StrEnum):
    ARTICLE = "Article"
    DOCUMENT = "Document"
    TIERS = "Tiers"
    FILE = "Fichier"


# Between the messages of one report row: « Mise à jour ; modifié : Telephone ». Runs recorded
# before the space was added wrote « ; » without it: `split_messages` reads both.
MESSAGE_SEPARATOR = " ; "
_SEPARATOR_READ = re.compile(r" ?; ")


def join_messages(messages) -> str:
    return MESSAGE_SEPARATOR.join(messages)


def split_messages(text: str) -> list[str]:
    return _SEPARATOR_READ.split(text)


class ReportRow(BaseModel):
    """« Nom du fichier | Type | Identifiant | Etat | Messages »."""

    file_name: str = ""
    type: ItemType
    identifier: str
    ok: bool
    messages: str = ""

    @property
    def state(self) -> str:
        return "✓" if self.ok else "✗"


class RunFile(BaseModel):
    name: str
    kind: str  # documents, tiers, articles, clients, contacts, non reconnu
    sha256: str | None = None
    size: int | None = None
    rows: int | None = None
    path: str | None = None  # where it went: archive, erreurs, or the written export file
    status: str  # archivé, erreurs, déjà reçu, non reconnu, écrit, conservé


# The message of a reception whose process was stopped (killed, its SSH session dropped).
INTERRUPTED = "Réception interrompue (processus arrêté) : reprise à la réception suivante."
# The same for a send: each export file was replaced whole or not at all (its temporary file is
# removed by the next run of the connector).
INTERRUPTED_SEND = (
    "Envoi interrompu (processus arrêté) : chaque fichier d'export est resté entier, ancien ou "
    "nouveau ; relancez l'envoi."
)


class SyncRun(BaseModel):
    id: int
    connector_code: str
    kind: RunKind
    started_at: datetime
    finished_at: datetime | None = None
    user: str
    host: str | None = None
    pid: int | None = None
    status: RunStatus
    message: str | None = None
    counts: dict[str, int] = {}
    files: list[RunFile] = []
    rows: list[ReportRow] = []

    @property
    def interrupted(self) -> bool:
        """A reception or a send whose process was stopped: an « erreur » that says so."""
        return self.status is RunStatus.ERROR and self.message in (INTERRUPTED, INTERRUPTED_SEND)

    @property
    def state(self) -> str:
        """« ✓ Réussi », « ! Éléments en attente », « ✗ Échec », « ✗ Interrompue » (a
        reception), « ✗ Interrompu » (a send)…"""
        if not self.interrupted:
            return f"{self.status.symbol} {self.status.label}"
        ending = "e" if self.kind is RunKind.RECEPTION else ""
        return f"{self.status.symbol} Interrompu{ending}"
