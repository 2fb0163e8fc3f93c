"""What a public copy's reason may not hold (publishing.text), on its own: no database."""

import pytest

from publishing import text


@pytest.mark.parametrize(
    "reason",
    [
        "call two zero nine, 555, 01 47",  # the twelfth attacker's 6
        "llamar al dos cero nueve cinco cinco cinco cero uno cuatro siete",
        "209 555 0147",
        "Ask for (209) 555-0147.",
    ],
)
def test_a_phone_number_however_written_is_found(reason):
    assert text.contact_details_in(reason)


@pytest.mark.parametrize(
    "reason",
    [
        "A homicide of 2026-08-20 and one of 21/08/2026 were recorded late.",
        "Two homicides of 3 March and 20 May 2026 were recorded late; one shooting was reclassified.",
        "Q3 2026: 1, 2 and 3 cells changed after one late report.",
        "The quarter is over.",
    ],
)
def test_days_and_counts_are_not_taken_for_phone_numbers(reason):
    assert not text.contact_details_in(reason)
