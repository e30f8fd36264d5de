"""`econnect gc import KIND FILE`: GC master data from CSV."""

from __future__ import annotations

from pathlib import Path

import click

from ..exchange.masterdata import KINDS
from ..sync.gcimport import import_master_file
from . import Context
from ._output import print_json, say


@click.group()
def gc() -> None:
    """Données de la Gestion Commerciale."""


@gc.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)), metavar="TYPE")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Résumé en JSON sur la sortie standard.")
@click.pass_obj
def import_(obj: Context, kind: str, file: Path, as_json: bool) -> None:
    """Charge un fichier CSV de données GC (crée ou met à jour par code, ne supprime rien).

    TYPE :"""
    summary = import_master_file(obj.db(), kind, file)
    for warning in summary.warnings:
        say(warning)
    if as_json:
        print_json(summary)
    else:
        say(
            f"{file.name} : {summary.rows} ligne(s) lue(s), {summary.created} créé(s), "
            f"{summary.updated} mis à jour, {summary.unchanged} inchangé(s) "
            f"({KINDS[kind].title})."
        )


import_.help = (import_.help or "") + ", ".join(KINDS)
