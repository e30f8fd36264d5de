"""« Réception » (seeds 2.2.3 and 3.1): what the ETA software's files will do, the
correspondences made right there, then « Recevoir » and the report.

The screen opens on `receive.preview` (in a thread worker: it reads and stages the new files,
which stay in the import folder) and lists, in one grid with a line per section:

* Articles — « Données en attente d'intégration » (external code - label) | « Statut /
  Correspondance Gestion Commerciale » (« Sans correspondance » or « CODE - Libellé »), the
  rows without correspondence first. Enter (or C) opens the article picker; the correspondence
  is saved at once and every status is computed again (`receive.analyse`, cheap).
* Documents — « F259030_D260118 - TRFVJJio - 86.25€ - Chèques » | its status (Nouveau document,
  Mise à jour, Déjà intégré, Refusé, Article sans correspondance, Client inconnu, Erreur).
  A document held back by an earlier reception can be discarded with D (confirmed, Annuler by
  default): it is no longer offered.
* Tiers and Fichiers — with their status.

« Recevoir » (F9) runs `receive.receive` in a thread worker with its own database connection and
a progress bar; the screen stays responsive, and the report replaces it at the end. « Annuler »
(Escape) closes without integrating anything.
"""

from __future__ import annotations

import logging
import time

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Label, ProgressBar, Static

from ...errors import UserError, failure_reason
from ...models.connector import Connector
from ...models.reports import join_messages, split_messages
from ...store import connectors as connectors_store
from ...store import history, staging
from ...sync import locks, reception
from ...sync.mapping import ArticleMatcher, move_code
from ...sync.reception import (
    NEW,
    SAME,
    UPDATE,
    Analysis,
    PendingArticle,
    PendingDocument,
    PendingFile,
    PendingTiers,
    Preview,
    files_sentence,
)
from ...sync.runs import operator
from ...text import plural
from ..threads import call_ui, worker_db
from ..widgets.article_picker import ArticlePicker
from ..widgets.grid import DataGrid, GridColumn, GridPanel, GridRow
from .base import GridScreen, notify_error
from .confirm import ConfirmScreen
from .menu import TextScreen
from .report import ReportScreen

log = logging.getLogger("econnect")

COLUMNS = (
    GridColumn("pending", "Données en attente d'intégration", width=32),
    GridColumn("status", "Statut / Correspondance Gestion Commerciale", min_width=20),
)
NOTE_UNMAPPED = "Les documents contenant des articles sans correspondance ne seront pas intégrés."
PROGRESS_EVERY = 0.05  # seconds between two progress updates sent to the UI


def info_text(sentence: str) -> Text:
    """The seed's « i » before a sentence of information."""
    return Text.assemble((" i ", "bold reverse"), " ", sentence)


def document_style(d: PendingDocument) -> str:
    if d.held:
        return "missing"
    if not d.ok:
        return "error"
    return {NEW: "new", UPDATE: "ok", SAME: "muted"}.get(d.status, "ok")


def _section(name: str, title: str, summary: str) -> GridRow:
    return GridRow(
        ("section", name),
        (Text(title, style="bold"), Text(summary, style="dim")),
        search=" ",  # a section line never matches a filter
    )


def _article_row(a: PendingArticle) -> GridRow:
    status = Text(a.status, style="italic" if not a.mapped else "")
    return GridRow(
        ("article", a.code),
        (f"{a.code} - {a.label}".rstrip(" -"), status),
        style="ok" if a.mapped else "missing",
    )


def _document_row(d: PendingDocument) -> GridRow:
    return GridRow(("document", d.numero), (d.label, d.status), style=document_style(d))


def _tiers_row(t: PendingTiers) -> GridRow:
    style = "muted" if t.ok and t.status == "Identique" else ("new" if t.ok else "error")
    return GridRow(("tiers", t.file_name, t.line), (t.identifier, t.status), style=style)


def _file_row(f: PendingFile) -> GridRow:
    return GridRow(("file", f.name), (f.name, f.status), style="" if f.ok else "error")


