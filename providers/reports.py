"""Provider figures for the article 52 periodic report (Permensos 7/2021: the governor and the
bupati/wali kota report in writing on ATENSI in their area): counts only, no personal data."""

from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from wilayah.selectors import within_scope

from .models import Cluster, Kind, Provider, ServiceForm
from .selectors import EXPIRY_WARNING_DAYS


def provider_figures(region_code: str, on_date: date) -> dict:
    """Active providers located in `region_code` ('' = national) on `on_date`: per kind, LKS per
    accreditation state and grade, residential places, providers per service form and cluster."""
    qs = Provider.objects.filter(within_scope(region_code, "region__code"), active=True)
    by_kind = dict(qs.values_list("kind").annotate(n=Count("id")).order_by())
    lks = qs.filter(kind=Kind.LKS)
    accredited = lks.exclude(accreditation_grade="")
    ends = accredited.aggregate(
        valid=Count(
            "id",
            filter=Q(
                accredited_on__lte=on_date,
                accreditation_valid_until__gte=on_date + timedelta(days=EXPIRY_WARNING_DAYS + 1),
            ),
        ),
        expiring=Count(
            "id",
            filter=Q(
                accredited_on__lte=on_date,
                accreditation_valid_until__gte=on_date,
                accreditation_valid_until__lte=on_date + timedelta(days=EXPIRY_WARNING_DAYS),
            ),
        ),
        expired=Count("id", filter=Q(accreditation_valid_until__lt=on_date)),
    )
    by_grade = dict(
        accredited.filter(accredited_on__lte=on_date, accreditation_valid_until__gte=on_date)
        .values_list("accreditation_grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    services = dict(
        qs.values_list("services__form").annotate(n=Count("id", distinct=True)).order_by()
    )
    clusters = dict(
        qs.values_list("clusters__cluster").annotate(n=Count("id", distinct=True)).order_by()
    )
    return {
        "total": qs.count(),
        "by_kind": {k: by_kind.get(k, 0) for k in Kind.values},
        "lks": {
            "total": lks.count(),
            "legal_entity": lks.filter(legal_entity=True).count(),
            "accreditation": ends | {"none": lks.filter(accreditation_grade="").count()},
            "valid_by_grade": {g: by_grade.get(g, 0) for g in ("A", "B", "C")},
        },
        "residential_places": qs.filter(residential=True).aggregate(n=Sum("capacity"))["n"] or 0,
        "by_service": {f: services.get(f, 0) for f in ServiceForm.values},
        "by_cluster": {c: clusters.get(c, 0) for c in Cluster.values},
    }
