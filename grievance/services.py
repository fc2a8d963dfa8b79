"""Actions on complaints, usul and sanggah: receive (public form, operator, API, SP4N-LAPOR!
file), route by category and region with an SLA, escalate when overdue, merge duplicates, group
into incidents, refer (Serasi), resolve and tell the complainant, record satisfaction."""

import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from audit.models import Source
from registry import identity
from registry.models import Member
from wilayah.models import Level, Region

from . import routing
from .models import (
    COMPLAINT_CATEGORIES,
    DONE_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Category,
    Channel,
    Event,
    Incident,
    Kind,
    Notification,
    Referral,
    ReferralKind,
    Resolution,
    RoutingRule,
    Status,
    Submission,
)

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed on a phone
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_DESCRIPTION = 2000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


def new_tracking_number() -> str:
    """ADU-XXXX-XXXX from 31 symbols: 31^8 (about 8.5e11) numbers, drawn by `secrets`."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"ADU-{body[:4]}-{body[4:]}"


def normalize_tracking(value: str) -> str:
    raw = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if raw.startswith("ADU"):
        raw = raw[3:]
    return f"ADU-{raw[:4]}-{raw[4:8]}" if len(raw) == 8 else ""


# --- routing ----------------------------------------------------------------------------------

def rule_for(category: str, village_code: str) -> tuple[str, int]:
    """(unit, SLA hours) of the most specific rule for `category` at `village_code`."""
    rules = RoutingRule.objects.filter(category=category)
    best = None
    for rule in rules:
        prefix = rule.region_prefix
        if prefix and not (village_code == prefix or village_code.startswith(prefix + ".")):
            continue
        if best is None or len(prefix) > len(best.region_prefix):
            best = rule
    if best is not None:
        return best.unit, best.sla_hours
    return routing.DEFAULT_RULES.get(category, routing.DEFAULT_RULES[Category.OTHER])


def _sla_hours(category: str, unit: str, village_code: str) -> int:
    return rule_for(category, village_code)[1]


# --- receiving --------------------------------------------------------------------------------

def _clean_text(data: dict, key: str, limit: int) -> str:
    return str(data.get(key) or "").strip()[:limit]


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "on", "yes", "ya"}


def _validate(kind: str, data: dict, require_submitter: bool = True) -> dict[str, Any]:
    """The cleaned fields of a submission, or ValidationError {field: message}."""
    found: dict[str, str] = {}
    required = _("This field is required.")
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Unknown kind of report.")})
    out: dict[str, Any] = {
        "submitter_name": _clean_text(data, "submitter_name", 100),
        "submitter_phone": re.sub(r"[\s\-]", "", _clean_text(data, "submitter_phone", 30)),
        "submitter_email": _clean_text(data, "submitter_email", 254),
        "description": str(data.get("description") or "").strip(),
        "subject_name": _clean_text(data, "subject_name", 100),
        "subject_nik": identity.normalize_digits(_clean_text(data, "subject_nik", 30)),
        "subject_kk": identity.normalize_digits(_clean_text(data, "subject_kk", 30)),
        "subject_address": _clean_text(data, "subject_address", 200),
        "is_self": _truthy(data.get("is_self")),
        "program_code": _clean_text(data, "program_code", 20),
        "village_code": _clean_text(data, "village_code", 13),
    }
    if require_submitter:
        if not out["submitter_name"]:
            found["submitter_name"] = required
        if not re.fullmatch(r"\+?\d{8,15}", out["submitter_phone"]):
            found["submitter_phone"] = _("Enter a phone number of 8 to 15 digits.")
    if out["submitter_email"]:
        try:
            validate_email(out["submitter_email"])
        except ValidationError:
            found["submitter_email"] = _("Enter a valid e-mail address.")
    if not out["description"]:
        found["description"] = required
    elif len(out["description"]) > MAX_DESCRIPTION:
        found["description"] = _("Write at most %(n)d characters.") % {"n": MAX_DESCRIPTION}
    if not Region.objects.filter(code=out["village_code"], level=Level.VILLAGE).exists():
        found["village_code"] = _("Choose a village (desa/kelurahan).")
    if kind in (Kind.USUL, Kind.SANGGAH) and not out["subject_name"]:
        found["subject_name"] = required
    if out["subject_nik"] and not identity.parse_nik(out["subject_nik"]).ok:
        found["subject_nik"] = _("A NIK has 16 digits.")
    if out["subject_kk"] and not identity.parse_kk(out["subject_kk"]).ok:
        found["subject_kk"] = _("A KK number has 16 digits.")
    if kind == Kind.COMPLAINT:
        category = str(data.get("category") or "")
        if category not in COMPLAINT_CATEGORIES:
            found["category"] = _("Choose what the complaint is about.")
        out["category"] = category
    else:
        out["category"] = kind
    merchant = str(data.get("merchant_code") or "").strip()
    out["merchant_id"] = None
    if merchant:
        from ewarong.models import Merchant

        m = Merchant.objects.filter(pk=int(merchant)).first() if merchant.isdigit() else None
        if m is None:
            found["merchant_code"] = _("No e-warong has this number.")
        else:
            out["merchant_id"] = m.pk
    if found:
        raise ValidationError(found)
    return out


def check_attachments(attachments: Iterable) -> list[tuple[str, bytes, str]]:
    """(name, content, content type) of each photo; JPEG or PNG by content, at most 5 MB."""
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    files = list(attachments or ())
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("Attach at most %(n)d photos.")
                               % {"n": MAX_ATTACHMENTS}})
    out = []
    for f in files:
        size = getattr(f, "size", None)
        if size is not None and size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": _("A photo may be at most 5 MB.")})
        content = f.read(MAX_ATTACHMENT_BYTES + 1)
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": _("A photo may be at most 5 MB.")})
        try:
            with Image.open(BytesIO(content)) as img:
                fmt = img.format
                img.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            fmt = None
        if fmt not in IMAGE_TYPES:
            raise ValidationError({"attachments": _("Attach photos in JPEG or PNG format only.")})
        ext = "jpg" if fmt == "JPEG" else "png"
        out.append((f"{secrets.token_hex(8)}.{ext}", content, IMAGE_TYPES[fmt]))
    return out


def _link_subject(fields: dict) -> dict:
    """The registry member and household the NIK names, when DTKS holds them."""
    if not fields.get("subject_nik"):
        return {}
    member = Member.objects.filter(nik=fields["subject_nik"]).select_related("household").first()
    if member is None:
        return {}
    return {"member": member, "household": member.household}


def _event(sub: Submission, action: str, *, at: datetime | None = None, actor=None,
           public_message: str = "", internal_note: str = "") -> Event:
    return Event.objects.create(
        submission=sub, at=at or timezone.now(), action=action, status=sub.status,
        public_message=public_message[:500], internal_note=internal_note,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _create(ctx: audit.Context, kind: str, channel: str, fields: dict, *,
            now: datetime | None = None, external_ref: str = "", created_by=None,
            links: dict | None = None) -> Submission:
    now = now or timezone.now()
    category = fields["category"]
    village = fields["village_code"]
    unit, hours = rule_for(category, village)
    values = {k: v for k, v in fields.items() if k not in ("category", "village_code")}
    values |= _link_subject(fields) | (links or {})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                sub = Submission.objects.create(
                    tracking_number=new_tracking_number(), kind=kind, category=category,
                    channel=channel, region_id=village, unit=unit,
                    unit_region_code=routing.unit_region(unit, village),
                    due_at=now + timedelta(hours=hours), created_at=now,
                    created_by=created_by, external_ref=external_ref, **values,
                )
            break
        except IntegrityError:
            if external_ref and Submission.objects.filter(external_ref=external_ref).exists():
                raise
            continue  # a tracking number drawn twice: draw again
    _event(sub, "received", at=now, actor=created_by)
    audit.record(ctx, "grievance.submission.receive", sub,
                 {"kind": [None, kind], "category": [None, category],
                  "channel": [None, channel]}, region_code=village)
    return sub


@transaction.atomic
def submit_public(kind: str, data: dict, attachments: Iterable = (),
                  channel: str = Channel.WEB) -> Submission:
    """A usul, sanggah or complaint from the public form. Raises ValidationError {field:
    message in the active language}; nothing is saved then. The submitter's contact is kept
    for the answer and never shown to the person concerned."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    fields = _validate(kind, data)
    photos = check_attachments(attachments)
    ctx = audit.Context(source=Source.FORM, reason=f"public {kind}")
    sub = _create(ctx, kind, channel, fields)
    for name, content, content_type in photos:
        att = Attachment(submission=sub, content_type=content_type, size=len(content))
        att.file.save(name, ContentFile(content), save=True)
    return sub


