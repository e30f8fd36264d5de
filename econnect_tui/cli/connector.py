"""`econnect connector list|export|import|delete`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import UserError
from ..models.connector import Connector, Mode
from ..store import connectors as store
from ..sync import connectors as service
from . import Context
from ._french import SUBCOMMAND_METAVAR
from ._output import EXIT_FAILED, EXIT_USAGE, out, print_json, say


@click.group(subcommand_metavar=SUBCOMMAND_METAVAR)
def connector() -> None:
    """Connecteurs E-connecteur (paramétrage, copie entre sites)."""


def connector_json(c: Connector) -> dict:
    data = c.model_dump(mode="json", by_alias=True)
    data["cle"] = c.masked_key  # never in clear in a listing
    data["url"] = c.masked_url
    return data


def connector_line(c: Connector) -> str:
    s, r = c.send, c.receive
    if c.mode is Mode.CSV:
        where = f"import={c.import_path} export={c.export_path}"
    else:
        where = f"url={c.masked_url} cle={c.masked_key}"
    return (
        f"{c.code}  {c.liaison.label}  {c.mode.label}  {where}  "
        f"envois: articles={s.articles.value}"
        + (f"({s.article_filter})" if s.article_filter else "")
        + f" tarif={s.price_category or '-'} unite={s.unit or '-'} depot={s.depot or '-'}"
        f" clients={s.clients.value}"
        + (f"({s.client_filter})" if s.client_filter else "")
        + f" contacts={'oui' if s.contacts else 'non'} encodage={s.encoding.value}  "
        f"receptions: {r.doc_type.value} {r.company}/{r.site}/{r.depot}"
        f" familles={r.client_family}/{r.supplier_family} mise_a_jour={r.update_mode.value}"
    )


@connector.command("list")
@click.option("--json", "as_json", is_flag=True, help="Liste en JSON sur la sortie standard.")
@click.pass_obj
def list_(obj: Context, as_json: bool) -> None:
    """Liste les connecteurs et leur paramétrage, un par ligne (clé masquée)."""
    connectors = store.list_connectors(obj.db())
    if as_json:
        print_json([connector_json(c) for c in connectors])
        return
    if not connectors:
        say("Aucun connecteur.")
    for c in connectors:
        out(connector_line(c))


@connector.command("export")
@click.argument("code")
@click.pass_obj
def export(obj: Context, code: str) -> None:
    """Écrit le paramétrage complet d'un connecteur en TOML sur la sortie standard."""
    click.echo(service.export_toml(obj.db(), code), nl=False)


@connector.command("import")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FICHIER"
)
@click.option(
    "--creer-dossiers",
    "create_folders",
    is_flag=True,
    help="Crée les dossiers d'import et d'export qui n'existent pas encore.",
)
@click.pass_obj
def import_(obj: Context, file: Path, create_folders: bool) -> None:
    """Crée ou met à jour un connecteur depuis un fichier TOML (tout est vérifié d'abord ;
    rien n'est modifié en cas d'erreur)."""
    text = _read_toml(file)
    connector, created = service.import_toml(
        obj.db(), text, file.name, create_folders=create_folders
    )
    say(f"Connecteur {connector.code} {'créé' if created else 'mis à jour'}.")


MAX_TOML_BYTES = 1_000_000  # a connector's settings take a few kB


def _read_toml(file: Path) -> str:
    """The TOML's text, UTF-8 or else Windows-1252. A FIFO (it would wait for a writer), a
    device or a file far too big for a connector's settings is refused without being read."""
    if not file.is_file():
        raise UserError(f"{file} n'est pas un fichier ordinaire : indiquez un fichier TOML.")
    if file.stat().st_size > MAX_TOML_BYTES:
        raise UserError(f"{file.name} : trop gros pour un fichier de connecteur (TOML).")
    data = file.read_bytes()
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{file.name} : fichier TOML illisible (ni UTF-8 ni Windows-1252).")


@connector.command("delete")
@click.argument("code")
@click.option(
    "--abandonner-retenus",
    "drop_held_back",
    is_flag=True,
    help="Abandonne aussi les documents et tiers reçus qui attendent encore leur intégration.",
)
@click.option("--oui", "yes", is_flag=True, help="Supprime sans demander de confirmation.")
@click.pass_obj
def delete(obj: Context, code: str, drop_held_back: bool, yes: bool) -> None:
    """Supprime un connecteur et ses correspondances d'articles ; l'historique des
    synchronisations et les documents de la Gestion Commerciale sont conservés. Refusé pendant
    une réception de ce connecteur."""
    db = obj.db()
    connector = store.require_connector(db, code)
    documents, tiers = service.held_back_counts(db, connector.code)
    if (documents or tiers) and not drop_held_back:
        raise UserError(
            f"{connector.code} a {service.held_back_text(documents, tiers)} en attente : "
            "ajoutez --abandonner-retenus pour les abandonner et supprimer le connecteur."
        )
    if not yes:
        _confirm_delete(connector.code)
    documents, tiers = service.delete_connector(db, connector.code, drop_held_back=drop_held_back)
    dropped = (
        f" ; {service.held_back_text(documents, tiers)} en attente abandonnés"
        if documents or tiers
        else ""
    )
    say(
        f"Connecteur {connector.code} supprimé avec ses correspondances d'articles{dropped} ; "
        "l'historique est conservé."
    )


def _confirm_delete(code: str) -> None:
    """Asks on a terminal; a script has to say --oui."""
    if not sys.stdin.isatty():
        error = UserError(
            f"Suppression de {code} non confirmée : ajoutez --oui pour supprimer sans question."
        )
        error.exit_code = EXIT_USAGE
        raise error
    answer = click.prompt(
        f"Supprimer le connecteur {code} et ses correspondances d'articles ? [o/N]",
        default="",
        show_default=False,
        err=True,
    )
    if answer.strip().lower() not in ("o", "oui"):
        say("Rien n'a été supprimé.")
        raise click.exceptions.Exit(EXIT_FAILED)
