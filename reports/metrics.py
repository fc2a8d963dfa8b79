"""The metrics of the summary tables: code, label, and whether the figure is a stock (its value
at the refresh, kept under the period of the refresh) or a flow (what happened in the month).
Writers (reports/summaries.py) and readers (dashboards, open data, monthly reports) use these
codes; a metric with `per_program` has one row per program code, the others program ''."""

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    stock: bool
    per_program: bool = False
    rupiah: bool = False


METRICS = [
    # Registry (DTKS)
    Metric("households", _("Households in DTKS"), stock=True),
    Metric("members", _("Members in DTKS"), stock=True),
    Metric("padan_members", _("Members matched with Dukcapil (padan)"), stock=True),
    *[Metric(f"desil_{d}", format_lazy(_("Households in desil {d}"), d=d), stock=True)
      for d in range(1, 11)],
    Metric("desil_none", _("Households without a desil"), stock=True),
    Metric("duplicates", _("Possible duplicates awaiting review"), stock=True),
    Metric("households_added", _("Households added"), stock=False),
    Metric("households_deactivated", _("Households deactivated"), stock=False),
    Metric("members_deactivated", _("Members deactivated"), stock=False),
    # Programs and payments
    Metric("kpm", _("KPM enrolled"), stock=True, per_program=True),
    Metric("planned_kpm", _("KPM in payment cycles"), stock=False, per_program=True),
    Metric("planned_amount", _("Planned (Rp)"), stock=False, per_program=True, rupiah=True),
    Metric("disbursed_kpm", _("KPM paid"), stock=False, per_program=True),
    Metric("disbursed_amount", _("Disbursed (Rp)"), stock=False, per_program=True, rupiah=True),
    Metric("failed_kpm", _("KPM with failed payment"), stock=False, per_program=True),
    Metric("failed_amount", _("Failed (Rp)"), stock=False, per_program=True, rupiah=True),
    Metric("returned_kpm", _("KPM whose aid was returned"), stock=False, per_program=True),
    Metric("returned_amount", _("Returned to the treasury (Rp)"), stock=False,
           per_program=True, rupiah=True),
    # Complaints
    Metric("complaints_received", _("Complaints received"), stock=False),
    Metric("complaints_resolved", _("Complaints resolved"), stock=False),
    Metric("complaints_resolved_in_sla", _("Complaints resolved within their SLA"), stock=False),
    Metric("complaints_open", _("Complaints open"), stock=True),
    Metric("complaints_over_sla", _("Complaints open past their SLA"), stock=True),
    # ATENSI and the workforce
    Metric("atensi_open_cases", _("Open ATENSI cases"), stock=True),
    Metric("atensi_new_cases", _("New ATENSI cases"), stock=False),
    Metric("atensi_closed_cases", _("Closed ATENSI cases"), stock=False),
    Metric("workers", _("Social-welfare workforce"), stock=True),
]
BY_CODE = {m.code: m for m in METRICS}
STOCKS = [m.code for m in METRICS if m.stock]
FLOWS = [m.code for m in METRICS if not m.stock]
