from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from econnect_tui.errors import NotFound, UserError
from econnect_tui.models.gc import (
    ArticleFilter,
    Contact,
    DocStatus,
    DocType,
    Price,
    Stock,
    Tiers,
    TiersKind,
)
from econnect_tui.store import articles, documents, filters, reference, tiers
from econnect_tui.store.reference import RefKind
from tests.eta import gc_document, gc_line
from tests.helpers import demo_db


@pytest.fixture
def db(tmp_path):
    return demo_db(tmp_path)


def test_reference_tables_are_loaded_and_linked(db):
    sites = reference.list_records(db, RefKind.SITES)
    assert {s.code for s in sites} == {"CHARTRES", "BONNEVAL"}
    assert reference.get_record(db, RefKind.DEPOTS, "DEP2").site_code == "BONNEVAL"


def test_a_new_code_differing_only_by_case_is_refused(db):
    lab = articles.get_article(db, "LAB").model_copy(update={"code": "lab", "id": None})
    with pytest.raises(UserError) as info:
        articles.save_article(db, lab, new=True)
    assert str(info.value) == (
        "L'article « LAB » existe déjà (« lab » ne s'en distingue que par la casse)."
    )
    site = reference.get_record(db, RefKind.SITES, "CHARTRES").model_copy(
        update={"code": "chartres"}
    )
    with pytest.raises(UserError, match="« CHARTRES » existe déjà"):
        reference.save_record(db, RefKind.SITES, site, new=True)
    supplier = tiers.get_tiers(db, TiersKind.SUPPLIER, "F001")
    with pytest.raises(UserError, match="« F001 » existe déjà"):
        tiers.save_tiers(db, supplier.model_copy(update={"code": "f001", "id": None}), new=True)
    # a client may have a supplier's code: only the same kind counts
    assert tiers.save_tiers(
        db,
        supplier.model_copy(
            update={"code": "f001", "id": None, "kind": TiersKind.CLIENT, "family_code": None}
        ),
        new=True,
    )
    assert articles.get_article(db, "lab") is None


def test_reference_record_in_use_cannot_be_deleted(db):
    with pytest.raises(UserError, match=r"encore utilisé par \d+ articles\.$"):
        reference.delete_record(db, RefKind.UNITS, "HA")
    with pytest.raises(UserError, match=r"encore utilisé par 1 dépôt\.$"):
        reference.delete_record(db, RefKind.SITES, "CHARTRES")
    assert reference.get_record(db, RefKind.UNITS, "HA") is not None


def test_reference_save_new_refuses_an_existing_code(db):
    from econnect_tui.models.gc import CodeLabel

    with pytest.raises(UserError, match="existe déjà"):
        reference.save_record(db, RefKind.UNITS, CodeLabel(code="HA", label="x"), new=True)
    reference.save_record(db, RefKind.UNITS, CodeLabel(code="HA", label="Hectares"), new=False)
    assert reference.get_record(db, RefKind.UNITS, "HA").label == "Hectares"


def test_article_card_saved_as_one_unit(db):
    article = articles.require_article(db, "LAB")
    prices = [Price(article_code="LAB", price_category_code="TARIF1", price=D("99.90"))]
    stocks = [Stock(article_code="LAB", depot_code="DEP1", quantity=D("0"))]
    articles.save_article_card(db, article, prices, stocks, new=False)
    assert [p.price for p in articles.prices_of(db, "LAB")] == [D("99.90")]
    assert [s.quantity for s in articles.stocks_of(db, "LAB")] == [D("0")]
    # a bad depot rolls back the whole card
    bad = [Stock(article_code="LAB", depot_code="NOPE", quantity=D("1"))]
    changed = article.model_copy(update={"label": "Labour profond"})
    with pytest.raises(UserError):
        articles.save_article_card(db, changed, prices, bad, new=False)
    assert articles.require_article(db, "LAB").label == "Labour"
    assert [s.depot_code for s in articles.stocks_of(db, "LAB")] == ["DEP1"]


def test_price_with_and_without_unit_are_distinct(db):
    gnr = {(p.price_category_code, p.unit_code): p.price for p in articles.prices_of(db, "GNR")}
    assert gnr[("TARIF1", None)] == D("1.32")
    assert gnr[("TARIF1", "M3")] == D("1320.00")


def test_article_filter_selects_by_structured_criteria(db):
    flt = filters.get_article_filter(db, "Prestations de récolte")
    codes = {a.code for a in articles.select_articles(db, flt)}
    assert "MOISBLE" in codes and "BALRON" in codes and "LAB" not in codes
    accents = ArticleFilter(name="x", label_contains="EPANDAGE")
    assert {a.code for a in articles.select_articles(db, accents)} == {"EPFUM", "EPLIS"}
    prefix = ArticleFilter(name="y", code_prefix="MOIS", export_available=True)
    assert {a.code for a in articles.select_articles(db, prefix)} == {
        "MOISBLE",
        "MOISCOLZA",
        "MOISMAIS",
    }


def test_filter_text_never_reaches_sql(db):
    evil = ArticleFilter(name="z", label_contains="'; DROP TABLE articles; --", code_prefix="%")
    assert articles.select_articles(db, evil) == []
    assert articles.count_articles(db) == 32