@transaction.atomic
def record_complaint(ctx: audit.Context, kind: str, data: dict, channel: str,
                     links: dict | None = None) -> Submission:
    """A report an operator takes by phone or at the desk, or one sent through the API."""
    fields = _validate(kind, data, require_submitter=False)
    policy.require(ctx.actor, policy.RECORD_COMPLAINT, fields["village_code"])
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    return _create(ctx, kind, channel, fields, created_by=ctx.actor, links=links)


# --- handling ---------------------------------------------------------------------------------

def require_handle(user, sub: Submission) -> None:
    policy.require(user, policy.HANDLE_COMPLAINTS, sub.region_id)


def _move(ctx: audit.Context, sub: Submission, status: str, action: str, *,
          public_message: str = "", internal_note: str = "", now: datetime | None = None,
          extra: dict | None = None) -> Submission:
    before = sub.status
    sub.status = status
    for key, value in (extra or {}).items():
        setattr(sub, key, value)
    sub.save()
    _event(sub, action, at=now, actor=ctx.actor, public_message=public_message,
           internal_note=internal_note)
    audit.record(ctx, f"grievance.submission.{action}", sub, {"status": [before, status]},
                 region_code=sub.region_id)
    return sub


@transaction.atomic
def start_handling(ctx: audit.Context, sub: Submission, note: str = "") -> Submission:
    require_handle(ctx.actor, sub)
    if not sub.is_open:
        raise ValidationError(_("This report is already closed."))
    return _move(ctx, sub, Status.IN_PROGRESS, "in_progress", internal_note=note)


