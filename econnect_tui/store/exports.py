"""The rows of the export files (« Envois »): the queries behind Articles.csv, Clients.csv and
Contacts.csv.

Unlike the other store modules these yield plain tuples, not models: a send streams up to
50,000 rows per file from a cursor straight into the CSV writer, and a pydantic model per row
would cost more than the whole write. Each tuple is one line of the file, its cells in the order
of the file's columns (`sync.send.ARTICLES_COLUMNS`, `CLIENTS_COLUMNS`, `CONTACTS_COLUMNS`),
typed for `exchange.csv.format_cell`: Decimal for prices, rates and quantities, bool for
flags, str or None for text. Rows come ordered by code, so two sends of the same data give the
same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from sqlite_utils import Database

from ..models.gc import ArticleFilter, ClientFilter
from .articles import filter_where

#: The article's price in the connector's category when no unit is asked, or when the asked unit
#: has no price: the unit-less price, else one written in the article's own unit (the same thing).
_BASE_PRICE = (
    "(SELECT p.price FROM prices p WHERE p.article_id = a.id AND p.price_category_code = ?"
    " AND (p.unit_code IS NULL OR p.unit_code = a.unit_code)"
    " ORDER BY p.unit_code IS NOT NULL LIMIT 1)"
)


def article_query(
    connector_code: str,
    selection: ArticleFilter,
    *,
    price_category: str | None,
    unit: str | None,
    depot: str | None,
) -> tuple[str, list]:
    """The SQL and parameters behind `article_rows` (raw cells: prices and quantities as text)."""
    where, where_params = filter_where(selection, "a")
    sql = (
        "SELECT a.code, m.external_code, a.label, a.family_code,"
        " CASE WHEN pu.price IS NOT NULL THEN pu.unit_code ELSE a.unit_code END,"
        f" CASE WHEN pu.price IS NOT NULL THEN pu.price ELSE {_BASE_PRICE} END,"
        " a.vat_rate, s.quantity, a.active"
        " FROM articles a"
        " LEFT JOIN article_mappings m ON m.connector_code = ? AND m.article_id = a.id"
        " LEFT JOIN prices pu ON pu.article_id = a.id AND pu.price_category_code = ?"
        " AND pu.unit_code = ?"
        " LEFT JOIN stocks s ON s.article_id = a.id AND s.depot_code = ?"
        f" WHERE {where} ORDER BY a.code"
    )
    return sql, [price_category, connector_code, price_category, unit, depot, *where_params]


def article_rows(
    db: Database,
    connector_code: str,
    selection: ArticleFilter,
    *,
    price_category: str | None,
    unit: str | None,
    depot: str | None,
) -> Iterator[tuple]:
    """The lines of Articles.csv: the articles `selection` selects, by code.

    `CodeArticle; CodeArticleExterne; Libelle; Famille; Unite; PrixHT; TauxTVA; Stock; Actif`:

    * CodeArticleExterne: the article's correspondence on `connector_code`, else None;
    * Unite, PrixHT: with `unit`, the price of `price_category` in that unit, and `unit`; when the
      article has no price in that unit (or no `unit` is asked), its base price in that category
      (unit-less, else in its own unit) and the article's own unit, so a price is never shown
      beside a unit it is not for; PrixHT None when the category has no price for the article;
    * Stock: the quantity in `depot`, None when the article has no stock row there (a service is
      not stocked: an empty cell, not a zero the ETA software would read as « out of stock »);
    * Actif: bool.
    """
    sql, params = article_query(
        connector_code, selection, price_category=price_category, unit=unit, depot=depot
    )
    dec = Decimal
    for code, external, label, family, unit_code, price, vat, quantity, active in db.execute(
        sql, params
    ):
        yield (
            code,
            external,
            label,
            family,
            unit_code,
            None if price is None else dec(price),
            dec(vat),
            None if quantity is None else dec(quantity),
            active == 1,
        )


def client_filter_where(flt: ClientFilter | None, alias: str = "t") -> tuple[str, list]:
    """The WHERE clause selecting clients: all of them, or those a client filter selects.

    Criteria, all required to hold: family among `families`; postal code starting with
    `postal_code_prefix`; city equal to `city` ignoring case, accents and surrounding spaces
    (`fold()`, the SQLite function db.py registers)."""
    clauses = [f"{alias}.kind = 'client'"]
    params: list = []
    if flt is not None:
        if flt.families:
            clauses.append(f"{alias}.client_family_code IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(flt.families)))
        prefix = (flt.postal_code_prefix or "").strip()
        if prefix:
            clauses.append(f"substr(trim({alias}.postal_code), 1, ?) = ?")
            params += [len(prefix), prefix]
        city = (flt.city or "").strip()
        if city:
            clauses.append(f"fold(trim({alias}.city)) = fold(?)")
            params.append(city)
    return " AND ".join(clauses), params


def client_query(selection: ClientFilter | None) -> tuple[str, list]:
    """The SQL and parameters behind `client_rows`."""
    return _of_clients(
        selection,
        "SELECT t.code, t.civility, t.name, t.address1, t.address2, t.postal_code, t.city,"
        " t.country, t.phone, t.mobile, t.email, t.siret, t.vat_number, t.client_family_code,"
        " t.payment_method FROM tiers t",
        "t.code",
    )


def client_rows(db: Database, selection: ClientFilter | None) -> Iterable[tuple]:
    """The lines of Clients.csv: every client (`selection` None) or those a filter selects.

    `CodeClient; Civilite; Nom; Adresse1; Adresse2; CodePostal; Ville; Pays; Telephone; Mobile;
    Email; Siret; NumeroTVA; Famille; ModeReglement`, all text (None when empty)."""
    return db.execute(*client_query(selection))


def contact_query(selection: ClientFilter | None) -> tuple[str, list]:
    """The SQL and parameters behind `contact_rows`."""
    return _of_clients(
        selection,
        "SELECT t.code, c.code, c.civility, c.last_name, c.first_name, c.function, c.phone,"
        " c.mobile, c.email FROM tiers t JOIN contacts c ON c.tiers_id = t.id",
        "t.code, c.id",
    )


def _of_clients(selection: ClientFilter | None, select: str, order: str) -> tuple[str, list]:
    """`select` (over the tiers `t`) kept to the clients `selection` selects, in `order`."""
    where, params = client_filter_where(selection, "t")
    return f"{select} WHERE {where} ORDER BY {order}", params


def contact_rows(db: Database, selection: ClientFilter | None) -> Iterable[tuple]:
    """The lines of Contacts.csv: the contacts of the clients `client_rows` selects, by client
    code then in the order they were created.

    `CodeClient; CodeContact; Civilite; Nom; Prenom; Fonction; Telephone; Mobile; Email`."""
    return db.execute(*contact_query(selection))
