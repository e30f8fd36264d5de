"""The values read from files (issue 16): one normal form for every text and code wherever data
enters, line breaks in one form, numbers and rates within stated limits, and the values a
spreadsheet likely damaged said. Through the real reader, receptions, `gc import` and
`mapping import` on real files and databases."""

from __future__ import annotations

import random
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from econnect_tui.errors import ValidationFailed
from econnect_tui.exchange.csv import Column, ColumnKind, Layout, read_csv
from econnect_tui.exchange.facilitime import content_hash
from econnect_tui.models.gc import DocStatus
from econnect_tui.normal import EDGE_CHARACTERS, InvisibleCharacter, clean_code, clean_text
from econnect_tui.store import documents, mappings
from econnect_tui.sync import mapping as mapping_service
from econnect_tui.sync import reception
from econnect_tui.sync.gcimport import import_master_file
from econnect_tui.sync.send import send
from tests.eta import DOC_HEADER, Setup, csv_text, doc_rows, report_rows
from tests.helpers import read_back, run_cli

BOM = "\ufeff"
ZWSP = "\u200b"
NBSP = "\u00a0"


@pytest.fixture
def s(tmp_path):
    return Setup(tmp_path)


def by_id(result, s) -> dict:
    return {r.identifier: r for r in report_rows(s, result)}


# --------------------------------------------------------------------------------------------
# The normal form (econnect_tui/normal.py)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (f"{BOM}F1", "F1"),
        (f"F1{ZWSP}", "F1"),
        (f"{NBSP} F1 \u202f", "F1"),
        (f"\u2060\u200e{BOM}EARL du Moulin\t\u00ad", "EARL du Moulin"),
        ("Épandage", "Épandage"),
        ("E\u0301pandage", "Épandage"),  # decomposed accent: NFC
        ("un\r\ndeux\rtrois\nquatre", "un\ndeux\ntrois\nquatre"),
        ("\r\n\r\n", ""),
        (f"{BOM}{ZWSP}", ""),
        (f"« Le{NBSP}Clos »", f"« Le{NBSP}Clos »"),  # inside a free text: kept
        ("é\x81\x8d", "é\x81\x8d"),  # Windows-1252's undefined bytes read as Latin-1: kept
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_an_invisible_character_inside_a_code_says_which_and_where():
    assert clean_code(f"{BOM} FT-LAB{ZWSP}") == "FT-LAB"
    assert clean_code("EARL 12") == "EARL 12"  # a plain space is a character one sees
    with pytest.raises(InvisibleCharacter) as caught:
        clean_code(f"FT-L{ZWSP}AB")
    assert caught.value.position == 5
    assert str(caught.value) == (
        "« FT-L⟨U+200B⟩AB » contient un caractère invisible en position 5 "
        "(espace sans chasse, U+200B)"
    )
    for inside in (BOM, NBSP, "\t", "\n", "\u202f", "\u00ad", "\x07"):
        with pytest.raises(InvisibleCharacter):
            clean_code(f"A{inside}B")


