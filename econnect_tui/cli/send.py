"""`econnect send CODE`: the export files a connector's « Envois » call for."""

from __future__ import annotations

import click

from ..sync import send as service
from . import Context
from ._output import print_json, say


@click.command("send")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
@click.pass_obj
def send(obj: Context, code: str, as_json: bool) -> None:
    """Écrit dans le dossier d'export du connecteur CODE les fichiers que demandent ses envois
    (Articles.csv, Clients.csv, Contacts.csv), chacun remplacé en entier."""
    result = service.send(obj.db(), code)
    if as_json:
        print_json(result)
        return
    for f in result.files:
        plural = "s" if f.rows > 1 else ""
        say(f"{f.name} : {f.rows} ligne{plural} écrite{plural}")
        replaced = service.replaced_message(f, result.encoding)
        if replaced:
            say(f"{f.name} : {replaced}.")
    for s in result.skipped:
        say(f"{s.name} : {s.reason}")
    if result.files:
        say(f"Envoi {result.connector} terminé : fichiers écrits dans {result.export_path}.")
    else:
        say(f"Envoi {result.connector} : aucun fichier à écrire.")
