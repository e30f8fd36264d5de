"""Two receptions of ETA files written from the contract alone, by someone who never saw this
code (tests/blind/NOTES.md says how; tests/blind/expected.json is what the contract promises).
Every promise of expected.json is checked on real folders and a real SQLite file."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from econnect_tui.models.gc import DocStatus, TiersKind
from econnect_tui.store import documents, mappings, tiers
from econnect_tui.sync import reception
from tests.eta import Setup

CASE = Path(__file__).parent / "blind"
EXPECTED = json.loads((CASE / "expected.json").read_text(encoding="utf-8"))
TIERS_TYPES = {"Client": "Client", "Fournisseur": "Fournisseur", "Contact": "Contact"}


@pytest.fixture(scope="module")
def receptions(tmp_path_factory):
    """Both receptions, with the operator's steps between them; what each showed and did."""
    s = Setup(tmp_path_factory.mktemp("blind"))
    before_0704 = tiers.get_tiers(s.db, TiersKind.CLIENT, "0704")
    seen = {}
    for step in ("reception1", "reception2"):
        for source in sorted((CASE / step).iterdir()):
            shutil.copy2(source, s.import_dir / source.name)
        preview = reception.preview(s.db, "FACILI")
        result = reception.receive(s.db, "FACILI")
        seen[step] = {
            "preview": preview,
            "result": result,
            "pending": reception.pending_status(s.db, "FACILI"),
            "waiting": s.waiting(),
            "archived": s.archived(),
            "erreurs": sorted(p.name for p in (s.import_dir / "erreurs").glob("*")),
        }
        if step == "reception1":
            between = EXPECTED["operator_steps_between"]
            for external, article in between["map"].items():
                mappings.set_mapping(s.db, "FACILI", article, external, "opérateur")
            for numero in between["validate"]:
                (doc,) = [d for d in documents.list_documents(s.db) if d.external_id == numero]
                documents.set_status(s.db, doc.id, DocStatus.VALIDATED)
    return s, seen, before_0704


STEPS = ("reception1", "reception2")


@pytest.mark.parametrize("step", STEPS)
def test_each_file_ends_where_the_contract_says(receptions, step):
    _, seen, _ = receptions
    state = seen[step]
    shown = {f.name for f in state["preview"].files}
    for name, fate in EXPECTED[step]["files"].items():
        if fate == "archived":
            assert name in state["archived"] and name not in state["waiting"], name
        elif fate == "erreurs":
            assert name in state["erreurs"] and name not in state["archived"], name
        elif fate == "left in place":
            assert name in state["waiting"] and name in shown, name
        else:  # not read: still being written
            assert fate == "not read"
            assert name in state["waiting"] and name not in shown, name


@pytest.mark.parametrize("step", STEPS)
def test_each_document_gets_the_status_the_contract_says(receptions, step):
    _, seen, _ = receptions
    statuses = {d.numero: d for d in seen[step]["preview"].documents}
    for numero, expected in EXPECTED[step]["documents"].items():
        got = statuses[numero]
        if expected["status"] == "Erreur":
            assert got.status.startswith("Erreur : "), (numero, got.status)
        else:
            assert got.status == expected["status"], numero
        assert got.held == expected["held_back"], numero
        warned = any(m.startswith("Attention : total TTC") for m in got.messages)
        assert warned == expected["warning"], numero
    # nothing else is offered
    assert set(statuses) == set(EXPECTED[step]["documents"])


@pytest.mark.parametrize("step", STEPS)
def test_integrated_documents_have_the_numbers_totals_and_lines_promised(receptions, step):
    s, _, _ = receptions
    gc = {d.external_id: d for d in documents.list_documents(s.db, with_lines=True)}
    # what existed right after this reception: the second one changes the first one's drafts
    if step == "reception1":
        assert set(gc) == set(EXPECTED["reception2"]["gc_numbers"])
    numbers = EXPECTED[step]["gc_numbers"]
    assert {n: gc[n].number for n in numbers} == numbers
    to_gc = mappings.external_to_article(s.db, "FACILI")
    final = {"reception1": {}, "reception2": EXPECTED["reception2"]["documents"]}
    for numero, expected in EXPECTED[step]["documents"].items():
        if not expected["integrated"]:
            continue
        doc = gc[numero]
        later = final["reception2"].get(numero) if step == "reception1" else None
        if later and later["integrated"]:
            continue  # changed again by the second reception: checked there
        assert doc.status is (
            DocStatus.VALIDATED
            if numero in EXPECTED["operator_steps_between"]["validate"]
            else DocStatus.DRAFT
        )
        assert len(doc.lines) == expected["lines"], numero
        assert (doc.total_ht, doc.total_vat, doc.total_ttc) == (
            Decimal(expected["total_ht"]),
            Decimal(expected["total_vat"]),
            Decimal(expected["total_ttc"]),
        ), numero
        assert [ln.article_code for ln in doc.lines] == [
            to_gc[code] for code in expected["line_articles"]
        ], numero
        assert [ln.position for ln in doc.lines] == list(range(1, len(doc.lines) + 1))


def test_held_back_documents_are_counted_as_pending(receptions):
    _, seen, _ = receptions
    for step in STEPS:
        held = [n for n, e in EXPECTED[step]["documents"].items() if e["held_back"]]
        assert seen[step]["pending"].held_back_documents == len(held), step


def test_tiers_get_the_status_promised_and_an_update_never_blanks(receptions):
    s, seen, before = receptions
    rows = {(t.file_name, t.line): t for t in seen["reception1"]["preview"].tiers}
    for key, expected in EXPECTED["reception1"]["tiers"].items():
        kind = TIERS_TYPES[key.split(":")[0]]
        got = rows[(expected["file"], expected["line"])]
        assert got.identifier.startswith(kind), key
        if expected["status"] == "Erreur":
            assert got.status.startswith("Erreur : "), (key, got.status)
        else:
            assert got.status == expected["status"], key
    assert not seen["reception2"]["preview"].tiers
    # 0704: only the phone changed; every other field the file left empty is kept
    after = tiers.get_tiers(s.db, TiersKind.CLIENT, "0704")
    assert after.phone != before.phone
    assert after.model_dump(exclude={"phone"}) == before.model_dump(exclude={"phone"})
    assert tiers.get_tiers(s.db, TiersKind.CLIENT, "0751") is not None
    assert tiers.get_tiers(s.db, TiersKind.SUPPLIER, "F005") is not None
    assert tiers.get_tiers(s.db, TiersKind.CLIENT, "0752") is None  # invalid email: refused


def test_the_same_bytes_twice_integrate_nothing_twice(receptions):
    s, seen, _ = receptions
    assert len(documents.list_documents(s.db)) == len(EXPECTED["reception2"]["gc_numbers"])
    twice = [f for f in seen["reception2"]["preview"].files if "déjà reçu" in f.status]
    assert [f.name for f in twice] == ["ImportDocuments_20250914.csv"]
