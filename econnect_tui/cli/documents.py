"""`econnect documents list|validate`."""

from __future__ import annotations

import click

from ..errors import NotFound, UserError
from ..models.gc import DocStatus
from ..store import documents as store
from . import Context
from ._french import SUBCOMMAND_METAVAR
from ._output import money, number, out, print_json_items, say


@click.group(subcommand_metavar=SUBCOMMAND_METAVAR)
def documents() -> None:
    """Documents de la Gestion Commerciale (commandes et bons de livraison)."""


@documents.command("list")
@click.option("--json", "as_json", is_flag=True, help="Liste en JSON sur la sortie standard.")
@click.pass_obj
def list_(obj: Context, as_json: bool) -> None:
    """Liste les documents avec leurs lignes."""
    docs = store.iter_documents(obj.db(), with_lines=True)
    if as_json:
        print_json_items(docs)
        return
    listed = 0
    for d in docs:
        listed += 1
        origin = f"{d.connector_code}:{d.external_id}" if d.external_id else "saisi"
        out(
            f"{d.number}  {d.doc_type.label}  {d.date:%d/%m/%Y}  {origin}  "
            f"{d.client_code} {d.client_name}  {d.status.label}  "
            f"HT {money(d.total_ht)}  TVA {money(d.total_vat)}  TTC {money(d.total_ttc)}"
        )
        for ln in d.lines:
            out(
                f"    {ln.position:>3}  {ln.article_code}  {ln.label}  "
                f"{number(ln.quantity)} {ln.unit_code or ''} × {number(ln.unit_price)}"
                f"  = {money(ln.amount_ht)}  TVA {number(ln.vat_rate)} %"
            )
    if not listed:
        say("Aucun document.")


@documents.command()
@click.argument("numero")
@click.pass_obj
def validate(obj: Context, numero: str) -> None:
    """Valide un document (NUMERO : son numéro GC ou son NumeroDocument ETA) : les réceptions
    suivantes ne pourront plus le modifier."""
    db = obj.db()
    found = store.find_documents(db, numero)
    if not found:
        raise NotFound(f"Aucun document ne porte le numéro « {numero} ».")
    if len(found) > 1:
        numbers = ", ".join(d.number for d in found)
        raise UserError(f"Le numéro « {numero} » désigne plusieurs documents : {numbers}.")
    doc = found[0]
    if doc.status is DocStatus.INVOICED:
        raise UserError(f"Le document {doc.number} est déjà facturé.")
    if doc.status is DocStatus.VALIDATED:
        say(f"Le document {doc.number} est déjà validé.")
        return
    store.set_status(db, doc.id, DocStatus.VALIDATED)
    say(f"Document {doc.number} validé.")
