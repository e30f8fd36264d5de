"""French numbers, money and dates: read from what a person or a file writes, written for what
a person reads. Pure; the one home of these rules (the CSV reader and writer, the screens, the
CLI and the messages all take them from here).

Reading (`parse_decimal`, `parse_integer`, `parse_date`, `parse_bool`) takes a cell's or a
field's text and returns a value, or raises ValueError whose text is the French reason without
location (the caller adds « file:line: column: » or the field's name).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from .text import fold

__all__ = [
    "MAX_NUMBER_LENGTH",
    "NARROW_NO_BREAK_SPACE",
    "NO_BREAK_SPACE",
    "SPACES",
    "count",
    "date_time",
    "dated",
    "decimal",
    "decimal_short",
    "money",
    "on_date",
    "parse_bool",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "price",
    "shown",
    "two_decimals",
]

NO_BREAK_SPACE = "\u00a0"
NARROW_NO_BREAK_SPACE = "\u202f"
#: What separates thousands in a number read: space, no-break space, narrow no-break space.
SPACES = " " + NO_BREAK_SPACE + NARROW_NO_BREAK_SPACE
#: Longest numeric text accepted (sign, digits, separators, unit included).
MAX_NUMBER_LENGTH = 64
_SHOW_LIMIT = 40  # characters of a bad value quoted in an error message


def shown(text: str) -> str:
    """A value as quoted in a message: trimmed, cut when long."""
    text = text.strip()
    if len(text) > _SHOW_LIMIT:
        return text[: _SHOW_LIMIT - 1] + "…"
    return text


# Reading ------------------------------------------------------------------------------------


def _not_a_number(text: str) -> ValueError:
    return ValueError(f"« {shown(text)} » n'est pas un nombre")


def _grouped(int_part: str, separators: str) -> str | None:
    """Digits of an integer part written with thousands separators, or None when malformed."""
    groups = re.split(f"[{re.escape(separators)}]", int_part)
    head, tail = groups[0], groups[1:]
    if not (1 <= len(head) <= 3 and head.isdigit()):
        return None
    if not all(len(g) == 3 and g.isdigit() for g in tail):
        return None
    return "".join(groups)


_NUMBER_CHARS = str.maketrans("", "", "0123456789.," + SPACES)


def _parse_decimal_slow(s: str) -> Decimal | None:
    """Thousands separators, units, two decimal marks: the careful path. None when invalid."""
    t = s
    if t[-1:] in ("€", "%"):
        t = t[:-1].rstrip(SPACES)
    sign = ""
    if t[:1] in ("+", "-", "\u2212"):
        sign = "" if t[0] == "+" else "-"
        t = t[1:]
    if not t or t.translate(_NUMBER_CHARS):  # only digits, marks and spaces may remain
        return None
    commas, dots = t.count(","), t.count(".")
    mark = other = ""
    if commas and dots:
        mark, other = (",", ".") if t.rfind(",") > t.rfind(".") else (".", ",")
        if t.count(mark) != 1:
            return None
    elif commas == 1:
        mark = ","
    elif dots == 1:
        mark = "."
    elif commas or dots:  # « 3,5,1 », « 1.234.567 »: one mark repeated is ambiguous
        return None
    int_part, _, frac = t.partition(mark) if mark else (t, "", "")
    if frac and not frac.isdigit():
        return None
    separators = SPACES + other
    if any(c in separators for c in int_part):
        digits = _grouped(int_part, separators)
        if digits is None:
            return None
        int_part = digits
    elif int_part and not int_part.isdigit():
        return None
    if not int_part and not frac:
        return None
    return Decimal(f"{sign}{int_part or '0'}{'.' + frac if frac else ''}")


def parse_decimal(text: str) -> Decimal:
    """`1 234,50 €` -> Decimal("1234.50"); `,` or `.` as decimal mark; never a float.

    Accepted: a leading sign, spaces / no-break spaces / narrow no-break spaces as thousands
    separators (groups of three), a trailing `€` or `%`, and both marks when unambiguous
    (`1.234,50` or `1,234.50`: the last one is the decimal mark, the other groups thousands).
    Refused: `3,5,1`, `1.234.567` (one mark repeated), exponents, NaN, Infinity, more than
    `MAX_NUMBER_LENGTH` characters.
    """
    if len(text) <= MAX_NUMBER_LENGTH:
        # Fast path: let Decimal parse « 12 », « -3.5 », « 86,25 », then refuse what it accepts
        # but a French number is not (exponent, NaN, Infinity, « 1_000 », non-ASCII digits).
        plain = text.replace(",", ".")
        try:
            result: Decimal | None = Decimal(plain)
        except (ArithmeticError, ValueError):
            result = None
        if (
            result is not None
            and result.is_finite()
            and plain.isascii()
            and "e" not in plain
            and "E" not in plain
            and "_" not in plain
        ):
            if not result and result.is_signed():
                result = result.copy_abs()  # « -0 » is 0
            return result
    s = text.strip()
    result = _parse_decimal_slow(s) if 0 < len(s) <= MAX_NUMBER_LENGTH else None
    if result is None:
        raise _not_a_number(text)
    if not result and result.is_signed():
        result = result.copy_abs()
    return result


def parse_integer(text: str) -> int:
    """A number with no fractional part (`12`, `1 200`, `3,00`) -> int."""
    try:
        value = parse_decimal(text)
    except ValueError:
        raise ValueError(f"« {shown(text)} » n'est pas un nombre entier") from None
    if value != value.to_integral_value():
        raise ValueError(f"« {shown(text)} » n'est pas un nombre entier")
    return int(value)


_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?"
_DMY_RE = re.compile(rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}})(?: +{_TIME})?", re.ASCII)
_ISO_RE = re.compile(rf"(\d{{4}})-(\d{{2}})-(\d{{2}})(?:(?: +|T){_TIME})?", re.ASCII)


def parse_date(text: str) -> date | datetime:
    """`JJ/MM/AAAA`, `JJ/MM/AA` (20AA) or `AAAA-MM-JJ`, optionally followed by `HH:MM[:SS]`
    (after a space, or a `T` for ISO). A date without time gives a `date`, else a `datetime`."""
    s = text.strip()
    m = _DMY_RE.fullmatch(s)
    if m:
        day, month, year = m.group(1, 2, 3)
        if len(year) == 2:
            year = "20" + year
    else:
        m = _ISO_RE.fullmatch(s)
        if not m:
            raise ValueError(f"« {shown(text)} » n'est pas une date valide")
        year, month, day = m.group(1, 2, 3)
    hour, minute, second, fraction = m.group(4, 5, 6, 7)
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        micro = int(fraction.ljust(6, "0")) if fraction else 0
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro
        )
    except ValueError:
        raise ValueError(f"« {shown(text)} » n'est pas une date valide") from None


_BOOLS = {
    **dict.fromkeys(("oui", "o", "vrai", "v", "1", "true", "t", "yes", "y", "x"), True),
    **dict.fromkeys(("non", "n", "faux", "f", "0", "false", "no", ""), False),
}


def parse_bool(text: str) -> bool:
    """Oui/Non, O/N, Vrai/Faux, 1/0, true/false, yes/no, x/"" — case and accent insensitive."""
    value = _BOOLS.get(fold(text.strip()))
    if value is None:
        raise ValueError(f"« {shown(text)} » n'est pas une valeur oui/non")
    return value


# Writing ------------------------------------------------------------------------------------


def decimal(value: Decimal) -> str:
    """Every digit the value holds, decimal comma, no exponent: « 86,25 », « 1,3200 »."""
    return format(value, "f").replace(".", ",")


def decimal_short(value: Decimal | None) -> str:
    """A quantity or a rate as a person writes it: « 20 » for 20.00, « 5,5 » kept, "" for
    None."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") if value == value.to_integral() else text
    return text.replace(".", ",")


