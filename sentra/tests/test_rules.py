from datetime import date

import pytest

from sentra.rules import add_months, follow_up_dates, participant_share


@pytest.mark.parametrize(
    ("start", "three", "six"),
    [
        (date(2026, 1, 15), date(2026, 4, 15), date(2026, 7, 15)),
        (date(2026, 8, 31), date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        (date(2026, 10, 31), date(2027, 1, 31), date(2027, 4, 30)),  # across the year end
    ],
)
def test_a_placement_is_followed_up_at_3_and_6_months_clamped_to_the_month_end(start, three, six):
    """A job placement is checked at 3 and 6 months; a start on 31 August falls due on 30
    November and on the last day of February."""
    assert follow_up_dates(start) == {3: three, 6: six}


def test_going_back_in_months_crosses_the_year():
    assert add_months(date(2026, 2, 28), -7) == date(2025, 7, 28)


def test_the_whole_amount_reaches_the_participant_unless_a_share_is_given():
    """Permensos 7/2021 art. 38(6): "Pelaksanaan Sentra Kreasi ATENSI ... yang menghasilkan
    berupa uang, barang, dan jasa menjadi hak penerima manfaat"."""
    assert participant_share(50_000, None) == 50_000
    assert participant_share(50_000, 45_000) == 45_000
