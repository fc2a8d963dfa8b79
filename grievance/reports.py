"""Complaint reports: by category, region, age and SLA breaches; most complained merchants and
channels. Aggregates in the database over the reports the user may see."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from .models import OPEN_STATUSES, Category, Channel, Kind

AGE_BANDS = [(0, 3), (3, 7), (7, 30), (30, None)]  # days open


def summary(qs, now: datetime | None = None) -> dict:
    """{by_category, by_region, by_age, by_channel, merchants, totals} for `qs` (Submissions)."""
    now = now or timezone.now()
    breach = Q(status__in=OPEN_STATUSES, due_at__lt=now)
    by_category = [
        {"category": row["category"], "label": str(Category(row["category"]).label),
         "total": row["total"], "open": row["open"], "breached": row["breached"]}
        for row in qs.values("category").annotate(
            total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            breached=Count("id", filter=breach)).order_by("-total")
    ]
    by_region = list(
        qs.annotate(regency=Substr("region__code", 1, 5)).values("regency").annotate(
            total=Count("id"), breached=Count("id", filter=breach)).order_by("-total")[:50])
    by_age = []
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    for low, high in AGE_BANDS:
        band = open_qs.filter(created_at__lte=now - timedelta(days=low))
        if high is not None:
            band = band.filter(created_at__gt=now - timedelta(days=high))
        by_age.append({"band": f"{low}-{high}" if high else f"{low}+", "open": band.count()})
    by_channel = [
        {"channel": row["channel"], "label": str(Channel(row["channel"]).label),
         "total": row["total"]}
        for row in qs.values("channel").annotate(total=Count("id")).order_by("-total")
    ]
    merchants = list(
        qs.filter(merchant__isnull=False).values("merchant_id", "merchant__name",
                                                 "merchant__village_code")
        .annotate(total=Count("id")).order_by("-total")[:20])
    totals = qs.aggregate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
                          breached=Count("id", filter=breach),
                          complaints=Count("id", filter=Q(kind=Kind.COMPLAINT)))
    return {"by_category": by_category, "by_region": by_region, "by_age": by_age,
            "by_channel": by_channel, "merchants": merchants, "totals": totals}


def xlsx(data: dict) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "category"
    ws.append(["category", "total", "open", "sla_breached"])
    for r in data["by_category"]:
        ws.append([r["label"], r["total"], r["open"], r["breached"]])
    ws = wb.create_sheet("region")
    ws.append(["regency", "total", "sla_breached"])
    for r in data["by_region"]:
        ws.append([r["regency"], r["total"], r["breached"]])
    ws = wb.create_sheet("age")
    ws.append(["days_open", "open"])
    for r in data["by_age"]:
        ws.append([r["band"], r["open"]])
    ws = wb.create_sheet("channel")
    ws.append(["channel", "total"])
    for r in data["by_channel"]:
        ws.append([r["label"], r["total"]])
    ws = wb.create_sheet("merchant")
    ws.append(["merchant_id", "name", "village", "total"])
    for r in data["merchants"]:
        ws.append([r["merchant_id"], r["merchant__name"], r["merchant__village_code"],
                   r["total"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
