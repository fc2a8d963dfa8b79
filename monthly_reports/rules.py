"""The rules of the monthly report: who moves a report between its states, when it is due,
and whether it came in on time.

Permensos 7/2021 art. 52 (seed 001): "Gubernur dan bupati/wali kota wajib membuat laporan
tertulis secara berjenjang mengenai pelaksanaan ATENSI sesuai dengan kewenangannya." The report
climbs the hierarchy: the kabupaten/kota's Dinas Sosial prepares it and its head signs it off,
the province consolidates the signed reports of its kabupaten/kota, the ministry those of the
provinces. The seeds set no date; the deadlines below are the working calendar (data, so a
ministry circular that sets others changes one line)."""

import calendar
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts import policy
from wilayah.selectors import time_zone

from .models import Status

KABUPATEN, PROVINCE, NATION = 2, 1, 0
# Day of the month after the period by which the report must be signed, per level;
# None = the last day of that month.
DEADLINE_DAY: dict[int, int | None] = {KABUPATEN: 10, PROVINCE: 20, NATION: None}

# The state machine: action -> (from, to). Who may take it is `may_prepare` (prepare, submit)
# and `may_sign` (sign, return).
TRANSITIONS: dict[str, tuple[str, str]] = {
    "submit": (Status.DRAFT, Status.SUBMITTED),
    "sign": (Status.SUBMITTED, Status.SIGNED),
    "return": (Status.SUBMITTED, Status.DRAFT),
}

ON_TIME, LATE, OVERDUE, DUE = "on_time", "late", "overdue", "due"
PERIOD = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")  # a month, 'YYYY-MM'


def level_of(region_code: str) -> int:
    return region_code.count(".") + 1 if region_code else NATION


def deadline(period: str, level: int) -> date:
    """The last day on which the report of `period` ('YYYY-MM') at `level` is on time."""
    year, month = (int(p) for p in period.split("-"))
    year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    day = DEADLINE_DAY[level] or calendar.monthrange(year, month)[1]
    return date(year, month, day)


def local_date(region_code: str, at: datetime | None = None) -> date:
    """The date in the region's own time zone (WIB, WITA, WIT) of `at` (default: now)."""
    return timezone.localtime(at or timezone.now(), timezone=ZoneInfo(time_zone(region_code))
                              ).date()


def period_ended(period: str, today: date) -> bool:
    """A month can be reported once it is over."""
    return period < f"{today.year:04d}-{today.month:02d}"


def previous_period(today: date) -> str:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def timeliness(region_code: str, level: int, period: str, signed_at: datetime | None,
               today: date) -> str:
    """on_time / late (signed after the deadline) / overdue (not signed, deadline passed) /
    due (not signed yet, still in time). Dates are the region's local dates."""
    due = deadline(period, level)
    if signed_at is not None:
        return ON_TIME if local_date(region_code, signed_at) <= due else LATE
    return OVERDUE if today > due else DUE


def may_prepare(user, region_code: str) -> bool:
    """The region's own Dinas Sosial prepares and submits its report: the kabupaten/kota
    operator, the province's officer (consolidating), the ministry's data centre (consolidating).
    Bound to the region itself: a province officer does not write a kabupaten's report."""
    action = (policy.PREPARE_MONTHLY_REPORT if level_of(region_code) == KABUPATEN
              else policy.CONSOLIDATE_MONTHLY_REPORTS)
    return policy.can(user, action, region_code) and policy.scope_prefix(user) == region_code


def may_sign(user, region_code: str) -> bool:
    """The head of service of the region itself (kepala dinas) signs or returns its report."""
    return (policy.can(user, policy.SIGN_MONTHLY_REPORT, region_code)
            and policy.scope_prefix(user) == region_code)