def add_note(ctx: audit.Context, sub: Submission, note: str) -> Event:
    require_handle(ctx.actor, sub)
    return _event(sub, "note", actor=ctx.actor, internal_note=note)


def notify(sub: Submission, message: str) -> Notification | None:
    """A message record for the complainant (an SMS/e-mail gateway sends unsent records)."""
    to = sub.submitter_phone or sub.submitter_email
    if not to:
        return None
    return Notification.objects.create(submission=sub, to=to, message=message[:500])


def _resolution_message(sub: Submission, resolution: str, message: str) -> str:
    head = _("Report %(number)s is resolved: %(reason)s.") % {
        "number": sub.tracking_number, "reason": Resolution(resolution).label}
    return f"{head} {message}".strip()


def _resolve(ctx: audit.Context, sub: Submission, resolution: str, message: str,
             now: datetime) -> Submission:
    _move(ctx, sub, Status.RESOLVED, "resolved", public_message=message, now=now,
          extra={"resolution": resolution, "resolved_at": now})
    notify(sub, _resolution_message(sub, resolution, message))
    return sub


@transaction.atomic
def resolve(ctx: audit.Context, sub: Submission, resolution: str, message: str,
            now: datetime | None = None) -> Submission:
    """Resolve with a reason and a message for the citizen, who is told (notification)."""
    require_handle(ctx.actor, sub)
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": _("Choose the reason of the resolution.")})
    if not message.strip():
        raise ValidationError({"message": _("Tell the citizen what was done.")})
    if not sub.is_open:
        raise ValidationError(_("This report is already closed."))
    _resolve(ctx, sub, resolution, message.strip(), now or timezone.now())
    for dup in sub.duplicates.all():
        notify(dup, _resolution_message(dup, resolution, message.strip()))
    return sub


