"""The reception of an ETA software's files: collect → analyse → integrate → report.

1. Collect. Each recognised file of the import folder (tiers before documents, by name) is
   read once and its rows staged in one transaction with the file's SHA-256; then the file is
   moved to `archive/AAAA/MM/` (or `erreurs/` when refused whole). A crash before the commit
   leaves the file in place; after it, the next run finds the hash already staged and only
   moves the file. The same bytes received twice integrate nothing twice.
2. Analyse. From the staged rows: tiers and documents with their status (preview). Documents
   are read by pages in numero order, so memory does not grow with the file.
3. Integrate. Tiers first, then documents; each document in its own savepoint, with the record
   of what became of it, so a document is integrated exactly once and one failure never stops
   the others. Held-back documents stay staged and are offered again.
4. Report. One history entry with one row per item.

`preview()` runs steps 1 (staging without receiving: files stay where they are) and 2.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel, Field
from sqlite_utils import Database

from .. import faults, settings
from ..db import write_transaction
from ..errors import UserError, describe, failure_reason, os_reason
from ..exchange.csvfile import CsvFileError, location, read_csv
from ..exchange.facilitime import (
    CONTACT_FIELDS,
    DOCUMENT_LAYOUT,
    TIERS_FIELDS,
    TIERS_LAYOUT,
    FileKind,
    TiersType,
    check_document,
    file_kind,
    hashed_before_one_line_break,
    is_partial,
    preview_label,
    report_identifier,
    tiers_record,
    total_warning,
)
from ..exchange.staged import (
    DocumentRowStager,
    ReadLine,
    header_of_serialized,
    read_lines,
    split_header,
)
from ..french import dated
from ..models.amounts import ZERO, Totals, totals_of_bases
from ..models.connector import Connector, Mode
from ..models.gc import Contact, Tiers, TiersKind
from ..models.reports import ItemType, RunFile, RunKind, RunStatus, SyncRun, join_messages
from ..models.validators import spreadsheet_warnings
from ..store import articles as articles_store
from ..store import connectors as connectors_store
from ..store import documents as documents_store
from ..store import history, mappings, reference, staging
from ..store import tiers as tiers_store
from ..store.reference import RefKind
from ..text import plural
from . import folders, locks
from . import send as sending
from .connectors import export_folder_conflict, import_folder_conflict
from .runs import host, operator

log = logging.getLogger("econnect")

Progress = Callable[[str, int, int], None]
BATCH_ROWS = 2000
PAGE_DOCUMENTS = 500

# Document statuses, as the UI shows them (facilitime-csv.md §2).
NEW = "Nouveau document"
UPDATE = "Mise à jour"
SAME = "Déjà intégré"
REFUSED = "Refusé : document déjà validé"


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


# Models of the preview and the result ---------------------------------------------------------


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


# The import folder ----------------------------------------------------------------------------


@dataclass
class FolderEntry:
    name: str  # as the system gives it: only for the file system (see `shown`)
    path: Path
    kind: FileKind
    size: int
    mtime_ns: int = 0

    @property
    def shown(self) -> str:
        """The name as stored, reported and printed (`display_name`)."""
        return display_name(self.name)


@dataclass
class FolderScan:
    files: list[FolderEntry] = field(default_factory=list)
    unrecognised: list[tuple[str, int]] = field(default_factory=list)  # (name, size)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    # recognised files not yet seen unchanged for the quiet period: read at a next reception
    settling: list[FolderEntry] = field(default_factory=list)


def display_name(name: str) -> str:
    """A file name as a report shows it: control characters made visible, and a name that is
    not valid UTF-8 (Latin-1 bytes from a Windows share: Python gives them as surrogates, which
    neither SQLite nor a terminal accepts) with those bytes escaped, « ImportTiers_\\xe9t\\xe9.csv »
    (a name in UTF-8 read under a C locale shows its letters)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = os.fsencode(name)
        except UnicodeEncodeError:
            raw = name.encode("utf-8", "surrogatepass")
        name = raw.decode("utf-8", "backslashreplace")
    if name.isprintable():
        return name
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in name)


def import_folder(connector: Connector) -> Path:
    if connector.mode is not Mode.CSV or not connector.import_path:
        raise UserError(
            f"Le connecteur {connector.code} communique par webservice : "
            "il ne reçoit pas de fichiers CSV."
        )
    folder = Path(connector.import_path).expanduser()
    if not folder.is_dir():
        raise UserError(f"Le dossier d'import {folder} n'existe pas ou n'est pas un dossier.")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise UserError(f"Le dossier d'import {folder} n'est pas lisible.")
    return folder


SETTLE_MARGIN = 0.05  # seconds slept beyond the quiet period: the second look is past it