_ANY_TEXT = st.lists(
    st.one_of(
        st.sampled_from([BOM, ZWSP, NBSP, "\u202f", "\r", "\n", "\r\n", "\t", " ", "e\u0301"]),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=20,
).map("".join)


@given(text=_ANY_TEXT)
def test_the_normal_form_is_the_documented_rule_and_is_stable(text):
    clean = clean_text(text)
    assert clean == read_back(text)  # tests/helpers.py: the rule, written independently
    assert clean_text(clean) == clean
    assert unicodedata.is_normalized("NFC", clean) and "\r" not in clean
    assert not clean or (clean[0] not in EDGE_CHARACTERS and clean[-1] not in EDGE_CHARACTERS)


@given(text=_ANY_TEXT)
def test_a_code_is_its_normal_text_or_an_error_that_points_at_an_invisible_character(text):
    try:
        code = clean_code(text)
    except InvisibleCharacter as exc:
        assert not exc.char.isprintable()
        assert exc.code[exc.position - 1] == exc.char and exc.code == clean_text(text)
    else:
        assert code == clean_text(text) and code.isprintable()


# --------------------------------------------------------------------------------------------
# The reader: every text and code in its normal form, the error located

LAYOUT = Layout(
    (
        Column("Numero", ColumnKind.CODE, required=True),
        Column("Libelle"),
        Column("Quantite", ColumnKind.DECIMAL),
    )
)


def read(tmp_path: Path, text: str, name: str = "f.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode())
    return list(read_csv(path, LAYOUT))


def test_the_reader_gives_codes_and_texts_in_their_normal_form(tmp_path):
    rows = read(
        tmp_path,
        "Numero;Libelle;Quantite\r\n"
        f"A1;{BOM}Labour{ZWSP};2\r\n"
        f"{BOM}A1;E\u0301te\u0301;{BOM}3\r\n"  # a BOM opening a row (files put end to end)
        f"{BOM}\r\n{ZWSP};{NBSP};\r\n"  # nothing visible: blank lines
        f"{NBSP}A1{NBSP};x;1{NBSP}234,5\r\n"
        f"A{ZWSP}2;y;4\r\n",
    )
    assert [(r.values["Numero"], r.values["Libelle"], r.values["Quantite"]) for r in rows] == [
        ("A1", "Labour", Decimal(2)),
        ("A1", "Été", Decimal(3)),
        ("A1", "x", Decimal("1234.5")),
        (None, "y", Decimal(4)),
    ]
    assert [r.errors for r in rows[:3]] == [[], [], []]
    assert rows[3].errors == [
        "f.csv:7: Numero: « A⟨U+200B⟩2 » contient un caractère invisible en position 2 "
        "(espace sans chasse, U+200B)"
    ]


def test_line_breaks_inside_cells_read_the_same_whatever_the_file_has(tmp_path):
    texts = [
        read(tmp_path, f'Numero;Libelle\r\nA1;"ligne 1{brk}ligne 2"\r\n', f"{i}.csv")[0]
        for i, brk in enumerate(("\r\n", "\n", "\r"))
    ]
    assert {row.values["Libelle"] for row in texts} == {"ligne 1\nligne 2"}


_INVISIBLE = st.sampled_from([BOM, ZWSP, NBSP, "\u202f", "\u2060", "\u200e", "\u00ad", " "])
_VISIBLE_CODE = st.text(st.sampled_from("AZaz09-_./éÉ"), min_size=1, max_size=8)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    code=_VISIBLE_CODE,
    before=st.lists(_INVISIBLE, max_size=3).map("".join),
    after=st.lists(_INVISIBLE, max_size=3).map("".join),
    inside=st.one_of(st.none(), st.tuples(st.integers(1, 7), _INVISIBLE)),
)
def test_invisible_characters_around_a_code_vanish_and_inside_it_are_a_located_error(
    tmp_path, code, before, after, inside
):
    cell = code
    if inside is not None and inside[1] != " " and inside[0] < len(code):
        cell = code[: inside[0]] + inside[1] + code[inside[0] :]
    (row,) = read(tmp_path, f"Numero;Libelle\r\n{before}{cell}{after};x\r\n")
    if cell == code:
        assert row.values["Numero"] == code and row.errors == []
    else:
        assert row.values["Numero"] is None
        (error,) = row.errors
        assert error.startswith("f.csv:2: Numero: «") and f"position {inside[0] + 1} " in error


# --------------------------------------------------------------------------------------------
# Item 3: a reception reads its codes the way `mapping import` and the GC do


def test_a_bom_opening_a_row_or_a_code_never_splits_a_document_nor_strands_it(s):
    # Two exports put end to end: the second one's BOM now opens a row of document D1; another
    # row's article code carries one too (a copy-paste).
    rows = doc_rows("D1", lines=(("FT-LAB", "Labour", "2", "95"), ("FT-DECH", "Déch", "1", "40")))
    rows[1][0] = BOM + "D1"
    d2 = doc_rows("D2")
    d2[0][6] = BOM + "FT-LAB" + NBSP
    d2[0][2] = NBSP + "0701"
    s.documents("ImportDocuments_1.csv", rows + d2)
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0, [r.messages for r in report_rows(s, result)]
    docs = s.gc_documents()
    assert sorted(docs) == ["D1", "D2"]  # one D1, with its two lines
    assert docs["D1"][3] == 2


def test_an_invisible_character_inside_a_code_is_a_located_error_and_the_rest_goes_in(s):
    d1 = doc_rows("D1")
    d1[0][6] = f"FT-L{ZWSP}AB"
    s.documents("ImportDocuments_1.csv", d1 + doc_rows("D2"))
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    assert sorted(s.gc_documents()) == ["D2"]
    assert by_id(result, s)["D1 / 0701"].messages == (
        "Erreur : CodeArticle ligne 2 : « FT-L⟨U+200B⟩AB » contient un caractère invisible en"
        " position 5 (espace sans chasse, U+200B)"
    )


def test_a_code_held_back_with_a_bom_is_mapped_by_mapping_import_and_then_integrated(s, tmp_path):
    rows = doc_rows("D1", lines=(("FT-NEUF", "Nouveau", "1", "10"),))
    rows[0][6] = BOM + "FT-NEUF"
    s.documents("ImportDocuments_1.csv", rows)
    first = reception.receive(s.db, "FACILI")
    assert by_id(first, s)["D1 / 0701"].messages.startswith(
        "Article sans correspondance : FT-NEUF —"
    )
    # The operator's file, saved by a spreadsheet that put the BOM back on the code.
    mapping = tmp_path / "correspondances.csv"
    mapping.write_text(f"CodeArticle;CodeArticleExterne\r\nSEMMAIS;{BOM}FT-NEUF{ZWSP}\r\n")
    summary = mapping_service.import_file(s.db, "FACILI", mapping, "test")
    assert summary.added == 1
    assert mappings.article_to_external(s.db, "FACILI")["SEMMAIS"] == "FT-NEUF"
    assert reception.receive(s.db, "FACILI").exit_code == 0
    assert s.gc_documents()["D1"][3] == 1


def test_mapping_import_locates_an_invisible_character_inside_a_code(s, tmp_path):
    mapping = tmp_path / "correspondances.csv"
    mapping.write_text(
        f"CodeArticle;CodeArticleExterne\r\nLAB;FT-LAB\r\nSEMMAIS;FT{NBSP}MAIS\r\n"
        f"{BOM}D{ZWSP}ECH;FT-DECH\r\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        mapping_service.import_file(s.db, "FACILI", mapping, "test")
    assert caught.value.errors == [
        "correspondances.csv:3: CodeArticleExterne: « FT⟨U+00A0⟩MAIS » contient un caractère"
        " invisible en position 3 (espace insécable, U+00A0)",
        "correspondances.csv:4: CodeArticle: « D⟨U+200B⟩ECH » contient un caractère invisible"
        " en position 2 (espace sans chasse, U+200B)",
    ]


def test_gc_import_reads_its_codes_in_the_same_normal_form(s, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(
        "CodeClient;Nom;Famille\r\n"
        f"{BOM}C900{NBSP};Ferme{ZWSP} du Bois ;AGRI\r\n"
        f"C9{ZWSP}01;Autre;AGRI\r\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        import_master_file(s.db, "clients", path)
    assert caught.value.errors == [
        "clients.csv:3: CodeClient: « C9⟨U+200B⟩01 » contient un caractère invisible en"
        " position 3 (espace sans chasse, U+200B)"
    ]
    path.write_text(f"CodeClient;Nom;Famille\r\n{BOM}C900{NBSP};E\u0301tienne{ZWSP} ;AGRI\r\n")
    assert import_master_file(s.db, "clients", path).created == 1
    assert s.db.execute("SELECT code, name FROM tiers WHERE code LIKE 'C9%'").fetchall() == [
        ("C900", "Étienne")
    ]


# --------------------------------------------------------------------------------------------
# Item 4: line breaks inside cells in one form

COMMENT_HEADER = [*DOC_HEADER, "Chantier"]


def _with_site(rows: list[list[str]], site: str) -> list[list[str]]:
    return [[*row, f'"{site}"'] for row in rows]


def test_the_same_spreadsheet_saved_with_other_line_ends_is_already_integrated(s):
    s.drop(
        "ImportDocuments_1.csv",
        csv_text(COMMENT_HEADER, _with_site(doc_rows("D1"), "Parcelle 12\r\nentrée nord")),
    )
    assert reception.receive(s.db, "FACILI").exit_code == 0
    line = s.db.execute("SELECT work_site FROM document_lines").fetchone()[0]
    assert line == "Parcelle 12\nentrée nord"
    documents.set_status(s.db, documents.find_documents(s.db, "D1")[0].id, DocStatus.VALIDATED)
    for i, brk in enumerate(("\n", "\r"), start=2):
        s.drop(
            f"ImportDocuments_{i}.csv",
            csv_text(COMMENT_HEADER, _with_site(doc_rows("D1"), f"Parcelle 12{brk}entrée nord")),
        )
        result = reception.receive(s.db, "FACILI")
        assert result.exit_code == 0
        assert by_id(result, s)["D1 / 0701"].messages.startswith("Déjà intégré")


def test_a_document_hashed_by_a_version_that_kept_the_files_line_breaks_is_still_the_same(s):
    """Before line breaks were read as LF, the content hash read them as the file had them:
    a document received then (hash kept in the database), sent again, is « Déjà intégré », and
    not « Refusé » once validated."""
    for n, brk in enumerate(("\r\n", "\r")):
        numero = f"D{n}"
        s.drop(
            f"ImportDocuments_{numero}a.csv",
            csv_text(COMMENT_HEADER, _with_site(doc_rows(numero), f"Parcelle{brk}nord")),
        )
        reception.preview(s.db, "FACILI")  # staged: its rows as this version reads them
        # What the older version stored: the hash of the rows with the file's line breaks.
        rows = [
            data.replace("\n", brk)
            for (data,) in s.db.execute(
                "SELECT data FROM staged_lines WHERE numero = ? ORDER BY line", [numero]
            )
        ]
        assert len(rows) == 1 and brk in rows[0]
        assert reception.receive(s.db, "FACILI").exit_code == 0
        s.db.execute(
            "UPDATE documents SET content_hash = ?, status = ? WHERE external_id = ?",
            [content_hash(rows), DocStatus.VALIDATED.value, numero],
        )
        # Sent again in a later export, beside another document (other bytes, same rows).
        rows = doc_rows(numero) + doc_rows(f"X{n}")
        s.drop(
            f"ImportDocuments_{numero}b.csv",
            csv_text(COMMENT_HEADER, _with_site(rows, f"Parcelle{brk}nord")),
        )
        assert reception.preview(s.db, "FACILI").documents[0].status == "Déjà intégré"
        result = reception.receive(s.db, "FACILI")
        assert result.exit_code == 0
        assert by_id(result, s)[f"{numero} / 0701"].messages.startswith("Déjà intégré")


def test_a_lone_cr_never_reaches_the_export_files(s):
    header = ["TypeTiers", "CodeTiers", "Nom", "Adresse1"]
    s.drop(
        "ImportTiers_1.csv",
        csv_text(header, [["Client", "C950", "Ferme", '"Lieu-dit\rLes Prés"']]),
    )
    assert reception.receive(s.db, "FACILI").exit_code == 0
    stored = s.db.execute("SELECT address1 FROM tiers WHERE code = 'C950'").fetchone()[0]
    assert stored == "Lieu-dit\nLes Prés"
    # A text an older version stored with its CR is written LF all the same.
    s.db.execute("UPDATE tiers SET address2 = 'Bât. A\r\nporte 2\rfond' WHERE code = 'C950'")
    send(s.db, "FACILI")
    clients = (s.export_dir / "Clients.csv").read_bytes().decode("utf-8-sig")
    (line,) = [ln for ln in clients.split("\r\n") if ln.startswith("C950")]
    assert '"Lieu-dit\nLes Prés";"Bât. A\nporte 2\nfond"' in line
    assert clients.count("\r") == clients.count("\r\n")  # CR only in the rows' CRLF


# --------------------------------------------------------------------------------------------
# Items 6 and 9: numbers within their limits, rates from 0 to 100 %


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("Quantite", "99999999999999999999,999", "est trop grand : 12 chiffres au plus"),
        ("PrixUnitaireHT", "92233720368547758,08", "est trop grand : 12 chiffres au plus"),
        ("NumeroLigne", "99999999999999999999", "est trop grand : 9 chiffres au plus"),
        ("Quantite", "2," + "1" * 30, "a trop de décimales : 6 au plus"),
        ("PrixUnitaireHT", "0,0000001", "a trop de décimales : 6 au plus"),
        ("MontantHT", "1000000000000", "est trop grand : 12 chiffres au plus"),
        ("TotalTTC", "-1000000000000000", "est trop grand : 15 chiffres au plus"),
        ("TauxTVA", "99999999999999999999", "taux hors de 0 à 100 %"),
        ("TauxTVA", "-20", "taux hors de 0 à 100 %"),
        ("TauxTVA", "150", "taux hors de 0 à 100 %"),
        ("TauxTVA", "5,55555", "a trop de décimales : 4 au plus"),
        ("RemisePourcent", "150", "taux hors de 0 à 100 %"),
    ],
)
def test_a_number_past_its_limits_is_a_located_error_and_the_rest_goes_in(s, column, value, reason):
    header = [*DOC_HEADER, "RemisePourcent"]
    d1 = [[*row, ""] for row in doc_rows("D1") + doc_rows("D2")]
    d1[0][header.index(column)] = value
    s.drop("ImportDocuments_1.csv", csv_text(header, d1))
    preview = run_cli("receive", "FACILI", "--preview", db=s.path)
    # exit 1 and « Erreur inattendue (OverflowError) » at every run, before
    assert preview.returncode == 3, preview.stderr
    assert f"{column} ligne 2 : « " in preview.stdout and reason in preview.stdout
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    assert sorted(s.gc_documents()) == ["D2"]
    message = by_id(result, s)["D1 / 0701"].messages
    assert message.startswith(f"Erreur : {column} ligne 2 : « ") and reason in message, message


def test_the_largest_numbers_within_the_limits_are_integrated_exactly(s):
    # 999 999 999 999,99 €: the largest line amount; its total TTC has 13 digits (a sum)
    d1 = doc_rows("D1", lines=(("FT-LAB", "Labour", "1.5", "666666666666.66"),), rate="5.5")
    assert (d1[0][12], d1[0][13]) == ("999999999999,99", "1054999999999,99")
    d1 += doc_rows("D1", lines=(("FT-DECH", "Déch", "3", "0.000001"),), rate="5.5")
    d1[1][5], d1[1][12], d1[1][13] = "2", "", "1054999999999,99"
    credit = doc_rows("D2", lines=(("FT-LAB", "Avoir", "-2", "95"),))  # negative: a credit
    s.documents("ImportDocuments_1.csv", d1 + credit)
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0, [r.messages for r in report_rows(s, result)]
    docs = s.gc_documents()
    assert docs["D1"][2:] == ("1054999999999.99", 2)
    assert docs["D2"][2] == "-228.00"


def test_a_line_amount_past_the_limit_is_a_located_error(s):
    d1 = doc_rows("D1", lines=(("FT-LAB", "Labour", "999999999999", "999999999999"),))
    d1[0][12] = d1[0][13] = ""
    s.documents("ImportDocuments_1.csv", d1 + doc_rows("D2"))
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3 and sorted(s.gc_documents()) == ["D2"]
    assert by_id(result, s)["D1 / 0701"].messages == (
        "Erreur : MontantHT ligne 2 : Quantite × PrixUnitaireHT = « 999999999998000000000001,00 »"
        " dépasse le plus grand montant de ligne (999 999 999 999,99 €)"
    )


@pytest.mark.parametrize(
    ("kind", "text", "error"),
    [
        (
            "articles",
            "CodeArticle;Libelle;Unite;TauxTVA\r\nNEUF;Neuf;HA;150\r\n",
            "articles.csv:2: TauxTVA: « 150 » : taux hors de 0 à 100 %",
        ),
        (
            "articles",
            "CodeArticle;Libelle;Unite;TauxTVA\r\nNEUF;Neuf;HA;-5,5\r\n",
            "articles.csv:2: TauxTVA: « -5,5 » : taux hors de 0 à 100 %",
        ),
        (
            "tarifs",
            "CodeArticle;CategorieTarifaire;PrixHT\r\nLAB;TARIF1;92233720368547758,08\r\n",
            "tarifs.csv:2: PrixHT: « 92233720368547758,08 » est trop grand : 12 chiffres au plus"
            " avant la virgule",
        ),
        (
            "stocks",
            f"CodeArticle;Depot;Quantite\r\nLAB;DEP1;2,{'1' * 30}\r\n",
            f"stocks.csv:2: Quantite: « 2,{'1' * 30} » a trop de décimales : 6 au plus",
        ),
    ],
)
def test_gc_import_refuses_numbers_past_their_limits_with_their_place(
    s, tmp_path, kind, text, error
):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text)
    with pytest.raises(ValidationFailed) as caught:
        import_master_file(s.db, kind, path)
    assert caught.value.errors == [error]


# --------------------------------------------------------------------------------------------
# Item 10: what a spreadsheet did to a postal code or a phone number is said, not hidden

TIERS = ["TypeTiers", "CodeTiers", "CodeTiersParent", "Nom", "CodePostal", "Pays", "Telephone"]


def test_a_reception_warns_of_a_postal_code_or_a_phone_a_spreadsheet_cut(s):
    s.drop(
        "ImportTiers_1.csv",
        csv_text(
            TIERS,
            [
                ["Client", "C960", "", "Ferme de l'Ain", "1250", "", "612345678"],
                ["Client", "C961", "", "Ferme belge", "1250", "Belgique", "+32 2 123 45 67"],
                ["Client", "C962", "", "Ferme entière", "01250", "France", "06 12 34 56 78"],
                ["Contact", "", "C960", "Martin", "", "", "6.12.34.56.78"],
            ],
        ),
    )
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    rows = by_id(result, s)
    assert rows["Client C960"].messages == (
        "Nouveau client ; Attention : CodePostal ligne 2 : « 1250 » n'a que 4 chiffres : un"
        " tableur (Excel) a sans doute ôté le zéro du début (« 01250 ») ; Attention : Telephone"
        " ligne 2 : « 612345678 » n'a que 9 chiffres : un tableur (Excel) a sans doute ôté le"
        " zéro du début (« 0612345678 »)"
    )
    assert rows["Client C961"].messages == "Nouveau client"  # 4 digits in Belgium
    assert rows["Client C962"].messages == "Nouveau client"
    assert (
        "Telephone ligne 5 : « 6.12.34.56.78 » n'a que 9 chiffres"
        in rows["Contact C960 / Martin"].messages
    )
    # The values go in as they are: the operator decides.
    assert s.db.execute("SELECT postal_code, phone FROM tiers WHERE code = 'C960'").fetchone() == (
        "1250",
        "612345678",
    )
    # Sent again unchanged: « Identique », still said.
    s.drop(
        "ImportTiers_2.csv",
        csv_text(TIERS, [["Client", "C960", "", "Ferme de l'Ain", "1250", "", "612345678"]]),
    )
    again = by_id(reception.receive(s.db, "FACILI"), s)["Client C960"].messages
    assert again.startswith("Identique ; Attention : CodePostal ligne 2 : « 1250 »")


def test_gc_import_warns_of_a_postal_code_or_a_phone_a_spreadsheet_cut(s, tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text(
        "CodeClient;Nom;CodePostal;Pays;Telephone;Mobile;Famille\r\n"
        "C970;Ferme de l'Ain;1250;;0474000000;612345678;AGRI\r\n"
        "C971;Ferme belge;1250;Belgique;;;AGRI\r\n"
    )
    done = run_cli("gc", "import", "clients", str(clients), db=s.path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "clients.csv:2: CodePostal: « 1250 » n'a que 4 chiffres : un tableur (Excel) a sans"
        " doute ôté le zéro du début (« 01250 »)",
        "clients.csv:2: Mobile: « 612345678 » n'a que 9 chiffres : un tableur (Excel) a sans"
        " doute ôté le zéro du début (« 0612345678 »)",
        "clients.csv : 2 lignes lues, 2 créés, 0 mis à jour, 0 inchangé (clients).",
    ]
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("CodeTiers;Nom;Telephone\r\nC970;Martin;612345678\r\n")
    summary = import_master_file(s.db, "contacts", contacts)
    assert summary.created == 1 and summary.warnings == [
        "contacts.csv:2: Telephone: « 612345678 » n'a que 9 chiffres : un tableur (Excel) a"
        " sans doute ôté le zéro du début (« 0612345678 »)"
    ]
    suppliers = tmp_path / "fournisseurs.csv"
    suppliers.write_text("CodeFournisseur;Nom;CodePostal\r\nF970;Coop;8000\r\n")
    assert import_master_file(s.db, "fournisseurs", suppliers).warnings == [
        "fournisseurs.csv:2: CodePostal: « 8000 » n'a que 4 chiffres : un tableur (Excel) a"
        " sans doute ôté le zéro du début (« 08000 »)"
    ]


def test_the_family_codes_of_a_filter_file_are_read_as_codes(s, tmp_path):
    path = tmp_path / "filtres.csv"
    path.write_text(f"Nom;Famille\r\nSol;RE{ZWSP}COLTE\r\n")
    with pytest.raises(ValidationFailed) as caught:
        import_master_file(s.db, "filtres-articles", path)
    assert caught.value.errors == [
        "filtres.csv:2: Famille: « RE⟨U+200B⟩COLTE » contient un caractère invisible en"
        " position 3 (espace sans chasse, U+200B)"
    ]
    path.write_text(f'Nom;Famille\r\nSol;"{BOM}TRAVSOL{NBSP}, SEMIS{ZWSP}"\r\n')
    assert import_master_file(s.db, "filtres-articles", path).created == 1
    (families,) = s.db.execute("SELECT families FROM article_filters WHERE name = 'Sol'").fetchone()
    assert "TRAVSOL" in families and "SEMIS" in families and BOM not in families


# --------------------------------------------------------------------------------------------
# Nothing accepted before is changed: realistic French data comes back byte for byte


def _french_clients(count: int) -> list[list[str]]:
    rng = random.Random(16)
    forms = ["EARL", "GAEC", "SCEA", "Ferme", "Domaine", "M.", "Mme"]
    names = ["Lefèvre", "Dupré", "Bénard", "Œuvrard", "Lemaître", "Brûlé", "N’Diaye", "Müller"]
    names += ["D’Aubigné", "Castañeda", "Gérard", "Hénault", "Noël", "Maëlle", "Zoé"]
    places = ["Asnières-sur-Oise", "Saint-Étienne", "L’Haÿ-les-Roses", "Besançon", "Œuilly"]
    places += ["Pont-l’Évêque", "Châlons-en-Champagne", "Évreux", "Montréjeau", "Brûlon"]
    rows = []
    for n in range(count):
        name = f"{rng.choice(forms)} {rng.choice(names)}"
        if n % 7 == 0:
            name += f" «{NBSP}Le Clos{NBSP}»"  # French typography inside: kept
        rows.append(
            [
                f"FR{n:05d}",
                name,
                f"{rng.randint(1, 120)} rue de l’Église",
                f"{rng.randint(1000, 95999):05d}",
                rng.choice(places),
                "AGRI",
            ]
        )
    return rows


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_thousands_of_french_clients_come_back_byte_for_byte_through_gc_import_and_send(
    s, tmp_path, encoding
):
    header = ["CodeClient", "Nom", "Adresse1", "CodePostal", "Ville", "Famille"]
    rows = _french_clients(3000)
    path = tmp_path / "clients.csv"
    path.write_bytes(csv_text(header, rows).encode(encoding))
    summary = import_master_file(s.db, "clients", path)
    assert (summary.created, summary.warnings) == (3000, [])
    send(s.db, "FACILI")
    sent = (s.export_dir / "Clients.csv").read_bytes().decode("utf-8-sig").split("\r\n")
    columns = sent[0].split(";")
    back = {
        cells[0]: [cells[columns.index(name)] for name in header]
        for cells in (line.split(";") for line in sent[1:] if line.startswith("FR"))
    }
    assert [back[row[0]] for row in rows] == rows