def escalate_overdue(now: datetime | None = None) -> int:
    """Move every open report past its due time one unit up (routing.ESCALATION), with a new
    SLA from the rules; the top unit (the centre) keeps it. Returns how many moved."""
    now = now or timezone.now()
    ctx = audit.Context(source=Source.BATCH, reason="SLA escalation")
    moved = 0
    overdue = Submission.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now,
                                        incident__isnull=True).exclude(unit="pusat")
    for sub in list(overdue):
        up = routing.ESCALATION.get(sub.unit)
        if up is None:
            continue
        with transaction.atomic():
            before = sub.unit
            sub.unit = up
            sub.unit_region_code = routing.unit_region(up, sub.region_id)
            sub.escalations += 1
            sub.due_at = now + timedelta(hours=_sla_hours(sub.category, up, sub.region_id))
            if sub.status == Status.RECEIVED:
                sub.status = Status.ESCALATED
            sub.save()
            _event(sub, "escalated", at=now, internal_note=f"{before} -> {up}")
            audit.record(ctx, "grievance.submission.escalate", sub, {"unit": [before, up]},
                         region_code=sub.region_id)
            moved += 1
    return moved


# --- duplicates and incidents -----------------------------------------------------------------

@transaction.atomic
def merge_duplicates(ctx: audit.Context, keep: Submission,
                     duplicates: Iterable[Submission]) -> int:
    """Close `duplicates` into `keep`; each keeps its tracking number, which then follows
    `keep`, and is told when `keep` is resolved."""
    require_handle(ctx.actor, keep)
    n = 0
    for dup in duplicates:
        if dup.pk == keep.pk or not dup.is_open:
            continue
        require_handle(ctx.actor, dup)
        _move(ctx, dup, Status.MERGED, "merged", extra={"merged_into": keep},
              public_message=_("Merged with report %(number)s, which is handled for both.")
              % {"number": keep.tracking_number})
        n += 1
    return n


@transaction.atomic
def open_incident(ctx: audit.Context, title: str, category: str, region_code: str,
                  submissions: Iterable[Submission] = ()) -> Incident:
    policy.require(ctx.actor, policy.MANAGE_INCIDENTS, region_code or None)
    if category not in Category.values:
        raise ValidationError({"category": _("Choose what the complaint is about.")})
    incident = Incident.objects.create(title=title, category=category, region_code=region_code,
                                       opened_by=ctx.actor)
    audit.record(ctx, "grievance.incident.open", incident, {"title": [None, title]},
                 region_code=region_code)
    attach_to_incident(ctx, incident, submissions)
    return incident


def attach_to_incident(ctx: audit.Context, incident: Incident,
                       submissions: Iterable[Submission]) -> int:
    """Group open reports under the incident (e.g. all `card_problem` of a kabupaten today)."""
    ids = [s.pk for s in submissions]
    qs = Submission.objects.filter(pk__in=ids, status__in=OPEN_STATUSES)
    qs = qs.filter(Q(region__code=incident.region_code)
                   | Q(region__code__startswith=incident.region_code + ".")) \
        if incident.region_code else qs
    n = qs.update(incident=incident)
    return n


def incident_candidates(incident: Incident):
    """Open reports of the same category in the incident's region, not yet grouped."""
    qs = Submission.objects.filter(category=incident.category, status__in=OPEN_STATUSES,
                                   incident__isnull=True)
    if incident.region_code:
        qs = qs.filter(Q(region__code=incident.region_code)
                       | Q(region__code__startswith=incident.region_code + "."))
    return qs


@transaction.atomic
def resolve_incident(ctx: audit.Context, incident: Incident, resolution: str, message: str,
                     now: datetime | None = None) -> int:
    """Resolve every open report of the incident at once; each complainant is told."""
    policy.require(ctx.actor, policy.MANAGE_INCIDENTS, incident.region_code or None)
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": _("Choose the reason of the resolution.")})
    if not message.strip():
        raise ValidationError({"message": _("Tell the citizen what was done.")})
    now = now or timezone.now()
    incident.resolved_at, incident.resolution = now, resolution
    incident.public_message = message.strip()
    incident.save()
    n = 0
    for sub in incident.submissions.filter(status__in=OPEN_STATUSES):
        _resolve(ctx, sub, resolution, message.strip(), now)
        n += 1
    audit.record(ctx, "grievance.incident.resolve", incident, {"resolved": [None, n]},
                 region_code=incident.region_code)
    return n