def price(value: Decimal) -> str:
    """A unit price with at least two decimals (7,50), more when it has them (1,3200)."""
    if -value.as_tuple().exponent < 2:  # type: ignore[operator]
        value = value.quantize(Decimal("0.01"))
    return decimal(value)


def two_decimals(value: Decimal) -> str:
    """Two decimals, no thousands separator: « 1234,50 » (a sum in a message)."""
    return f"{value:.2f}".replace(".", ",")


def money(value: Decimal | None, thousands: str = NO_BREAK_SPACE) -> str:
    """Two decimals and grouped thousands: « 1 234,50 » ("" for None). The screens group
    with a no-break space, the CLI with a narrow one."""
    if value is None:
        return ""
    return f"{value:,.2f}".replace(",", thousands).replace(".", ",")


def count(number: int, thousands: str = NO_BREAK_SPACE) -> str:
    """A count with grouped thousands: 50000 -> « 50 000 »."""
    return f"{number:,}".replace(",", thousands)


def date_time(when: datetime | None, seconds: bool = False) -> str:
    """« 27/11/2026 08:13 » (« 08:13:05 » with `seconds`) in the machine's time zone (times are
    stored in UTC); "" when unknown."""
    if when is None:
        return ""
    return when.astimezone().strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def on_date(when: datetime | str | None) -> str:
    """« le 28/11/2026 à 13:21 » in the machine's time zone (times are stored in UTC, as ISO
    texts); "" when unknown or unreadable."""
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return ""
    if when is None:
        return ""
    return when.astimezone().strftime("le %d/%m/%Y à %H:%M")


def dated(text: str, when: datetime | str | None) -> str:
    """`text` and its date: « Déjà reçu le 28/11/2026 à 13:21 », or « Déjà reçu » alone when
    the date is unknown or unreadable (`on_date`)."""
    date_text = on_date(when)
    return f"{text} {date_text}" if date_text else text
