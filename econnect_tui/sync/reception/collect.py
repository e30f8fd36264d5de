"""Collect: each recognised file read once and its rows staged in one transaction with its
SHA-256, then moved to `archive/AAAA/MM/` (or `erreurs/` when refused whole). A crash before
the commit leaves the file in place; after it, the next run finds the hash already staged and
only moves the file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from ... import faults
from ...db import write_transaction
from ...errors import os_reason
from ...exchange.csv import CsvFileError, read_csv
from ...exchange.facilitime import (
    DOCUMENT_LAYOUT,
    TIERS_LAYOUT,
    FileKind,
    tiers_record,
)
from ...exchange.staged import (
    DocumentRowStager,
)
from ...french import dated
from ...models.connector import Connector
from ...models.reports import ItemType, RunFile, join_messages
from ...store import staging
from . import disk
from .folder import (
    FolderEntry,
    archive_target,
    display_name,
    file_sha256,
    left_in_place,
    scan_folder,
    settling_text,
)
from .models import Progress
from .report import Report

BATCH_ROWS = 2000


@dataclass
class Collected:
    """What collecting one file did."""

    entry: FolderEntry
    file_id: int | None = None
    sha256: str | None = None
    rows: int = 0
    status: str = "à traiter"  # à traiter, déjà reçu, refusé, laissé en place
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    line_errors: list[str] = field(default_factory=list)  # rows belonging to no document
    previous: staging.ReceivedFile | None = None


def stage_file(
    db: Database,
    connector_code: str,
    entry: FolderEntry,
    status: str,
    run_id: int | None,
    archive_path: str | None,
) -> Collected:
    """Reads a file and stages its rows in one transaction (or finds it already staged)."""
    result = Collected(entry)
    layout = TIERS_LAYOUT if entry.kind is FileKind.TIERS else DOCUMENT_LAYOUT
    try:
        reader = read_csv(entry.path, layout, filename=entry.shown)
    except CsvFileError as exc:
        result.sha256, size = file_sha256(entry.path)
        result.error = str(exc)
        result.previous = staging.find_file(db, connector_code, result.sha256)
        result.status = "refusé"
        entry.size = size
        return result
    result.sha256 = reader.sha256
    result.warnings = list(reader.warnings)
    previous = staging.find_file(db, connector_code, reader.sha256)
    if previous is not None:
        return _already_staged(result, previous)
    with write_transaction(db):
        # Again under the write lock: another process (a preview on another operator's screen)
        # may have staged the same bytes since the look above. Its rows are the file's rows.
        previous = staging.find_file(db, connector_code, reader.sha256)
        if previous is not None:
            return _already_staged(result, previous)
        file_id = staging.create_file(
            db,
            connector_code,
            entry.shown,
            entry.kind.value,
            reader.sha256,
            reader.size,
            status,
            warnings=result.warnings,
            archive_path=archive_path,
            run_id=run_id,
        )
        rows = _stage_rows(db, reader, file_id, entry)
        if reader.interrupted:
            # the file changed or could not be read to the end: not this time
            raise Unreadable(join_messages(reader.errors))
        result.line_errors = list(reader.errors)
        staging.set_file_rows(db, file_id, rows, result.line_errors)
        if entry.kind is FileKind.DOCUMENTS:
            staging.add_versions(db, connector_code, file_id)
    result.file_id = file_id
    result.rows = rows
    return result


def _already_staged(result: Collected, previous: staging.ReceivedFile) -> Collected:
    """What collecting a file whose bytes are already staged does: nothing read again."""
    result.previous = previous
    result.file_id = previous.id
    result.rows = previous.rows
    result.warnings = previous.warnings
    result.line_errors = previous.line_errors
    if previous.status == "apercu":
        result.status = "à traiter"
    elif previous.archive_path and not Path(previous.archive_path).exists():
        # staged by a reception that stopped before moving it: finish the job
        result.status = "à archiver"
    else:
        result.status = "déjà reçu"
    if previous.status == "rejete":
        result.status, result.error = "refusé", previous.error
    return result


class Unreadable(Exception):
    pass


def _stage_rows(db: Database, reader, file_id: int, entry: FolderEntry) -> int:
    batch: list[tuple] = []
    count = 0
    documents = entry.kind is FileKind.DOCUMENTS
    if documents:
        stage = DocumentRowStager(entry.shown, file_id)
        rows = (stage(row.line, row.values, row.errors) for row in reader.lists())
    else:
        rows = (_staged_tiers(file_id, entry.shown, row) for row in reader)
    for staged in rows:
        count += 1
        batch.append(staged)
        if len(batch) >= BATCH_ROWS:
            _flush(db, batch, documents)
            batch = []
    _flush(db, batch, documents)
    return count


def _staged_tiers(file_id: int, file_name: str, row) -> tuple:
    record = tiers_record(row, file_name)
    return (
        file_id,
        row.line,
        record.type.value if record.type else None,
        record.code,
        record.parent,
        json.dumps(record.values, ensure_ascii=False, default=str),
        "\n".join(record.errors) or None,
    )


def _flush(db: Database, batch: list[tuple], documents: bool) -> None:
    if batch:
        if documents:
            staging.insert_lines(db, batch)
        else:
            staging.insert_tiers(db, batch)


def forget_vanished_previews(
    db: Database, previewed: list[staging.ReceivedFile], present: set[str]
) -> None:
    """Forgets the files staged by a preview that are no longer in the import folder:
    `previewed`, read before the folder was listed, less the `present` hashes. A file another
    operator's preview staged since the listing is not among them: it is kept."""
    for f in previewed:
        if f.sha256 not in present:
            staging.forget_file(db, f.id)