class ReceptionScreen(GridScreen):
    MODE = "synchro"
    BINDINGS = [
        Binding("c", "map", "Correspondance", key_display="C", id="reception.map"),
        Binding("d", "discard", "Écarter", key_display="D", id="reception.discard"),
        # Not R, which opens this screen from the dashboard: a key held down there must not
        # integrate before the operator read the preview.
        Binding("f9", "receive", "Recevoir", key_display="F9", id="reception.receive"),
        Binding("escape", "cancel", "Annuler"),
    ]
    DEFAULT_CSS = """
    ReceptionScreen #reception-info { height: auto; max-height: 3; padding: 0 1; }
    ReceptionScreen #reception-grid { height: 1fr; }
    ReceptionScreen #reception-detail {
        height: 2; padding: 0 1; color: $text-muted; background: $surface;
    }
    ReceptionScreen #reception-note { height: auto; color: $text-warning; }
    ReceptionScreen #reception-progress { height: 1; padding: 0 1; display: none; }
    ReceptionScreen #reception-progress.-visible { display: block; }
    ReceptionScreen #reception-progress Label { width: 24; }
    ReceptionScreen #reception-progress ProgressBar { width: 1fr; }
    ReceptionScreen #reception-buttons { height: 1; }
    ReceptionScreen #reception-buttons Button { min-width: 12; }
    """

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code.upper()
        self.preview: Preview | None = None
        self.analysis: Analysis | None = None
        self.error: str | None = None
        self.received_numeros: set[str] = set()  # held back by an earlier reception
        self.busy: str | None = None  # "preview" or "receive" while a worker runs
        self._matcher: ArticleMatcher | None = None
        self._report_run: int | None = None
        self._items: dict[tuple, object] = {}  # grid row key -> the item it shows
        self._last_progress = (None, 0.0)

    # -- layout

    def compose_body(self) -> ComposeResult:
        yield Static("Lecture du dossier d'import…", id="reception-info", markup=False)
        yield GridPanel(COLUMNS, unit=("ligne", "lignes"), id="reception-grid")
        yield Static("", id="reception-detail", markup=False)
        yield Static("", id="reception-note", markup=False)
        with Horizontal(id="reception-progress"):
            yield Label("", id="reception-stage", markup=False)
            yield ProgressBar(total=None, show_eta=False, id="reception-bar")
        with Horizontal(id="reception-buttons", classes="buttons"):
            yield Button("Recevoir (F9)", id="receive", variant="primary", compact=True)
            yield Button("Annuler", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.sub_title = f"Réception · {self.code}"
        self.grid.empty_text = "Lecture du dossier d'import…"
        self.query_one("#reception-note").display = False
        self.grid.focus()
        self._start_preview()

    # -- the preview

    def _start_preview(self) -> None:
        self._set_busy("preview", "Lecture des fichiers")
        self.run_worker(
            self._preview_worker,
            thread=True,
            exclusive=True,
            group="reception-preview",
            exit_on_error=False,
        )

    def _preview_worker(self) -> None:
        app = self.app
        try:
            with worker_db(app) as db:
                result = reception.preview(db, self.code, self._progress_from_thread)
        except UserError as exc:
            call_ui(app, self._show_failure, str(exc))
            return
        except Exception as exc:
            log.exception("reception preview of %s", self.code)
            call_ui(app, self._show_failure, f"Lecture impossible : {failure_reason(exc)}.")
            return
        call_ui(app, self._show_preview, result)

    def _show_failure(self, message: str) -> None:
        self._set_busy(None)
        self.error = message
        self.query_one("#reception-info", Static).update(Text(f"✗ {message}", style="bold red"))
        self.grid.empty_text = "Rien à recevoir tant que le problème n'est pas réglé."
        self.grid.set_rows([])
        self.refresh_bindings()
        self._update_buttons()

    def _show_preview(self, preview: Preview) -> None:
        self._set_busy(None)
        self.preview = preview
        self.analysis = Analysis(
            articles=preview.articles, documents=preview.documents, tiers=preview.tiers
        )
        self._read_received()
        self.show_rows()

    def _read_received(self) -> None:
        self.received_numeros = {
            v.numero
            for page in staging.iter_open_versions(self.db, self.code, include_preview=False)
            for v in page
        }

    def reanalyse(self) -> None:
        """Every status again, after a correspondence or a discard (cheap: staged rows only)."""
        connector = self.connector()
        if connector is None:
            return
        self.analysis = reception.analyse(self.db, connector, include_preview=True)
        self._matcher = None  # the articles' correspondences changed
        self._read_received()
        self.show_rows()

    def connector(self) -> Connector | None:
        try:
            return connectors_store.require_connector(self.db, self.code)
        except UserError as exc:
            self.notify_error(str(exc))
            return None

    def show_rows(self) -> None:
        analysis, preview = self.analysis, self.preview
        if analysis is None or preview is None:
            return
        rows: list[GridRow] = []
        self._items = {
            **{("article", a.code): a for a in analysis.articles},
            **{("document", d.numero): d for d in analysis.documents},
            **{("tiers", t.file_name, t.line): t for t in analysis.tiers},
            **{("file", f.name): f for f in preview.files},
        }
        unmapped = [a for a in analysis.articles if not a.mapped]
        if analysis.articles:
            summary = (
                plural(len(unmapped), "sans correspondance", "sans correspondance")
                if unmapped
                else "tous ont une correspondance"
            )
            rows.append(_section("articles", f"Articles ({len(analysis.articles)})", summary))
            ordered = sorted(analysis.articles, key=lambda a: (a.mapped, a.code))
            rows.extend(_article_row(a) for a in ordered)
        docs = analysis.documents
        counts = self._document_counts(docs)
        if docs:
            rows.append(_section("documents", f"Documents ({len(docs)})", counts))
            rows.extend(_document_row(d) for d in docs)
        if analysis.tiers:
            bad = sum(1 for t in analysis.tiers if not t.ok)
            summary = plural(bad, "en erreur", "en erreur") if bad else ""
            rows.append(_section("tiers", f"Tiers ({len(analysis.tiers)})", summary))
            rows.extend(_tiers_row(t) for t in analysis.tiers)
        if preview.files:
            bad = sum(1 for f in preview.files if not f.ok)
            summary = plural(bad, "à revoir", "à revoir") if bad else ""
            rows.append(_section("files", f"Fichiers ({len(preview.files)})", summary))
            rows.extend(_file_row(f) for f in preview.files)
        self.grid.empty_text = "Aucune donnée en attente de réception."
        first = self.grid.row_count == 0
        self.grid.set_rows(rows)
        if first and rows:
            # Start on the first line to act on: an article without correspondence, else the
            # first line after the section title.
            self.grid.move_cursor(row=1)
        info = files_sentence(preview.files_to_process, len(self.received_numeros))
        self.query_one("#reception-info", Static).update(info_text(info))
        note = self.query_one("#reception-note", Static)
        note.update(NOTE_UNMAPPED)
        note.display = bool(unmapped)
        self.panel.status_extra = (
            plural(len(unmapped), "article sans correspondance", "articles sans correspondance")
            if unmapped
            else ""
        )
        self._show_detail()
        self._update_buttons()
        self.refresh_bindings()

    @staticmethod
    def _document_counts(docs: list[PendingDocument]) -> str:
        to_integrate = sum(1 for d in docs if d.ok and d.status in (NEW, UPDATE))
        held = sum(1 for d in docs if d.held)
        failed = sum(1 for d in docs if not d.ok and not d.held)
        parts = []
        if to_integrate:
            parts.append(f"{to_integrate} à intégrer")
        if held:
            parts.append(plural(held, "retenu", "retenus"))
        if failed:
            parts.append(plural(failed, "refusé ou en erreur", "refusés ou en erreur"))
        return " · ".join(parts)

    # -- the row under the cursor

    def _current(self):
        """(kind, item) of the row under the cursor, or (None, None)."""
        key = self.grid.cursor_key
        if not isinstance(key, tuple):
            return None, None
        return key[0], self._items.get(key)

    def _details(self) -> tuple[str, str] | None:
        kind, item = self._current()
        if item is None:
            return None
        if kind == "article":
            docs = plural(item.documents, "document")
            return f"{item.code} - {item.label}", f"{item.status} · {docs} en attente"
        if kind == "document":
            messages = join_messages(m for m in item.messages if m != item.status)
            title = f"{item.label} ({item.file_name})"
            return title, join_messages(p for p in (item.status, messages) if p)
        if kind == "tiers":
            messages = join_messages(m for m in item.messages if m != item.status)
            title = f"{item.identifier} ({item.file_name}, ligne {item.line})"
            return title, join_messages(p for p in (item.status, messages) if p)
        return f"{item.name} [{item.kind}]", item.status

    def _show_detail(self) -> None:
        details = self._details()
        self.query_one("#reception-detail", Static).update("\n".join(details) if details else "")

    def on_data_grid_cursor_moved(self, event: DataGrid.CursorMoved) -> None:
        self._show_detail()
        self.refresh_bindings()

    def on_data_grid_row_activated(self, event: DataGrid.RowActivated) -> None:
        event.stop()
        if self._current()[0] == "article":
            self.action_map()
            return
        details = self._details()
        if details is None:
            return
        title, text = details
        self.app.push_screen(TextScreen(title, "\n".join(split_messages(text))))

    # -- keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "map":
            return self.busy is None and self._current()[0] == "article"
        if action == "discard":
            kind, item = self._current()
            return (
                self.busy is None
                and kind == "document"
                and item is not None
                and item.held
                and item.numero in self.received_numeros
            )
        if action == "receive":
            return self.busy is None and self.preview is not None and self.error is None
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "receive":
            self.action_receive()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if self.busy == "receive":
            self.notify(
                "La réception est en cours : le rapport s'affichera à la fin.", severity="warning"
            )
            return
        self.dismiss(None)

    # -- correspondence

    def matcher(self) -> ArticleMatcher:
        if self._matcher is None:
            self._matcher = ArticleMatcher(self.db, self.code)
        return self._matcher

    def action_map(self) -> None:
        kind, article = self._current()
        if kind != "article" or article is None or self.busy:
            return
        picker = ArticlePicker(
            self.matcher(),
            article.code,
            article.label,
            documents=article.documents,
            current=article.article_code,
        )
        self.app.push_screen(picker, lambda chosen: self._chosen(article, chosen))

    def _chosen(self, article: PendingArticle, chosen: str | None) -> None:
        if not chosen or chosen == article.article_code:
            return
        held = self.matcher().held.get(chosen)
        if held:
            question = (
                f"L'article {chosen} correspond déjà au code {held} sur {self.code}. "
                f"Le faire correspondre à {article.code} à la place ? Les documents qui "
                f"utilisent {held} seront alors retenus."
            )
            self.app.push_screen(
                ConfirmScreen(question, "Remplacer", danger=False),
                lambda yes: self._map(article, chosen) if yes else None,
            )
            return
        self._map(article, chosen)

    def _map(self, article: PendingArticle, chosen: str) -> None:
        # The external code moves from its article (if any) to the chosen one, in one step,
        # and only if neither changed since this screen read them (another operator).
        try:
            move_code(
                self.db,
                self.code,
                article.code,
                article.article_code,
                chosen,
                self.matcher().held.get(chosen),
                operator(),
            )
        except UserError as exc:
            self.notify_error(str(exc))
            self.reanalyse()  # show what the other operator did
            return
        before = self._held()
        self.reanalyse()
        freed = len(before - self._held())
        label = self.matcher().labels.get(chosen, "")
        message = f"{article.code} correspond maintenant à {chosen} - {label}."
        if freed:
            message += " " + plural(
                freed, "document n'est plus retenu.", "documents ne sont plus retenus."
            )
        self.notify(message, title="Correspondance enregistrée")

    def _held(self) -> set[str]:
        if self.analysis is None:
            return set()
        return {d.numero for d in self.analysis.documents if d.held}

    # -- discard

    def action_discard(self) -> None:
        document = self._current()[1]
        if not self.check_action("discard", ()) or document is None:
            return
        question = (
            f"Écarter le document {document.numero} ({document.status}) ? Il ne sera plus "
            "proposé à la réception ; son fichier reste dans l'archive."
        )

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                count = reception.discard(self.db, self.code, [document.numero])
            except UserError as exc:
                self.notify_error(str(exc))
                return
            self.reanalyse()
            if count:
                self.notify(f"Document {document.numero} écarté.")
            else:
                self.notify(
                    f"Le document {document.numero} n'était plus en attente.", severity="warning"
                )

        self.app.push_screen(ConfirmScreen(question, "Écarter"), answered)

    # -- receive

    def action_receive(self) -> None:
        if not self.check_action("receive", ()):
            return
        owner = locks.current_owner(self.db, self.code)
        if owner is not None:
            self.notify_error(locks.busy_message(self.code, owner))
            return
        self._set_busy("receive", "Réception")
        self.run_worker(
            self._receive_worker,
            thread=True,
            exclusive=True,
            group="reception-receive",
            exit_on_error=False,
        )

    def _receive_worker(self) -> None:
        app = self.app
        try:
            with worker_db(app) as db:
                # Receive only what the operator read: a cron reception or new files since the
                # preview are said, and the preview read again, first.
                outdated = self.preview and reception.changed_since_preview(db, self.preview)
                if outdated:
                    call_ui(app, self._preview_outdated, outdated)
                    return
                # The preview waited for the files being written: what it showed is read.
                result = reception.receive(
                    db, self.code, self._progress_from_thread, wait=2.0, look_twice=False
                )
        except UserError as exc:  # Busy: another process took the lock meanwhile
            call_ui(app, self._receive_failed, str(exc))
            return
        except Exception as exc:
            log.exception("reception of %s", self.code)
            call_ui(app, self._receive_failed, f"Réception interrompue : {failure_reason(exc)}.")
            return
        call_ui(app, self._receive_done, result.run.id)

    def _preview_outdated(self, why: str) -> None:
        self.notify(
            f"{why} : rien n'a été reçu. L'aperçu est relu ; vérifiez-le puis Recevoir (F9).",
            title="Aperçu dépassé",
            severity="warning",
            timeout=12,
        )
        self._start_preview()

    def _receive_failed(self, message: str) -> None:
        self._set_busy(None)
        self.notify_error(message)
        self.reanalyse()

    def _receive_done(self, run_id: int) -> None:
        self._set_busy(None)
        self._report_run = run_id
        if self.is_current:
            self._open_report()

    def on_screen_resume(self) -> None:
        # The reception ended while a modal (help, palette) was over the screen.
        if self._report_run is not None:
            self._open_report()

    def _open_report(self) -> None:
        run = history.get_run(self.db, self._report_run)
        self._report_run = None
        self.app.switch_screen(ReportScreen(run))

    # -- progress

    def _progress_from_thread(self, stage: str, done: int, total: int) -> None:
        last_stage, last_time = self._last_progress
        now = time.monotonic()
        if stage == last_stage and done < total and now - last_time < PROGRESS_EVERY:
            return
        self._last_progress = (stage, now)
        call_ui(self.app, self._show_progress, stage, done, total)

    def _show_progress(self, stage: str, done: int, total: int) -> None:
        self.query_one("#reception-stage", Label).update(stage)
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)

    def _set_busy(self, busy: str | None, stage: str = "") -> None:
        self.busy = busy
        progress = self.query_one("#reception-progress")
        progress.set_class(busy is not None, "-visible")
        if busy:
            self.query_one("#reception-stage", Label).update(stage)
            self.query_one(ProgressBar).update(total=None, progress=0)
        self._update_buttons()
        self.refresh_bindings()

    def _update_buttons(self) -> None:
        self.query_one("#receive", Button).disabled = not self.check_action("receive", ())


def open_reception(app: App, code: str) -> ReceptionScreen | None:
    """Opens the reception of `code` in the Synchro mode; refuses (and says who) when another
    process is receiving it."""
    db = app.db  # type: ignore[attr-defined]
    try:
        connector = connectors_store.require_connector(db, code)
    except UserError as exc:
        notify_error(app, str(exc))
        return None
    owner = locks.current_owner(db, connector.code)
    if owner is not None:
        notify_error(app, locks.busy_message(connector.code, owner))
        return None
    if getattr(app, "current_mode", None) != ReceptionScreen.MODE and ReceptionScreen.MODE in (
        getattr(app, "MODES", {})
    ):
        app.switch_mode(ReceptionScreen.MODE)
    screen = ReceptionScreen(connector.code)
    app.push_screen(screen)
    return screen
