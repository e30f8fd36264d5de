"""`econnect init [--demo]`."""

from __future__ import annotations

import click

from ..sync import demo
from ..sync.connectors import gc_missing_for_connector
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
    elif gc_missing_for_connector(db):
        say(
            "Prochaines étapes : chargez les données de la Gestion Commerciale (econnect gc"
            " import TYPE FICHIER : entreprises, sites, depots, familles-clients,"
            " familles-fournisseurs, unites, articles, clients…), puis créez le connecteur"
            " (econnect connector import FICHIER.toml, ou l'assistant : Paramètres ›"
            " E-connecteur)."
        )
