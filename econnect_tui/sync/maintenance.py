"""`econnect backup` and `econnect check`: operations an administrator schedules."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from pydantic import BaseModel
from sqlite_utils import Database

from ..errors import UserError, os_reason
from ..store import maintenance as store
from ..text import plural
from . import locks
from .connectors import shared_folders
from .receive import display_name


class CheckItem(BaseModel):
    name: str  # French
    ok: bool
    details: list[str] = []


class CheckReport(BaseModel):
    items: list[CheckItem]

    @property
    def ok(self) -> bool:
        return all(item.ok for item in self.items)


def check(db: Database) -> CheckReport:
    """SQLite's integrity and foreign-key checks, then the sanity of the reception data."""
    items = [
        CheckItem(
            name="Intégrité de la base (PRAGMA integrity_check)",
            ok=not (errors := store.integrity_errors(db)),
            details=errors,
        ),
        CheckItem(
            name="Références entre tables (PRAGMA foreign_key_check)",
            ok=not (errors := store.foreign_key_errors(db)),
            details=errors,
        ),
    ]
    missing = [
        f"{connector} : {name} devait être dans {display_name(path)}"
        for connector, name, path in store.received_files_with_archive(db)
        if not Path(path).exists()
    ]
    items.append(
        CheckItem(
            name="Fichiers reçus présents dans l'archive", ok=not missing, details=missing[:50]
        )
    )
    orphans = [f"{c} : {n}" for c, n in store.integrated_versions_without_document(db)]
    items.append(
        CheckItem(
            name="Documents intégrés toujours présents dans la GC",
            ok=not orphans,
            details=orphans[:50],
        )
    )
    leftover = store.undecided_lines_of_decided_files(db)
    items.append(
        CheckItem(
            name="Données de réception en attente cohérentes",
            ok=leftover == 0,
            details=[
                f"{plural(leftover, 'ligne déjà intégrée', 'lignes déjà intégrées')} encore en "
                "attente de nettoyage : "
                "la prochaine réception les nettoiera"
            ]
            if leftover
            else [],
        )
    )
    running = []
    for run_id, connector, started in store.unfinished_runs(db):
        if locks.current_owner(db, connector) is None:
            running.append(
                f"n° {run_id} ({connector}, {started}) : interrompue, elle sera "
                "marquée comme telle à la prochaine réception"
            )
    items.append(CheckItem(name="Synchronisations terminées", ok=not running, details=running))
    items.append(_shared_folders_item(db))
    return CheckReport(items=items)


def _shared_folders_item(db: Database) -> CheckItem:
    """Two connectors on one folder (saved before the rule, or a link pointed elsewhere since):
    each pair once, in one sentence."""
    shared = [
        f"{s.sentence()} : corrigez le paramétrage de l'un des deux." for s in shared_folders(db)
    ]
    return CheckItem(
        name="Dossiers d'échange propres à chaque connecteur", ok=not shared, details=shared
    )


def backup(db: Database, target: Path) -> Path:
    """A consistent copy of the database (safe while the TUI or a reception runs), written
    to a temporary name in the target's folder then renamed, readable by its owner only. Only
    a regular file is replaced, and never the database itself nor its -wal, -shm or -journal
    (a device, a FIFO or the live database were each replaced by a regular file)."""
    target = target.expanduser()
    _refuse_backup_target(db, target)
    target = target.resolve()
    if not target.parent.is_dir():
        raise UserError(f"Le dossier {target.parent} n'existe pas.")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()  # left by a killed backup of the same pid
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        os.close(os.open(temporary, flags, 0o600))
        store.backup_to(db, temporary)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise UserError(f"Sauvegarde impossible dans {target} : {os_reason(exc)}.") from exc
    return target


def _refuse_backup_target(db: Database, target: Path) -> None:
    try:
        found = target.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UserError(f"Sauvegarde impossible dans {target} : {os_reason(exc)}.") from exc
    if stat.S_ISDIR(found.st_mode):
        raise UserError(f"{target} est un dossier : indiquez le fichier de sauvegarde.")
    if stat.S_ISLNK(found.st_mode):
        raise UserError(
            f"{target} est un lien symbolique : sauvegarde refusée, indiquez un fichier ordinaire."
        )
    if not stat.S_ISREG(found.st_mode):
        raise UserError(
            f"{target} n'est pas un fichier ordinaire (périphérique, tube ou socket) : "
            "sauvegarde refusée, indiquez un fichier ordinaire."
        )
    database = store.database_file(db)
    if database is None:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        own = database.with_name(database.name + suffix)
        with contextlib.suppress(OSError):
            if os.path.samefile(own, target):
                what = f"le fichier {suffix} de la base" if suffix else "la base"
                raise UserError(
                    f"{target} est {what} de données en service : sauvegarde refusée, "
                    "indiquez un autre fichier."
                )
