"""E-warong's long work in the job worker: the import of a HET price list (checked whole, written
in one transaction) and the monitoring export (XLSX, renamed into place when complete)."""

import shutil
import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit.services import Context
from jobs.files import write_output
from jobs.kinds import in_both, job_kind

from . import het_import, monitoring


def _link(url: str, text) -> dict:
    return {"url": url, **in_both(text)}


@job_kind("ewarong_het_import", label=_("HET price list import"), action=policy.MANAGE_HET,
          steps={"import": _("Checking and importing the file")})
def het_import_job(job, progress) -> dict:
    params = job.params
    path = Path(params["path"])
    ctx = het_import.import_context(job.created_by, job.pk)
    progress("import", 0, 0)
    try:
        result = het_import.import_het(
            ctx, path.read_bytes(), params["name"], params["region"],
            date.fromisoformat(params["valid_from"]),
            date.fromisoformat(params["valid_until"]) if params.get("valid_until") else None)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    het = result.het_list
    if result.created:
        message = in_both(lambda: gettext("Version %(v)s imported with %(n)s prices.") % {
            "v": het.version, "n": het.prices.count()})
    else:
        message = in_both(lambda: gettext(
            "This file was imported before (version %(v)s); nothing changed.") % {
            "v": het.version})
    return {"message": message, "het_list": het.pk, "links": [
        _link(reverse("ewarong:het_detail", args=[het.pk]),
              lambda: gettext("Open the price list"))]}


def start_het_import(ctx: Context, upload, region: str, valid_from: date,
                     valid_until: date | None):
    """Keep the upload under VAR_DIR and start its import job (the request is checked first,
    so a wrong region or period is refused at once)."""
    from jobs import services as jobs

    het_import.check_request(ctx.actor, region, valid_from, valid_until)
    folder = Path(settings.VAR_DIR) / "uploads" / "ewarong" / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "het.xlsx"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return jobs.start(ctx, "ewarong_het_import", {
        "path": str(path), "name": (upload.name or "het.xlsx")[:200], "region": region,
        "valid_from": valid_from.isoformat(),
        "valid_until": valid_until.isoformat() if valid_until else ""}, scope=region)


def export_labels() -> dict[str, str]:
    """Sheet and column names in the active language."""
    return {
        "commodities": gettext("Commodities"), "regions": gettext("By region"),
        "prices": gettext("Prices against HET"), "patterns": gettext("Suspicious e-warong"),
        "commodity": gettext("Commodity"), "unit": gettext("Unit"),
        "quantity": gettext("Quantity"), "amount": gettext("Amount (Rp)"),
        "lines": gettext("Lines"), "kpm": gettext("KPM"), "region_code": gettext("Region code"),
        "region": gettext("Region"), "avg_price": gettext("Average price (Rp)"),
        "avg_het": gettext("Average HET (Rp)"), "ratio": gettext("Price / HET"),
        "at_het_share": gettext("Share at HET"), "max_price": gettext("Highest price (Rp)"),
        "merchant": gettext("E-warong"), "purchases": gettext("Purchases"),
        "same_basket_kpm": gettext("KPM with the same basket"),
        "largest_burst": gettext("Largest burst"), "odd_hours": gettext("At odd hours"),
        "drained_share": gettext("Share draining the balance"), "flags": gettext("Flags"),
        **{f"flag_{k}": str(v) for k, v in flag_labels().items()},
    }


def flag_labels() -> dict:
    return {
        monitoring.AT_HET: _("prices at the HET"),
        monitoring.SAME_BASKET: _("identical baskets"),
        monitoring.BURSTS: _("bursts"),
        monitoring.ODD_HOURS: _("odd hours"),
        monitoring.DRAINED: _("balances drained"),
    }


@job_kind("ewarong_monitoring_export", label=_("E-warong monitoring export"),
          action=policy.VIEW_EWARONG, steps={"export": _("Writing the workbook")})
def monitoring_export_job(job, progress) -> dict:
    from django.utils import translation

    params = job.params
    filters = monitoring.Filters(params["region"], date.fromisoformat(params["date_from"]),
                                 date.fromisoformat(params["date_to"]))
    scope = policy.scope_prefix(job.created_by) if job.created_by else ""
    if scope is None or not policy.can(job.created_by, policy.VIEW_EWARONG,
                                       filters.region or None) or (
            scope and not (filters.region + ".").startswith(scope + ".")):
        raise PermissionError("export outside the user's scope")
    progress("export", 0, 0)
    name = f"ewarong-monitoring-{filters.region or 'nasional'}-{filters.date_from:%Y%m%d}-" \
           f"{filters.date_to:%Y%m%d}.xlsx"
    rows = {}
    with translation.override(params.get("lang") or settings.LANGUAGE_CODE):
        labels = export_labels()
        write_output(job, name, lambda path: rows.setdefault(
            "n", monitoring.export_xlsx(path, filters, labels)))
    message = in_both(lambda: gettext("%(n)s rows written.") % {"n": rows["n"]})
    return {"files": [name], "message": message}


def start_monitoring_export(ctx: Context, filters: monitoring.Filters, lang: str = ""):
    """One job per user and request: a job and its file are seen by whoever started it."""
    from jobs import services as jobs

    return jobs.start(ctx, "ewarong_monitoring_export", {
        "region": filters.region, "date_from": filters.date_from.isoformat(),
        "date_to": filters.date_to.isoformat(), "lang": lang, "user": ctx.actor.pk},
        scope=filters.region)
