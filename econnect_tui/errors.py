"""Errors an operator can act on. Their text is one French sentence, shown as is."""

from __future__ import annotations

import errno
import sqlite3


class UserError(Exception):
    """A problem the operator can fix: shown as one French sentence, never as a traceback."""

    exit_code = 1


class NotFound(UserError):
    """A code names no record."""


class ValidationFailed(UserError):
    """Input refused whole; `errors` lists every located reason."""

    def __init__(self, message: str, errors: list[str] | None = None):
        super().__init__(message)
        self.errors = list(errors or [])


class Conflict(UserError):
    """Someone else changed the record since this operator read it: nothing was written.
    `current` is what the record holds now, for the screen to show."""

    def __init__(self, message: str, current: object = None):
        super().__init__(message)
        self.current = current


class Busy(UserError):
    """Another process holds what this one needs (a reception lock, the database)."""


# The system's reasons, in French (the C library's own are in English).
_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier",
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EFBIG: "fichier trop gros",
    errno.EEXIST: "existe déjà",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.ENFILE: "trop de fichiers ouverts",
    errno.EXDEV: "déplacement impossible entre deux disques",
    errno.ENOTEMPTY: "dossier non vide",
    errno.EBUSY: "ressource occupée",
    errno.EPIPE: "la sortie a été fermée",
    errno.ELOOP: "trop de liens symboliques",
    errno.ETXTBSY: "fichier occupé",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ECONNRESET: "connexion coupée par l'autre côté",
    errno.ETIMEDOUT: "délai dépassé",
    errno.EHOSTUNREACH: "machine injoignable",
    errno.ENETUNREACH: "réseau injoignable",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in French; a reason not listed is named by its system code
    (« erreur système ETIMEDOUT »), for support."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    code = errno.errorcode.get(exc.errno or 0)
    return f"erreur système {code}" if code else "erreur système"


def describe(exc: sqlite3.Error) -> str:
    """A short French reason for a SQLite error."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "elle est verrouillée par un autre programme"
    if "not a database" in text or "malformed" in text:
        return "le fichier n'est pas une base econnect valide ou il est endommagé"
    if "readonly" in text or "read-only" in text:
        return "elle est en lecture seule"
    if "disk" in text and "full" in text:
        return "le disque est plein"
    if "disk i/o" in text or "i/o error" in text:
        return "écriture impossible sur le disque (disque plein ou support en erreur)"
    if "unable to open" in text:
        return "le fichier ne peut pas être ouvert"
    if "foreign key constraint failed" in text:
        return (
            "une donnée qu'il cite n'existe plus"
            " (client, article, unité, entreprise, site ou dépôt)"
        )
    if "unique constraint failed" in text:
        return "il existe déjà"
    return str(exc)


def failure_reason(exc: BaseException) -> str:
    """Why an operation stopped, in French and without a final period, to follow « Réception
    interrompue : »: a UserError's own sentence, the system's reason for a file error (with
    the file), the database's for a SQLite error. Anything else is a bug, named by its
    exception for support (its traceback goes to the log), never a bare English text."""
    if isinstance(exc, UserError):
        return str(exc).rstrip(".")
    if isinstance(exc, OSError):
        return os_reason(exc) + (f" ({exc.filename})" if exc.filename else "")
    if isinstance(exc, sqlite3.Error):
        return f"erreur de base de données ({describe(exc)})"
    return f"erreur inattendue ({type(exc).__name__} : {exc})"
