"""Article correspondences: the rules (through the service), suggestions, the bulk screen's rows,
and `econnect mapping export|import` (round trip, files refused whole)."""

from __future__ import annotations

import pytest

from econnect_tui.errors import UserError, ValidationFailed
from econnect_tui.store import mappings as store
from econnect_tui.sync import mapping as service
from econnect_tui.sync.demo import load_demo
from econnect_tui.sync.mapping import ShowMode
from econnect_tui.sync.reception import preview
from tests.helpers import run_cli, write_csv

C = "FACILI"


@pytest.fixture
def db(tmp_path):
    from econnect_tui.db import open_db

    database = open_db(tmp_path / "econnect.db")
    load_demo(database, tmp_path)
    return database


def mappings(db) -> dict[str, str]:
    return store.article_to_external(db, C)


def change_count(db) -> int:
    return db.execute("SELECT count(*) FROM mapping_changes").fetchone()[0]


# Rules ------------------------------------------------------------------------------------------


def test_codes_are_trimmed_case_sensitive_and_one_per_article(db) -> None:
    change = service.set_code(db, "facili", "SEMMAIS", "  SEMIS-MAIS \t", "alice")
    assert change is not None and change.old_code is None and change.new_code == "SEMIS-MAIS"
    assert mappings(db)["SEMMAIS"] == "SEMIS-MAIS"
    # Case-sensitive: « ft-lab » is another code than LAB's « FT-LAB ».
    service.set_code(db, C, "SEMMAIS", "ft-lab", "alice")
    assert mappings(db)["SEMMAIS"] == "ft-lab" and mappings(db)["LAB"] == "FT-LAB"
    # One article, one code: the new code replaces the old one, which is free again.
    service.set_code(db, C, "LAB", "FT-LABOUR", "alice")
    assert mappings(db)["LAB"] == "FT-LABOUR"
    service.set_code(db, C, "DECH", "FT-LAB", "alice")
    assert mappings(db)["DECH"] == "FT-LAB"
    # The same code again changes nothing and records nothing.
    count = change_count(db)
    assert service.set_code(db, C, "DECH", " FT-LAB ", "alice") is None
    assert change_count(db) == count


def test_empty_code_removes_the_correspondence(db) -> None:
    change = service.set_code(db, C, "LAB", "   ", "alice")
    assert change is not None and (change.old_code, change.new_code) == ("FT-LAB", None)
    assert "LAB" not in mappings(db)


def test_duplicate_is_refused_with_the_exact_sentence(db) -> None:
    with pytest.raises(UserError) as exc:
        service.set_code(db, C, "SEMMAIS", "FT-LAB", "alice")
    assert str(exc.value) == "Le code FT-LAB est déjà utilisé par l'article LAB sur FACILI"
    assert "SEMMAIS" not in mappings(db)


def test_history_and_undo(db) -> None:
    first = service.set_code(db, C, "LAB", "LAB-1", "alice")
    second = service.set_code(db, C, "LAB", "LAB-2", "bob")
    recent = store.recent_changes(db, C, limit=2)
    assert [(c.old_code, c.new_code, c.changed_by) for c in recent] == [
        ("LAB-1", "LAB-2", "bob"),
        ("FT-LAB", "LAB-1", "alice"),
    ]
    store.undo_change(db, second, "carol")
    assert mappings(db)["LAB"] == "LAB-1"
    store.undo_change(db, first, "carol")
    assert mappings(db)["LAB"] == "FT-LAB"
    newest = store.recent_changes(db, C, limit=1)[0]
    assert (newest.old_code, newest.new_code, newest.changed_by) == ("LAB-1", "FT-LAB", "carol")
    assert store.get_change(db, first.id).undone


# Suggestions and rows ---------------------------------------------------------------------------


