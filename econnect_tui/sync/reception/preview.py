"""The preview: what a reception would do, files staged without being received (they stay in
the import folder), no GC data written."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from ... import faults, settings
from ...errors import os_reason
from ...exchange.csv import location
from ...french import dated
from ...models.connector import Connector
from ...models.gc import TiersKind
from ...models.reports import RunKind, join_messages
from ...store import connectors as connectors_store
from ...store import history, staging
from ...text import plural
from . import disk
from .collect import Unreadable, forget_vanished_previews, stage_file
from .documents import DocumentContext, document_plans, pending_articles
from .folder import (
    FolderEntry,
    archive_parts,
    display_name,
    import_folder,
    refuse_shared_import_folder,
    scan_folder,
    settling_text,
)
from .models import Analysis, PendingFile, PendingTiers, Preview, Progress, no_progress
from .tiers import TiersContext, plan_tiers, tiers_identifier


def preview(
    db: Database, code: str, progress: Progress | None = None, *, settle: float | None = None
) -> Preview:
    """What a reception would do. Stages new files (they stay in the import folder) and
    writes no GC data; cheap to run again after a correspondence is made. A file not yet seen
    settled is looked at again once the quiet period (`settle`, see `scan_folder`) has
    passed."""
    progress = progress or no_progress
    settle = settings.settle_seconds() if settle is None else settle
    connector = connectors_store.require_connector(db, code)
    folder = import_folder(connector)
    refuse_shared_import_folder(db, connector)
    last = history.last_run(db, connector.code, RunKind.RECEPTION)
    previewed = staging.preview_files(db, connector.code)  # before the listing: see the forget
    scan = scan_folder(folder, settle=settle, wait=True, progress=progress)
    now = datetime.now()
    # Said before the reception meets it: a destination that is a link keeps files in place.
    unsafe = {r: disk.unsafe_reason(folder, archive_parts(now, r)) for r in (False, True)}
    result = Preview(
        connector_code=connector.code,
        last_reception=last.id if last is not None else None,
        readable=_file_states(scan.files),
    )
    present: set[str] = set()
    for i, entry in enumerate(scan.files, start=1):
        progress("Lecture des fichiers", i - 1, len(scan.files))
        if disk.not_a_file(entry.path):
            continue  # a FIFO, a folder or a link put in its place since the scan: never opened
        try:
            collected = stage_file(db, connector.code, entry, "apercu", None, None)
        except (OSError, Unreadable) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            result.files.append(
                PendingFile(
                    name=entry.shown,
                    kind=entry.kind.value,
                    size=entry.size,
                    status=f"illisible pour l'instant : {reason}",
                    ok=False,
                )
            )
            continue
        if collected.sha256:
            present.add(collected.sha256)
        faults.checkpoint("staged")
        status = collected.status
        if collected.error:
            status = f"refusé : {_without_file_name(collected.error, entry.shown)}"
        elif collected.status == "déjà reçu":
            status = "déjà reçu : rien ne sera intégré deux fois"
        if collected.line_errors and not collected.error:
            ignored = [_without_file_name(e, entry.shown) for e in collected.line_errors]
            status = f"{status} ; lignes ignorées : {join_messages(ignored)}"
        stays = unsafe[collected.error is not None]
        if stays:
            status = f"{status} ; restera dans le dossier d'import : {stays}"
        result.files.append(
            PendingFile(
                name=entry.shown,
                kind=entry.kind.value,
                size=entry.size,
                status=status,
                ok=collected.error is None and not collected.line_errors and not stays,
            )
        )
    forget_vanished_previews(db, previewed, present)
    for name, size in scan.unrecognised:
        result.files.append(
            PendingFile(
                name=display_name(name),
                kind="non reconnu",
                size=size,
                status="fichier non reconnu : laissé en place",
                ok=False,
            )
        )
    for name, why in scan.ignored:
        result.files.append(
            PendingFile(name=display_name(name), kind="non reconnu", status=why, ok=False)
        )
    for entry in scan.settling:
        result.files.append(
            PendingFile(
                name=entry.shown,
                kind=entry.kind.value,
                size=entry.size,
                status=settling_text(settle),
                ok=False,
            )
        )
    progress("Analyse", 0, 1)
    analysis = analyse(db, connector, include_preview=True)
    result.articles, result.documents, result.tiers = (
        analysis.articles,
        analysis.documents,
        analysis.tiers,
    )
    progress("Analyse", 1, 1)
    return result


def changed_since_preview(db: Database, shown: Preview) -> str | None:
    """Why a reception now would not do what the preview `shown` said (another reception ran
    since, files arrived in or left the import folder), in French; None when nothing changed."""
    code = shown.connector_code
    last = history.last_run(db, code, RunKind.RECEPTION)
    if last is not None and last.id != shown.last_reception:
        by = dated(f"par {last.user}", last.started_at)
        return f"La réception n° {last.id} de {code} ({by}) a eu lieu depuis l'aperçu"
    scan = scan_folder(import_folder(connectors_store.require_connector(db, code)))
    now, before = _file_states(scan.files), shown.readable
    differences = (  # (files, singular, plural, where), the first found is said
        (now.keys() - before.keys(), "fichier arrivé", "fichiers arrivés", ""),
        (before.keys() - now.keys(), "fichier retiré", "fichiers retirés", " du dossier d'import"),
        (
            {n for n in now.keys() & before.keys() if now[n] != before[n]},
            "fichier réécrit",
            "fichiers réécrits",
            "",
        ),
    )
    for names, one, many, where in differences:
        if names:
            listed = ", ".join(display_name(name) for name in sorted(names))
            return f"{plural(len(names), one, many)}{where} depuis l'aperçu : {listed}"
    return None


def _file_states(entries: list[FolderEntry]) -> dict[str, tuple[int, int]]:
    """Name -> (size, modification time) of the files a reception would read."""
    return {entry.name: (entry.size, entry.mtime_ns) for entry in entries}


def _without_file_name(located: str, name: str) -> str:
    """« f.csv: colonne … » -> « colonne … », « f.csv:3: … » -> « ligne 3 : … »: the file's
    own row already names it."""
    where = location(located) if located.startswith(f"{name}:") else None
    if where is None:
        return located
    return where.text if where.line is None else f"ligne {where.line} : {where.text}"


def analyse(db: Database, connector: Connector, *, include_preview: bool = True) -> Analysis:
    """The statuses of everything staged and waiting; writes nothing."""
    tiers_ctx = TiersContext(db)
    tiers_plans = [
        plan_tiers(tiers_ctx, connector, row)
        for row in staging.open_tiers(db, connector.code, include_preview=include_preview)
    ]
    new_clients = {code for (kind, code) in tiers_ctx.created if kind is TiersKind.CLIENT}
    ctx = DocumentContext(db, connector, new_clients)
    pages = document_plans(db, ctx, include_preview=include_preview)
    documents = [p.pending() for page in pages for p in page]
    return Analysis(
        articles=pending_articles(ctx, include_preview),
        documents=documents,
        tiers=[
            PendingTiers(
                file_name=p.row.file_name,
                line=p.row.line,
                identifier=tiers_identifier(p.row),
                status=p.status,
                ok=p.ok,
                messages=p.messages,
            )
            for p in tiers_plans
        ],
    )