def collect_all(
    db,
    connector: Connector,
    folder: Path,
    run_id: int,
    report: Report,
    progress: Progress,
    settle: float,
) -> None:
    previewed = staging.preview_files(db, connector.code)  # before the listing: see the forget
    scan = scan_folder(folder, settle=settle)
    present: set[str] = set()
    now = datetime.now()
    for i, entry in enumerate(scan.files):
        progress("Lecture des fichiers", i, len(scan.files))
        if disk.not_a_file(entry.path):
            continue  # a FIFO, a folder or a link put in its place since the scan: never opened
        name = entry.shown
        try:
            target = archive_target(folder, entry.name, now, rejected=False)[0]
            collected = stage_file(db, connector.code, entry, "recu", run_id, str(target))
        except (OSError, Unreadable) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            report.add(
                entry.name,
                ItemType.FILE,
                name,
                False,
                f"Fichier illisible, laissé en place : {reason}",
            )
            report.files.append(
                RunFile(name=name, kind=entry.kind.value, size=entry.size, status="laissé en place")
            )
            continue
        if collected.sha256:
            present.add(collected.sha256)
        faults.checkpoint("staged")
        _archive(db, connector, folder, entry, collected, run_id, report, now)
        faults.checkpoint("archived")
    forget_vanished_previews(db, previewed, present)
    for name, size in scan.unrecognised:
        report.add(
            name,
            ItemType.FILE,
            display_name(name),
            False,
            "Fichier non reconnu : laissé dans le dossier d'import",
        )
        report.files.append(
            RunFile(
                name=display_name(name), kind="non reconnu", size=size, status="laissé en place"
            )
        )
    for name, why in scan.ignored:
        report.add(name, ItemType.FILE, display_name(name), False, why.capitalize())
    for entry in scan.settling:
        name = entry.shown
        report.add(entry.name, ItemType.FILE, name, False, settling_text(settle).capitalize())
        report.files.append(
            RunFile(name=name, kind=entry.kind.value, size=entry.size, status="laissé en place")
        )
    progress("Lecture des fichiers", len(scan.files), len(scan.files))


def _archive(
    db,
    connector: Connector,
    folder: Path,
    entry: FolderEntry,
    collected: Collected,
    run_id: int,
    report: Report,
    now: datetime,
) -> None:
    name = entry.shown
    rejected = collected.error is not None
    target, unsafe = archive_target(folder, entry.name, now, rejected)
    if rejected and collected.previous is None:
        with write_transaction(db):
            staging.create_file(
                db,
                connector.code,
                name,
                entry.kind.value,
                collected.sha256,
                entry.size,
                "rejete",
                error=collected.error,
                archive_path=str(target),
                run_id=run_id,
            )
    elif collected.file_id is not None and collected.status in ("à traiter", "à archiver"):
        staging.mark_received(db, collected.file_id, str(target), run_id)
    if unsafe is None:
        try:
            target = disk.move_into(folder, entry.path, target)
        except disk.UnsafeFolder as exc:
            unsafe = str(exc)
        except OSError as exc:
            why = os_reason(exc)
            report.add(
                entry.name,
                ItemType.FILE,
                name,
                False,
                f"Intégré mais non archivé ({why}) : il le sera à la prochaine réception",
            )
            return
    if unsafe is not None:
        # Its data are received like any other's; the file stays where the ETA software put it.
        refused = [f"Fichier refusé : {collected.error}"] if rejected else []
        report.add(
            entry.name, ItemType.FILE, name, False, join_messages([*refused, left_in_place(unsafe)])
        )
        report.files.append(_run_file(entry, collected, "laissé en place"))
        if not rejected:
            _report_lines(report, entry, collected)
        return
    report.count("fichiers")
    relative = display_name(str(target.relative_to(folder)))
    status = (
        "erreurs" if rejected else ("déjà reçu" if collected.status == "déjà reçu" else "archivé")
    )
    report.files.append(_run_file(entry, collected, status, display_name(str(target))))
    if rejected:
        report.add(
            entry.name,
            ItemType.FILE,
            name,
            False,
            f"Fichier refusé, déplacé dans {relative} : {collected.error}",
        )
    elif collected.status == "déjà reçu":
        when = collected.previous.received_at if collected.previous else None
        report.add(
            entry.name,
            ItemType.FILE,
            name,
            True,
            f"{dated('Déjà reçu', when)} : rien n'est intégré deux fois ; archivé dans {relative}",
        )
    else:
        _report_lines(report, entry, collected)


def _report_lines(report: Report, entry: FolderEntry, collected: Collected) -> None:
    """The rows of a received file that were ignored, and its warnings."""
    name = entry.shown
    if collected.line_errors:
        report.add(
            entry.name,
            ItemType.FILE,
            name,
            False,
            join_messages(["Lignes ignorées", *collected.line_errors, *collected.warnings]),
        )
    elif collected.warnings:
        report.add(entry.name, ItemType.FILE, name, True, join_messages(collected.warnings))


def _run_file(
    entry: FolderEntry, collected: Collected, status: str, path: str | None = None
) -> RunFile:
    """The history's line of a file read (`path`: where it was archived)."""
    return RunFile(
        name=entry.shown,
        kind=entry.kind.value,
        sha256=collected.sha256,
        size=entry.size,
        rows=collected.rows,
        path=path,
        status=status,
    )
