"""Codec error handlers of the CSV files: Windows-1252's five undefined bytes read as Latin-1
(decoding never fails), and what a charset lacks written as its unaccented letter or « ? »."""

from __future__ import annotations

import codecs

from ...text import strip_accents


def _cp1252_latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the 5 bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) as Latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


def _transliterate_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Encode what the charset lacks as its unaccented letter (« ř » -> « r »), else « ? ».

    A replacement that would be blank or carry spaces at its ends (« ˘ » is a space and a
    breve) is « ? » too: a replaced text never gains a space a reader would trim."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start : exc.end]:
        base = strip_accents(char)
        try:
            base.encode(exc.encoding)
        except (UnicodeError, LookupError):
            base = ""
        out.append(base if base and base == base.strip() else "?")
    return "".join(out), exc.end


DECODE_ERRORS = "econnect.cp1252_latin1"


ENCODE_ERRORS = "econnect.transliterate"


codecs.register_error(DECODE_ERRORS, _cp1252_latin1_fallback)


codecs.register_error(ENCODE_ERRORS, _transliterate_fallback)


def charset_label(encoding: str) -> str:
    """« Windows-1252 » for cp1252, the codec's name otherwise."""
    name = codecs.lookup(encoding).name
    return "Windows-1252" if name == "cp1252" else name
