"""The import folder: which files wait (tiers before documents, by name), which are still
being written (the quiet period), and where a received file is archived."""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from ... import settings
from ...errors import UserError, os_reason
from ...exchange.facilitime import (
    FileKind,
    file_kind,
    is_partial,
)
from ...models.connector import Connector, Mode
from ..connectors import import_folder_conflict
from . import disk
from .models import Progress, no_progress


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
        (progress or no_progress)("Fichiers en cours d'écriture", 0, 1)
        time.sleep(settle - min(unsettled) + SETTLE_MARGIN)
        scan, ages = _look(folder)
    scan.settling = [entry for entry in scan.files if ages[entry.name] < settle]
    scan.files = [entry for entry in scan.files if ages[entry.name] >= settle]
    order = {FileKind.TIERS: 0, FileKind.DOCUMENTS: 1}
    scan.files.sort(key=lambda f: (order[f.kind], f.name))
    return scan


def _look(folder: Path) -> tuple[FolderScan, dict[str, float]]:
    """One look at the folder: every recognised file in `files`, and for how long each has
    been seen unchanged (`disk.SIGHTINGS`)."""
    scan = FolderScan()
    signatures: dict[str, disk.Signature] = {}
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
            signatures[name] = disk.signature(stat)
    return scan, disk.SIGHTINGS.look(folder, signatures)


def archive_parts(when: datetime, rejected: bool) -> tuple[str, ...]:
    """The subfolder of the import folder a received file goes to."""
    return ("erreurs",) if rejected else ("archive", f"{when:%Y}", f"{when:%m}")


def archive_destination(folder: Path, name: str, when: datetime, rejected: bool) -> Path:
    """Where a received file goes (`archive/AAAA/MM/` or `erreurs/`, made when missing), a
    free name; `disk.UnsafeFolder` when one of these is a link or not a folder."""
    if not folder.is_dir():  # removed meanwhile: never recreate it
        raise FileNotFoundError(2, "le dossier d'import a disparu", str(folder))
    return disk.free_target(folder, archive_parts(when, rejected), name)


def left_in_place(reason: str) -> str:
    """The report's sentence for a file not moved into a link (`disk.UnsafeFolder`)."""
    return (
        f"Fichier laissé en place : {reason}, et un fichier reçu n'est jamais déplacé hors du "
        "dossier d'import (remplacez-le par un vrai dossier)"
    )


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def refuse_shared_import_folder(db: Database, connector: Connector) -> None:
    """Another connector's folder is, holds or lies inside this one's import folder (a
    database saved before the rule): its files would go to either at random."""
    conflict = import_folder_conflict(db, connector.code)
    if conflict:
        raise UserError(conflict)


def archive_target(
    folder: Path, name: str, when: datetime, rejected: bool
) -> tuple[Path, str | None]:
    """Where a received file goes, and why it cannot go there (a link, not a folder: it then
    stays in place) or None."""
    try:
        return archive_destination(folder, name, when, rejected), None
    except disk.UnsafeFolder as exc:
        return folder.joinpath(*archive_parts(when, rejected), name), str(exc)
