"""Posyandu Lansia figures per post for a year: members, attendance rate per month, services
given, risk flags and referrals; and their XLSX export. Counts only, never names."""

import io
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from base.xlsx import table_sheet

from .models import Attendance, Member, Referral


@dataclass
class PostFigures:
    post: object
    members: int = 0
    months: dict[int, tuple[int, int]] = field(default_factory=dict)  # month: (present, lines)
    screened: int = 0
    nutrition: int = 0
    activity: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    referrals: dict[str, int] = field(default_factory=dict)

    def rate(self, month: int) -> float | None:
        present, lines = self.months.get(month, (0, 0))
        return round(100.0 * present / lines, 1) if lines else None

    @property
    def present(self) -> int:
        return sum(p for p, _ in self.months.values())


FLAGS = ("lives_alone", "neglected", "bedridden")


def figures(posts, year: int) -> list[PostFigures]:
    """One row per post of `posts` (a scoped queryset) for the sessions of `year`."""
    rows = {p.pk: PostFigures(p) for p in posts}
    ids = list(rows)
    for r in Member.objects.filter(post_id__in=ids, active=True).values("post_id").annotate(
            n=Count("id"), **{f: Count("id", filter=Q(**{f: True})) for f in FLAGS}):
        rows[r["post_id"]].members = r["n"]
        rows[r["post_id"]].flags = {f: r[f] for f in FLAGS}
    screened = (Q(weight_kg__isnull=False) | Q(systolic__isnull=False)
                | Q(blood_sugar__isnull=False))
    for r in Attendance.objects.filter(session__post_id__in=ids, session__year=year).values(
            "session__post_id", "session__month").annotate(
            lines=Count("id"), present=Count("id", filter=Q(present=True)),
            screened=Count("id", filter=screened), nutrition=Count("id", filter=Q(nutrition=True)),
            activity=Count("id", filter=Q(activity=True))):
        row = rows[r["session__post_id"]]
        row.months[r["session__month"]] = (r["present"], r["lines"])
        row.screened += r["screened"]
        row.nutrition += r["nutrition"]
        row.activity += r["activity"]
    for r in Referral.objects.filter(member__post_id__in=ids, created_at__year=year).values(
            "member__post_id", "kind").annotate(n=Count("id")):
        rows[r["member__post_id"]].referrals[r["kind"]] = r["n"]
    return list(rows.values())


def totals(rows: list[PostFigures]) -> PostFigures:
    """The region's row: the sum of its posts."""
    total = PostFigures(None)
    for r in rows:
        total.members += r.members
        total.screened += r.screened
        total.nutrition += r.nutrition
        total.activity += r.activity
        for m, (p, n) in r.months.items():
            p0, n0 = total.months.get(m, (0, 0))
            total.months[m] = (p0 + p, n0 + n)
        for f in FLAGS:
            total.flags[f] = total.flags.get(f, 0) + r.flags.get(f, 0)
        for k, n in r.referrals.items():
            total.referrals[k] = total.referrals.get(k, 0) + n
    return total


def workbook(rows: list[PostFigures], year: int, region_label: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    headers = [_("Post"), _("Village"), "RW", _("Members"), _("Present (total)"),
               _("Screenings"), _("PMT lansia"), _("Activities"), _("Lives alone"),
               _("Neglected"), _("Bedridden"), _("ATENSI referrals"), _("PKH referrals")]
    total = totals(rows)

    def line(r: PostFigures, name: str, village: str, rw: str) -> list:
        return [name, village, rw, r.members, r.present, r.screened, r.nutrition, r.activity,
                *[r.flags.get(f, 0) for f in FLAGS], r.referrals.get("atensi", 0),
                r.referrals.get("pkh", 0)]

    table_sheet(book, f"{_('Posyandu Lansia')} {year} {region_label}", headers,
                [line(r, r.post.name, r.post.village.name, r.post.rw) for r in rows]
                + [line(total, _("Total"), region_label, "")], used)
    months = list(range(1, 13))
    table_sheet(book, _("Attendance rate (%)"), [_("Post"), *months],
                [[r.post.name, *[r.rate(m) for m in months]] for r in rows]
                + [[_("Total"), *[total.rate(m) for m in months]]], used)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
