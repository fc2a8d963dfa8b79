"""Plain rules of the Sentra Kreasi ATENSI: follow-up due dates of a job placement and the share
of a sale that reaches the participant."""

import calendar
from datetime import date

# A placement is checked at 3 and 6 months after it starts ("still employed?").
FOLLOW_UP_MONTHS = (3, 6)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when that month is shorter
    (31 August + 3 months = 30 November)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def follow_up_dates(started_on: date) -> dict[int, date]:
    """{months: due date} of the follow-ups of a placement that started on `started_on`."""
    return {m: add_months(started_on, m) for m in FOLLOW_UP_MONTHS}


def participant_share(amount: int, share: int | None) -> int:
    """Article 38(6): the proceeds are the beneficiary's right; unless a smaller share is given
    (the PNBP tariff or agreed costs held back), all of the amount reaches the participant."""
    return amount if share is None else share
