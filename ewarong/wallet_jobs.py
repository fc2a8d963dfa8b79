"""The wallets' long work in the job worker: crediting a Sembako cycle's paid KPM into their
wallets, and expiring unspent balances by the program's rule. Both are idempotent (ledger
keys), so a retried job posts nothing twice."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from jobs.kinds import in_both, job_kind
from payments.models import PaymentCycle
from programs.models import Program

from . import credits


def _back() -> dict:
    return {"url": reverse("ewarong:credits"),
            **in_both(lambda: gettext("Back to the Sembako balances"))}


@job_kind("ewarong_credit", label=_("Sembako credit into the wallets"), action=policy.RECONCILE,
          steps={"credit": _("Crediting the wallets")})
def credit_job(job, progress) -> dict:
    cycle = PaymentCycle.objects.select_related("program").get(pk=job.params["cycle"])
    progress("credit", 0, 0)
    new = credits.credit_cycle(cycle, progress=lambda done, total: progress(
        "credit", done, total))
    return {"message": in_both(lambda: gettext(
        "%(n)s wallets credited (payments credited before were skipped).") % {"n": new}),
            "links": [_back()]}


@job_kind("ewarong_expire", label=_("Expiry of unspent balances"), action=policy.RECONCILE,
          steps={"expire": _("Expiring unspent balances")})
def expire_job(job, progress) -> dict:
    program = Program.objects.get(code=job.params["program"])
    progress("expire", 0, 0)
    touched = credits.expire_balances(program, progress=lambda done, total: progress(
        "expire", done, total))
    return {"message": in_both(lambda: gettext("%(n)s wallets had an expired balance.")
                               % {"n": touched}), "links": [_back()]}
