"""The text helpers: accent folding for searches, French counts."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from econnect_tui.french import dated, on_date
from econnect_tui.text import escape_controls, fold, plural, strip_accents


def _per_character(text: str) -> str:
    """The definition: every combining character of the NFKD form removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_accents_stripped_in_mostly_ascii_rows():
    assert strip_accents("Épandage de lisier ✓ Çà") == "Epandage de lisier ✓ Ca"
    assert fold("BL000042 C00042 EARL Éloi Validé ✓") == "bl000042 c00042 earl eloi valide ✓"


@given(st.text())
def test_strip_accents_is_the_per_character_definition(text):
    assert strip_accents(text) == _per_character(text)


def test_plural_is_french_singular_below_two():
    assert plural(0, "fichier") == "0 fichier"
    assert plural(1, "fichier") == "1 fichier"
    assert plural(2, "fichier") == "2 fichiers"
    assert plural(3, "tiers retenu", "tiers retenus") == "3 tiers retenus"


def test_dated_adds_the_date_only_when_known():
    when = "2026-11-28T12:21:00+00:00"  # shown in the machine's time zone, whatever it is
    assert re.fullmatch(r"le \d\d/\d\d/2026 à \d\d:\d\d", on_date(when))
    assert dated("Déjà reçu", when) == f"Déjà reçu {on_date(when)}"
    assert dated("Déjà reçu", None) == "Déjà reçu"
    assert dated("Déjà reçu", "pas une date") == "Déjà reçu"


# -- control characters: shown, never sent to the terminal


def test_escape_controls_shows_escape_sequences_as_codes():
    assert escape_controls("EARL \x1b]0;titre\x07 du Moulin") == "EARL \\x1b]0;titre\\x07 du Moulin"
    assert escape_controls("Labour\x9b31m\x7f") == "Labour\\x9b31m\\x7f"
    assert escape_controls("a\rb\x00c") == "a\\x0db\\x00c"
    assert escape_controls("ligne 1\r\nligne 2\r") == "ligne 1\nligne 2\\x0d"  # Excel's cells
    assert escape_controls("facture\u202egnp.exe") == "facture\\u202egnp.exe"
    assert escape_controls("\u2066x\u2069") == "\\u2066x\\u2069"
    assert escape_controls("été\udce9") == "été\\xe9"  # a byte of a name that was not UTF-8


def test_escape_controls_keeps_text_tab_line_feed_and_french_spaces():
    text = "Réception n° 1 — FACILI\tok\n1\u202f234,50 € « Chèques » ✓ C:\\ETA\\in"
    assert escape_controls(text) == text


@given(st.text())
def test_escape_controls_leaves_no_control_character(text):
    shown = escape_controls(text)
    assert not [
        ch
        for ch in shown
        if ch not in "\t\n"
        and (unicodedata.category(ch) in ("Cc", "Cs") or unicodedata.bidirectional(ch) in BIDI)
    ]


BIDI = ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")  # embeddings, isolates