# --- usul, sanggah and payment verification ---------------------------------------------------

@transaction.atomic
def take_up_usul(ctx: audit.Context, sub: Submission, kind: str, payload: dict,
                 household=None, member=None):
    """The village operator turns a public usul into a draft usulan of the registration flow,
    completing what the citizen could not know (registration validates the payload).
    Registration has no "public" source: a usul about oneself becomes `self_registration`,
    about another `complaint`; `Submission.proposal` records that it came from the public."""
    from registration.models import ProposalSource
    from registration.services import proposals

    if sub.kind != Kind.USUL:
        raise ValidationError(_("Only a usul becomes an usulan."))
    require_handle(ctx.actor, sub)
    source = ProposalSource.SELF_REGISTRATION if sub.is_self else ProposalSource.COMPLAINT
    proposal = proposals.propose(ctx, kind, source, sub.region_id, payload,
                                 household=household, member=member,
                                 form_token=f"grv{sub.pk}")
    _move(ctx, sub, Status.RESOLVED, "proposed", extra={
        "proposal": proposal, "resolution": Resolution.DATA_CORRECTED,
        "resolved_at": timezone.now()},
        public_message=_("Your proposal was entered in the village's DTKS update (usulan). "
                         "The village meeting (musdes) decides on it."))
    notify(sub, _("Report %(number)s: your proposal was entered in the DTKS update.")
           % {"number": sub.tracking_number})
    return proposal


def verification_tasks(user):
    """The sanggah waiting for the Dinas Sosial's verification in `user`'s region."""
    qs = Submission.objects.filter(kind=Kind.SANGGAH, status__in=OPEN_STATUSES)
    return policy.scoped(user, qs, "region__code", policy.HANDLE_COMPLAINTS)


@transaction.atomic
def take_over_verification_flags(ctx: audit.Context) -> int:
    """Each open VerificationFlag of the payment verification becomes a complaint (the
    grievance app takes those records over, payments/models/verification.py)."""
    from payments.models import VerificationFlag

    category = {"not_received": Category.NOT_RECEIVING, "shortfall": Category.BALANCE_SHORT,
                "deduction": Category.CONDUCT}
    n = 0
    flags = VerificationFlag.objects.filter(status=VerificationFlag.Status.OPEN) \
        .select_related("case__payment")
    for flag in flags:
        fields = {"category": category[flag.kind], "village_code": flag.case.village_code,
                  "description": f"{flag.get_kind_display()} (verification {flag.case_id})"}
        _create(ctx, Kind.COMPLAINT, Channel.VERIFICATION, fields,
                links={"verification_flag": flag, "payment": flag.case.payment})
        n += 1
    flags.update(status=VerificationFlag.Status.HANDED_OVER)
    return n


# --- Serasi referrals -------------------------------------------------------------------------

@transaction.atomic
def refer_to_atensi(ctx: audit.Context, sub: Submission, provider,
                    note: str = "") -> Referral:
    """Serasi: a complaint that needs rehabilitation is referred to an ATENSI provider, whose
    pekerja sosial receive it as an intake (`accept_atensi_referral`)."""
    policy.require(ctx.actor, policy.REFER_COMPLAINT, sub.region_id)
    if not sub.is_open:
        raise ValidationError(_("This report is already closed."))
    referral = Referral.objects.create(submission=sub, kind=ReferralKind.ATENSI,
                                       provider=provider, service_name=provider.name,
                                       created_by=ctx.actor)
    _move(ctx, sub, Status.REFERRED, "referred", internal_note=note,
          public_message=_("Referred to a social rehabilitation service (ATENSI)."))
    return referral


def _intake_providers(user):
    from atensi import access

    return access.providers_for_intake(user)


def atensi_referrals_for(user):
    """The open ATENSI referrals waiting at the providers where `user` receives intakes."""
    return Referral.objects.filter(kind=ReferralKind.ATENSI, intake__isnull=True,
                                   provider__in=_intake_providers(user)).select_related("submission")