def settling_text(settle: float) -> str:
    return (
        f"fichier en cours d'écriture (modifié il y a moins de {settle:g} s) : "
        "laissé en place, lu à la prochaine réception"
    )


def scan_folder(
    folder: Path,
    *,
    settle: float | None = None,
    wait: bool = False,
    progress: Progress | None = None,
) -> FolderScan:
    """The files waiting: tiers first, then documents, each by name. Symbolic links are never
    followed (they could point outside the folder); folders, FIFOs and sockets are skipped
    without a word and never opened; partial files are left to finish, and so is a file not
    yet seen unchanged for `settle` seconds (`settings.settle_seconds()` when not given; said,
    read at the next reception), whatever its dates say. With `wait`, such a file is looked at
    again once that delay has passed, so only one still changing is left aside."""
    settle = settings.settle_seconds() if settle is None else settle
    scan, ages = _look(folder)
    unsettled = [ages[entry.name] for entry in scan.files if ages[entry.name] < settle]
    if wait and unsettled:
        (progress or _no_progress)("Fichiers en cours d'écriture", 0, 1)
        time.sleep(settle - min(unsettled) + SETTLE_MARGIN)
        scan, ages = _look(folder)
    scan.settling = [entry for entry in scan.files if ages[entry.name] < settle]
    scan.files = [entry for entry in scan.files if ages[entry.name] >= settle]
    order = {FileKind.TIERS: 0, FileKind.DOCUMENTS: 1}
    scan.files.sort(key=lambda f: (order[f.kind], f.name))
    return scan


def _look(folder: Path) -> tuple[FolderScan, dict[str, float]]:
    """One look at the folder: every recognised file in `files`, and for how long each has
    been seen unchanged (`folders.SIGHTINGS`)."""
    scan = FolderScan()
    signatures: dict[str, folders.Signature] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        raise UserError(
            f"Le dossier d'import {folder} ne peut pas être lu : {os_reason(exc)}."
        ) from exc
    for entry in sorted(entries, key=lambda e: e.name):
        name = entry.name
        try:
            if entry.is_symlink():
                scan.ignored.append((name, "lien symbolique ignoré (jamais suivi)"))
                continue
            if not entry.is_file(follow_symlinks=False):
                continue  # archive/, erreurs/ and other folders
            stat = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        size = stat.st_size
        if is_partial(name):
            continue
        kind = file_kind(name)
        if kind is None:
            scan.unrecognised.append((name, size))
        else:
            scan.files.append(FolderEntry(name, Path(entry.path), kind, size, stat.st_mtime_ns))
            signatures[name] = folders.signature(stat)
    return scan, folders.SIGHTINGS.look(folder, signatures)


def archive_parts(when: datetime, rejected: bool) -> tuple[str, ...]:
    """The subfolder of the import folder a received file goes to."""
    return ("erreurs",) if rejected else ("archive", f"{when:%Y}", f"{when:%m}")


def archive_destination(folder: Path, name: str, when: datetime, rejected: bool) -> Path:
    """Where a received file goes (`archive/AAAA/MM/` or `erreurs/`, made when missing), a
    free name; `folders.UnsafeFolder` when one of these is a link or not a folder."""
    if not folder.is_dir():  # removed meanwhile: never recreate it
        raise FileNotFoundError(2, "le dossier d'import a disparu", str(folder))
    return folders.free_target(folder, archive_parts(when, rejected), name)


def left_in_place(reason: str) -> str:
    """The report's sentence for a file not moved into a link (`folders.UnsafeFolder`)."""
    return (
        f"Fichier laissé en place : {reason}, et un fichier reçu n'est jamais déplacé hors du "
        "dossier d'import (remplacez-le par un vrai dossier)"
    )


def _file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# Collect --------------------------------------------------------------------------------------


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


