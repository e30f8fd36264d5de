"""`econnect backup` and `econnect check`: operations an administrator schedules."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from pydantic import BaseModel
from sqlite_utils import Database

from ..errors import UserError, os_reason
from ..french import dated
from ..models.reports import RunKind
from ..store import history
from ..store import maintenance as store
from ..text import plural
from . import locks, reconcile
from .connectors import shared_folders
from .reception import display_name


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
    items += _reconciliation(db)
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
    items.append(
        CheckItem(name="Synchronisations terminées", ok=not (stuck := _stuck(db)), details=stuck)
    )
    items.append(_shared_folders_item(db))
    return CheckReport(items=items)


DETAILS = 50  # sentences shown per item; the rest are counted


def _reconciliation(db: Database) -> list[CheckItem]:
    """The reception history against the GC (sync/reconcile.py): one sentence a difference."""
    return [
        CheckItem(name=name, ok=not found, details=_first(found))
        for name, found in reconcile.findings(db)
    ]


def _first(sentences: list[str]) -> list[str]:
    if len(sentences) <= DETAILS:
        return sentences
    more = len(sentences) - DETAILS
    return [*sentences[:DETAILS], f"… et {plural(more, 'autre écart', 'autres écarts')}."]


def _stuck(db: Database) -> list[str]:
    """Runs still « en cours » whose process is gone (killed): the next run of their connector
    marks them interrupted."""
    stuck = []
    for run_id in store.unfinished_runs(db):
        run = locks.as_shown(db, history.get_run(db, run_id, with_rows=False))
        if run is None or not run.interrupted:
            continue
        head = dated(f"n° {run.id} ({run.connector_code})", run.started_at)
        if run.kind is RunKind.SEND:
            stuck.append(
                f"{head} : envoi interrompu, il sera marqué comme tel au prochain envoi ou à la "
                "prochaine réception du connecteur"
            )
        else:
            stuck.append(
                f"{head} : réception interrompue, elle sera marquée comme telle à la prochaine "
                "réception"
            )
    return stuck


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
