"""`econnect mapping export CODE [FILE]` / `econnect mapping import CODE FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from ..sync import mapping as service
from ..sync.runs import operator
from ..text import plural
from . import Context
from ._french import SUBCOMMAND_METAVAR
from ._output import say, say_import


@click.group(subcommand_metavar=SUBCOMMAND_METAVAR)
def mapping() -> None:
    """Correspondances des articles (CSV CodeArticle;CodeArticleExterne)."""


@mapping.command("export")
@click.argument("code")
@click.argument(
    "file", required=False, type=click.Path(dir_okay=False, path_type=Path), metavar="[FICHIER]"
)
@click.pass_obj
def export(obj: Context, code: str, file: Path | None) -> None:
    """Écrit les correspondances d'un connecteur en CSV, dans FICHIER ou sur la sortie
    standard (sans FICHIER, ou « - »)."""
    if file is not None and str(file) == "-":  # the Unix convention, not a file named « - »
        file = None
    count = service.export_file(obj.db(), code, file)
    if file is not None:
        say(f"{plural(count, 'correspondance écrite', 'correspondances écrites')} dans {file}.")


@mapping.command("import")
@click.argument("code")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FICHIER"
)
@click.option("--json", "as_json", is_flag=True, help="Résumé en JSON sur la sortie standard.")
@click.pass_obj
def import_(obj: Context, code: str, file: Path, as_json: bool) -> None:
    """Ajoute ou modifie les correspondances données par un fichier CSV (un code vide retire
    celle de l'article ; les articles absents du fichier ne changent pas). Tout est vérifié
    d'abord : une seule ligne fausse et rien n'est importé."""
    summary = service.import_file(obj.db(), code, file, operator())
    say_import(
        summary,
        file,
        as_json,
        f"{plural(summary.added, 'ajoutée')}, {plural(summary.changed, 'modifiée')}, "
        f"{plural(summary.removed, 'retirée')}, {plural(summary.unchanged, 'inchangée')} "
        f"({summary.connector}).",
    )