def _stage(
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
        result.sha256, size = _file_sha256(entry.path)
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
            raise _Unreadable(join_messages(reader.errors))
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


class _Unreadable(Exception):
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


def _forget_vanished_previews(
    db: Database, previewed: list[staging.ReceivedFile], present: set[str]
) -> None:
    """Forgets the files staged by a preview that are no longer in the import folder:
    `previewed`, read before the folder was listed, less the `present` hashes. A file another
    operator's preview staged since the listing is not among them: it is kept."""
    for f in previewed:
        if f.sha256 not in present:
            staging.forget_file(db, f.id)


# Analyse: tiers -------------------------------------------------------------------------------


@dataclass
class TiersPlan:
    row: staging.StagedTiers
    status: str
    ok: bool
    messages: list[str]
    action: str | None = None  # create, update, None
    record: Tiers | Contact | None = None


class _TiersContext:
    """The GC's tiers as the plan goes: a client created by an earlier row exists for later
    rows (a contact, a document)."""

    def __init__(self, db: Database):
        self.db = db
        self.created: dict[tuple[TiersKind, str], Tiers] = {}

    def find(self, kind: TiersKind, code: str) -> Tiers | None:
        return self.created.get((kind, code)) or tiers_store.get_tiers(self.db, kind, code)

    def parent_kind(self, code: str) -> TiersKind | None:
        # A contact's parent: a client first, then a supplier.
        for kind in (TiersKind.CLIENT, TiersKind.SUPPLIER):
            if self.find(kind, code) is not None:
                return kind
        return None


def _plan_tiers(ctx: _TiersContext, connector: Connector, row: staging.StagedTiers) -> TiersPlan:
    """What to do with a staged tiers row; a value a spreadsheet likely damaged (a 4-digit
    postal code, a 9-digit phone) is said after the status, the row still goes through."""
    plan = _tiers_plan(ctx, connector, row)
    if plan.ok and (row.fields.keys() & {"postal_code", "phone", "mobile"}):
        country = row.fields.get("country")
        if isinstance(plan.record, Tiers):
            country = plan.record.country
        elif row.type != TiersType.CONTACT.value and row.fields.get("postal_code"):
            kind = TiersKind.CLIENT if row.type == TiersType.CLIENT.value else TiersKind.SUPPLIER
            existing = ctx.find(kind, row.code)
            country = existing.country if existing is not None else country
        plan.messages = [
            *plan.messages,
            *(
                f"Attention : {column} ligne {row.line} : {reason}"
                for column, reason in spreadsheet_warnings(row.fields, country)
            ),
        ]
    return plan


def _tiers_plan(ctx: _TiersContext, connector: Connector, row: staging.StagedTiers) -> TiersPlan:
    if row.errors:
        first = row.errors[0].split(": ", 1)[-1]
        return TiersPlan(row, f"Erreur : {first}", False, row.errors)
    kind = TiersType(row.type)
    if kind is TiersType.CONTACT:
        return _plan_contact(ctx, row)
    tiers_kind = TiersKind.CLIENT if kind is TiersType.CLIENT else TiersKind.SUPPLIER
    existing = ctx.find(tiers_kind, row.code)
    if existing is None:
        family = (
            connector.receive.client_family
            if tiers_kind is TiersKind.CLIENT
            else connector.receive.supplier_family
        )
        data = {
            "country": "France",
            **row.fields,
            "code": row.code,
            "kind": tiers_kind,
            "family_code": family,
        }
        try:
            record = Tiers.model_validate(data)
        except ValueError as exc:
            return TiersPlan(row, f"Erreur : {_first_reason(exc)}", False, [str(exc)])
        ctx.created[(tiers_kind, row.code)] = record
        status = "Nouveau client" if tiers_kind is TiersKind.CLIENT else "Nouveau fournisseur"
        return TiersPlan(row, status, True, [], "create", record)
    changed = {k: v for k, v in row.fields.items() if getattr(existing, k, None) != v}
    if not changed:
        return TiersPlan(row, "Identique", True, [])
    try:
        record = Tiers.model_validate({**existing.model_dump(), **row.fields})
    except ValueError as exc:
        return TiersPlan(row, f"Erreur : {_first_reason(exc)}", False, [str(exc)])
    ctx.created[(tiers_kind, row.code)] = record
    return TiersPlan(row, "Mise à jour", True, [_changes(changed)], "update", record)


def _plan_contact(ctx: _TiersContext, row: staging.StagedTiers) -> TiersPlan:
    parent_kind = ctx.parent_kind(row.parent)
    if parent_kind is None:
        return TiersPlan(row, f"Erreur : Tiers parent inconnu : {row.parent}", False, [])
    probe = Contact.model_construct(
        parent_kind=parent_kind,
        parent_code=row.parent,
        code=row.code,
        last_name=row.fields.get("last_name"),
        first_name=row.fields.get("first_name"),
    )
    existing = tiers_store.find_contact(ctx.db, probe)
    if existing is None:
        try:
            record = Contact.model_validate(
                {
                    **row.fields,
                    "code": row.code,
                    "parent_kind": parent_kind,
                    "parent_code": row.parent,
                }
            )
        except ValueError as exc:
            return TiersPlan(row, f"Erreur : {_first_reason(exc)}", False, [str(exc)])
        return TiersPlan(row, "Nouveau contact", True, [], "create", record)
    changed = {k: v for k, v in row.fields.items() if getattr(existing, k, None) != v}
    if not changed:
        return TiersPlan(row, "Identique", True, [])
    record = Contact.model_validate({**existing.model_dump(), **row.fields})
    return TiersPlan(row, "Mise à jour", True, [_changes(changed)], "update", record)


def _first_reason(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        from ..models.validators import french_reason

        first = errors()[0]
        return f"{first['loc'][0] if first['loc'] else ''} : {french_reason(first)}".strip(" :")
    return str(exc)


_COLUMN_OF_FIELD = {
    **{field: column for column, field in TIERS_FIELDS.items()},
    **{field: column for column, field in CONTACT_FIELDS.items()},
}


def _changes(changed: dict) -> str:
    """« modifié : Telephone, Email », in the file's column names."""
    return "modifié : " + ", ".join(sorted(_COLUMN_OF_FIELD.get(f, f) for f in changed))


def _identifier(row: staging.StagedTiers) -> str:
    if row.type == TiersType.CONTACT.value:
        name = " ".join(
            str(v) for v in (row.fields.get("first_name"), row.fields.get("last_name")) if v
        )
        return f"Contact {row.parent or '?'} / {row.code or name}"
    return f"{row.type or 'Tiers'} {row.code or '?'}"


def _apply_tiers(db: Database, plan: TiersPlan) -> None:
    if isinstance(plan.record, Tiers):
        tiers_store.save_tiers(db, plan.record)
    elif isinstance(plan.record, Contact):
        tiers_store.save_contact(db, plan.record)


# Analyse: documents ---------------------------------------------------------------------------


class _DocumentContext:
    """What every document of a reception is checked against, loaded once."""

    def __init__(self, db: Database, connector: Connector, extra_clients: set[str]):
        self.db = db
        self.connector = connector
        self.clients = tiers_store.tiers_ids(db, TiersKind.CLIENT)
        self.extra_clients = extra_clients

    # Only the detailed check of a faulty document, the pending articles of a preview and the
    # per-document writes need these: a clean reception is checked and written by SQL.
    @cached_property
    def mapping(self) -> dict[str, str]:
        return mappings.external_to_article(self.db, self.connector.code)

    @cached_property
    def articles(self) -> dict:
        return {a.code: a for a in articles_store.list_articles(self.db)}

    @cached_property
    def units(self) -> set[str]:
        return reference.codes(self.db, RefKind.UNITS)


@dataclass
class DocumentPlan:
    version: staging.Version
    numero: str
    client_code: str | None
    label: str
    status: str
    ok: bool
    held: bool
    messages: list[str]
    lines: int
    outcome: str | None = None  # final outcome without writing: inchange, refuse, erreur
    action: str | None = None  # create, update: written with its page (`_write_checked`)
    content_hash: str = ""
    existing: documents_store.ExternalState | None = None
    unmapped: list[str] = field(default_factory=list)
    totals: Totals | None = None
    header: dict[str, str | None] | None = None  # to write: the header fields
    staged_ids: list[int] = field(default_factory=list)  # to write: its staged rows, in order

    def pending(self) -> PendingDocument:
        return PendingDocument(
            numero=self.numero,
            client_code=self.client_code,
            label=self.label,
            status=self.status,
            ok=self.ok,
            held=self.held,
            messages=self.messages,
            file_name=self.version.file_name,
            lines=self.lines,
            gc_number=self.existing.number if self.existing else None,
        )


def _plan_document(
    ctx: _DocumentContext,
    version: staging.Version,
    rows: list[ReadLine],
    existing: documents_store.ExternalState | None,
) -> DocumentPlan:
    first = rows[0].values
    numero = version.numero
    client = first.get("CodeClient")
    located = [(version.file_name, r.line, r.values) for r in rows]
    row_errors = [e for r in rows for e in r.errors]

    def plan(status, ok, held, messages, **kw) -> DocumentPlan:
        computed = kw.pop("total", None)
        return DocumentPlan(
            version,
            numero,
            client,
            preview_label({**first, "NumeroDocument": numero}, computed),
            status,
            ok,
            held,
            messages,
            len(rows),
            existing=existing,
            **kw,
        )

    if row_errors:
        return plan(
            f"Erreur : {_reason(row_errors[0])}", False, False, row_errors, outcome="erreur"
        )
    vat_rates = {}
    unmapped: list[str] = []
    for r in rows:
        code = r.values["CodeArticle"]
        article_code = ctx.mapping.get(code)
        if article_code is None:
            if code not in unmapped:
                unmapped.append(code)
        else:
            vat_rates[code] = ctx.articles[article_code].vat_rate
    check = check_document(located, vat_rates if not unmapped else None, [r.data for r in rows])
    if check.errors:
        return plan(
            f"Erreur : {_reason(check.errors[0])}",
            False,
            False,
            check.errors,
            outcome="erreur",
            total=check.total_ttc,
        )
    if unmapped:
        return plan(
            f"Article sans correspondance : {', '.join(unmapped)}",
            False,
            True,
            [f"Article sans correspondance : {code}" for code in unmapped],
            unmapped=unmapped,
        )
    if client not in ctx.clients and client not in ctx.extra_clients:
        return plan(
            f"Client inconnu : {client}",
            False,
            True,
            [f"Client inconnu : {client}"],
            total=check.total_ttc,
        )
    bad_units = sorted({u for r in rows if (u := r.values.get("Unite")) and u not in ctx.units})
    if bad_units:
        # The contract's « Erreur : … » (not integrated), but a GC record is missing, as for an
        # unknown client: held back until the unit is created, not closed for good once its
        # file is archived (it would then come back « déjà reçu »).
        where = next(
            f"{version.file_name}:{r.line}: Unite: unité inconnue « {r.values['Unite']} »"
            for r in rows
            if r.values.get("Unite") in bad_units
        )
        return plan(f"Erreur : {_reason(where)}", False, True, [where], total=check.total_ttc)
    warnings = [f"Attention : {w}" for w in check.warnings]
    known = _known_outcome(existing, check.content_hash, lambda: [r.data for r in rows])
    if known is not None:
        status, ok, messages, outcome = known
        return plan(
            status,
            ok,
            False,
            messages,
            outcome=outcome,
            total=check.total_ttc,
            content_hash=check.content_hash,
        )
    # Nothing wrong after all: written like the documents SQL found clean, from its rows.
    return plan(
        UPDATE if existing else NEW,
        True,
        False,
        warnings,
        action="update" if existing else "create",
        header=header_of_serialized(rows[0].data),
        staged_ids=[r.id for r in rows],
        content_hash=check.content_hash,
        total=check.total_ttc,
        totals=check.totals,
    )


def _known_outcome(
    existing: documents_store.ExternalState | None,
    content_hash: str,
    serialized: Callable[[], list[str]],
) -> tuple[str, bool, list[str], str] | None:
    """A document received before whose fate is settled: same content (nothing to write) or
    no longer a draft (refused). (status, ok, messages, outcome), or None. `serialized` gives
    its rows, only read when the hashes differ and the stored one may be an older version's
    (`hashed_before_one_line_break`)."""
    if existing is None:
        return None
    if existing.content_hash == content_hash or (
        existing.content_hash and hashed_before_one_line_break(existing.content_hash, serialized())
    ):
        return SAME, True, [f"Déjà intégré ({existing.number})"], "inchange"
    if existing.status.value != "brouillon":
        label = existing.status.label.lower()
        return REFUSED, False, [f"Refusé : le document {existing.number} est {label}"], "refuse"
    return None


def _reason(located: str) -> str:
    """« file:14: Quantite: « x » n'est pas un nombre » -> « Quantite ligne 14 : … »."""
    where = location(located)
    cell = where.cell() if where and where.line is not None else None
    if cell:
        return f"{cell[0]} ligne {where.line} : {cell[1]}"
    return located


def _plans(
    db: Database, ctx: _DocumentContext, *, include_preview: bool
) -> Iterator[list[DocumentPlan]]:
    """Plans of the waiting documents, page by page (numero order)."""
    for versions in staging.iter_open_versions(
        db, ctx.connector.code, include_preview=include_preview, page=PAGE_DOCUMENTS
    ):
        states = documents_store.external_states(
            db, ctx.connector.code, [v.numero for v in versions]
        )
        checked = _check_versions(db, ctx.connector.code, versions)
        faulty = [v for v in versions if checked.get((v.numero, v.file_id)) is None]
        lines = read_lines(staging.lines_of(db, faulty))
        plans = []
        for v in versions:
            key = (v.numero, v.file_id)
            if checked.get(key) is not None:
                plans.append(_plan_checked(ctx, v, checked[key], states.get(v.numero)))
            elif key in lines:
                plans.append(_plan_document(ctx, v, lines[key], states.get(v.numero)))
        yield plans


@dataclass(slots=True)
class _Checked:
    """A document version as SQL and one pass over its rows see it."""

    header: str
    ok: bool = True  # every row clean, mapped, with a known unit; the header fields agree
    ids: list[int] = field(default_factory=list)  # its staged rows, in line order
    digest: object = field(default_factory=hashlib.sha256)
    breaks: bool = False  # a text holds a line break (`hashed_before_one_line_break`)
    cents: dict[str, int] = field(default_factory=dict)  # HT base of each VAT rate, in cents


def _check_versions(
    db: Database, connector_code: str, versions: list[staging.Version]
) -> dict[tuple[str, int], _Checked | None]:
    """Each version with rows, checked whole: None when something is wrong with it, for the
    detailed check (`_plan_document`) to say what and where."""
    out: dict[tuple[str, int], _Checked | None] = {}
    key = current = None
    for row_id, numero, file_id, data, header, ok, rate, cents in staging.version_rows(
        db, connector_code, versions
    ):
        if (numero, file_id) != key:
            if key is not None:
                out[key] = current if current.ok else None
            key, current = (numero, file_id), _Checked(header)
        current.ids.append(row_id)
        if not current.ok:
            continue
        if not ok or header != current.header:
            current.ok = False
            continue
        current.digest.update(data.encode())
        current.digest.update(b"\x1e")
        if "\n" in data:
            current.breaks = True
        current.cents[rate] = current.cents.get(rate, 0) + cents
    if key is not None:
        out[key] = current if current.ok else None
    return out


@lru_cache(maxsize=256)
def _rate_key(rate: str) -> Decimal:
    """A VAT rate as `document_totals` keys it (a few rates, thousands of documents)."""
    return Decimal(rate).normalize() or ZERO


def _plan_checked(
    ctx: _DocumentContext,
    version: staging.Version,
    checked: _Checked,
    existing: documents_store.ExternalState | None,
) -> DocumentPlan:
    """The plan of a document SQL found clean: same statuses as `_plan_document`."""
    header = split_header(checked.header)
    bases: dict[Decimal, Decimal] = {}
    for rate, cents in checked.cents.items():
        key = _rate_key(rate)
        bases[key] = bases.get(key, ZERO) + Decimal(cents).scaleb(-2)
    totals = totals_of_bases(bases)
    given = Decimal(header["TotalTTC"]) if header["TotalTTC"] else None
    numero = version.numero
    client = header["CodeClient"]
    label = preview_label({**header, "NumeroDocument": numero, "TotalTTC": given}, totals.total_ttc)
    content_hash = checked.digest.hexdigest()

    def plan(status, ok, held, messages, **kw) -> DocumentPlan:
        return DocumentPlan(
            version,
            numero,
            client,
            label,
            status,
            ok,
            held,
            messages,
            len(checked.ids),
            existing=existing,
            totals=totals,
            content_hash=content_hash,
            staged_ids=checked.ids,
            **kw,
        )

    if client not in ctx.clients and client not in ctx.extra_clients:
        return plan(f"Client inconnu : {client}", False, True, [f"Client inconnu : {client}"])

    def serialized() -> list[str]:
        if not checked.breaks:
            return []
        rows = read_lines(staging.lines_of(ctx.db, [version]))[(version.numero, version.file_id)]
        return [r.data for r in rows]

    known = _known_outcome(existing, content_hash, serialized)
    if known is not None:
        status, ok, messages, outcome = known
        return plan(status, ok, False, messages, outcome=outcome)
    warning = total_warning(given, totals.total_ttc)
    return plan(
        UPDATE if existing else NEW,
        True,
        False,
        [f"Attention : {warning}"] if warning else [],
        action="update" if existing else "create",
        header=header,
    )


def _pending_articles(ctx: _DocumentContext, include_preview: bool) -> list[PendingArticle]:
    """The external codes of the waiting documents, with their GC article (the context's
    correspondences and articles, already loaded for the documents)."""
    out = []
    for code, label, count in staging.pending_articles(
        ctx.db, ctx.connector.code, include_preview=include_preview
    ):
        article = ctx.mapping.get(code)
        out.append(
            PendingArticle(
                code=code,
                label=label or "",
                documents=count,
                article_code=article,
                article_label=ctx.articles[article].label if article else None,
            )
        )
    return out


# Preview --------------------------------------------------------------------------------------


def preview(
    db: Database, code: str, progress: Progress | None = None, *, settle: float | None = None
) -> Preview:
    """What a reception would do. Stages new files (they stay in the import folder) and
    writes no GC data; cheap to run again after a correspondence is made. A file not yet seen
    settled is looked at again once the quiet period (`settle`, see `scan_folder`) has
    passed."""
    progress = progress or _no_progress
    settle = settings.settle_seconds() if settle is None else settle
    connector = connectors_store.require_connector(db, code)
    folder = import_folder(connector)
    _refuse_shared_import_folder(db, connector)
    last = history.last_run(db, connector.code, RunKind.RECEPTION)
    previewed = staging.preview_files(db, connector.code)  # before the listing: see the forget
    scan = scan_folder(folder, settle=settle, wait=True, progress=progress)
    now = datetime.now()
    # Said before the reception meets it: a destination that is a link keeps files in place.
    unsafe = {r: folders.unsafe_reason(folder, archive_parts(now, r)) for r in (False, True)}
    result = Preview(
        connector_code=connector.code,
        last_reception=last.id if last is not None else None,
        readable=_file_states(scan.files),
    )
    present: set[str] = set()
    for i, entry in enumerate(scan.files, start=1):
        progress("Lecture des fichiers", i - 1, len(scan.files))
        if folders.not_a_file(entry.path):
            continue  # a FIFO, a folder or a link put in its place since the scan: never opened
        try:
            collected = _stage(db, connector.code, entry, "apercu", None, None)
        except (OSError, _Unreadable) as exc:
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
    _forget_vanished_previews(db, previewed, present)
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


class Analysis(BaseModel):
    articles: list[PendingArticle] = []
    documents: list[PendingDocument] = []
    tiers: list[PendingTiers] = []


def analyse(db: Database, connector: Connector, *, include_preview: bool = True) -> Analysis:
    """The statuses of everything staged and waiting; writes nothing."""
    tiers_ctx = _TiersContext(db)
    tiers_plans = [
        _plan_tiers(tiers_ctx, connector, row)
        for row in staging.open_tiers(db, connector.code, include_preview=include_preview)
    ]
    new_clients = {code for (kind, code) in tiers_ctx.created if kind is TiersKind.CLIENT}
    ctx = _DocumentContext(db, connector, new_clients)
    documents = [
        p.pending() for page in _plans(db, ctx, include_preview=include_preview) for p in page
    ]
    return Analysis(
        articles=_pending_articles(ctx, include_preview),
        documents=documents,
        tiers=[
            PendingTiers(
                file_name=p.row.file_name,
                line=p.row.line,
                identifier=_identifier(p.row),
                status=p.status,
                ok=p.ok,
                messages=p.messages,
            )
            for p in tiers_plans
        ],
    )


# Receive --------------------------------------------------------------------------------------


class _Report:
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
    progress = progress or _no_progress
    settle = settings.settle_seconds() if settle is None else settle
    connector = connectors_store.require_connector(db, code)
    folder = import_folder(connector)
    _refuse_shared_import_folder(db, connector)
    sending.clean_up_after_dead_sends(db, connector)
    if look_twice:
        with contextlib.suppress(UserError):  # said, and recorded, by the reception itself
            scan_folder(folder, settle=settle, wait=True, progress=progress)
    with locks.reception_lock(db, connector.code, wait=wait):
        run_id = history.start_run(
            db, connector.code, RunKind.RECEPTION, operator(), host(), os.getpid()
        )
        locks.attach_run(db, connector.code, run_id)
        report = _Report(db, run_id)
        try:
            _collect_all(db, connector, folder, run_id, report, progress, settle)
            staging.supersede_old_versions(db, connector.code)
            _integrate_tiers(db, connector, run_id, report, progress)
            _integrate_documents(db, connector, run_id, report, progress)
            staging.purge_decided_lines(db, connector.code)
        except BaseException as exc:
            _record_failure(db, run_id, report, exc)
            raise
        faults.checkpoint("report")
        report.flush()
        status = RunStatus.WARNING if report.failed else RunStatus.OK
        history.add_files(db, run_id, report.files)
        history.finish_run(
            db, run_id, status, _summary(report.counts, report.failed), report.counts
        )
    # The run without its rows: a big reception's report is read from the history by pages.
    run = history.get_run(db, run_id, with_rows=False)
    return ReceptionResult(run=run, exit_code=3 if report.failed else 0)


def _refuse_shared_import_folder(db: Database, connector: Connector) -> None:
    """Another connector's folder is, holds or lies inside this one's import folder (a
    database saved before the rule): its files would go to either at random."""
    conflict = import_folder_conflict(db, connector.code)
    if conflict:
        raise UserError(conflict)


def _record_failure(db: Database, run_id: int, report: _Report, exc: BaseException) -> None:
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


def _summary(counts: dict[str, int], failed: int) -> str:
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


def _collect_all(
    db,
    connector: Connector,
    folder: Path,
    run_id: int,
    report: _Report,
    progress: Progress,
    settle: float,
) -> None:
    previewed = staging.preview_files(db, connector.code)  # before the listing: see the forget
    scan = scan_folder(folder, settle=settle)
    present: set[str] = set()
    now = datetime.now()
    for i, entry in enumerate(scan.files):
        progress("Lecture des fichiers", i, len(scan.files))
        if folders.not_a_file(entry.path):
            continue  # a FIFO, a folder or a link put in its place since the scan: never opened
        name = entry.shown
        try:
            target = _destination(folder, entry.name, now, rejected=False)[0]
            collected = _stage(db, connector.code, entry, "recu", run_id, str(target))
        except (OSError, _Unreadable) as exc:
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
    _forget_vanished_previews(db, previewed, present)
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


def _destination(
    folder: Path, name: str, when: datetime, rejected: bool
) -> tuple[Path, str | None]:
    """Where a received file goes, and why it cannot go there (a link, not a folder: it then
    stays in place) or None."""
    try:
        return archive_destination(folder, name, when, rejected), None
    except folders.UnsafeFolder as exc:
        return folder.joinpath(*archive_parts(when, rejected), name), str(exc)


def _archive(
    db,
    connector: Connector,
    folder: Path,
    entry: FolderEntry,
    collected: Collected,
    run_id: int,
    report: _Report,
    now: datetime,
) -> None:
    name = entry.shown
    rejected = collected.error is not None
    target, unsafe = _destination(folder, entry.name, now, rejected)
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
            target = folders.move_into(folder, entry.path, target)
        except folders.UnsafeFolder as exc:
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
        report.files.append(
            RunFile(
                name=name,
                kind=entry.kind.value,
                sha256=collected.sha256,
                size=entry.size,
                rows=collected.rows,
                status="laissé en place",
            )
        )
        if not rejected:
            _report_lines(report, entry, collected)
        return
    report.count("fichiers")
    relative = display_name(str(target.relative_to(folder)))
    report.files.append(
        RunFile(
            name=name,
            kind=entry.kind.value,
            sha256=collected.sha256,
            size=entry.size,
            rows=collected.rows,
            path=display_name(str(target)),
            status="erreurs"
            if rejected
            else ("déjà reçu" if collected.status == "déjà reçu" else "archivé"),
        )
    )
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


def _report_lines(report: _Report, entry: FolderEntry, collected: Collected) -> None:
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


def _integrate_tiers(
    db, connector: Connector, run_id: int, report: _Report, progress: Progress
) -> None:
    rows = staging.open_tiers(db, connector.code, include_preview=False)
    ctx = _TiersContext(db)
    for i, row in enumerate(rows):
        if i % 100 == 0:
            progress("Tiers", i, len(rows))
        plan = _plan_tiers(ctx, connector, row)
        identifier = _identifier(row)
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
                    _apply_tiers(db, plan)
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
    db, connector: Connector, run_id: int, report: _Report, progress: Progress
) -> None:
    # Tiers are integrated first: their new clients are in the GC now.
    ctx = _DocumentContext(db, connector, set())
    total = staging.held_back_documents(db, connector.code)
    done = 0
    unmapped: dict[str, int] = {}
    for page in _plans(db, ctx, include_preview=False):
        progress("Documents", done, total)
        # One transaction per page: the record of what became of each version is written in
        # the same transaction as the document itself. The documents to write are written
        # together (one savepoint, or one each when that fails).
        with write_transaction(db):
            written = _write_checked(db, ctx, [plan for plan in page if plan.action])
            decisions: list[staging.Decision] = []
            for plan in page:
                if plan.action:
                    decision = _report_written(plan, written[plan.numero], run_id, report)
                else:
                    decision = _report_unwritten(plan, run_id, report)
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


def _write_checked(
    db, ctx: _DocumentContext, plans: list[DocumentPlan]
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
        out.update(_write_checked(db, ctx, [plan]))
    return out


def _write_batch(
    db, ctx: _DocumentContext, plans: list[DocumentPlan]
) -> dict[str, tuple[int, str]]:
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


def _header(ctx: _DocumentContext, plan: DocumentPlan) -> documents_store.DocumentHeader:
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


def _report_written(
    plan: DocumentPlan, written: tuple[int, str] | str, run_id: int, report: _Report
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


def _report_unwritten(plan: DocumentPlan, run_id: int, report: _Report) -> staging.Decision | None:
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
        dict.fromkeys([plan.status, *(f"Erreur : {_reason(m)}" for m in plan.messages[1:])])
    )


# Pending data and discard ---------------------------------------------------------------------


def pending_status(db: Database, code: str) -> PendingStatus:
    """Files waiting in the import folder and items held back, for one connector."""
    connector = connectors_store.require_connector(db, code)
    files = 0
    error = import_folder_conflict(db, connector.code)
    try:
        folder = import_folder(connector)
        scan = scan_folder(folder)
        files = len(scan.files) + len(scan.settling)  # one still being written waits too
    except UserError as exc:
        error = str(exc)
    return PendingStatus(
        connector_code=connector.code,
        files_waiting=files,
        held_back_documents=staging.held_back_documents(db, connector.code),
        held_back_tiers=staging.held_back_tiers(db, connector.code),
        folder_error=error,
        folder_warning=export_folder_conflict(db, connector.code),
    )


def discard(db: Database, code: str, numeros: list[str] | None, user: str | None = None) -> int:
    """Drops held-back documents (all, or those numbers) after the operator confirmed: they
    are no longer offered. Returns how many."""
    connector = connectors_store.require_connector(db, code)
    return staging.discard_versions(db, connector.code, numeros, user or operator())
