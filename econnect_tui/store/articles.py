"""Articles, their prices (per price category and optional unit) and their stocks (per depot)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from sqlite_utils import Database

from ..db import write_transaction
from ..errors import NotFound, UserError
from ..models.gc import Article, ArticleFilter, Price, Stock
from .reference import refuse_other_case, upsert_by_code

_COLS = (
    "id",
    "code",
    "label",
    "family_code",
    "unit_code",
    "vat_rate",
    "export_available",
    "active",
)
_SELECT = f"SELECT {', '.join(_COLS)} FROM articles"


def _article(row) -> Article:
    # Rows come from our own validated writes: construct without re-validating (50,000 rows fast).
    return Article.model_construct(
        id=row[0],
        code=row[1],
        label=row[2],
        family_code=row[3],
        unit_code=row[4],
        vat_rate=Decimal(row[5]),
        export_available=bool(row[6]),
        active=bool(row[7]),
    )


def list_articles(db: Database) -> list[Article]:
    return [_article(r) for r in db.execute(f"{_SELECT} ORDER BY code")]


class ArticleListRow(NamedTuple):
    """What the Articles list shows of an article, as stored: no model, no Decimal (the VAT
    rate is its canonical text, the flags 0 or 1); 50,000 of them are read at once."""

    code: str
    label: str
    family_code: str | None
    unit_code: str
    vat_rate: str
    export_available: int
    active: int


def list_rows(db: Database) -> list[ArticleListRow]:
    """Every article in code order, as the Articles list shows it."""
    cur = db.execute(
        "SELECT code, label, family_code, unit_code, vat_rate, export_available, active"
        " FROM articles ORDER BY code"
    )
    return list(map(ArticleListRow._make, cur))


def count_articles(db: Database) -> int:
    return db.execute("SELECT count(*) FROM articles").fetchone()[0]


def get_article(db: Database, code: str) -> Article | None:
    row = db.execute(f"{_SELECT} WHERE code = ?", [code]).fetchone()
    return _article(row) if row else None


def require_article(db: Database, code: str) -> Article:
    article = get_article(db, code)
    if article is None:
        raise NotFound(f"L'article « {code} » n'existe pas.")
    return article


def article_ids(db: Database) -> dict[str, int]:
    return {code: id_ for id_, code in db.execute("SELECT id, code FROM articles")}


def article_labels(db: Database) -> dict[str, str]:
    """Code -> label of every article (what fuzzy matching reads)."""
    return dict(db.execute("SELECT code, label FROM articles").fetchall())


def article_label(db: Database, code: str) -> str | None:
    row = db.execute("SELECT label FROM articles WHERE code = ?", [code]).fetchone()
    return row[0] if row else None


def price_keys(db: Database) -> set[tuple[str, str, str]]:
    """(article, price category, unit or "") of every price held."""
    cur = db.execute(
        "SELECT a.code, p.price_category_code, coalesce(p.unit_code, '') FROM prices p"
        " JOIN articles a ON a.id = p.article_id"
    )
    return set(map(tuple, cur))


def stock_keys(db: Database) -> set[tuple[str, str]]:
    """(article, depot) of every stock held."""
    cur = db.execute(
        "SELECT a.code, s.depot_code FROM stocks s JOIN articles a ON a.id = s.article_id"
    )
    return set(map(tuple, cur))


def _values(a: Article) -> list:
    return [
        a.code,
        a.label,
        a.family_code,
        a.unit_code,
        a.vat_rate,
        int(a.export_available),
        int(a.active),
    ]


_UPSERT = (
    "INSERT INTO articles (code, label, family_code, unit_code, vat_rate, export_available, active)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET label = excluded.label,"
    " family_code = excluded.family_code, unit_code = excluded.unit_code,"
    " vat_rate = excluded.vat_rate, export_available = excluded.export_available,"
    " active = excluded.active"
)


def upsert_articles(db: Database, articles: Iterable[Article]) -> tuple[int, int]:
    """Create or update by code; returns (created, updated)."""
    return upsert_by_code(db, _UPSERT, articles, _values, article_ids(db))


def save_article(db: Database, article: Article, *, new: bool) -> Article:
    try:
        with write_transaction(db):
            exists = get_article(db, article.code) is not None
            if new and exists:
                raise UserError(f"L'article « {article.code} » existe déjà.")
            if new:
                refuse_other_case(db, "articles", "", article.code, "L'article")
            if not new and not exists:
                raise NotFound(f"L'article « {article.code} » n'existe plus.")
            db.execute(_UPSERT, _values(article))
    except sqlite3.IntegrityError as exc:
        raise UserError(
            f"Impossible d'enregistrer l'article « {article.code} » : "
            "sa famille ou son unité n'existe pas."
        ) from exc
    return require_article(db, article.code)


# Prices ---------------------------------------------------------------------------------------


def prices_of(db: Database, code: str) -> list[Price]:
    cur = db.execute(
        "SELECT a.code, p.price_category_code, p.unit_code, p.price FROM prices p"
        " JOIN articles a ON a.id = p.article_id WHERE a.code = ?"
        " ORDER BY p.price_category_code, ifnull(p.unit_code, '')",
        [code],
    )
    return [
        Price.model_construct(
            article_code=r[0], price_category_code=r[1], unit_code=r[2], price=Decimal(r[3])
        )
        for r in cur
    ]


_UPSERT_PRICE = (
    "INSERT INTO prices (article_id, price_category_code, unit_code, price)"
    " VALUES ((SELECT id FROM articles WHERE code = ?), ?, ?, ?)"
    " ON CONFLICT(article_id, price_category_code, ifnull(unit_code, ''))"
    " DO UPDATE SET price = excluded.price"
)


def upsert_prices(db: Database, prices: Iterable[Price]) -> int:
    return _upsert(
        db,
        _UPSERT_PRICE,
        ([p.article_code, p.price_category_code, p.unit_code, p.price] for p in prices),
    )


def replace_prices(db: Database, code: str, prices: list[Price]) -> None:
    """The article card's Tarifs tab: the article's prices become exactly `prices`."""
    _replace(
        db,
        code,
        "prices",
        lambda: upsert_prices(db, prices),
        "Impossible d'enregistrer les tarifs : une catégorie tarifaire ou une unité "
        "n'existe pas, ou un tarif est en double.",
    )


def _upsert(db: Database, sql: str, rows: Iterable[list]) -> int:
    n = 0
    with write_transaction(db):
        for row in rows:
            db.execute(sql, row)
            n += 1
    return n


def _replace(db: Database, code: str, table: str, insert, refusal: str) -> None:
    """The article's rows of `table` (prices, stocks) become exactly those `insert` writes, in
    one transaction; a GC record they cite that does not exist is `refusal`."""
    try:
        with write_transaction(db):
            article = require_article(db, code)
            db.execute(f"DELETE FROM {table} WHERE article_id = ?", [article.id])
            insert()
    except sqlite3.IntegrityError as exc:
        raise UserError(refusal) from exc


# Stocks ---------------------------------------------------------------------------------------


def stocks_of(db: Database, code: str) -> list[Stock]:
    cur = db.execute(
        "SELECT a.code, s.depot_code, s.quantity FROM stocks s"
        " JOIN articles a ON a.id = s.article_id WHERE a.code = ? ORDER BY s.depot_code",
        [code],
    )
    return [
        Stock.model_construct(article_code=r[0], depot_code=r[1], quantity=Decimal(r[2]))
        for r in cur
    ]


_UPSERT_STOCK = (
    "INSERT INTO stocks (article_id, depot_code, quantity)"
    " VALUES ((SELECT id FROM articles WHERE code = ?), ?, ?)"
    " ON CONFLICT(article_id, depot_code) DO UPDATE SET quantity = excluded.quantity"
)


def upsert_stocks(db: Database, stocks: Iterable[Stock]) -> int:
    return _upsert(db, _UPSERT_STOCK, ([s.article_code, s.depot_code, s.quantity] for s in stocks))


def replace_stocks(db: Database, code: str, stocks: list[Stock]) -> None:
    _replace(
        db,
        code,
        "stocks",
        lambda: upsert_stocks(db, stocks),
        "Impossible d'enregistrer les stocks : un dépôt n'existe pas ou est en double.",
    )


# Filters --------------------------------------------------------------------------------------


def filter_where(flt: ArticleFilter, alias: str = "articles") -> tuple[str, list]:
    """The WHERE clause of an article filter, built from its structured criteria only."""
    clauses: list[str] = []
    params: list = []
    if flt.families:
        clauses.append(f"{alias}.family_code IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(flt.families))
    if flt.code_prefix:
        clauses.append(f"substr({alias}.code, 1, ?) = ?")
        params += [len(flt.code_prefix), flt.code_prefix]
    if flt.label_contains:
        clauses.append(f"instr(fold({alias}.label), fold(?)) > 0")
        params.append(flt.label_contains)
    if flt.export_available is not None:
        clauses.append(f"{alias}.export_available = ?")
        params.append(int(flt.export_available))
    if flt.active is not None:
        clauses.append(f"{alias}.active = ?")
        params.append(int(flt.active))
    return (" AND ".join(clauses) or "1"), params


def select_articles(db: Database, flt: ArticleFilter) -> list[Article]:
    where, params = filter_where(flt)
    return [_article(r) for r in db.execute(f"{_SELECT} WHERE {where} ORDER BY code", params)]


def save_article_card(
    db: Database, article: Article, prices: list[Price], stocks: list[Stock], *, new: bool
) -> Article:
    """The article card's three tabs, saved as one unit of work."""
    with write_transaction(db):
        saved = save_article(db, article, new=new)
        replace_prices(db, article.code, prices)
        replace_stocks(db, article.code, stocks)
    return saved
