from decimal import Decimal as D

import pytest

from econnect_tui.db import open_db
from econnect_tui.errors import ValidationFailed
from econnect_tui.exchange.masterdata import KINDS
from econnect_tui.models.gc import TiersKind
from econnect_tui.store import articles, filters, reference, tiers
from econnect_tui.store.reference import RefKind
from econnect_tui.sync.demo import SAMPLE_DATA
from econnect_tui.sync.gcimport import import_master_file
from tests.helpers import demo_db, write_csv


@pytest.fixture
def db(tmp_path):
    return demo_db(tmp_path)


def test_sample_data_covers_every_kind():
    assert {p.stem for p in (SAMPLE_DATA / "gc").glob("*.csv")} == set(KINDS)


def test_demo_counts(db):
    assert articles.count_articles(db) == 32
    assert tiers.count_tiers(db, TiersKind.CLIENT) == 50
    assert tiers.count_tiers(db, TiersKind.SUPPLIER) == 4
    assert len(reference.list_records(db, RefKind.DEPOTS)) == 2
    assert len(reference.list_records(db, RefKind.PRICE_CATEGORIES)) == 2
    assert len(filters.list_article_filters(db)) == 1


def test_import_is_idempotent(db, tmp_path):
    summary = import_master_file(db, "articles", SAMPLE_DATA / "gc" / "articles.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 32)
    assert articles.count_articles(db) == 32


def test_update_never_blanks_existing_values(db, tmp_path):
    path = write_csv(
        tmp_path / "clients.csv",
        "CodeClient;Nom;Email;Ville;Telephone\n0701;EARL du Moulin renommée;;;\n",
    )
    before = tiers.require_tiers(db, TiersKind.CLIENT, "0701")
    summary = import_master_file(db, "clients", path)
    assert (summary.created, summary.updated) == (0, 1)
    after = tiers.require_tiers(db, TiersKind.CLIENT, "0701")
    assert after.name == "EARL du Moulin renommée"
    assert (after.email, after.city, after.phone) == (before.email, before.city, before.phone)


def test_tolerant_header_and_french_numbers(db, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        "code_article;LIBELLÉ;unité;Taux TVA;Disponible export\nNEW1;Nouveau;HA;5,5 %;oui\n",
        encoding="cp1252",
    )
    import_master_file(db, "articles", path)
    a = articles.require_article(db, "NEW1")
    assert (a.vat_rate, a.export_available, a.active) == (D("5.5"), True, True)


def test_file_with_errors_is_refused_whole_with_every_error_located(db, tmp_path):
    path = write_csv(
        tmp_path / "articles.csv",
        "CodeArticle;Libelle;Famille;Unite;TauxTVA\n"
        "OK1;Bien;TRAVSOL;HA;20\n"
        "X1;Test;NOPE;HA;3,5,1\n"
        "X2;;TRAVSOL;HA;20\n"
        "X3;Bien;TRAVSOL;ZZ;20\n"
        "OK1;Doublon;TRAVSOL;HA;20\n",
    )
    with pytest.raises(ValidationFailed) as info:
        import_master_file(db, "articles", path)
    assert info.value.errors == [
        "articles.csv:3: TauxTVA: « 3,5,1 » n'est pas un nombre",
        "articles.csv:3: Famille: famille d'articles inconnue « NOPE »",
        "articles.csv:4: Libelle: valeur obligatoire",
        "articles.csv:5: Unite: unité inconnue « ZZ »",
        "articles.csv:6: CodeArticle: en double (déjà ligne 2)",
    ]
    assert articles.get_article(db, "OK1") is None


def test_each_wrong_cell_of_a_row_is_said_once(db, tmp_path):
    path = write_csv(
        tmp_path / "t.csv",
        "CodeArticle;CategorieTarifaire;PrixHT\nLAB;NOPE;x\nLAB;TARIF1;\n",
    )
    with pytest.raises(ValidationFailed) as info:
        import_master_file(db, "tarifs", path)
    assert info.value.errors == [
        "t.csv:2: PrixHT: « x » n'est pas un nombre",  # not also « valeur obligatoire »
        "t.csv:2: CategorieTarifaire: catégorie tarifaire inconnue « NOPE »",
        "t.csv:3: PrixHT: valeur obligatoire",
    ]
    path = write_csv(tmp_path / "a.csv", "CodeArticle;Libelle;Famille;Unite\nX2;;TRAVSOL;ZZ\n")
    with pytest.raises(ValidationFailed) as info:
        import_master_file(db, "articles", path)
    assert info.value.errors == [
        "a.csv:2: Libelle: valeur obligatoire",
        "a.csv:2: Unite: unité inconnue « ZZ »",
    ]


def test_missing_required_column_names_it(db, tmp_path):
    path = write_csv(tmp_path / "t.csv", "CodeArticle;CategorieTarifaire\nLAB;TARIF1\n")
    with pytest.raises(ValidationFailed, match="PrixHT"):
        import_master_file(db, "tarifs", path)


@pytest.mark.parametrize(
    ("kind", "content", "expected"),
    [
        ("sites", "Code;Nom;CodeEntreprise\nS9;Site;NOPE\n", "entreprise inconnue « NOPE »"),
        ("depots", "Code;Nom;CodeSite\nD9;Dépôt;NOPE\n", "site inconnu « NOPE »"),
        ("tarifs", "CodeArticle;CategorieTarifaire;PrixHT\nLAB;NOPE;1\n", "catégorie tarifaire"),
        ("tarifs", "CodeArticle;CategorieTarifaire;PrixHT\nZZZ;TARIF1;1\n", "article inconnu"),
        ("stocks", "CodeArticle;Depot;Quantite\nLAB;NOPE;1\n", "dépôt inconnu « NOPE »"),
        ("clients", "CodeClient;Nom;Famille\nC9;X;NOPE\n", "famille de clients inconnue"),
        ("clients", "CodeClient;Nom;Siret\nC9;X;123\n", "SIRET"),
        ("clients", "CodeClient;Nom;Email\nC9;X;pas@mail\n", "e-mail"),
        ("fournisseurs", "CodeFournisseur;Nom;Famille\nF9;X;AGRI\n", "fournisseurs inconnue"),
        ("contacts", "CodeTiers;Nom\nNOPE;Dupont\n", "tiers inconnu « NOPE »"),
        ("contacts", "CodeTiers;TypeTiers;Nom\n0701;Banque;Dupont\n", "Client ou Fournisseur"),
        ("filtres-articles", "Nom;Famille\nF;NOPE, TRAVSOL\n", "famille inconnue « NOPE »"),
        ("filtres-clients", "Nom;Famille\nF;NOPE\n", "famille inconnue « NOPE »"),
    ],
)
def test_reference_errors(db, tmp_path, kind, content, expected):
    path = write_csv(tmp_path / f"{kind}.csv", content)
    with pytest.raises(ValidationFailed) as info:
        import_master_file(db, kind, path)
    assert any(expected in e for e in info.value.errors), info.value.errors
    assert all(e.startswith(f"{kind}.csv:2: ") for e in info.value.errors)


def test_prices_stocks_contacts_and_filters_update(db, tmp_path):
    import_master_file(
        db,
        "tarifs",
        write_csv(tmp_path / "t.csv", "CodeArticle;CategorieTarifaire;Unite;PrixHT\nLAB;ADH;;90\n"),
    )
    assert {p.price_category_code: p.price for p in articles.prices_of(db, "LAB")}["ADH"] == 90
    import_master_file(
        db, "stocks", write_csv(tmp_path / "s.csv", "CodeArticle;Depot;Quantite\nGNR;DEP1;1 500\n")
    )
    assert {s.depot_code: s.quantity for s in articles.stocks_of(db, "GNR")}["DEP1"] == 1500
    summary = import_master_file(
        db,
        "contacts",
        write_csv(
            tmp_path / "c.csv", "CodeTiers;CodeContact;Nom;Fonction\n0701;C1;Martin;Associé\n"
        ),
    )
    assert (summary.created, summary.updated) == (0, 1)
    c1 = next(c for c in tiers.contacts_of(db, TiersKind.CLIENT, "0701") if c.code == "C1")
    assert (c1.last_name, c1.function) == ("Martin", "Associé")
    assert c1.first_name  # kept from the sample data, not blanked
    import_master_file(
        db,
        "filtres-articles",
        write_csv(tmp_path / "f.csv", "Nom;CodeCommencePar\nPrestations de récolte;MOIS\n"),
    )
    flt = filters.get_article_filter(db, "Prestations de récolte")
    assert flt.code_prefix == "MOIS" and flt.families == ["RECOLTE", "FOURRAGE"]


def test_every_kind_loads_into_an_empty_database(tmp_path):
    db = open_db(tmp_path / "empty.db")
    for kind in KINDS:
        summary = import_master_file(db, kind, SAMPLE_DATA / "gc" / f"{kind}.csv")
        assert summary.created > 0, kind
        assert summary.updated == 0, kind
