"""`econnect backup FILE` and `econnect check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..sync import maintenance
from . import Context
from ._output import EXIT_HELD_BACK, out, print_json, say


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER")
@click.pass_obj
def backup(obj: Context, file: Path) -> None:
    """Copie la base de données dans FICHIER (sauvegarde à chaud, même pendant une
    réception)."""
    target = maintenance.backup(obj.db(), file)
    say(f"Sauvegarde écrite : {target}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Résultat en JSON sur la sortie standard.")
@click.pass_obj
def check(obj: Context, as_json: bool) -> None:
    """Vérifie la base : intégrité SQLite, références, données de réception."""
    report = maintenance.check(obj.db())
    if as_json:
        print_json(report)
    else:
        for item in report.items:
            out(f"{'✓' if item.ok else '✗'} {item.name}")
            for detail in item.details:
                out(f"    {detail}")
        say("Base saine." if report.ok else "Des anomalies ont été trouvées (voir ci-dessus).")
    sys.exit(0 if report.ok else EXIT_HELD_BACK)
