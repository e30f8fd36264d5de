"""Value rules shared by GC master data and the ETA files, with French messages."""

from __future__ import annotations

import re
from decimal import Decimal

from ..french import decimal
from ..normal import InvisibleCharacter, clean_code

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"« {value} » n'est pas une adresse e-mail valide")
    return value


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def check_siret(value: str) -> str:
    """A SIRET is 14 digits (spaces allowed) passing the Luhn check; returned without spaces."""
    digits = value.replace(" ", "").replace("\u00a0", "")
    if not (len(digits) == 14 and digits.isdigit()):
        raise ValueError(f"« {value} » n'est pas un SIRET (14 chiffres attendus)")
    if not luhn_ok(digits):
        raise ValueError(f"« {value} » n'est pas un SIRET valide (clé de contrôle fausse)")
    return digits


def check_code(value: str, what: str = "code") -> str:
    """A record code in its normal form (`normal.clean_code`: NFC, invisible characters trimmed
    at both ends), non-empty, with no invisible character inside, at most 40 characters."""
    try:
        value = clean_code(value)
    except InvisibleCharacter as exc:
        raise ValueError(f"le {what} {exc}") from None
    if not value:
        raise ValueError(f"le {what} est obligatoire")
    if len(value) > 40:
        raise ValueError(f"le {what} « {value[:40]}… » dépasse 40 caractères")
    return value


# Numbers ----------------------------------------------------------------------------------------
# Limits of the numbers read from files (docs/format.md, « Nombres »). Amounts and quantities stay
# below 10^12 (a line amount in cents is then below 10^14: a document may add up 90,000 of them
# within SQLite's 64-bit integers) with at most 6 decimals, so no computation ever rounds at the
# 28 significant digits of Decimal's context; rates are percentages.

#: Digits before the decimal mark of an amount or a quantity.
MAX_DIGITS = 12
#: Digits before the decimal mark of a document's total.
TOTAL_DIGITS = 15
#: Digits after the decimal mark of an amount or a quantity.
MAX_DECIMALS = 6
#: Digits after the decimal mark of a rate (VAT, discount).
RATE_DECIMALS = 4
#: Digits of a line number.
LINE_NUMBER_DIGITS = 9
#: The largest line amount (Quantite × PrixUnitaireHT), in absolute value.
MAX_LINE_AMOUNT = Decimal(10) ** MAX_DIGITS - Decimal("0.01")
_SHOW = 40


def _quoted(value: Decimal | int) -> str:
    text = decimal(value) if isinstance(value, Decimal) else str(value)
    return f"« {text if len(text) <= _SHOW else text[: _SHOW - 1] + '…'} »"


def _french_number(value: Decimal) -> str:
    """« 999 999 999 999,99 »: thousands grouped by (ordinary) spaces, decimal comma."""
    whole, _, cents = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{cents}"


def check_digits(value: Decimal, digits: int = MAX_DIGITS, decimals: int = MAX_DECIMALS) -> Decimal:
    """`value` when it has at most `digits` digits before the decimal mark and `decimals`
    significant ones after it (trailing zeros do not count: « 2,500000000 » is 2,5)."""
    if value and value.adjusted() >= digits:
        raise ValueError(
            f"{_quoted(value)} est trop grand : {digits} chiffres au plus avant la virgule"
        )
    exponent = value.as_tuple().exponent
    # below 10^digits, quantized to `decimals` places fits Decimal's 28 digits exactly
    if (
        isinstance(exponent, int)
        and exponent < -decimals
        and value != value.quantize(Decimal(1).scaleb(-decimals))
    ):
        raise ValueError(f"{_quoted(value)} a trop de décimales : {decimals} au plus")
    return value


def check_amount(value: Decimal) -> Decimal:
    """A price or an amount: 12 digits before the decimal mark, 6 after; negative allowed."""
    return check_digits(value)


def check_total(value: Decimal) -> Decimal:
    """A document's total (TotalTTC): a sum of line amounts, 15 digits before the decimal mark
    (a thousand lines of the largest amount), 6 after."""
    return check_digits(value, TOTAL_DIGITS)


