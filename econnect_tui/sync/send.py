"""« Envoyer les données »: the export files a connector's « Envois » call for (spec section 5).

`send(db, code)` writes, in the connector's export folder and encoding:

* `Articles.csv` unless « Ne pas envoyer les articles »: the articles available for export, or
  those the connector's article filter selects (see `store.exports.article_rows` for PrixHT,
  Unite and Stock);
* `Clients.csv` unless « Ne pas envoyer les clients »: every client, or those the client filter
  selects;
* `Contacts.csv` when « Envoyer les contacts associés aux clients » is ticked: the contacts of the
  clients sent.

Choices:

* Unit: with « Unité à envoyer » set, an article's PrixHT is its price in that unit and Unite is
  that unit; an article without a price in that unit falls back to its base price in the category
  (the unit-less price, else one written in its own unit) with its own unit, so a price always
  travels with the unit it is for. PrixHT is empty when the category has no price at all.
* Stock: empty when the article has no stock row in the depot (services are not stocked: a 0
  would read « out of stock »); a stock row holding 0 gives 0.
* Contacts without clients (« Ne pas envoyer les clients » with contacts ticked): Contacts.csv is
  not written, as for any kind not sent, and the report says why: contacts of no clients are no
  contacts, and a stale file is better left than an empty one that would read as « all contacts
  deleted ». The wizard accepts the combination, so an older connector keeps working.
* A kind not sent writes nothing and leaves an older file as it is.

Each file is streamed from its SQL cursor to `write_csv_atomic` (temporary name, fsync, rename):
it appears whole or not at all, and a failure leaves the previous file intact and no temporary
file. Files are written one after the other: when the second fails, the first is already
replaced (it is whole and current; the report lists it as written).

Each send is one run of the history (kind « envoi »): one file entry and one report row per file
written or kind not sent; a failure is recorded (status « erreur », its French reason) before the
`UserError` reaches the caller. A send killed mid-way (kill -9) cannot record anything: the next
run of its connector (a send or a reception) marks it interrupted and removes the temporary
file it left in the export folder (`clean_up_after_dead_sends`).

Only connectors of mode CSV send files; an unknown connector or a webservice connector is refused
before any run is recorded.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from sqlite_utils import Database

from .. import faults
from ..errors import UserError, failure_reason, os_reason
from ..exchange.csv import (
    UnencodableCell,
    charset_label,
    format_cell,
    write_csv_atomic,
)
from ..files import remove_dead_temporaries
from ..models.connector import ArticlesToSend, ClientsToSend, Connector, Liaison, Mode
from ..models.gc import ArticleFilter, ClientFilter
from ..models.reports import ItemType, ReportRow, RunFile, RunKind, RunStatus, join_messages
from ..store import connectors as connectors_store
from ..store import exports, history
from ..store import filters as filters_store
from ..text import plural
from . import locks
from .runs import host, operator

log = logging.getLogger("econnect")

ARTICLES_FILE = "Articles.csv"
CLIENTS_FILE = "Clients.csv"
CONTACTS_FILE = "Contacts.csv"
EXPORT_FILES = (ARTICLES_FILE, CLIENTS_FILE, CONTACTS_FILE)

ARTICLES_COLUMNS = (
    "CodeArticle",
    "CodeArticleExterne",
    "Libelle",
    "Famille",
    "Unite",
    "PrixHT",
    "TauxTVA",
    "Stock",
    "Actif",
)
CLIENTS_COLUMNS = (
    "CodeClient",
    "Civilite",
    "Nom",
    "Adresse1",
    "Adresse2",
    "CodePostal",
    "Ville",
    "Pays",
    "Telephone",
    "Mobile",
    "Email",
    "Siret",
    "NumeroTVA",
    "Famille",
    "ModeReglement",
)
CONTACTS_COLUMNS = (
    "CodeClient",
    "CodeContact",
    "Civilite",
    "Nom",
    "Prenom",
    "Fonction",
    "Telephone",
    "Mobile",
    "Email",
)

# kind -> (singular, plural) for « 32 articles envoyés »
_NOUNS = {
    "articles": ("article envoyé", "articles envoyés"),
    "clients": ("client envoyé", "clients envoyés"),
    "contacts": ("contact envoyé", "contacts envoyés"),
}

STATUS_WRITTEN = "écrit"
STATUS_KEPT = "conservé"  # kind not sent: an older file, if any, is left as it is
STATUS_FAILED = "erreur"


class SentFile(BaseModel):
    name: str  # Articles.csv
    kind: str  # articles, clients, contacts
    path: str
    rows: int
    # Windows-1252: the texts written without the characters it lacks, and a few of them said
    # in French (« Nom « Dvořák 中文 » écrit « Dvorák ?? » »)
    replaced: int = 0
    replaced_examples: list[str] = []


class SkippedFile(BaseModel):
    name: str
    kind: str
    reason: str  # French: why it was not sent


class SendResult(BaseModel):
    connector: str
    run_id: int
    export_path: str | None
    encoding: str
    files: list[SentFile] = []
    skipped: list[SkippedFile] = []


@dataclass(frozen=True)
class _Export:
    name: str
    kind: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterable[tuple]]  # opens the cursor when called


# The codes of the files: the ETA software sends them back (CodeClient, CodeArticle of the
# documents, a contact's code, a unit), so a code must travel exactly. In Windows-1252 a code
# holding a character it lacks refuses the file; any other text loses that character (reported).
EXACT_COLUMNS = frozenset(
    {"CodeArticle", "CodeArticleExterne", "Famille", "Unite", "CodeClient", "CodeContact"}
)
_EXAMPLES = 3  # replaced texts quoted in the report, per file


# Planning ---------------------------------------------------------------------------------------


def _chosen_filter(c: Connector, what: str, name: str | None) -> str:
    """The filter the connector's envois name for `what`; none chosen is a French sentence."""
    if not name:
        raise UserError(
            f"Le connecteur {c.code} envoie les {what} d'un filtre personnalisé "
            "mais aucun filtre n'est choisi dans ses envois."
        )
    return name


