"""`econnect receive|status|history`: the reception engine and the history, for scripts."""

from __future__ import annotations

import sys

import click

from ..errors import NotFound
from ..french import date_time
from ..models.reports import RunKind, SyncRun
from ..store import connectors as connectors_store
from ..store import history as history_store
from ..sync import locks, reception
from ..text import plural
from . import Context
from ._output import EXIT_HELD_BACK, out, print_json, say, stderr_is_terminal


def _progress():
    """A progress line on stderr when it is a terminal; nothing otherwise."""
    if not stderr_is_terminal():
        return None

    def show(stage: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{stage:<22} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if total and done >= total:
            sys.stderr.write("\r" + " " * 70 + "\r")
        sys.stderr.flush()

    return show


@click.command()
@click.argument("code")
@click.option(
    "--preview", is_flag=True, help="Montre ce que ferait la réception, sans rien intégrer."
)
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
@click.pass_obj
def receive(obj: Context, code: str, preview: bool, as_json: bool) -> None:
    """Réceptionne les fichiers du logiciel ETA du connecteur CODE (intègre ce qui peut l'être,
    met le reste en attente, affiche le rapport)."""
    db = obj.db()
    if preview:
        result = reception.preview(
            db, code, progress=_progress(), settle=obj.settings.settle_seconds
        )
        if as_json:
            data = result.model_dump(mode="json")
            data["files_to_process"] = result.files_to_process
            print_json(data)
        else:
            print_preview(result)
        left_aside = any(not item.ok for item in [*result.files, *result.documents, *result.tiers])
        sys.exit(EXIT_HELD_BACK if left_aside else 0)
    outcome = reception.receive(db, code, progress=_progress(), settle=obj.settings.settle_seconds)
    if as_json:
        print_json(history_store.get_run(db, outcome.run.id))
        say(outcome.run.message or "")
    else:
        print_report(outcome.run, history_store.iter_rows(db, outcome.run.id))
    sys.exit(outcome.exit_code)


def print_preview(p: reception.Preview) -> None:
    out(f"{p.connector_code} — {reception.files_sentence(p.files_to_process)}")
    if p.files:
        out("\nFichiers")
        for f in p.files:
            out(f"  {f.name}  [{f.kind}]  {f.status}")
    if p.articles:
        out(
            "\nArticles — Données en attente d'intégration | Statut / Correspondance Gestion "
            "Commerciale"
        )
        for a in p.articles:
            out(f"  {a.code} - {a.label}  |  {a.status}")
    if p.documents:
        out("\nDocuments — Données en attente d'intégration | Statut")
        for d in p.documents:
            out(f"  {d.label}  |  {d.status}")
    if p.tiers:
        out("\nTiers — Données en attente d'intégration | Statut")
        for t in p.tiers:
            out(f"  {t.identifier}  |  {t.status}")
    if not (p.files or p.documents or p.tiers):
        out("Aucune donnée en attente.")
    if p.unmapped:
        out("\nLes documents contenant des articles sans correspondance ne seront pas intégrés.")


def print_report(run: SyncRun, rows=None) -> None:
    """The report; `rows` (an iterator from the history) streams a big one."""
    rows = run.rows if rows is None else rows
    out(
        f"{run.kind.label} n° {run.id} — {run.connector_code} — {date_time(run.started_at)} — "
        f"{run.user} — {run.state}"
    )
    if run.files:
        out("Fichiers")
        for f in run.files:
            where = f" → {f.path}" if f.path else ""
            count = f", {plural(f.rows, 'ligne')}" if f.rows is not None else ""
            out(f"  {f.name} [{f.kind}{count}] {f.status}{where}")
    heading = False
    for r in rows:
        if not heading:
            out("Nom du fichier | Type | Identifiant | Etat | Messages")
            heading = True
        out(f"{r.file_name} | {r.type.value} | {r.identifier} | {r.state} | {r.messages}")
    if run.message:
        out(run.message)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="État en JSON sur la sortie standard.")
@click.pass_obj
def status(obj: Context, as_json: bool) -> None:
    """Une ligne par connecteur : état des synchronisations précédentes, fichiers en attente,
    documents retenus, dernière réception, dernier envoi."""
    db = obj.db()
    rows = []
    for connector in connectors_store.list_connectors(db):
        pending = reception.pending_status(db, connector.code)
        last_reception = locks.as_shown(
            db, history_store.last_run(db, connector.code, RunKind.RECEPTION)
        )
        last_send = locks.as_shown(db, history_store.last_run(db, connector.code, RunKind.SEND))
        rows.append((connector.code, pending, last_reception, last_send))
    if as_json:
        print_json(
            [
                {
                    "code": code,
                    "etat": last.status.value if last else None,
                    "message": last.message if last else None,
                    "fichiers_en_attente": p.files_waiting,
                    "documents_retenus": p.held_back_documents,
                    "tiers_retenus": p.held_back_tiers,
                    "erreur_dossier": p.folder_error,
                    "derniere_reception": last.started_at.isoformat() if last else None,
                    "dernier_envoi": sent.started_at.isoformat() if sent else None,
                    "etat_dernier_envoi": sent.status.value if sent else None,
                }
                for code, p, last, sent in rows
            ]
        )
        return
    if not rows:
        say("Aucun connecteur.")
    for code, p, last, sent in rows:
        state = last.state if last else "Aucune réception réalisée"
        waiting = (
            f"{plural(p.files_waiting, 'fichier')} en attente, "
            f"{plural(p.held_back_documents, 'document retenu', 'documents retenus')} et "
            f"{plural(p.held_back_tiers, 'tiers retenu', 'tiers retenus')}"
            if p.has_pending
            else "Aucune donnée en attente"
        )
        if p.folder_error:
            waiting = p.folder_error
        out(
            f"{code}  {state}  {waiting}  dernière réception : "
            f"{date_time(last.started_at) if last else 'jamais'}  dernier envoi : "
            f"{date_time(sent.started_at) + ' ' + sent.status.symbol if sent else 'jamais'}"
        )


@click.command()
@click.argument("code")
@click.option(
    "--run", "run_id", type=int, metavar="N", help="Affiche le rapport de la synchronisation N."
)
@click.option("--json", "as_json", is_flag=True, help="Historique en JSON sur la sortie standard.")
@click.pass_obj
def history(obj: Context, code: str, run_id: int | None, as_json: bool) -> None:
    """Les réceptions et envois du connecteur CODE, du plus récent au plus ancien (aussi ceux
    d'un connecteur supprimé depuis)."""
    db = obj.db()
    code = _history_code(db, code)
    if run_id is not None:
        run = locks.as_shown(db, history_store.get_run(db, run_id, code))
        if as_json:
            print_json(run)
        else:
            print_report(run)
        return
    runs = [locks.as_shown(db, run) for run in history_store.list_runs(db, code)]
    if as_json:
        print_json(runs)
        return
    if not runs:
        say(f"Aucune synchronisation pour {code}.")
    for run in runs:
        out(
            f"{run.id:>5}  {date_time(run.started_at)}  {run.kind.label:<9}  {run.status.symbol}  "
            f"{run.user}  {run.message or ''}"
        )


def _history_code(db, code: str) -> str:
    """The connector's code; a deleted connector's history stays readable by its code."""
    try:
        return connectors_store.require_connector(db, code).code
    except NotFound:
        if history_store.list_runs(db, code.upper(), limit=1):
            return code.upper()
        raise
