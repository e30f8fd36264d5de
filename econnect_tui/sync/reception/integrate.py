"""`receive`: collect, then integrate tiers first and documents second, each document in its
own savepoint with the record of what became of it (integrated exactly once; one failure never
stops the others), then the report. Held-back documents stay staged and are offered again."""

from __future__ import annotations

import contextlib
import os
import sqlite3

from sqlite_utils import Database

from ... import faults, settings
from ...db import write_transaction
from ...errors import UserError, describe
from ...models.connector import Connector
from ...models.reports import ItemType, RunKind, RunStatus, join_messages
from ...store import connectors as connectors_store
from ...store import documents as documents_store
from ...store import history, staging
from ...text import plural
from .. import locks
from .. import send as sending
from ..runs import host, operator
from .collect import collect_all
from .documents import DocumentContext, DocumentPlan, document_plans
from .folder import import_folder, refuse_shared_import_folder, scan_folder
from .models import Progress, ReceptionResult, no_progress
from .report import Report, record_failure, report_unwritten, report_written, run_summary
from .tiers import TiersContext, apply_tiers, plan_tiers, tiers_identifier


def receive(
    db: Database,
    code: str,
    progress: Progress | None = None,
    wait: float = 5.0,
    *,
    look_twice: bool = True,
    settle: float | None = None,
) -> ReceptionResult:
    """Receives: integrates what can be, holds back the rest, records the report.

    `wait`: how long to wait for another reception's lock. With `look_twice` (the CLI, a cron
    job), a file not yet seen settled is looked at again once the quiet period has passed,
    before the lock is taken; without it (the reception screen, whose preview did so), only
    files already seen settled are read. `settle`: the quiet period (the caller's settings;
    `settings.settle_seconds()` when not given; 0 for files the caller wrote whole itself)."""
    progress = progress or no_progress
    settle = settings.settle_seconds() if settle is None else settle
    connector = connectors_store.require_connector(db, code)
    folder = import_folder(connector)
    refuse_shared_import_folder(db, connector)
    sending.clean_up_after_dead_sends(db, connector)
    if look_twice:
        with contextlib.suppress(UserError):  # said, and recorded, by the reception itself
            scan_folder(folder, settle=settle, wait=True, progress=progress)
    with locks.reception_lock(db, connector.code, wait=wait):
        run_id = history.start_run(
            db, connector.code, RunKind.RECEPTION, operator(), host(), os.getpid()
        )
        locks.attach_run(db, connector.code, run_id)
        report = Report(db, run_id)
        try:
            collect_all(db, connector, folder, run_id, report, progress, settle)
            staging.supersede_old_versions(db, connector.code)
            _integrate_tiers(db, connector, run_id, report, progress)
            _integrate_documents(db, connector, run_id, report, progress)
            staging.purge_decided_lines(db, connector.code)
        except BaseException as exc:
            record_failure(db, run_id, report, exc)
            raise
        faults.checkpoint("report")
        report.flush()
        status = RunStatus.WARNING if report.failed else RunStatus.OK
        history.add_files(db, run_id, report.files)
        history.finish_run(
            db, run_id, status, run_summary(report.counts, report.failed), report.counts
        )
    # The run without its rows: a big reception's report is read from the history by pages.
    run = history.get_run(db, run_id, with_rows=False)
    return ReceptionResult(run=run, exit_code=3 if report.failed else 0)


def _integrate_tiers(
    db, connector: Connector, run_id: int, report: Report, progress: Progress
) -> None:
    rows = staging.open_tiers(db, connector.code, include_preview=False)
    ctx = TiersContext(db)
    for i, row in enumerate(rows):
        if i % 100 == 0:
            progress("Tiers", i, len(rows))
        plan = plan_tiers(ctx, connector, row)
        identifier = tiers_identifier(row)
        with write_transaction(db):
            if not plan.ok:
                staging.decide_tiers(db, row.id, "erreur", run_id, plan.status)
                report.add(
                    row.file_name,
                    ItemType.TIERS,
                    identifier,
                    False,
                    join_messages([plan.status, *plan.messages[1:]]),
                )
                report.count("tiers_en_erreur")
                continue
            if plan.action is None:
                staging.decide_tiers(db, row.id, "identique", run_id, plan.status)
                report.add(
                    row.file_name,
                    ItemType.TIERS,
                    identifier,
                    True,
                    join_messages([plan.status, *plan.messages]),
                )
                continue
            try:
                with write_transaction(db):
                    apply_tiers(db, plan)
                    staging.decide_tiers(db, row.id, "integre", run_id, plan.status)
            except UserError as exc:
                staging.decide_tiers(db, row.id, "erreur", run_id, str(exc))
                report.add(row.file_name, ItemType.TIERS, identifier, False, f"Erreur : {exc}")
                report.count("tiers_en_erreur")
                continue
        faults.checkpoint("tiers")
        report.add(
            row.file_name,
            ItemType.TIERS,
            identifier,
            True,
            join_messages([plan.status, *plan.messages]),
        )
        report.count("tiers_crees" if plan.action == "create" else "tiers_mis_a_jour")
    progress("Tiers", len(rows), len(rows))