def check_quantity(value: Decimal) -> Decimal:
    """A quantity or a surface: 12 digits before the decimal mark, 6 after; negative allowed
    (a credit)."""
    return check_digits(value)


def check_rate(value: Decimal) -> Decimal:
    """A percentage (VAT rate, discount): from 0 to 100, 4 decimals at most."""
    if not 0 <= value <= 100:
        raise ValueError(f"{_quoted(value)} : taux hors de 0 à 100 %")
    return check_digits(value, 3, RATE_DECIMALS)


def check_line_number(value: int) -> int:
    """A line number: 9 digits at most."""
    if abs(value) >= 10**LINE_NUMBER_DIGITS:
        raise ValueError(f"{_quoted(value)} est trop grand : {LINE_NUMBER_DIGITS} chiffres au plus")
    return value


def line_amount_error(amount: Decimal) -> str | None:
    """Why a line amount (Quantite × PrixUnitaireHT, discount applied) is refused, or None."""
    if abs(amount) <= MAX_LINE_AMOUNT:
        return None
    return (
        f"Quantite × PrixUnitaireHT = {_quoted(amount)} dépasse le plus grand montant de ligne"
        f" ({_french_number(MAX_LINE_AMOUNT)} €)"
    )


def french_reason(err: dict) -> str:
    """The French reason of one pydantic error (our validators already speak French)."""
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    kind = err.get("type", "")
    if kind in ("missing", "string_too_short"):
        return "valeur obligatoire"
    if kind.startswith("decimal") or kind.startswith("int") or kind.startswith("float"):
        return "nombre attendu"
    if kind.startswith("bool"):
        return "Oui ou Non attendu"
    if kind.startswith("date"):
        return "date attendue"
    return f"valeur refusée ({msg})"


def field_errors(exc) -> dict[str, str]:
    """Field name -> French reason, from a pydantic ValidationError (first error per field)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else ""
        out.setdefault(name, french_reason(err))
    return out


# What a spreadsheet does to numbers written as text ---------------------------------------------
# Excel opens « 01234 » or « 0612345678 » as a number and saves « 1234 », « 612345678 ». The
# value still goes through (it may be right: a Belgian postal code has 4 digits); a warning
# names the likely cause.

_FRANCE = frozenset({"", "france", "fr", "fra"})
_PHONE_SEPARATORS = str.maketrans("", "", " .-/()\u00a0\u202f")


def postal_code_warning(code: str | None, country: str | None) -> str | None:
    """A 4-digit postal code in France (or no country: France is the default)."""
    if not code or len(code) != 4 or not code.isdigit() or not code.isascii():
        return None
    if (country or "").strip().casefold() not in _FRANCE:
        return None
    return (
        f"« {code} » n'a que 4 chiffres : un tableur (Excel) a sans doute ôté le zéro du début"
        f" (« 0{code} »)"
    )


def phone_warning(number: str | None) -> str | None:
    """A phone number of 9 digits not starting with 0 (nor « + »): its leading 0 was lost."""
    if not number:
        return None
    digits = number.translate(_PHONE_SEPARATORS)
    if len(digits) != 9 or not digits.isdigit() or not digits.isascii() or digits[0] == "0":
        return None
    return (
        f"« {number} » n'a que 9 chiffres : un tableur (Excel) a sans doute ôté le zéro du début"
        f" (« 0{digits} »)"
    )


def spreadsheet_warnings(fields: dict, country: str | None = None) -> list[tuple[str, str]]:
    """(column, reason) for each value of a tiers or a contact (`fields` by model field: postal
    code, phone, mobile) a spreadsheet likely damaged; `country` the tiers' (None: France)."""
    out = []
    postal = postal_code_warning(fields.get("postal_code"), country)
    if postal:
        out.append(("CodePostal", postal))
    for field, column in (("phone", "Telephone"), ("mobile", "Mobile")):
        reason = phone_warning(fields.get(field))
        if reason:
            out.append((column, reason))
    return out
