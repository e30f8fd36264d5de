"""`econnect gc import KIND FILE`: GC master data from CSV."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from ..sync.gcimport import KINDS, import_master_file
from ..text import plural
from . import Context
from ._french import SUBCOMMAND_METAVAR
from ._output import say_import


@click.group(subcommand_metavar=SUBCOMMAND_METAVAR)
def gc() -> None:
    """Données de la Gestion Commerciale."""


@gc.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)), metavar="TYPE")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FICHIER"
)
@click.option("--json", "as_json", is_flag=True, help="Résumé en JSON sur la sortie standard.")
@click.pass_obj
def import_(obj: Context, kind: str, file: Path, as_json: bool) -> None:
    """Charge un fichier CSV de données GC (crée ou met à jour par code, ne supprime rien)."""
    summary = import_master_file(obj.db(), kind, file)
    say_import(
        summary,
        file,
        as_json,
        f"{plural(summary.created, 'créé')}, {summary.updated} mis à jour, "
        f"{plural(summary.unchanged, 'inchangé')} ({KINDS[kind].title}).",
    )


def _types_help() -> str:
    """Each TYPE with its columns (* required), in the order to load them: each one's codes
    name records of those before it (a site its company, an article its unit)."""
    lines = []
    for kind in KINDS.values():
        columns = "; ".join(c.name + ("*" if c.required else "") for c in kind.layout.columns)
        lines += textwrap.wrap(
            columns, width=76, initial_indent=f"  {kind.kind:<22}", subsequent_indent=" " * 24
        )
    return (
        "TYPE, dans l'ordre où les charger (les codes de chacun désignent des enregistrements "
        "des précédents), avec ses colonnes (* obligatoire) :\n\n\b\n" + "\n".join(lines)
    )


import_.help = f"{import_.help}\n\n{_types_help()}"