def test_tiers_and_contacts(db):
    client = tiers.require_tiers(db, TiersKind.CLIENT, "0701")
    assert client.family_code == "AGRI"
    contacts = tiers.contacts_of(db, TiersKind.CLIENT, "0701")
    assert sorted(c.code for c in contacts) == ["C1", "C2"]
    saved = tiers.save_contact(
        db,
        Contact(parent_kind=TiersKind.CLIENT, parent_code="0701", last_name="Nouveau"),
    )
    assert saved.id is not None
    found = tiers.find_contact(
        db, Contact(parent_kind=TiersKind.CLIENT, parent_code="0701", last_name="Nouveau")
    )
    assert found.id == saved.id
    supplier = tiers.require_tiers(db, TiersKind.SUPPLIER, "F001")
    assert supplier.family_code == "INTRANTS"


def test_tiers_model_rules():
    with pytest.raises(ValueError, match="SIRET"):
        Tiers(code="X", name="X", siret="123")
    with pytest.raises(ValueError, match="clé de contrôle"):
        Tiers(code="X", name="X", siret="732 829 320 00075")
    assert Tiers(code="X", name="X", siret="732 829 320 00074").siret == "73282932000074"
    with pytest.raises(ValueError, match="e-mail"):
        Tiers(code="X", name="X", email="pas-un-mail")


def _doc(client="0701", external="F1"):
    return gc_document(
        [gc_line("LAB", "Labour", "2.5", "95", "237.50")], client, external_id=external
    )


def test_documents_numbered_per_type_with_totals(db):
    first = documents.create_document(db, _doc(external="F1"))
    second = documents.create_document(db, _doc(external="F2"))
    order = documents.create_document(
        db, _doc(external="F3").model_copy(update={"doc_type": DocType.ORDER})
    )
    assert (first.number, second.number, order.number) == ("BL000001", "BL000002", "CD000001")
    stored = documents.get_document(db, first.id)
    assert (stored.total_ht, stored.total_vat, stored.total_ttc) == (
        D("237.50"),
        D("47.50"),
        D("285.00"),
    )
    assert stored.lines[0].quantity == D("2.5")


def test_external_id_unique_per_connector(db):
    import sqlite3

    documents.create_document(db, _doc(external="F1"))
    with pytest.raises(sqlite3.IntegrityError):
        documents.create_document(db, _doc(external="F1"))


def test_document_for_unknown_client_is_refused_whole(db):
    with pytest.raises(NotFound, match="client"):
        documents.create_document(db, _doc(client="NOPE"))
    assert documents.count_documents(db) == 0


def test_replace_keeps_number_and_refuses_validated(db):
    doc = documents.create_document(db, _doc())
    changed = _doc()
    changed.lines[0].quantity = D("3")
    changed.lines[0].amount_ht = D("285.00")
    documents.replace_document(db, doc.id, changed, "hash2")
    stored = documents.get_document(db, doc.id)
    assert stored.number == doc.number and stored.total_ht == D("285.00")
    documents.set_status(db, doc.id, DocStatus.VALIDATED)
    with pytest.raises(UserError, match="validé"):
        documents.replace_document(db, doc.id, _doc(), "hash3")


def test_sql_is_only_in_store_and_db() -> None:
    """The house rule of docs/architecture.md: screens, CLI and sync reach SQLite through store/."""
    import re

    package = Path(__file__).resolve().parents[1] / "econnect_tui"
    sql = re.compile(r"\.execute(many|script)?\(|\b(SELECT|INSERT INTO|DELETE FROM)\s")
    offenders = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        if path.parent.name != "store" and path.name not in ("db.py", "migrations.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if sql.search(line)
    ]
    assert offenders == []


def _plan(db, call) -> str:
    """EXPLAIN QUERY PLAN of the statement `call(db)` runs (traced, so the test reads the
    store's own query)."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        call(db)
    finally:
        db.conn.set_trace_callback(None)
    (sql,) = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    return " | ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_documents_list_newest_first_and_its_page_read_by_index(db):
    """The Documents list opens on a page of the newest documents: read in the order of index
    documents_list, not by sorting every document (200,000 after a few years)."""
    for n, day in enumerate(("2026-01-03", "2026-01-01", "2026-01-02")):
        documents.create_document(
            db, _doc(external=f"F{n}").model_copy(update={"date": date.fromisoformat(day)})
        )
    assert [r.date for r in documents.list_rows(db)] == ["2026-01-03", "2026-01-02", "2026-01-01"]
    page = documents.list_rows(db, limit=2)
    assert [(r.date, r.status, r.total_ttc) for r in page] == [
        ("2026-01-03", "brouillon", "285.00"),
        ("2026-01-02", "brouillon", "285.00"),
    ]
    plan = _plan(db, lambda d: documents.list_rows(d, limit=500))
    assert "documents_list" in plan and "TEMP B-TREE" not in plan


def test_list_rows_of_articles_and_tiers_hold_what_their_models_hold(db):
    """The Articles and Tiers lists read plain tuples (50,000 articles, 20,000 clients on a
    large database): the same articles and tiers, in the same order, as the models."""
    rows = articles.list_rows(db)
    assert [(r.code, r.label, r.family_code, r.unit_code) for r in rows] == [
        (a.code, a.label, a.family_code, a.unit_code) for a in articles.list_articles(db)
    ]
    assert [(D(r.vat_rate), bool(r.export_available), bool(r.active)) for r in rows] == [
        (a.vat_rate, a.export_available, a.active) for a in articles.list_articles(db)
    ]
    for kind in TiersKind:
        assert [tuple(r) for r in tiers.list_rows(db, kind)] == [
            (t.code, t.name, t.postal_code, t.city, t.family_code, t.phone, t.mobile)
            for t in tiers.list_tiers(db, kind)
        ]
