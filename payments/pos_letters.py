"""Invitation letters (surat undangan) for the PT Pos cash payout, as PDF (WeasyPrint): one
page per KPM with the payout place and dates, the requirements (KTP and KK, in person, no
proxies; home delivery for the elderly, disabled and sick) and the QR code (segno) carrying the
payment reference and its signature. One letter from the page; a whole village of a cycle as a
background job."""

from datetime import datetime

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit.services import Context
from jobs.files import write_output
from jobs.kinds import JobRefused, in_both, job_kind
from registry.identity import mask_nik
from wilayah.selectors import label

from . import pos
from .errors import PaymentError
from .models import PaymentAttempt, PaymentCycle

REASON_WORDS = {"lansia": _("elderly (lansia)"), "disabilitas": _("disabled"),
                "sakit": _("sick")}


def qr_svg(reference: str) -> str:
    """The QR code as an SVG data URI (error correction M, enough for a worn letter)."""
    return segno.make(pos.qr_text(reference), error="m").svg_data_uri(scale=4, border=2)


def letter(attempt: PaymentAttempt) -> dict:
    payment = attempt.payment
    schedule = pos.schedule_for(payment.cycle, payment.village_code)
    reasons = pos.home_delivery_reasons(payment)
    return {
        "reference": attempt.reference, "signature": pos.qr_signature(attempt.reference),
        "qr": qr_svg(attempt.reference), "name": payment.recipient_name,
        "nik": mask_nik(payment.nik) if payment.nik else "", "amount": attempt.amount,
        "program": payment.program.name, "period": payment.period, "stage": payment.stage,
        "village": label(payment.village_code), "schedule": schedule,
        "home_delivery": payment.home_delivery or bool(reasons),
        "home_reasons": [str(REASON_WORDS[r]) for r in reasons],
    }


def letters_html(attempts, lang: str = "id") -> str:
    with translation.override(lang):
        return render_to_string("payments/pos/invitations.html", {
            "letters": [letter(a) for a in attempts], "printed_at": timezone.localtime()})


def letters_pdf(attempts, lang: str = "id") -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs time at startup

    return HTML(string=letters_html(attempts, lang)).write_pdf()


def invitation_attempt(user, payment_id: int) -> PaymentAttempt:
    """The open Pos line of a payment the user may print an invitation for."""
    attempt = (PaymentAttempt.objects.select_related("payment", "payment__program",
                                                     "payment__cycle", "batch")
               .filter(payment_id=payment_id, batch__channel__kind="pos", status="sent")
               .order_by("-number").first())
    if attempt is None or not policy.can(user, policy.POS_INVITATIONS,
                                         attempt.payment.village_code):
        raise PaymentError("Tidak ada undangan Pos yang terbuka untuk pembayaran ini di "
                           "wilayah Anda.",
                           "There is no open Pos invitation for this payment in your region.")
    return attempt


def file_name(cycle: PaymentCycle, village: str) -> str:
    return (f"undangan-pos-{cycle.program.code}-{cycle.period}-t{cycle.stage}-"
            f"{village.replace('.', '')}.pdf")


@job_kind("payments_pos_invitations", label=_("Pos invitation letters"),
          action=policy.POS_INVITATIONS, steps={"letters": _("Writing the letters")})
def invitations_job(job, progress) -> dict:
    cycle = PaymentCycle.objects.select_related("program").get(pk=job.params["cycle"])
    village = job.params["village"]
    if job.created_by and not policy.can(job.created_by, policy.POS_INVITATIONS, village):
        raise JobRefused("Wilayah di luar cakupan Anda.", "The region is outside your scope.")
    pos.flag_home_delivery(cycle)
    attempts = list(pos.open_attempts(cycle, village))
    if not attempts:
        raise JobRefused("Tidak ada KPM Pos yang menunggu pembayaran di wilayah ini.",
                         "No Pos KPM are waiting for payment in this region.")
    progress("letters", 0, len(attempts))
    name = file_name(cycle, village)
    lang = job.params.get("lang", "id")
    write_output(job, name, lambda path: path.write_bytes(letters_pdf(attempts, lang)))
    progress("letters", len(attempts), len(attempts))
    message = in_both(lambda: gettext("%(n)s invitation letters in %(file)s.") % {
        "n": len(attempts), "file": name})
    return {"files": [name], "message": message, "summary": {"letters": len(attempts)},
            "links": [{"url": reverse("payments:pos_invitations", args=[cycle.pk]),
                       **in_both(lambda: gettext("Back to the invitations"))}]}


def start_invitations(ctx: Context, cycle: PaymentCycle, village: str, lang: str = "id"):
    from jobs import services as jobs

    return jobs.start(ctx, "payments_pos_invitations",
                      {"cycle": cycle.pk, "village": village, "lang": lang}, scope=village)


def printed_on(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
