"""Hostile input: the corpus of tests/corpus/ and generated monsters, through real receptions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from econnect_tui.sync import receive as reception
from econnect_tui.sync.send import send
from tests.eta import DOC_HEADER, Setup, csv_text, doc_rows, report_rows

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
    "ImportDocuments_formula_injection.csv": (False, {f"F{i}" for i in range(1, 7)}, ""),
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
