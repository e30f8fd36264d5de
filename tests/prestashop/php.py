"""The few PHP and MySQL semantics the webservice's answers depend on (see SOURCES.md)."""

from __future__ import annotations

import html
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_INT_PREFIX = re.compile(r"^\s*[+-]?\d+")
_FLOAT_PREFIX = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NUMERIC = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$")
_INT64 = (-(2**63), 2**63 - 1)


def intval(value) -> int:
    """PHP's (int) cast: the leading integer of a string, 0 when there is none, saturated."""
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int):
        return value
    text = str(value)
    if _NUMERIC.match(text) and not _INT_PREFIX.fullmatch(text.strip()):
        number = int(float(text)) if abs(float(text)) < 2**63 else _INT64[float(text) > 0]
        return max(_INT64[0], min(_INT64[1], number))
    match = _INT_PREFIX.match(text)
    if not match:
        return 0
    return max(_INT64[0], min(_INT64[1], int(match.group())))


def floatval(value) -> float:
    """PHP's (float) cast: the leading number of a string, 0.0 when there is none."""
    if value is None:
        return 0.0
    match = _FLOAT_PREFIX.match(str(value))
    return float(match.group()) if match else 0.0


def is_numeric(value) -> bool:
    return value is not None and bool(_NUMERIC.match(str(value)))


def empty(value) -> bool:
    """PHP's empty(): null, false, '', '0', 0 and [] are empty."""
    return value in (None, False, "", "0", 0) or value == {} or value == []


def to_str(value) -> str:
    """PHP's string conversion of a value read from the database or the request."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)


def strlen(value) -> int:
    """Tools::strlen: html_entity_decode(ENT_COMPAT) then mb_strlen; null counts as 0 (false)."""
    if value is None:
        return 0
    text = str(value)
    protected = text.replace("&#039;", "\0q1").replace("&#39;", "\0q2").replace("&apos;", "\0q3")
    decoded = html.unescape(protected)
    return len(decoded.replace("\0q1", "&#039;").replace("\0q2", "&#39;").replace("\0q3", "&apos;"))


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def closest(word: str, words: list[str]) -> str:
    """WebserviceRequest::getClosest: the last of the nearest words wins a tie."""
    shortest, found = -1, ""
    for candidate in words:
        distance = levenshtein(word, candidate)
        if distance == 0:
            return candidate
        if distance <= shortest or shortest < 0:
            found, shortest = candidate, distance
    return found


def var_export_list(items: list[str]) -> str:
    lines = "".join(f"  {i} => '{item}',\n" for i, item in enumerate(items))
    return f"array (\n{lines})"


# ---- MySQL (utf8mb4_general_ci, sql_mode '') ----


def fold(text: str) -> str:
    """Comparison key of a general_ci collation: case and accents ignored, trailing spaces too."""
    decomposed = unicodedata.normalize("NFKD", text.rstrip(" "))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def mysql_number(value) -> Decimal:
    """A string compared with a number column: its leading number, 0 when there is none."""
    if value is None:
        return Decimal(0)
    match = _FLOAT_PREFIX.match(str(value))
    if not match:
        return Decimal(0)
    try:
        return Decimal(match.group().strip())
    except InvalidOperation:
        return Decimal(0)


_DATE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?\s*$"
)


def mysql_datetime(value) -> str | None:
    """A literal read as a DATETIME, 'YYYY-MM-DD HH:MM:SS'; None when MySQL could not read it."""
    if value is None:
        return None
    match = _DATE.match(str(value))
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    return f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}"


def decimal_column(value, scale: int) -> str:
    """What a DECIMAL(n, scale) column gives back for a PHP float written into it."""
    number = Decimal(repr(floatval(str(value).replace(",", ".")) if value is not None else 0.0))
    return str(number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP))


def like(value: str, pattern: str) -> bool:
    """MySQL LIKE with % and _ under a case- and accent-insensitive collation."""
    regex = []
    escape = False
    for char in fold(pattern) if pattern else "":
        if escape:
            regex.append(re.escape(char))
            escape = False
        elif char == "\\":
            escape = True
        elif char == "%":
            regex.append(".*")
        elif char == "_":
            regex.append(".")
        else:
            regex.append(re.escape(char))
    return re.fullmatch("".join(regex), fold(value), re.DOTALL) is not None


_TRANSLIT = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "d"}


def str2url(text: str) -> str:
    """Tools::str2url with PS_ALLOW_ACCENTED_CHARS_URL off (accents transliterated)."""
    result = text.strip().lower()
    result = "".join(_TRANSLIT.get(c, c) for c in result)
    result = "".join(
        c for c in unicodedata.normalize("NFKD", result) if not unicodedata.combining(c)
    )
    result = re.sub(r"[^a-zA-Z0-9\s':/\[\]\-\w]|_", "", result)
    result = re.sub(r"[\s':/\[\]\-]+", " ", result)
    return result.replace(" ", "-").replace("/", "-")