def test_suggestions_rank_the_close_article_first(db) -> None:
    found = service.suggestions(db, C, "SEMIS-MAIS", "Semis maïs monograine")
    assert found[0].article_code == "SEMMAIS"
    assert found[0].external_code is None  # SEMMAIS has no correspondence yet
    assert len(found) == 5 and found[0].score > found[1].score
    assert service.suggestions(db, C, "FT-LAB", "Labour")[0].article_code == "LAB"
    assert mappings(db).get("SEMMAIS") is None  # never applied


def test_pending_external_codes_ranked_for_an_article(db) -> None:
    assert service.pending_external_codes(db, C) == []  # nothing staged yet
    preview(db, C)  # stages the waiting ETA files
    pending = service.pending_external_codes(db, C)
    assert [p.code for p in pending] == ["SEMIS-MAIS"]
    assert pending[0].label == "Semis maïs monograine"
    assert service.suggest_external_codes(db, C, "SEMMAIS")[0].code == "SEMIS-MAIS"
    service.set_code(db, C, "SEMMAIS", "SEMIS-MAIS", "alice")
    assert service.pending_external_codes(db, C) == []


def test_grid_rows_export_available_or_filter(db) -> None:
    rows = service.grid_rows(db, C, ShowMode.EXPORT)
    assert len(rows) == 30 and "GNR" not in {r.article_code for r in rows}
    assert [r.article_code for r in rows if not r.external_code] == ["SEMMAIS"]
    assert rows == sorted(rows, key=lambda r: r.article_code)
    harvest = service.grid_rows(db, C, "filtre", "Prestations de récolte")
    assert {r.article_code for r in harvest} >= {"MOISBLE", "ENSIL", "BALRON"}
    assert "LAB" not in {r.article_code for r in harvest}
    with pytest.raises(UserError):
        service.grid_rows(db, C, ShowMode.FILTER, "Inconnu")


# Import (service) -------------------------------------------------------------------------------


def test_import_moves_and_swaps_codes_when_the_file_is_consistent(db, tmp_path) -> None:
    path = write_csv(
        tmp_path / "moves.csv",
        "CodeArticle;CodeArticleExterne\n"
        "SEMMAIS;FT-LAB\n"  # FT-LAB moves from LAB...
        "LAB;FT-LABOUR\n"  # ...because LAB gets another code
        "HERS;FT-DECH\n"  # a swap
        "DECH;FT-HERS\n"
        "PULVE;FT-PULVE\n"  # unchanged
        "FILM;\n",  # an empty code removes FILM's correspondence
    )
    summary = service.import_file(db, "facili", path, "alice")
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (1, 3, 1, 1)
    assert "FILM" not in mappings(db)
    now = mappings(db)
    assert now["SEMMAIS"] == "FT-LAB" and now["LAB"] == "FT-LABOUR"
    assert (now["HERS"], now["DECH"]) == ("FT-DECH", "FT-HERS")
    assert now["EPFUM"] == "FT-EPFUM"  # not in the file: kept
    # One change record per article that changed, undoable one by one.
    recent = store.recent_changes(db, C, limit=5)
    assert {c.article_code for c in recent} == {"SEMMAIS", "LAB", "HERS", "DECH", "FILM"}


def test_import_refuses_the_whole_file_listing_every_bad_line(db, tmp_path) -> None:
    before, changes = mappings(db), change_count(db)
    path = write_csv(
        tmp_path / "bad.csv",
        "CodeArticle;CodeArticleExterne\n"
        "SEMMAIS;SEMIS-MAIS\n"  # fine alone
        "NOPE;X-1\n"  # unknown article
        "ENSIL;X-2\n"
        "FAUCH;X-2\n"  # X-2 twice in the file
        "ANDAIN;FT-LAB\n"  # FT-LAB stays with LAB, which the file does not mention
        "ANDAIN;X-3\n"  # ANDAIN twice
        f"ENRUB;{'X' * 61}\n",  # too long
    )
    with pytest.raises(ValidationFailed) as exc:
        service.import_file(db, C, path, "alice")
    assert exc.value.errors == [
        "bad.csv:3: CodeArticle: article inconnu « NOPE »",
        "bad.csv:5: CodeArticleExterne: le code X-2 est déjà donné à l'article ENSIL (ligne 4)",
        "bad.csv:6: CodeArticleExterne: le code FT-LAB est déjà utilisé par l'article LAB sur "
        "FACILI",
        "bad.csv:7: CodeArticle: « ANDAIN » en double (déjà ligne 6)",
        f"bad.csv:8: CodeArticleExterne: le code « {'X' * 20}… » dépasse 60 caractères",
    ]
    assert str(exc.value) == "bad.csv refusé : 5 erreurs, rien n'a été importé."
    assert mappings(db) == before and change_count(db) == changes


