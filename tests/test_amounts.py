from decimal import Decimal as D

from econnect_tui.models.amounts import document_totals, line_amount_ht


def test_line_amount_rounds_half_up_to_the_cent():
    assert line_amount_ht(D("3"), D("28.75"), None) == D("86.25")
    assert line_amount_ht(D("1"), D("0.005"), None) == D("0.01")
    assert line_amount_ht(D("2.5"), D("95"), D("10")) == D("213.75")
    assert line_amount_ht(D("-1"), D("15"), None) == D("-15.00")


def test_vat_is_computed_per_rate_on_the_sum():
    totals = document_totals([(D("10.01"), D("20")), (D("10.01"), D("20")), (D("100"), D("5.5"))])
    assert [(b.rate, b.base_ht, b.vat) for b in totals.by_rate] == [
        (D("5.5"), D("100"), D("5.50")),
        (D("20"), D("20.02"), D("4.00")),
    ]
    assert totals.total_ht == D("120.02")
    assert totals.total_vat == D("9.50")
    assert totals.total_ttc == D("129.52")


def test_empty_document_totals_are_zero():
    totals = document_totals([])
    assert (totals.total_ht, totals.total_vat, totals.total_ttc) == (D(0), D(0), D(0))
