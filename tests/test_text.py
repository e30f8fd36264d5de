"""The text helpers: accent folding for searches, French counts."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from econnect_tui.text import dated, fold, on_date, plural, strip_accents


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
