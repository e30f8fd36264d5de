"""The reception's report: one history entry with one row per item, and its summary."""

from __future__ import annotations

import logging

from sqlite_utils import Database

from ...errors import UserError, failure_reason
from ...exchange.facilitime import (
    report_identifier,
)
from ...models.reports import ItemType, RunFile, RunStatus, join_messages
from ...store import history, staging
from ...text import plural
from .documents import DocumentPlan, located_reason
from .folder import display_name

log = logging.getLogger("econnect")


class Report:
    """The report as it is made: rows go to the history by batches, so a reception of a million
    lines does not keep a hundred thousand rows in memory."""

    FLUSH_EVERY = 1000

    def __init__(self, db: Database, run_id: int) -> None:
        self.db = db
        self.run_id = run_id
        self.pending: list[tuple[str, str, str, int, str]] = []
        self.failed = 0
        self.files: list[RunFile] = []
        self.counts: dict[str, int] = {}

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def add(self, file_name: str, type_: ItemType, identifier: str, ok: bool, message: str):
        self.pending.append((display_name(file_name), type_.value, identifier, int(ok), message))
        self.failed += not ok
        if len(self.pending) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            history.add_row_values(self.db, self.run_id, self.pending)
            self.pending = []


def record_failure(db: Database, run_id: int, report: Report, exc: BaseException) -> None:
    """Records why a reception stopped; when the database itself fails (disk full), the
    original error is what the operator must see, so a failure to record is only logged."""
    if isinstance(exc, UserError):
        message = str(exc)
    elif isinstance(exc, KeyboardInterrupt | SystemExit):
        message = "Réception interrompue."
    else:
        message = f"Réception interrompue : {failure_reason(exc)}."
    try:
        report.flush()
        history.add_files(db, run_id, report.files)
        history.finish_run(db, run_id, RunStatus.ERROR, message, report.counts)
    except Exception:  # never hide the first error
        log.exception("could not record the failed reception %s", run_id)


def run_summary(counts: dict[str, int], failed: int) -> str:
    """« 4 documents créés, 1 mis à jour, 2 fichiers traités ; 1 élément à revoir. »: the
    first count of documents names them (« 2 documents en attente » when none was created)."""
    parts = []
    labels = (  # key, singular, plural
        ("documents_crees", "créé", "créés"),
        ("documents_mis_a_jour", "mis à jour", "mis à jour"),
        ("documents_deja_integres", "déjà intégré", "déjà intégrés"),
        ("documents_en_attente", "en attente", "en attente"),
        ("documents_refuses", "refusé", "refusés"),
        ("documents_en_erreur", "en erreur", "en erreur"),
        ("tiers_crees", "tiers créé", "tiers créés"),
        ("tiers_mis_a_jour", "tiers mis à jour", "tiers mis à jour"),
        ("fichiers", "fichier traité", "fichiers traités"),
    )
    documents_named = False
    for key, singular, plural_form in labels:
        if counts.get(key):
            if key.startswith("documents_") and not documents_named:
                singular, plural_form = f"document {singular}", f"documents {plural_form}"
                documents_named = True
            parts.append(plural(counts[key], singular, plural_form))
    text = ", ".join(parts) or "Aucune donnée à intégrer"
    return text + (f" ; {plural(failed, 'élément')} à revoir." if failed else ".")


def report_written(
    plan: DocumentPlan, written: tuple[int, str] | str, run_id: int, report: Report
) -> staging.Decision:
    identifier = report_identifier(plan.numero or "(sans numéro)", plan.client_code)
    file_name = plan.version.file_name
    if isinstance(written, str):
        report.add(file_name, ItemType.DOCUMENT, identifier, False, f"Erreur : {written}")
        report.count("documents_en_erreur")
        return staging.Decision(plan.version, "erreur", None, run_id, written)
    document_id, number = written
    what = "créé" if plan.action == "create" else "mis à jour"
    message = join_messages([f"Synchronisé : {number} {what}", *plan.messages])
    report.add(file_name, ItemType.DOCUMENT, identifier, True, message)
    report.count("documents_crees" if plan.action == "create" else "documents_mis_a_jour")
    return staging.Decision(plan.version, "integre", document_id, run_id, plan.status)


def report_unwritten(plan: DocumentPlan, run_id: int, report: Report) -> staging.Decision | None:
    """Reports a document this reception does not write: held back (no outcome yet), already
    integrated, refused or in error; returns what to record for its version."""
    identifier = report_identifier(plan.numero or "(sans numéro)", plan.client_code)
    file_name = plan.version.file_name
    if plan.held:
        report.add(
            file_name,
            ItemType.DOCUMENT,
            identifier,
            False,
            f"{plan.status} — en attente d'intégration",
        )
        report.count("documents_en_attente")
        return None
    if plan.outcome == "inchange":
        report.add(file_name, ItemType.DOCUMENT, identifier, True, join_messages(plan.messages))
        report.count("documents_deja_integres")
    else:
        report.add(file_name, ItemType.DOCUMENT, identifier, False, _refusal_message(plan))
        report.count("documents_refuses" if plan.outcome == "refuse" else "documents_en_erreur")
    existing_id = plan.existing.id if plan.existing else None
    return staging.Decision(plan.version, plan.outcome, existing_id, run_id, plan.status)


def _refusal_message(plan: DocumentPlan) -> str:
    """A refused document: why; an erroneous one: its first error (the status) and the others."""
    if plan.outcome == "refuse":
        return join_messages(plan.messages)
    return join_messages(
        dict.fromkeys([plan.status, *(f"Erreur : {located_reason(m)}" for m in plan.messages[1:])])
    )
