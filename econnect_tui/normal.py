"""The one normal form of a text that comes from outside: a cell of a file (reception,
`gc import`, `mapping import`) or a code an operator types (grid, cards, picker). Pure; imports
nothing of the app.

* every text: Unicode NFC (« é » typed as e + accent is « é »), line breaks written `\\n` (a file
  saved with CRLF or CR inside its cells says the same thing), and the invisible characters at
  both ends removed: spaces of every kind (no-break ones included), control characters, the BOM
  (U+FEFF), zero-width spaces and joiners, direction marks, soft hyphens;
* a code or a key (NumeroDocument, CodeClient, CodeArticle, a GC code…) also refuses an
  invisible character *inside* it (`InvisibleCharacter`, which says where): « FT-LAB » with a
  zero-width space in it looks like « FT-LAB » on every screen yet names another article.

A plain space inside a code is kept: codes such as « EARL 12 » exist. Free text keeps what it
holds inside (no-break spaces of French typography, emoji joiners).
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "EDGE_CHARACTERS",
    "InvisibleCharacter",
    "clean_code",
    "clean_text",
    "one_line_break",
    "split_codes",
]

_SHOW_LIMIT = 40


def _chars(*ranges: tuple[int, int]) -> str:
    return "".join(chr(c) for first, last in ranges for c in range(first, last + 1))


#: Stripped at both ends of every text: the C0 control characters and DEL, every character
#: `str.isspace` calls a space (no-break, narrow, ideographic spaces, line and paragraph
#: separators, « \x85 »), and every format character (Unicode category Cf, as of Unicode 14:
#: soft hyphen, BOM, zero-width spaces and joiners, direction marks, word joiners, tags) that a
#: text picks up by copy-paste or concatenated files. The other C1 controls are kept: they are
#: the five bytes Windows-1252 leaves undefined, read as Latin-1, and stay as the file has them.
EDGE_CHARACTERS = _chars(
    (0x00, 0x20),
    (0x7F, 0x7F),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0xAD, 0xAD),
    (0x600, 0x605),
    (0x61C, 0x61C),
    (0x6DD, 0x6DD),
    (0x70F, 0x70F),
    (0x890, 0x891),
    (0x8E2, 0x8E2),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)

# What an operator reading a message may recognise; the others are named by code point only.
_NAMES = {
    "\t": "tabulation",
    "\n": "saut de ligne",
    "\r": "retour chariot",
    "\u00a0": "espace insécable",
    "\u00ad": "trait d'union conditionnel",
    "\u2007": "espace tabulaire",
    "\u2009": "espace fine",
    "\u200b": "espace sans chasse",
    "\u200c": "antiliant sans chasse",
    "\u200d": "liant sans chasse",
    "\u200e": "marque gauche-à-droite",
    "\u200f": "marque droite-à-gauche",
    "\u202f": "espace fine insécable",
    "\u2060": "gluon de mots",
    "\ufeff": "indicateur d'ordre des octets (BOM)",
}


def one_line_break(text: str) -> str:
    """CRLF and lone CR written as LF (`\\n`)."""
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def clean_text(text: str) -> str:
    """NFC, line breaks as `\\n`, invisible characters stripped at both ends ("" when nothing
    visible is left)."""
    if text.isascii():
        return one_line_break(text.strip(EDGE_CHARACTERS))
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return one_line_break(text.strip(EDGE_CHARACTERS))


class InvisibleCharacter(ValueError):
    """A code holds, inside it, a character nobody sees. `str(e)` is French and says which and
    where, for a caller to prefix with the place (« f.csv:3: CodeArticle: », « le code »):
    « « FT-L⟨U+200B⟩AB » contient un caractère invisible en position 5 (espace sans chasse) »."""

    def __init__(self, code: str, index: int):
        self.code = code
        self.position = index + 1  # 1-based, as a person counts
        self.char = code[index]
        name = _NAMES.get(self.char)
        point = f"U+{ord(self.char):04X}"
        what = f"{name}, {point}" if name else point
        super().__init__(
            f"« {visible(code)} » contient un caractère invisible en position {self.position}"
            f" ({what})"
        )


def visible(text: str) -> str:
    """`text` for a message: each character nobody sees shown as its code point (⟨U+200B⟩),
    cut when long."""
    if len(text) > _SHOW_LIMIT:
        text = text[: _SHOW_LIMIT - 1] + "…"
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else f"⟨U+{ord(ch):04X}⟩" for ch in text)


def clean_code(text: str) -> str:
    """`clean_text`, then an invisible character left inside (a control character, a space
    other than the plain one, a format character) raises `InvisibleCharacter`."""
    text = clean_text(text)
    if not text.isprintable():
        index = next(i for i, ch in enumerate(text) if not ch.isprintable())
        raise InvisibleCharacter(text, index)
    return text


def split_codes(text: str) -> list[str]:
    """« FAM1, FAM2 » -> ["FAM1", "FAM2"]: the Famille column of the filter files, each code in
    its normal form (`clean_code`; `InvisibleCharacter` when one holds an invisible
    character inside)."""
    return [code for code in map(clean_code, text.split(",")) if code]