@transaction.atomic
def accept_atensi_referral(ctx: audit.Context, referral: Referral, *, name: str, sex: str,
                           nik: str = "", birth_date=None, problem: str = "",
                           emergency: bool = False):
    """The provider's pekerja sosial take the referral in: an ATENSI intake with referral
    source "complaint" (Permensos 7/2021 art. 20: a complaint report is a source of access
    facilitation). ATENSI checks that `ctx.actor` works at the provider."""
    from atensi.models import IntakeSource
    from atensi.services.intake import Person, receive_intake

    if referral.intake_id:
        raise ValidationError(_("This referral was taken in already."))
    sub = referral.submission
    person = Person(name=name, sex=sex, region_code=sub.region_id, nik=nik or sub.subject_nik,
                    kk_number=sub.subject_kk, birth_date=birth_date,
                    address=sub.subject_address)
    intake = receive_intake(ctx, referral.provider, IntakeSource.COMPLAINT, person,
                            problem or sub.description, emergency=emergency,
                            referrer=_("Complaint %(number)s") % {"number": sub.tracking_number})
    referral.intake = intake
    referral.save(update_fields=["intake"])
    _event(sub, "intake", actor=ctx.actor, internal_note=f"ATENSI intake {intake.pk}")
    audit.record(ctx, "grievance.referral.intake", referral, {"intake": [None, intake.pk]},
                 region_code=sub.region_id)
    return intake


@transaction.atomic
def refer_to_service(ctx: audit.Context, sub: Submission, service_name: str) -> Referral:
    policy.require(ctx.actor, policy.REFER_COMPLAINT, sub.region_id)
    if not service_name.strip():
        raise ValidationError({"service_name": _("This field is required.")})
    referral = Referral.objects.create(submission=sub, kind=ReferralKind.OTHER_SERVICE,
                                       service_name=service_name.strip(), created_by=ctx.actor)
    _move(ctx, sub, Status.REFERRED, "referred",
          public_message=_("Referred to another service."), internal_note=service_name)
    return referral


@transaction.atomic
def report_referral_outcome(ctx: audit.Context, referral: Referral, outcome: str,
                            resolve_submission: bool = True) -> Referral:
    """The service reports back; the complaint is resolved with it by default."""
    sub = referral.submission
    at_provider = bool(referral.provider_id) and _intake_providers(ctx.actor).filter(
        pk=referral.provider_id).exists()
    if not (at_provider or policy.can(ctx.actor, policy.REFER_COMPLAINT, sub.region_id)):
        raise PermissionDenied(policy.REFER_COMPLAINT)
    if not outcome.strip():
        raise ValidationError({"outcome": _("This field is required.")})
    referral.outcome, referral.outcome_at = outcome.strip(), timezone.now()
    referral.save()
    if resolve_submission and sub.is_open:
        _resolve(ctx, sub, Resolution.REFERRED, outcome.strip(), timezone.now())
    return referral


# --- satisfaction -----------------------------------------------------------------------------

@transaction.atomic
def record_satisfaction(tracking_number: str, score: int, comment: str = "") -> Submission:
    """The citizen's 1-5 answer once the report is resolved; once only."""
    number = normalize_tracking(tracking_number)
    sub = Submission.objects.select_for_update().filter(tracking_number=number).first()
    if sub is None:
        raise ValidationError({"tracking_number": _("No report has this tracking number.")})
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a score from 1 to 5.")})
    if sub.status not in DONE_STATUSES:
        raise ValidationError({"score": _("You can rate the service once the report is "
                                          "resolved.")})
    if sub.satisfaction is not None:
        raise ValidationError({"score": _("This report was already rated.")})
    sub.satisfaction, sub.satisfaction_comment = score, str(comment or "").strip()[:500]
    sub.save(update_fields=["satisfaction", "satisfaction_comment"])
    _event(sub, "rated")
    return sub


def require_view(user, sub: Submission) -> None:
    if not policy.can(user, policy.VIEW_COMPLAINTS, sub.region_id):
        raise PermissionDenied(policy.VIEW_COMPLAINTS)