def _plan(db: Database, c: Connector) -> tuple[list[_Export], list[SkippedFile]]:
    """What the connector's « Envois » ask for: the files to write and the kinds not sent."""
    s = c.send
    exports_: list[_Export] = []
    skipped: list[SkippedFile] = []

    if s.articles is ArticlesToSend.NONE:
        skipped.append(_skip(ARTICLES_FILE, "articles", f"« {s.articles.label} »"))
    else:
        if s.articles is ArticlesToSend.FILTER:
            name = _chosen_filter(c, "articles", s.article_filter)
            selection = filters_store.get_article_filter(db, name)
        else:
            selection = ArticleFilter.model_construct(
                name="disponibles-export",
                families=[],
                code_prefix=None,
                label_contains=None,
                export_available=True,
                active=None,
            )
        exports_.append(
            _Export(
                ARTICLES_FILE,
                "articles",
                ARTICLES_COLUMNS,
                lambda: exports.article_rows(
                    db,
                    c.code,
                    selection,
                    price_category=s.price_category,
                    unit=s.unit,
                    depot=s.depot,
                ),
            )
        )

    clients: ClientFilter | None = None
    if s.clients is ClientsToSend.NONE:
        skipped.append(_skip(CLIENTS_FILE, "clients", f"« {s.clients.label} »"))
    else:
        if s.clients is ClientsToSend.FILTER:
            name = _chosen_filter(c, "clients", s.client_filter)
            clients = filters_store.get_client_filter(db, name)
        exports_.append(
            _Export(
                CLIENTS_FILE, "clients", CLIENTS_COLUMNS, lambda: exports.client_rows(db, clients)
            )
        )

    if not s.contacts:
        skipped.append(
            _skip(
                CONTACTS_FILE,
                "contacts",
                "« Envoyer les contacts associés aux clients » n'est pas coché",
            )
        )
    elif s.clients is ClientsToSend.NONE:
        skipped.append(
            _skip(
                CONTACTS_FILE,
                "contacts",
                "aucun client n'est envoyé (« Ne pas envoyer les clients »)",
            )
        )
    else:
        exports_.append(
            _Export(
                CONTACTS_FILE,
                "contacts",
                CONTACTS_COLUMNS,
                lambda: exports.contact_rows(db, clients),
            )
        )
    return exports_, skipped


def _skip(name: str, kind: str, why: str) -> SkippedFile:
    return SkippedFile(name=name, kind=kind, reason=f"non envoyé : {why}")


# Writing ----------------------------------------------------------------------------------------