# CLI --------------------------------------------------------------------------------------------


def test_cli_export_import_round_trip(db, tmp_path) -> None:
    db_path = tmp_path / "econnect.db"
    service.set_code(db, C, "SEMMAIS", "-SEMIS;MAIS", "alice")  # a spreadsheet-looking code
    expected = mappings(db)
    out = tmp_path / "corresp.csv"
    result = run_cli("mapping", "export", "facili", str(out), db=db_path)
    assert result.returncode == 0, result.stderr
    assert "32 correspondances écrites dans" in result.stderr
    stdout = run_cli("mapping", "export", C, db=db_path)
    assert stdout.returncode == 0 and stdout.stdout.startswith("CodeArticle;CodeArticleExterne")
    assert out.read_bytes().decode("utf-8-sig").splitlines() == stdout.stdout.splitlines()
    assert 'SEMMAIS;"\'-SEMIS;MAIS"' in stdout.stdout

    # Lose a few correspondences, then import the file back.
    for article in ("LAB", "SEMMAIS", "FILM"):
        service.set_code(db, C, article, "", "alice")
    result = run_cli("mapping", "import", C, str(out), "--json", db=db_path)
    assert result.returncode == 0, result.stderr
    assert '"added": 3' in result.stdout and '"unchanged": 29' in result.stdout
    assert mappings(db) == expected


def test_cli_import_refused_exits_1_and_changes_nothing(db, tmp_path) -> None:
    before = mappings(db)
    path = write_csv(
        tmp_path / "refus.csv", "CodeArticle;CodeArticleExterne\nXX;A\nSEMMAIS;FT-DECH\n"
    )
    result = run_cli("mapping", "import", C, str(path), db=tmp_path / "econnect.db")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "refus.csv:2: CodeArticle: article inconnu « XX »",
        "refus.csv:3: CodeArticleExterne: le code FT-DECH est déjà utilisé par l'article DECH"
        " sur FACILI",
        "refus.csv refusé : 2 erreurs, rien n'a été importé.",
    ]
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert mappings(db) == before


def test_picker_search_puts_code_and_word_starts_first(db):
    from econnect_tui.sync.mapping import ArticleMatcher

    matcher = ArticleMatcher(db, "FACILI")
    found = [hit.article_code for hit in matcher.search("bal", limit=5)]
    assert found[:3] == ["BALCAR", "BALRON", "FILET"]  # codes, then « Filet balle ronde »
    assert [h.article_code for h in matcher.search("semis mais", limit=1)] == ["SEMMAIS"]
    assert matcher.search("xwxwxw") == []


def test_picker_search_puts_the_article_closest_to_the_external_code_first_in_its_group(db):
    from econnect_tui.sync.mapping import ArticleMatcher

    matcher = ArticleMatcher(db, "FACILI")
    typed = [hit.article_code for hit in matcher.search("semis", limit=2)]
    assert typed == ["SEMCER", "SEMMAIS"]  # by code when nothing is known of the code sought
    near = "SEMIS-MAIS Semis maïs monograine"
    found = [hit.article_code for hit in matcher.search("semis", limit=2, near=near)]
    assert found == ["SEMMAIS", "SEMCER"]
    # the groups stay in order: a code starting with the text before a word of a label
    bal = [hit.article_code for hit in matcher.search("bal", limit=3, near="Filet balle ronde")]
    assert bal[2] == "FILET" and set(bal[:2]) == {"BALCAR", "BALRON"}
