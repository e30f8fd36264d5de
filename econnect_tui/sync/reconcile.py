"""`econnect check`'s reconciliation of the reception history with the GC: one French sentence
per difference (a write the database had confirmed, lost since: see store/reconcile.py)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from ..french import dated
from ..store import reconcile as store
from ..text import plural

DOCUMENTS = "Documents intégrés toujours présents dans la GC"
TIERS = "Tiers intégrés toujours présents dans la GC"
RUNS = "Réceptions conformes à leur rapport (documents, tiers, fichiers)"


def _by(run_id: int | None) -> str:
    return f"intégré par la réception n° {run_id}" if run_id is not None else "intégré"


def _reception(run_id: int, connector_code: str, started_at: str) -> str:
    return dated(f"Réception n° {run_id} ({connector_code})", started_at)


def missing_documents(db: Database) -> list[str]:
    sentences = []
    for d in store.documents_not_in_gc(db):
        head = f"Document {d.numero} ({d.connector_code}), {_by(d.run_id)}"
        if d.found_numero is None:
            sentences.append(f"{head} : absent de la GC.")
        else:
            sentences.append(
                f"{head} : le document de la GC enregistré pour lui porte le numéro ETA "
                f"{d.found_numero}."
            )
    return sentences


def missing_tiers(db: Database) -> list[str]:
    return [
        f"{t.type} {t.code} ({t.connector_code}), {_by(t.run_id)} : absent de la GC."
        for t in store.tiers_not_in_gc(db)
    ]


def runs_out_of_step(db: Database) -> list[str]:
    """Finished receptions whose counts differ from what the staging tables record they
    integrated, and files they received that are no longer recorded."""
    sentences = []
    for r in store.finished_receptions(db):
        counts = json.loads(r.counts or "{}")
        documents = counts.get("documents_crees", 0) + counts.get("documents_mis_a_jour", 0)
        tiers = counts.get("tiers_crees", 0) + counts.get("tiers_mis_a_jour", 0)
        head = _reception(r.run_id, r.connector_code, r.started_at)
        if documents != r.documents:
            sentences.append(
                f"{head} : {plural(documents, 'document intégré', 'documents intégrés')} "
                f"d'après son rapport, {r.documents} d'après l'historique des documents."
            )
        if tiers != r.tiers:
            sentences.append(
                f"{head} : {plural(tiers, 'tiers intégré', 'tiers intégrés')} d'après son "
                f"rapport, {r.tiers} d'après l'historique des tiers reçus."
            )
    for f in store.received_files_unknown(db):
        head = _reception(f.run_id, f.connector_code, f.started_at)
        sentences.append(
            f"{head} : le fichier {f.name} ({f.status}) n'est plus enregistré dans la base."
        )
    return sentences


def findings(db: Database) -> list[tuple[str, list[str]]]:
    """(check item name, sentences) of each reconciliation; no sentence: in step."""
    return [
        (DOCUMENTS, missing_documents(db)),
        (TIERS, missing_tiers(db)),
        (RUNS, runs_out_of_step(db)),
    ]