def _integrate_documents(
    db, connector: Connector, run_id: int, report: Report, progress: Progress
) -> None:
    # Tiers are integrated first: their new clients are in the GC now.
    ctx = DocumentContext(db, connector, set())
    total = staging.held_back_documents(db, connector.code)
    done = 0
    unmapped: dict[str, int] = {}
    for page in document_plans(db, ctx, include_preview=False):
        progress("Documents", done, total)
        # One transaction per page: the record of what became of each version is written in
        # the same transaction as the document itself. The documents to write are written
        # together (one savepoint, or one each when that fails).
        with write_transaction(db):
            written = write_checked(db, ctx, [plan for plan in page if plan.action])
            decisions: list[staging.Decision] = []
            for plan in page:
                if plan.action:
                    decision = report_written(plan, written[plan.numero], run_id, report)
                else:
                    decision = report_unwritten(plan, run_id, report)
                if decision is not None:
                    decisions.append(decision)
                faults.checkpoint("document")
                for code in plan.unmapped:
                    unmapped[code] = unmapped.get(code, 0) + 1
            staging.decide_versions(db, connector.code, decisions)
        done += len(page)
        faults.checkpoint("page")
    progress("Documents", total, total)
    for code, count in sorted(unmapped.items()):
        report.add(
            "",
            ItemType.ARTICLE,
            code,
            False,
            f"Sans correspondance : {plural(count, 'document')} en attente",
        )


def write_checked(
    db, ctx: DocumentContext, plans: list[DocumentPlan]
) -> dict[str, tuple[int, str] | str]:
    """Writes documents checked by SQL: headers in bulk, lines copied from staging, all in one
    savepoint; when that fails, one savepoint per document, so one bad document never stops
    the others. Numero -> (GC id, GC number), or the French reason of the failure."""
    if not plans:
        return {}
    try:
        with write_transaction(db):
            return _write_batch(db, ctx, plans)
    except (UserError, ValueError, sqlite3.IntegrityError) as exc:
        if len(plans) == 1:
            reason = describe(exc) if isinstance(exc, sqlite3.Error) else str(exc)
            return {plans[0].numero: reason}
    out: dict[str, tuple[int, str] | str] = {}
    for plan in plans:
        out.update(write_checked(db, ctx, [plan]))
    return out


def _write_batch(db, ctx: DocumentContext, plans: list[DocumentPlan]) -> dict[str, tuple[int, str]]:
    headers = {plan.numero: _header(ctx, plan) for plan in plans}
    creates = [plan for plan in plans if plan.action == "create"]
    new = documents_store.insert_headers(db, [headers[plan.numero] for plan in creates])
    written = {plan.numero: ids for plan, ids in zip(creates, new)}
    for plan in plans:
        if plan.action == "update":
            number = documents_store.replace_header(db, plan.existing.id, headers[plan.numero])
            written[plan.numero] = (plan.existing.id, number)
    documents_store.copy_staged_lines(
        db, ctx.connector.code, [(written[plan.numero][0], plan.staged_ids) for plan in plans]
    )
    return written


def _header(ctx: DocumentContext, plan: DocumentPlan) -> documents_store.DocumentHeader:
    header, receive = plan.header, ctx.connector.receive
    client_id = ctx.clients.get(plan.client_code)
    if client_id is None:
        raise UserError(f"Le client « {plan.client_code} » n'existe pas.")
    return documents_store.DocumentHeader(
        receive.doc_type,
        header["DateDocument"][:10],
        receive.company,
        receive.site,
        receive.depot,
        client_id,
        header["ModeReglement"],
        header["Reference"],
        header["Commentaire"],
        ctx.connector.code,
        plan.numero,
        plan.totals,
        plan.content_hash,
    )
