"""The reception's view models: what a preview shows and a reception returns, and the
document statuses as the UI shows them (facilitime-csv.md §2)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from ...exchange.facilitime import (
    report_identifier,
)
from ...models.reports import SyncRun
from ...text import plural

Progress = Callable[[str, int, int], None]


# Document statuses, as the UI shows them (facilitime-csv.md §2).
NEW = "Nouveau document"


UPDATE = "Mise à jour"


SAME = "Déjà intégré"


REFUSED = "Refusé : document déjà validé"


def no_progress(stage: str, done: int, total: int) -> None:
    pass


class PendingFile(BaseModel):
    name: str
    kind: str  # documents, tiers, non reconnu
    size: int = 0
    status: str  # « à traiter », « déjà reçu », « refusé : … », « non reconnu », …
    ok: bool = True


class PendingArticle(BaseModel):
    code: str  # the ETA software's code
    label: str
    documents: int
    article_code: str | None = None  # its GC article when mapped
    article_label: str | None = None

    @property
    def mapped(self) -> bool:
        return self.article_code is not None

    @property
    def status(self) -> str:
        if self.article_code is None:
            return "Sans correspondance"
        return f"{self.article_code} - {self.article_label or ''}".rstrip(" -")


class PendingDocument(BaseModel):
    numero: str
    client_code: str | None
    label: str
    status: str
    ok: bool  # will be (or is already) integrated
    held: bool  # waits for a correspondence, a client or a unit
    messages: list[str] = []
    file_name: str
    lines: int
    gc_number: str | None = None

    @property
    def identifier(self) -> str:
        return report_identifier(self.numero or "(sans numéro)", self.client_code)


class PendingTiers(BaseModel):
    file_name: str
    line: int
    identifier: str
    status: str
    ok: bool
    messages: list[str] = []


class Preview(BaseModel):
    connector_code: str
    files: list[PendingFile] = []
    # What `changed_since_preview` compares (the screen's, not shown nor in --json): the newest
    # reception when the preview was made, and the files a reception would have read then
    # (name, size, modification time).
    last_reception: int | None = Field(default=None, exclude=True)
    readable: dict[str, tuple[int, int]] = Field(default={}, exclude=True)
    articles: list[PendingArticle] = []
    documents: list[PendingDocument] = []
    tiers: list[PendingTiers] = []

    @property
    def files_to_process(self) -> int:
        return sum(1 for f in self.files if f.kind != "non reconnu")

    @property
    def unmapped(self) -> list[PendingArticle]:
        return [a for a in self.articles if not a.mapped]


def files_sentence(count: int, held: int = 0) -> str:
    """The seed's « Un fichier va être traité pour importer des données. », with the documents
    held back by earlier receptions, offered again."""
    again = plural(held, "document retenu", "documents retenus")
    if count == 0:
        if held:
            return f"Aucun nouveau fichier : {again} à nouveau proposé{'s' if held > 1 else ''}."
        return "Aucun nouveau fichier à traiter."
    sentence = "Un fichier va être traité" if count == 1 else f"{count} fichiers vont être traités"
    more = f" (+ {again})" if held else ""
    return f"{sentence} pour importer des données{more}."


class ReceptionResult(BaseModel):
    run: SyncRun
    exit_code: int


class PendingStatus(BaseModel):
    """What waits for a connector: read by the dashboard and the startup warning."""

    connector_code: str
    files_waiting: int
    held_back_documents: int
    held_back_tiers: int
    folder_error: str | None = None
    # Its export folder is another connector's folder (receptions go on): to correct.
    folder_warning: str | None = None

    @property
    def has_pending(self) -> bool:
        return bool(self.files_waiting or self.held_back_documents or self.held_back_tiers)


class Analysis(BaseModel):
    articles: list[PendingArticle] = []
    documents: list[PendingDocument] = []
    tiers: list[PendingTiers] = []
