"""The one place where line amounts and document totals are computed.

Rules: a line's HT amount is round(quantity × unit price × (1 − discount/100), 2), half up; the VAT
is computed per rate on the sum of the HT amounts of that rate, rounded to the cent; TTC = HT + VAT.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount_ht(
    quantity: Decimal, unit_price: Decimal, discount_percent: Decimal | None
) -> Decimal:
    gross = quantity * unit_price
    if discount_percent:
        gross = gross * (HUNDRED - discount_percent) / HUNDRED
    return round_cents(gross)


# Tuples, not pydantic models: a reception computes them for thousands of documents.
class VatBase(NamedTuple):
    rate: Decimal
    base_ht: Decimal
    vat: Decimal


class Totals(NamedTuple):
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    by_rate: list[VatBase]


def document_totals(lines: Iterable[tuple[Decimal, Decimal]]) -> Totals:
    """Totals of (amount HT, VAT rate) pairs."""
    bases: dict[Decimal, Decimal] = {}
    for amount_ht, rate in lines:
        key = rate.normalize() if rate else ZERO
        bases[key] = bases.get(key, ZERO) + amount_ht
    return totals_of_bases(bases)


def totals_of_bases(bases: dict[Decimal, Decimal]) -> Totals:
    """Totals from the HT base of each VAT rate (rates normalised, as `document_totals` keys
    them)."""
    by_rate = [
        VatBase(rate, base, round_cents(base * rate / HUNDRED))
        for rate, base in sorted(bases.items())
    ]
    total_ht = sum((b.base_ht for b in by_rate), ZERO)
    total_vat = sum((b.vat for b in by_rate), ZERO)
    return Totals(
        round_cents(total_ht), round_cents(total_vat), round_cents(total_ht + total_vat), by_rate
    )
