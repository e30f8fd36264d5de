"""`econnect init [--demo]`."""

from __future__ import annotations

import click

from ..sync import demo
from . import Context
from ._output import say


@click.command()
@click.option("--demo", "with_demo", is_flag=True, help="Charge les données de démonstration.")
@click.pass_obj
def init(obj: Context, with_demo: bool) -> None:
    """Crée ou met à jour la base de données."""
    db = obj.db(create=True)
    say(f"Base de données prête : {obj.db_path}")
    if with_demo:
        folder = demo.load_demo(db, obj.db_path.parent)
        say(f"Données de démonstration chargées ; dossiers d'échange sous : {folder}")
