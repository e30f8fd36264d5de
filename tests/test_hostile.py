"""Hostile input: the corpus of tests/corpus/ and generated monsters, through real receptions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from econnect_tui.sync import reception
from econnect_tui.sync.send import send
from tests.eta import DOC_HEADER, Setup, csv_text, doc_rows, report_rows
from tests.helpers import run_cli

CORPUS = Path(__file__).parent / "corpus"


def _tree(root: Path, skip: tuple[Path, ...]) -> dict[str, int]:
    """Every file under root (outside `skip`) with its size."""
    out = {}
    for path in root.rglob("*"):
        if path.is_file() and not any(path.is_relative_to(p) for p in skip):
            out[str(path.relative_to(root))] = path.stat().st_size
    return out


def _receive(s: Setup, tmp_path: Path):
    """Receives, and checks nothing was written outside the connector's folders."""
    skip = (
        s.folder,
        s.path.parent / "econnect.db",
        s.path.parent / "econnect.db-wal",
        s.path.parent / "econnect.db-shm",
        s.path.parent / "econnect.log",
    )
    before = _tree(tmp_path, skip)
    result = reception.receive(s.db, "FACILI")
    assert _tree(tmp_path, skip) == before
    return result


CASES = {
    # file: (refused whole?, documents integrated, words the report must hold)
    "ImportDocuments_missing_column.csv": (
        True,
        set(),
        "colonne obligatoire manquante : CodeArticle",
    ),
    "ImportDocuments_empty.csv": (True, set(), "fichier vide"),
    "ImportDocuments_blank_lines.csv": (True, set(), "fichier vide"),
    "ImportDocuments_header_only.csv": (False, set(), ""),
    "ImportDocuments_binary.csv": (True, set(), "colonne"),
    "ImportDocuments_nul_bytes.csv": (False, {"G1"}, "NUL"),
    "ImportDocuments_unterminated_quote.csv": (False, {"G1"}, "guillemet non fermé"),
    "ImportDocuments_disagreeing_header.csv": (False, set(), "diffère de la ligne 2"),
    "ImportDocuments_impossible_dates.csv": (False, set(), "n'est pas une date valide"),
    "ImportDocuments_wrong_numbers.csv": (False, set(), "n'est pas un nombre"),
    "ImportDocuments_comma_separated.csv": (False, {"C1"}, ""),
    "ImportDocuments_unknown_columns.csv": (False, {"U1"}, "Météo"),
    "ImportDocuments_nested_quotes.csv": (False, {"Z1", "Z2"}, ""),
    # UTF-8 (« Chèques » on line 2): line 3's bytes are errors, never a re-decoding of the file
    "ImportDocuments_invalid_utf8_middle.csv": (False, {"V1"}, "octets invalides en UTF-8"),
    "ImportDocuments_utf16_bom.csv": (False, {"S1"}, ""),
    "ImportDocuments_stray_quote.csv": (
        False,
        {"Q-0002", "Q-0003"},
        "Chantier ligne 2 : guillemet non fermé sur sa ligne",
    ),
    "ImportDocuments_utf8_one_cp1252_byte.csv": (
        False,
        {"M-0001", "M-0002", "M-0003", "M-0004", "M-0006"},
        "ModeReglement ligne 6 : octets invalides en UTF-8",
    ),
    "ImportDocuments_excel_sep_line.csv": (False, {"X-0001"}, ""),
    "ImportDocuments_utf16_no_bom.csv": (False, {"W-0001"}, ""),
    "ImportDocuments_formula_injection.csv": (False, {f"F{i}" for i in range(1, 7)}, ""),
    "ImportDocuments_invisible_characters.csv": (
        False,
        {"I1", "I2"},
        "CodeArticle ligne 5 : « FT-L⟨U+200B⟩AB » contient un caractère invisible en position 5",
    ),
    "ImportDocuments_line_breaks.csv": (False, {"L1", "L2", "L3"}, ""),
    "ImportDocuments_numbers_out_of_range.csv": (False, {"N5"}, "est trop grand"),
    "ImportDocuments_rates_out_of_range.csv": (False, {"R5"}, "taux hors de 0 à 100 %"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(tmp_path, name):
    refused, integrated, words = CASES[name]
    s = Setup(tmp_path)
    shutil.copy(CORPUS / name, s.import_dir / name)
    result = _receive(s, tmp_path)
    report = " ".join(r.messages for r in report_rows(s, result))
    assert words in report, report
    assert set(s.gc_documents()) == integrated
    if refused:
        assert s.rejected() == [name]
    else:
        assert s.archived() == [name]
    assert s.waiting() == []
    for row in report_rows(s, result):
        assert row.messages and "Traceback" not in row.messages


def _receive_corpus(tmp_path: Path, name: str) -> tuple[Setup, dict[str, str]]:
    """Receives one corpus file: the setup and the report's messages by item."""
    s = Setup(tmp_path)
    shutil.copy(CORPUS / name, s.import_dir / name)
    result = _receive(s, tmp_path)
    return s, {row.identifier: row.messages for row in report_rows(s, result)}


def test_stray_quote_holds_back_its_document_and_no_other(tmp_path):
    # Q-0001's Chantier opens a quote it never closes: its lines used to swallow Q-0002 and
    # Q-0003 (never created, not even pending), and Q-0001 was integrated with them in its
    # Chantier
    s, messages = _receive_corpus(tmp_path, "ImportDocuments_stray_quote.csv")
    assert set(s.gc_documents()) == {"Q-0002", "Q-0003"}
    assert messages["Q-0001 / 0701"] == (
        "Erreur : Chantier ligne 2 : guillemet non fermé sur sa ligne : les lignes suivantes "
        "sont lues à part"
    )
    sites = s.db.execute(
        "SELECT d.external_id, l.work_site FROM documents d"
        " JOIN document_lines l ON l.document_id = d.id ORDER BY d.external_id"
    ).fetchall()
    assert sites == [("Q-0002", "Parcelle nord"), ("Q-0003", "Le Clos; côté est")]


def test_one_windows_1252_byte_in_a_utf8_file_holds_back_its_line_only(tmp_path):
    # the file used to be read as Windows-1252 from its first byte: « ChÃ¨ques » everywhere
    s, messages = _receive_corpus(tmp_path, "ImportDocuments_utf8_one_cp1252_byte.csv")
    assert set(s.gc_documents()) == {"M-0001", "M-0002", "M-0003", "M-0004", "M-0006"}
    assert messages["M-0005 / 0701"] == (
        "Erreur : ModeReglement ligne 6 : octets invalides en UTF-8 : « Ch\ufffdques »"
    )
    stored = s.db.execute(
        "SELECT DISTINCT d.payment_method, l.work_site FROM documents d"
        " JOIN document_lines l ON l.document_id = d.id WHERE d.external_id = 'M-0003'"
    ).fetchall()
    assert stored == [("Chèques", "Parcelle « Le Bœuf »")]


def test_stray_quote_in_a_tiers_file_holds_back_that_tiers_only(tmp_path):
    s, messages = _receive_corpus(tmp_path, "ImportTiers_stray_quote.csv")
    names = dict(s.db.execute("SELECT code, name FROM tiers WHERE code LIKE 'STR%'").fetchall())
    assert names == {"STR2": "Lefèvre", "STR3": 'EARL "Le Clos"'}
    error = next(text for item, text in messages.items() if "STR1" in item)
    assert (
        error
        == "Erreur : Nom: guillemet non fermé sur sa ligne : les lignes suivantes sont lues à part"
    )


def test_formula_injection_is_stored_as_text_and_neutralised_when_sent(tmp_path):
    s = Setup(tmp_path)
    for name in ("ImportTiers_formula_injection.csv", "ImportDocuments_formula_injection.csv"):
        shutil.copy(CORPUS / name, s.import_dir / name)
    reception.receive(s.db, "FACILI")
    names = {r[0] for r in s.db.execute("SELECT name FROM tiers WHERE code LIKE 'INJ%'")}
    assert "=cmd|' /C calc'!A0" in names
    send(s.db, "FACILI")
    clients = (s.export_dir / "Clients.csv").read_bytes().decode("utf-8-sig")
    lines = [ln for ln in clients.split("\r\n") if ln.startswith("INJ")]
    assert len(lines) == 6
    for line in lines:
        for cell in line.split(";")[1:]:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), line


@pytest.mark.parametrize(
    "name",
    [
        "ImportDocuments avec espaces.csv",
        "ImportDocuments_éàçœ_Öl.csv",
        "ImportDocuments\nsaut de ligne.csv",
        "ImportDocuments..csv",
        "ImportDocuments_..%2F..%2Fetc%2Fpasswd.csv",
    ],
)
def test_strange_file_names_stay_inside(tmp_path, name):
    s = Setup(tmp_path)
    s.documents(name, doc_rows("N1"))
    result = _receive(s, tmp_path)
    assert "N1" in s.gc_documents()
    assert s.archived() == [name]
    assert "\n" not in report_rows(s, result)[0].file_name if report_rows(s, result) else True


def test_symlink_pointing_outside_is_never_followed(tmp_path):
    s = Setup(tmp_path)
    secret = tmp_path / "secret"
    secret.mkdir()
    target = secret / "ImportDocuments_x.csv"
    target.write_text(csv_text(DOC_HEADER, doc_rows("X1")))
    (s.import_dir / "ImportDocuments_lien.csv").symlink_to(target)
    (s.import_dir / "ImportTiers_dossier").symlink_to(secret, target_is_directory=True)
    result = _receive(s, tmp_path)
    assert s.gc_documents() == {}
    assert target.exists() and sorted(p.name for p in secret.iterdir()) == ["ImportDocuments_x.csv"]
    assert any("Lien symbolique ignoré" in r.messages for r in report_rows(s, result))


@pytest.mark.slow
def test_monsters(tmp_path):
    """A 3 MB field, a 50 MB single line, a header of 10⁶ columns."""
    s = Setup(tmp_path)
    big_field = doc_rows("M1")
    big_field[0][7] = "L" * 3_000_000
    s.documents("ImportDocuments_1_field.csv", big_field)
    line = ";".join(doc_rows("M2")[0]).replace("Labour", "x" * 50_000_000)
    s.drop("ImportDocuments_2_line.csv", ";".join(DOC_HEADER) + "\r\n" + line + "\r\n")
    wide_header = ";".join(DOC_HEADER) + ";" + ";".join(f"c{i}" for i in range(1_000_000))
    s.drop(
        "ImportDocuments_3_wide.csv", wide_header + "\r\n" + ";".join(doc_rows("M3")[0]) + "\r\n"
    )
    result = _receive(s, tmp_path)
    docs = s.gc_documents()
    assert "M1" in docs and "M3" in docs
    assert "M2" not in docs  # its 50 MB field is over the 16 MB cap: a located error
    report = " ".join(r.messages for r in report_rows(s, result))
    assert "trop long" in report
    assert "et 999990 autres" in report.replace("\u202f", "").replace(" ", "") or "autres" in report
    assert sorted(s.archived()) == [
        "ImportDocuments_1_field.csv",
        "ImportDocuments_2_line.csv",
        "ImportDocuments_3_wide.csv",
    ]


# Tiers files of the corpus: (refused whole?, tiers integrated)
TIERS_CASES = {
    "ImportTiers_stray_quote.csv": (False, {"STR2", "STR3"}),
    "ImportTiers_formula_injection.csv": (False, {f"INJ{i}" for i in range(1, 7)}),
    "ImportTiers_spreadsheet_zeros.csv": (False, {"Z1", "Z2", "Z3"}),
}


@pytest.mark.slow
def test_hostile_files_in_the_reliability_table(tmp_path, ledger):
    """`make check`'s table counts the hostile files: each corpus file received on its own, the
    documents (or tiers) expected against those found, the file lost unless it was archived or
    set aside in `erreurs/`."""
    cases = {name: (refused, found) for name, (refused, found, _) in CASES.items()}
    for name, (refused, expected) in sorted({**cases, **TIERS_CASES}.items()):
        folder = tmp_path / name.replace(".", "_")
        folder.mkdir()
        s = Setup(folder)
        shutil.copy(CORPUS / name, s.import_dir / name)
        _receive(s, folder)
        if name.startswith("ImportTiers"):
            codes = s.db.execute(
                "SELECT code FROM tiers WHERE code GLOB 'STR*' OR code GLOB 'INJ*'"
                " OR code GLOB 'Z[0-9]'"
            )
            found = {code for (code,) in codes}
        else:
            found = set(s.gc_documents())
        kept = (s.rejected() if refused else s.archived()) == [name] and s.waiting() == []
        ledger(f"fichier hostile {name}", 1, len(expected), len(found), 0 if kept else 1)
        assert found == expected, name
        assert kept, name


def test_invisible_characters_split_no_document_and_line_breaks_come_in_one_form(tmp_path):
    s = Setup(tmp_path)
    for name in ("ImportDocuments_invisible_characters.csv", "ImportDocuments_line_breaks.csv"):
        shutil.copy(CORPUS / name, s.import_dir / name)
    _receive(s, tmp_path)
    assert s.gc_documents()["I1"][3] == 2  # the row a BOM opened is I1's second line
    sites = s.db.execute(
        "SELECT d.external_id, l.work_site FROM document_lines l JOIN documents d"
        " ON d.id = l.document_id WHERE d.external_id LIKE 'L%' ORDER BY 1"
    ).fetchall()
    assert sites == [(n, "Parcelle 12\nentrée nord") for n in ("L1", "L2", "L3")]


def test_numbers_past_their_limits_each_say_which(tmp_path):
    s = Setup(tmp_path)
    shutil.copy(CORPUS / "ImportDocuments_numbers_out_of_range.csv", s.import_dir)
    result = _receive(s, tmp_path)
    assert result.exit_code == 3  # not 1: no « Erreur inattendue (OverflowError) »
    messages = {r.identifier: r.messages for r in report_rows(s, result)}
    assert messages["N1 / 0701"].startswith("Erreur : Quantite ligne 2 : « 9999")
    assert messages["N2 / 0701"].startswith("Erreur : PrixUnitaireHT ligne 3 : « 9223")
    assert messages["N3 / 0701"].startswith("Erreur : NumeroLigne ligne 4 : « 9999")
    assert messages["N4 / 0701"].endswith("a trop de décimales : 6 au plus")


def test_tiers_values_a_spreadsheet_cut_are_warned_and_kept(tmp_path):
    s = Setup(tmp_path)
    shutil.copy(CORPUS / "ImportTiers_spreadsheet_zeros.csv", s.import_dir)
    result = _receive(s, tmp_path)
    assert result.exit_code == 0
    messages = {r.identifier: r.messages for r in report_rows(s, result)}
    assert "CodePostal ligne 2 : « 1250 » n'a que 4 chiffres" in messages["Client Z1"]
    assert "Mobile ligne 3 : « 612345678 » n'a que 9 chiffres" in messages["Client Z2"]
    assert "Attention" not in messages["Client Z3"]  # Belgium: 4 digits is right
    assert s.db.execute("SELECT postal_code FROM tiers WHERE code = 'Z1'").fetchone() == ("1250",)


HOSTILE_VALUES = {
    # file: documents it holds that must be integrated (the others are located errors)
    "ImportDocuments_invisible_characters.csv": {"I1", "I2"},
    "ImportDocuments_line_breaks.csv": {"L1", "L2", "L3"},
    "ImportDocuments_numbers_out_of_range.csv": {"N5"},
    "ImportDocuments_rates_out_of_range.csv": {"R5"},
}


@pytest.mark.slow
def test_fault_hostile_values_through_the_command(tmp_path, ledger):
    """The corpus of hostile values (issue 16) received at once by `econnect receive`: never
    exit 1, every good document in, no file lost; counted in `make check`'s table."""
    s = Setup(tmp_path)
    for name in [*HOSTILE_VALUES, "ImportTiers_spreadsheet_zeros.csv"]:
        shutil.copy(CORPUS / name, s.import_dir / name)
    received = run_cli("receive", "FACILI", db=s.path)
    expected = set().union(*HOSTILE_VALUES.values())
    found = set(s.gc_documents()) & expected
    lost = len([*HOSTILE_VALUES, "ImportTiers_spreadsheet_zeros.csv"]) - len(s.archived())
    ledger(
        "valeurs hostiles : invisibles, sauts de ligne, nombres et taux hors limites",
        1,
        len(expected),
        len(found),
        lost,
    )
    assert received.returncode == 3, received.stdout + received.stderr  # errors said, not 1
    assert set(s.gc_documents()) == expected and lost == 0
    assert "Erreur inattendue" not in received.stdout + received.stderr
