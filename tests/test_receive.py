"""The reception engine on real folders and real SQLite files."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from econnect_tui import settings
from econnect_tui.errors import Busy, UserError
from econnect_tui.models.gc import DocStatus, TiersKind
from econnect_tui.store import documents, mappings, staging, tiers
from econnect_tui.sync import reception
from econnect_tui.sync.gcimport import import_master_file
from econnect_tui.sync.locks import current_owner, try_acquire
from tests.eta import DOC_HEADER, Setup, csv_text, doc_rows, report_rows


@pytest.fixture
def s(tmp_path):
    return Setup(tmp_path)


def statuses(preview):
    return {d.numero: d.status for d in preview.documents}


def rows_by_id(rows):
    return {r.identifier: r for r in rows}


def test_new_documents_are_created_as_the_connectors_type(s):
    s.documents(
        "ImportDocuments_1.csv",
        doc_rows("D1")
        + doc_rows(
            "D2", client="0702", name="GAEC", lines=(("FT-FAUCH", "Fauchage", "2.5", "32"),)
        ),
    )
    assert statuses(reception.preview(s.db, "FACILI")) == {
        "D1": "Nouveau document",
        "D2": "Nouveau document",
    }
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    docs = s.gc_documents()
    assert docs["D1"] == ("BL000001", "brouillon", "228.00", 1)
    assert docs["D2"][3] == 1
    d1 = documents.get_document(s.db, documents.find_documents(s.db, "D1")[0].id)
    assert (d1.company_code, d1.site_code, d1.depot_code) == ("ETA1", "CHARTRES", "DEP1")
    assert d1.lines[0].article_code == "LAB" and d1.lines[0].unit_code == "HA"
    assert rows_by_id(report_rows(s, result))["D1 / 0701"].messages.startswith(
        "Synchronisé : BL000001"
    )
    assert s.waiting() == [] and s.archived() == ["ImportDocuments_1.csv"]


def test_rows_of_a_document_need_not_be_adjacent(s):
    d1 = doc_rows("D1", lines=(("FT-LAB", "Labour", "1", "95"), ("FT-DEPL", "Km", "10", "1.1")))
    d2 = doc_rows("D2")
    s.documents("ImportDocuments_1.csv", [d1[1], d2[0], d1[0]])
    reception.receive(s.db, "FACILI")
    number = s.gc_documents()["D1"][0]
    doc = documents.get_document(s.db, documents.find_documents(s.db, number)[0].id)
    assert [ln.article_code for ln in doc.lines] == ["LAB", "DEPL"]  # NumeroLigne order


def test_preview_writes_no_gc_data_and_leaves_files(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    before = s.db.execute("SELECT count(*) FROM documents").fetchone()[0]
    preview = reception.preview(s.db, "FACILI")
    assert preview.files_to_process == 1
    assert s.db.execute("SELECT count(*) FROM documents").fetchone()[0] == before
    assert s.waiting() == ["ImportDocuments_1.csv"]
    reception.preview(s.db, "FACILI")  # again: staged once, by hash
    assert s.db.execute("SELECT count(*) FROM received_files").fetchone()[0] == 1


def test_preview_staged_file_removed_before_reception_never_counts(s):
    path = s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    reception.preview(s.db, "FACILI")
    path.unlink()
    result = reception.receive(s.db, "FACILI")
    assert s.gc_documents() == {}
    assert result.exit_code == 0
    assert s.db.execute("SELECT count(*) FROM received_files").fetchone()[0] == 0


def test_unmapped_article_held_back_until_mapped(s):
    s.documents(
        "ImportDocuments_1.csv", doc_rows("D1", lines=(("SEMIS-MAIS", "Semis", "8", "62"),))
    )
    preview = reception.preview(s.db, "FACILI")
    assert statuses(preview)["D1"] == "Article sans correspondance : SEMIS-MAIS"
    assert [a.code for a in preview.unmapped] == ["SEMIS-MAIS"]
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    assert s.gc_documents() == {}
    assert reception.pending_status(s.db, "FACILI").held_back_documents == 1
    assert rows_by_id(report_rows(s, result))["SEMIS-MAIS"].type.value == "Article"
    # offered again, and integrated once mapped
    assert statuses(reception.preview(s.db, "FACILI"))["D1"].startswith("Article sans")
    mappings.set_mapping(s.db, "FACILI", "SEMMAIS", "SEMIS-MAIS", "test")
    assert statuses(reception.preview(s.db, "FACILI"))["D1"] == "Nouveau document"
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    assert s.gc_documents()["D1"][3] == 1
    assert reception.pending_status(s.db, "FACILI").held_back_documents == 0


def test_unknown_client_held_back_until_it_exists(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1", client="0999"))
    assert statuses(reception.preview(s.db, "FACILI"))["D1"] == "Client inconnu : 0999"
    assert reception.receive(s.db, "FACILI").exit_code == 3
    s.tiers("ImportTiers_2.csv", [["Client", "0999", "", "", "Domaine de Lorris", "", "", "", ""]])
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    assert "D1" in s.gc_documents()


def test_unknown_unit_held_back_until_it_exists(s, tmp_path):
    """A document in an unit the GC lacks (« BOTTE ») was an « Erreur » and closed: once the
    operator created the unit, its file was « déjà reçu » and the document could never be
    received. Still the contract's « Erreur » status, it is held back, like a document for an
    unknown client, until the unit exists."""
    rows = doc_rows("D1")
    rows[0][9] = "BOTTE"
    s.documents("ImportDocuments_1.csv", rows)
    unknown = "Erreur : Unite ligne 2 : unité inconnue « BOTTE »"
    assert statuses(reception.preview(s.db, "FACILI"))["D1"] == unknown
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    assert "D1" not in s.gc_documents()
    row = rows_by_id(report_rows(s, result))["D1 / 0701"]
    assert not row.ok and row.messages == f"{unknown} — en attente d'intégration"
    assert reception.pending_status(s.db, "FACILI").held_back_documents == 1
    units = tmp_path / "unites.csv"
    units.write_text("Code;Libelle\nBOTTE;Botte\n", encoding="utf-8")
    import_master_file(s.db, "unites", units)
    assert statuses(reception.preview(s.db, "FACILI"))["D1"] == "Nouveau document"
    assert reception.receive(s.db, "FACILI").exit_code == 0
    assert "D1" in s.gc_documents()
    assert reception.pending_status(s.db, "FACILI").held_back_documents == 0


def test_client_and_its_documents_arrive_together(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1", client="0900"))
    s.tiers("ImportTiers_1.csv", [["Client", "0900", "", "Société", "EARL Neuve", "", "", "", ""]])
    preview = reception.preview(s.db, "FACILI")
    assert statuses(preview)["D1"] == "Nouveau document"
    assert [t.status for t in preview.tiers] == ["Nouveau client"]
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    assert [r.type.value for r in report_rows(s, result)] == ["Tiers", "Document"]
    client = tiers.require_tiers(s.db, TiersKind.CLIENT, "0900")
    assert client.family_code == "AGRI" and client.country == "France"


def test_changed_draft_is_updated_in_place(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    reception.receive(s.db, "FACILI")
    number = s.gc_documents()["D1"][0]
    s.documents("ImportDocuments_2.csv", doc_rows("D1", lines=(("FT-LAB", "Labour", "3", "95"),)))
    assert statuses(reception.preview(s.db, "FACILI"))["D1"] == "Mise à jour"
    reception.receive(s.db, "FACILI")
    assert s.gc_documents()["D1"][:3] == (number, "brouillon", "342.00")
    assert s.db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_same_content_again_is_already_integrated(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    reception.receive(s.db, "FACILI")
    s.documents("ImportDocuments_2.csv", doc_rows("D1") + doc_rows("D2"))
    assert statuses(reception.preview(s.db, "FACILI")) == {
        "D1": "Déjà intégré",
        "D2": "Nouveau document",
    }
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    assert rows_by_id(report_rows(s, result))["D1 / 0701"].messages.startswith("Déjà intégré")


def test_changed_validated_document_is_refused(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    reception.receive(s.db, "FACILI")
    doc = documents.find_documents(s.db, "D1")[0]
    documents.set_status(s.db, doc.id, DocStatus.VALIDATED)
    s.documents("ImportDocuments_2.csv", doc_rows("D1", lines=(("FT-LAB", "Labour", "9", "95"),)))
    assert statuses(reception.preview(s.db, "FACILI"))["D1"] == "Refusé : document déjà validé"
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    assert s.gc_documents()["D1"][2] == "228.00"
    row = rows_by_id(report_rows(s, result))["D1 / 0701"]
    assert not row.ok and doc.number in row.messages
    assert reception.pending_status(s.db, "FACILI").held_back_documents == 0  # final, not held


def test_same_bytes_twice_integrate_nothing_twice(s):
    text = csv_text(DOC_HEADER, doc_rows("D1"))
    s.drop("ImportDocuments_1.csv", text)
    reception.receive(s.db, "FACILI")
    s.drop("ImportDocuments_1.csv", text)  # the ETA software sends the same file again
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    assert "Déjà reçu" in report_rows(s, result)[0].messages
    assert len(s.gc_documents()) == 1
    assert s.archived() == ["ImportDocuments_1-1.csv", "ImportDocuments_1.csv"]


def test_tiers_statuses_and_update_never_blanks(s):
    before = tiers.require_tiers(s.db, TiersKind.CLIENT, "0701")
    s.tiers(
        "ImportTiers_1.csv",
        [
            ["C", "0701", "", "", "", "", "02 37 00 00 00", "", ""],  # Nom empty → error
            ["Client", "0702", "", "", "GAEC des Trois Chênes", "", "", "", ""],
            ["Client", "0703", "", "", "SCEA de Beauregard", "", "02 99 99 99 99", "", ""],
            ["F", "F777", "", "Société", "Nouveau fournisseur", "", "", "", ""],
            ["CT", "", "0703", "M.", "Durand", "Luc", "", "luc@scea.fr", ""],
            ["CT", "", "4242", "M.", "Orphelin", "", "", "", ""],
            ["Contact", "", "0703", "", "Bad", "", "", "pas-un-mail", ""],
            ["Client", "0800", "", "", "Siret faux", "", "", "", "12345678901234"],
            ["X", "0801", "", "", "Type inconnu", "", "", "", ""],
        ],
    )
    preview = reception.preview(s.db, "FACILI")
    assert [t.status for t in preview.tiers] == [
        "Erreur : Nom: valeur obligatoire",
        "Identique",
        "Mise à jour",
        "Nouveau fournisseur",
        "Nouveau contact",
        "Erreur : Tiers parent inconnu : 4242",
        "Erreur : Email: « pas-un-mail » n'est pas une adresse e-mail valide",
        "Erreur : Siret: « 12345678901234 » n'est pas un SIRET valide (clé de contrôle fausse)",
        "Erreur : TypeTiers: « X » : attendu Client (C), Fournisseur (F) ou Contact (CT)",
    ]
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    after = tiers.require_tiers(s.db, TiersKind.CLIENT, "0703")
    assert after.phone == "02 99 99 99 99"
    assert after.email is not None  # kept: the file's empty cell blanks nothing
    assert tiers.require_tiers(s.db, TiersKind.CLIENT, "0701") == before
    supplier = tiers.require_tiers(s.db, TiersKind.SUPPLIER, "F777")
    assert supplier.family_code == "INTRANTS"
    names = [c.last_name for c in tiers.contacts_of(s.db, TiersKind.CLIENT, "0703")]
    assert "Durand" in names
    assert reception.pending_status(s.db, "FACILI").held_back_tiers == 0


def test_contact_matched_by_name_when_no_code(s):
    s.tiers("ImportTiers_1.csv", [["CT", "", "0703", "M.", "Durand", "Luc", "", "", ""]])
    reception.receive(s.db, "FACILI")
    s.tiers(
        "ImportTiers_2.csv", [["CT", "", "0703", "", "Durand", "Luc", "06 00 00 00 00", "", ""]]
    )
    assert [t.status for t in reception.preview(s.db, "FACILI").tiers] == ["Mise à jour"]
    reception.receive(s.db, "FACILI")
    durands = [
        c for c in tiers.contacts_of(s.db, TiersKind.CLIENT, "0703") if c.last_name == "Durand"
    ]
    assert len(durands) == 1 and durands[0].phone == "06 00 00 00 00"
    assert durands[0].civility == "M."


def test_amount_and_total_checks(s):
    rows = doc_rows("D1")
    rows[0][12] = "200,00"  # MontantHT wrong
    s.documents("ImportDocuments_1.csv", rows + doc_rows("D2", total="999,00"))
    preview = reception.preview(s.db, "FACILI")
    st = statuses(preview)
    assert st["D1"].startswith("Erreur : MontantHT ligne 2")
    assert st["D2"] == "Nouveau document"
    d2 = next(d for d in preview.documents if d.numero == "D2")
    assert "total TTC reçu 999,00 €, calculé 228,00 €" in d2.messages[0]
    result = reception.receive(s.db, "FACILI")
    assert "D1" not in s.gc_documents() and "D2" in s.gc_documents()
    assert "Attention" in rows_by_id(report_rows(s, result))["D2 / 0701"].messages


def test_header_fields_must_agree(s):
    rows = doc_rows("D1", lines=(("FT-LAB", "Labour", "1", "95"), ("FT-DEPL", "Km", "10", "1.1")))
    rows[1][2] = "0702"
    s.documents("ImportDocuments_1.csv", rows)
    status = statuses(reception.preview(s.db, "FACILI"))["D1"]
    assert status.startswith("Erreur : CodeClient ligne 3 : « 0702 » diffère de la ligne 2")


def test_preview_of_a_refused_file_does_not_repeat_its_name(s):
    s.drop("ImportDocuments_bad.csv", "NumeroDocument;DateDocument\r\nX;01/01/2026\r\n")
    s.drop("ImportDocuments_nul.csv", ";".join(DOC_HEADER) + "\r\n\x00\x00\x00\r\n")
    files = {f.name: f.status for f in reception.preview(s.db, "FACILI").files}
    assert files["ImportDocuments_bad.csv"].startswith(
        "refusé : colonnes obligatoires manquantes : CodeClient, "
    )
    assert files["ImportDocuments_nul.csv"] == (
        "à traiter ; lignes ignorées : ligne 2 : caractère NUL (fichier binaire ?)"
    )


def test_preview_label_and_report_identifier(s):
    s.documents(
        "ImportDocuments_1.csv",
        doc_rows(
            "F259030_D260118",
            client="0729",
            name="TRFVJJio",
            total="86,25",
            lines=(("FT-LAB", "Labour", "1", "71.875"),),
        ),
    )
    preview = reception.preview(s.db, "FACILI")
    assert preview.documents[0].label == "F259030_D260118 - TRFVJJio - 86.25€ - Chèques"
    assert preview.documents[0].identifier == "F259030_D260118 / 0729"


def test_file_order_partial_and_unrecognised(s):
    s.documents("importdocuments_b.csv", doc_rows("D1", client="0900"))
    s.tiers("IMPORTTIERS_z.csv", [["Client", "0900", "", "", "EARL Neuve", "", "", "", ""]])
    s.drop("ImportDocuments_c.csv.tmp", "x")
    s.drop("ImportDocuments_d.part", "x")
    s.drop("~ImportDocuments_e.csv", "x")
    s.drop(".ImportDocuments_f.csv", "x")
    s.drop("notes.txt", "x")
    scan = reception.scan_folder(s.import_dir)
    assert [f.name for f in scan.files] == ["IMPORTTIERS_z.csv", "importdocuments_b.csv"]
    assert [name for name, _ in scan.unrecognised] == ["notes.txt"]
    result = reception.receive(s.db, "FACILI")
    assert "D1" in s.gc_documents()  # tiers first: the client existed for its document
    assert result.exit_code == 3  # notes.txt was left aside
    assert "notes.txt" in s.waiting() and "ImportDocuments_c.csv.tmp" in s.waiting()


def test_symlinks_are_never_followed(s, tmp_path):
    outside = tmp_path / "secret.csv"
    outside.write_text(csv_text(DOC_HEADER, doc_rows("S1")))
    (s.import_dir / "ImportDocuments_link.csv").symlink_to(outside)
    result = reception.receive(s.db, "FACILI")
    assert s.gc_documents() == {}
    assert "Lien symbolique ignoré" in report_rows(s, result)[0].messages
    assert outside.exists() and (s.import_dir / "ImportDocuments_link.csv").is_symlink()


def test_archive_name_clash_gets_a_suffix(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    reception.receive(s.db, "FACILI")
    s.documents("ImportDocuments_1.csv", doc_rows("D2"))
    reception.receive(s.db, "FACILI")
    assert s.archived() == ["ImportDocuments_1-1.csv", "ImportDocuments_1.csv"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "fichier vide"),
        (b"\r\n\r\n", "fichier vide"),
        (b"NumeroDocument;DateDocument\r\nD1;01/01/2026\r\n", "colonne"),
        (bytes(range(256)) * 40, "colonne"),
    ],
)
def test_files_refused_whole_go_to_erreurs(s, content, reason):
    s.drop("ImportDocuments_bad.csv", content)
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    assert s.rejected() == ["ImportDocuments_bad.csv"]
    row = report_rows(s, result)[0]
    assert not row.ok and reason in row.messages and "erreurs" in row.messages
    assert s.gc_documents() == {}


def test_header_only_file_is_fine(s):
    s.drop("ImportDocuments_1.csv", ";".join(DOC_HEADER) + "\r\n")
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0 and s.archived() == ["ImportDocuments_1.csv"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r.__setitem__(1, "31/02/2026"), "DateDocument ligne 2"),
        (lambda r: r.__setitem__(8, "3,5,1"), "Quantite ligne 2"),
        (lambda r: r.__setitem__(10, "abc"), "PrixUnitaireHT ligne 2"),
        (lambda r: r.__setitem__(6, ""), "CodeArticle ligne 2 : valeur obligatoire"),
    ],
)
def test_bad_values_are_located_errors(s, mutate, expected):
    rows = doc_rows("D1")
    mutate(rows[0])
    s.documents("ImportDocuments_1.csv", rows + doc_rows("D2"))
    preview = reception.preview(s.db, "FACILI")
    assert expected in statuses(preview)["D1"]
    result = reception.receive(s.db, "FACILI")
    assert set(s.gc_documents()) == {"D2"}  # one bad document never stops the others
    assert result.exit_code == 3


def test_comma_separated_cp1252_file_with_unknown_columns(s):
    header = [*DOC_HEADER, "ColonneMystere"]
    rows = [[*r, "x"] for r in doc_rows("D1", name="Société Générale Agricole")]
    for r in rows:
        r[8] = r[8].replace(",", ".")
        r[10] = r[10].replace(",", ".")
        r[12] = r[12].replace(",", ".")
        r[13] = r[13].replace(",", ".")
    s.drop("ImportDocuments_1.csv", csv_text(header, rows, sep=","), encoding="cp1252")
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    assert "D1" in s.gc_documents()
    assert any("ColonneMystere" in r.messages for r in report_rows(s, result))


def test_nul_bytes_unterminated_quote_and_huge_field(s):
    good = csv_text(DOC_HEADER, doc_rows("D2"))
    nul = csv_text(DOC_HEADER, doc_rows("D1")).replace("Labour", "Lab\x00our")
    s.drop("ImportDocuments_1.csv", nul)
    s.drop("ImportDocuments_2.csv", good + 'D3;"unterminated\r\n')
    huge = doc_rows("D4")
    huge[0][7] = "L" * 3_000_000
    s.documents("ImportDocuments_3.csv", huge)
    result = reception.receive(s.db, "FACILI")
    docs = s.gc_documents()
    assert "D2" in docs and "D1" not in docs
    assert len(s.archived()) + len(s.rejected()) == 3
    assert result.exit_code == 3


def test_discard_held_back_documents(s):
    s.documents(
        "ImportDocuments_1.csv", doc_rows("D1", client="0999") + doc_rows("D2", client="0998")
    )
    reception.receive(s.db, "FACILI")
    assert reception.pending_status(s.db, "FACILI").held_back_documents == 2
    assert reception.discard(s.db, "FACILI", ["D1"], "marie") == 1
    assert reception.pending_status(s.db, "FACILI").held_back_documents == 1
    assert [d.numero for d in reception.preview(s.db, "FACILI").documents] == ["D2"]
    row = s.db.execute(
        "SELECT outcome, decided_by FROM document_versions WHERE numero = 'D1'"
    ).fetchone()
    assert row == ("ecarte", "marie")


def test_newer_version_supersedes_a_held_back_one(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1", client="0999"))
    reception.receive(s.db, "FACILI")
    s.documents("ImportDocuments_2.csv", doc_rows("D1", client="0701"))
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    assert s.gc_documents()["D1"][3] == 1
    outcomes = dict(s.db.execute("SELECT file_id, outcome FROM document_versions"))
    assert sorted(outcomes.values()) == ["integre", "remplace"]


def test_lock_refuses_a_second_reception(s):
    assert try_acquire(s.db, "FACILI") is None
    other = Setup.__new__(Setup)
    from econnect_tui.db import open_db

    db2 = open_db(s.path)
    # same process, same pid: pretend another live process holds it
    s.db.execute("UPDATE reception_locks SET pid = ?", [os.getppid()])
    with pytest.raises(Busy, match=r"Une réception est déjà en cours pour FACILI \(pid \d+"):
        reception.receive(db2, "FACILI", wait=0.5)
    del other


def test_lock_of_a_dead_process_is_taken_over(s):
    try_acquire(s.db, "FACILI")
    s.db.execute("UPDATE reception_locks SET pid = 999999")
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    assert reception.receive(s.db, "FACILI", wait=0.5).exit_code == 0


def test_lock_of_a_reused_pid_is_taken_over(s):
    # After a reboot the pid written in the lock may belong to a process started since.
    try_acquire(s.db, "FACILI")
    newer = subprocess.Popen(["sleep", "30"])
    try:
        an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
        s.db.execute("UPDATE reception_locks SET pid = ?, started_at = ?", [newer.pid, an_hour_ago])
        assert current_owner(s.db, "FACILI") is None
        s.documents("ImportDocuments_1.csv", doc_rows("D1"))
        assert reception.receive(s.db, "FACILI", wait=0.5).exit_code == 0
    finally:
        newer.kill()
        newer.wait()


def test_lock_of_a_live_process_started_before_it_is_kept(s):
    try_acquire(s.db, "FACILI")
    s.db.execute("UPDATE reception_locks SET pid = ?", [os.getppid()])
    assert current_owner(s.db, "FACILI").pid == os.getppid()


def test_missing_import_folder_is_a_user_error(s):
    import shutil

    shutil.rmtree(s.import_dir)
    with pytest.raises(UserError, match="dossier d'import"):
        reception.receive(s.db, "FACILI")


def test_history_records_the_reception(s):
    from econnect_tui.store import history

    s.documents("ImportDocuments_1.csv", doc_rows("D1", client="0999"))
    result = reception.receive(s.db, "FACILI")
    run = history.get_run(s.db, result.run.id)
    assert run.status.value == "attention" and run.user
    assert run.files[0].sha256 and run.files[0].path.endswith("ImportDocuments_1.csv")
    assert run.counts["documents_en_attente"] == 1
    # The summary names what waits, even with no document created before it.
    assert run.message == "1 document en attente, 1 fichier traité ; 1 élément à revoir."
    assert [(r.type.value, r.identifier, r.ok) for r in run.rows] == [
        ("Document", "D1 / 0999", False)
    ]


def test_staged_lines_purged_once_decided(s):
    s.documents("ImportDocuments_1.csv", doc_rows("D1"))
    reception.receive(s.db, "FACILI")
    assert s.db.execute("SELECT count(*) FROM staged_lines").fetchone()[0] == 0
    assert staging.held_back_documents(s.db, "FACILI") == 0


def test_decimal_amounts_are_exact(s):
    s.documents(
        "ImportDocuments_1.csv",
        doc_rows("D1", lines=(("FT-DEPL", "Km", "0.1", "0.1"), ("FT-DEPL", "Km", "0.2", "0.1"))),
    )
    reception.receive(s.db, "FACILI")
    doc = documents.get_document(s.db, documents.find_documents(s.db, "D1")[0].id)
    assert [ln.amount_ht for ln in doc.lines] == [Decimal("0.01"), Decimal("0.02")]
    assert doc.total_ht == Decimal("0.03")


def test_one_document_failing_to_write_never_stops_its_page(s):
    # A GC rule the reception cannot foresee (here a trigger) refuses D2 while it is written
    # with its page: the page is written again document by document.
    s.documents(
        "ImportDocuments_1.csv", doc_rows("D1") + doc_rows("D2") + doc_rows("D3", client="0702")
    )
    s.db.execute(
        "CREATE TRIGGER refuse_d2 BEFORE INSERT ON documents WHEN NEW.external_id = 'D2'"
        " BEGIN SELECT RAISE(ABORT, 'refusé par la gestion commerciale'); END"
    )
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    docs = s.gc_documents()
    assert sorted(docs) == ["D1", "D3"] and docs["D1"][3] == docs["D3"][3] == 1
    rows = rows_by_id(report_rows(s, result))
    assert not rows["D2 / 0701"].ok
    assert rows["D2 / 0701"].messages == "Erreur : refusé par la gestion commerciale"
    assert rows["D1 / 0701"].ok and rows["D3 / 0702"].ok
    assert s.db.execute("SELECT count(*) FROM document_lines").fetchone()[0] == 2
    outcome = s.db.execute(
        "SELECT outcome, message FROM document_versions WHERE numero = 'D2'"
    ).fetchone()
    assert outcome == ("erreur", "refusé par la gestion commerciale")


def test_rows_staged_by_an_older_version_are_converted_by_the_migration(s, tmp_path):
    from sqlite_utils import Database

    from econnect_tui.db import apply_migrations
    from econnect_tui.exchange.staged import STAGED_LINE_COLUMNS
    from econnect_tui.migrations import migrations

    # What this version stages: a clean document, a faulty one, one with an unmapped article.
    lines = (("FT-LAB", "Labour", "2", "95.00"), ("FT-DEPL", "Km", "10", "1.1"))
    rows = doc_rows("D1", lines=lines) + doc_rows("D2", lines=(("NOUVEAU", "Semis", "1", "5"),))
    rows[0][8] = "2"  # D1 line 1: Quantite disagrees with MontantHT
    s.documents("ImportDocuments_1.csv", rows + doc_rows("D3"))
    reception.preview(s.db, "FACILI")
    columns = ", ".join(STAGED_LINE_COLUMNS)
    expected = s.db.execute(f"SELECT id, {columns} FROM staged_lines ORDER BY id").fetchall()
    assert len(expected) == 4

    # The same rows as migration 4 stored them: the serialized text and a few columns.
    old = Database(tmp_path / "old.db")
    old.execute("PRAGMA foreign_keys = ON")
    migrations.apply(old, stop_before="m005_staged_line_columns")
    old["received_files"].insert_all(s.db["received_files"].rows)
    old["staged_lines"].insert_all(
        {
            "id": r["id"],
            "file_id": r["file_id"],
            "line": r["line"],
            "numero": r["numero"],
            "numero_ligne": r["numero_ligne"],
            "code_article": r["code_article"],
            "libelle": r["libelle"],
            "data": r["data"],
            "errors": r["errors"],
        }
        for r in s.db["staged_lines"].rows
    )
    apply_migrations(old)
    assert old.execute(f"SELECT id, {columns} FROM staged_lines ORDER BY id").fetchall() == (
        expected
    )
    assert "staged_lines_version" in {i.name for i in old["staged_lines"].indexes}


def test_amounts_beyond_exact_decimals_are_a_located_error(s):
    d1 = doc_rows("D1")
    d1[0][8] = d1[0][10] = "9" * 30  # Quantite, PrixUnitaireHT
    d1[0][12] = ""  # MontantHT
    s.documents("ImportDocuments_1.csv", d1 + doc_rows("D2"))
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 3
    rows = rows_by_id(report_rows(s, result))
    # refused by the limits of a quantity and a price (docs/format.md) before any product
    assert rows["D1 / 0701"].messages.startswith(
        f"Erreur : Quantite ligne 2 : « {'9' * 30} » est trop grand : 12 chiffres au plus"
    )
    assert f"PrixUnitaireHT ligne 2 : « {'9' * 30} » est trop grand" in rows["D1 / 0701"].messages
    assert sorted(s.gc_documents()) == ["D2"]


def test_a_document_the_detailed_check_finds_clean_is_written_like_the_others(s):
    # Staged rows whose SQL flags say "look closer" (here set by hand) but where the detailed
    # check finds nothing wrong: the document is written the same way, with the same result.
    lines = (("FT-LAB", "Labour", "2", "95"), ("FT-DEPL", "Km", "10", "1.1"))
    s.documents("ImportDocuments_1.csv", doc_rows("D1", lines=lines) + doc_rows("D2", lines=lines))
    reception.preview(s.db, "FACILI")
    s.db.execute("UPDATE staged_lines SET clean = 0 WHERE numero = 'D1'")
    result = reception.receive(s.db, "FACILI")
    assert result.exit_code == 0
    docs = {
        d.external_id: documents.get_document(s.db, d.id) for d in documents.list_documents(s.db)
    }
    d1, d2 = docs["D1"], docs["D2"]
    assert (d1.total_ht, d1.total_vat, d1.total_ttc) == (d2.total_ht, d2.total_vat, d2.total_ttc)
    assert [(ln.position, ln.article_code, ln.quantity, ln.amount_ht) for ln in d1.lines] == [
        (ln.position, ln.article_code, ln.quantity, ln.amount_ht) for ln in d2.lines
    ]
    assert d1.date == d2.date and d1.payment_method == d2.payment_method
    assert (
        s.db.execute("SELECT content_hash FROM documents WHERE external_id = 'D1'").fetchone()[0]
        is not None
    )


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("0", 0.0),
        ("2.5", 2.5),
        ("-1", 5.0),  # negative or not finite: the default, as documented (issue 17.10)
        ("-inf", 5.0),
        ("inf", 5.0),
        ("nan", 5.0),
        ("7200", 5.0),
        ("abc", 5.0),
    ],
)
def test_the_quiet_period_setting_never_leaves_files_aside_for_good(monkeypatch, given, used):
    monkeypatch.setenv("ECONNECT_SETTLE_SECONDS", given)
    assert settings.settle_seconds() == used