def _export_folder(c: Connector) -> Path:
    if not c.export_path:
        raise UserError(
            f"Le connecteur {c.code} n'a pas de chemin d'export : renseignez-le dans son "
            "paramétrage."
        )
    folder = Path(c.export_path).expanduser()
    if not folder.exists():
        raise UserError(f"Le dossier d'export « {folder} » du connecteur {c.code} n'existe pas.")
    if not folder.is_dir():
        raise UserError(
            f"Le chemin d'export « {folder} » du connecteur {c.code} n'est pas un dossier."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(
            f"Le dossier d'export « {folder} » n'est pas modifiable (droits insuffisants)."
        )
    return folder


def _kept(path: Path) -> str:
    """What became of the file that could not be written; named, as the files written before
    it in the same send stay written."""
    if path.exists():
        return f"l'ancien {path.name} est conservé"
    return f"{path.name} n'a pas été créé"


def _write_error(exc: OSError, path: Path) -> UserError:
    """One French sentence for a failed write; the previous file, if any, is intact."""
    folder = path.parent
    kept = _kept(path)
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        why = "le disque est plein"
    elif code == errno.EFBIG:
        why = "le fichier dépasse la taille maximale autorisée"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "le dossier n'est pas modifiable (droits insuffisants ou disque en lecture seule)"
    elif code == errno.ENOENT:
        why = "le dossier n'existe plus"
    else:
        why = os_reason(exc)
    return UserError(f"Impossible d'écrire {path.name} dans « {folder} » : {why} ; {kept}.")


def _write(export: _Export, folder: Path, encoding: str) -> SentFile:
    path = folder / export.name
    examples: list[str] = []
    replaced = 0

    def on_replaced(_row: int, column: str, text: str, written: str) -> None:
        nonlocal replaced
        replaced += 1
        if len(examples) < _EXAMPLES:
            cell = format_cell(written)  # as it is in the file, neutralised
            examples.append(f"{column} « {_cut(text)} » écrit « {_cut(cell)} »")

    try:
        rows = write_csv_atomic(
            path,
            export.columns,
            faults.through(export.rows(), "sent"),
            encoding=encoding,
            exact=EXACT_COLUMNS,
            on_replaced=on_replaced,
        )
    except OSError as exc:
        log.warning("send: writing %s failed: %r", path, exc)
        raise _write_error(exc, path) from exc
    except UnencodableCell as exc:  # it says the code, the character and the encoding
        raise UserError(
            f"Impossible d'écrire {path.name} : {exc}, et un code changé ne désignerait plus le "
            "même enregistrement. Changez ce code ou choisissez l'encodage UTF-8 dans les envois "
            f"du connecteur ; {_kept(path)}."
        ) from exc
    return SentFile(
        name=export.name,
        kind=export.kind,
        path=str(path),
        rows=rows,
        replaced=replaced,
        replaced_examples=examples,
    )


def _cut(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())  # a label's line breaks on one line
    return text if len(text) <= limit else text[: limit - 1] + "…"


def replaced_message(f: SentFile, encoding: str) -> str:
    """« 2 valeurs écrites sans les caractères absents de Windows-1252 : Nom « … » écrit « … »,
    … » — empty when nothing was replaced."""
    if not f.replaced:
        return ""
    n = f.replaced
    head = (
        f"{plural(n, 'valeur écrite', 'valeurs écrites')} sans les caractères "
        f"absents de {charset_label(encoding)}"
    )
    others = n - len(f.replaced_examples)
    more = f", et {plural(others, 'autre')}" if others > 0 else ""
    return f"{head} : {', '.join(f.replaced_examples)}{more}"


def _count_message(kind: str, n: int) -> str:
    return plural(n, *_NOUNS[kind])


# The service ------------------------------------------------------------------------------------


def clean_up_after_dead_sends(db: Database, c: Connector) -> None:
    """What a send killed mid-way (kill -9, a power cut) left behind: its history entry, still
    « en cours », is marked interrupted, and its temporary files are removed from the export
    folder. A live send's are locked while written and stay (`remove_dead_temporaries`)."""
    for run_id in locks.mark_dead_sends(db, c.code):
        log.warning("send %s: run %s was interrupted (its process is gone)", c.code, run_id)
    if c.export_path:
        folder = Path(c.export_path).expanduser()
        for name in remove_dead_temporaries(folder, EXPORT_FILES):
            log.warning(
                "send %s: removed %s, left in %s by an interrupted send", c.code, name, folder
            )


def send(db: Database, code: str) -> SendResult:
    """Writes the export files the connector `code` calls for; one history run.

    Raises NotFound (unknown connector), UserError (webservice connector; export folder missing
    or not writable; disk full; filter gone), each one French sentence; every failure after the
    connector is known is recorded in the history first."""
    c = connectors_store.require_connector(db, code)
    if c.mode is not Mode.CSV:
        if c.liaison is Liaison.PRESTASHOP:
            raise UserError(
                "La liaison PrestaShop échange par webservice : l'envoi de fichiers CSV ne la "
                "concerne pas."
            )
        raise UserError(
            f"Le connecteur {c.code} communique par webservice : l'envoi de fichiers CSV ne le "
            "concerne pas."
        )
    encoding = c.send.encoding.value
    clean_up_after_dead_sends(db, c)
    run_id = history.start_run(db, c.code, RunKind.SEND, operator(), host(), os.getpid())
    result = SendResult(
        connector=c.code, run_id=run_id, export_path=c.export_path, encoding=encoding
    )
    current: _Export | None = None
    try:
        planned, result.skipped = _plan(db, c)
        if planned:
            folder = _export_folder(c)
            result.export_path = str(folder)
            for export in planned:
                current = export
                result.files.append(_write(export, folder, encoding))
                current = None
    except BaseException as exc:
        if isinstance(exc, UserError):
            reason = str(exc)
        elif isinstance(exc, KeyboardInterrupt):
            reason = "Envoi interrompu."
        else:
            reason = f"Envoi interrompu : {failure_reason(exc)}."
        _record_failure(db, result, current, reason)
        raise
    _record(db, result, RunStatus.OK, _summary(result))
    log.info(
        "send %s: %s",
        c.code,
        ", ".join(f"{f.name} {f.rows}" for f in result.files) or "nothing to write",
    )
    return result


def _summary(result: SendResult) -> str:
    if not result.files:
        return "Aucun fichier écrit : les envois du connecteur ne demandent aucun fichier."
    parts = ", ".join(f"{f.name} ({f.rows})" for f in result.files)
    n = len(result.files)
    return f"{n} fichier{'s' if n > 1 else ''} écrit{'s' if n > 1 else ''} : {parts}."


def _file_entries(result: SendResult) -> tuple[list[RunFile], list[ReportRow]]:
    files: list[RunFile] = []
    rows: list[ReportRow] = []
    for f in result.files:
        try:
            size: int | None = os.stat(f.path).st_size
        except OSError:
            size = None
        files.append(
            RunFile(
                name=f.name, kind=f.kind, size=size, rows=f.rows, path=f.path, status=STATUS_WRITTEN
            )
        )
        replaced = replaced_message(f, result.encoding)
        rows.append(
            ReportRow(
                file_name=f.name,
                type=ItemType.FILE,
                identifier=f.name,
                ok=True,
                messages=join_messages(m for m in (_count_message(f.kind, f.rows), replaced) if m),
            )
        )
    for s in result.skipped:
        path = str(Path(result.export_path) / s.name) if result.export_path else None
        files.append(RunFile(name=s.name, kind=s.kind, path=path, status=STATUS_KEPT))
        rows.append(
            ReportRow(
                file_name=s.name,
                type=ItemType.FILE,
                identifier=s.name,
                ok=True,
                messages=s.reason[:1].upper() + s.reason[1:],
            )
        )
    return files, rows


def _record(db: Database, result: SendResult, status: RunStatus, message: str) -> None:
    files, rows = _file_entries(result)
    history.add_files(db, result.run_id, files)
    history.add_rows(db, result.run_id, rows)
    history.finish_run(db, result.run_id, status, message, {f.kind: f.rows for f in result.files})


def _record_failure(db: Database, result: SendResult, failed: _Export | None, reason: str) -> None:
    """Records the failed run; never hides the original error behind a history error."""
    try:
        files, rows = _file_entries(result)
        if failed is not None:
            path = str(Path(result.export_path) / failed.name) if result.export_path else None
            files.append(
                RunFile(name=failed.name, kind=failed.kind, path=path, status=STATUS_FAILED)
            )
            rows.append(
                ReportRow(
                    file_name=failed.name,
                    type=ItemType.FILE,
                    identifier=failed.name,
                    ok=False,
                    messages=reason,
                )
            )
        history.add_files(db, result.run_id, files)
        history.add_rows(db, result.run_id, rows)
        history.finish_run(
            db,
            result.run_id,
            RunStatus.ERROR,
            reason,
            {f.kind: f.rows for f in result.files},
        )
    except Exception:  # the database itself failing: the log keeps it, the caller sees the cause
        log.exception("send %s: could not record the failure in the history", result.connector)
