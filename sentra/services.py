"""Changes to the Sentra Kreasi ATENSI records, one function per use case. Each checks the
actor's role and region against the unit's region (the scope key), validates, saves and writes
an audit event in the same transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts import policy
from atensi.models import Case
from audit.services import Context, diff, record
from registry import identity
from registry.models import Member
from registry.selectors import members_for

from . import rules
from .models import (
    AidAsset,
    Attendance,
    Business,
    Facility,
    FollowUp,
    Outcome,
    Participant,
    Partner,
    Placement,
    Product,
    Sale,
    TrainingSession,
    Unit,
)


def _values(obj: models.Model) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname != "recorded_at"
    }


def _save(ctx: Context, action: str, obj: models.Model, region: str, before: dict | None = None):
    """Validate (field-named errors), save and audit `obj`."""
    obj.full_clean()
    obj.save()
    record(ctx, action, obj, diff(before or {}, _values(obj)), region)
    return obj


def _manage(ctx: Context, unit: Unit) -> None:
    policy.require(ctx.actor, policy.MANAGE_SENTRA, unit.region_id)


def _record(ctx: Context, unit: Unit) -> None:
    policy.require(ctx.actor, policy.RECORD_SENTRA, unit.region_id)


@transaction.atomic
def add_unit(ctx: Context, **values) -> Unit:
    unit = Unit(**values)
    _manage(ctx, unit)
    return _save(ctx, "sentra.unit.create", unit, unit.region_id)


@transaction.atomic
def add_facility(ctx: Context, unit: Unit, **values) -> Facility:
    _manage(ctx, unit)
    return _save(ctx, "sentra.facility.create", Facility(unit=unit, **values), unit.region_id)


@transaction.atomic
def add_partner(ctx: Context, unit: Unit, **values) -> Partner:
    _manage(ctx, unit)
    return _save(ctx, "sentra.partner.create", Partner(unit=unit, **values), unit.region_id)


def member_by_nik(actor, nik: str) -> Member | None:
    """The DTKS member with this NIK that `actor` may see (their region scope), if any."""
    digits = identity.normalize_digits(nik or "")
    if len(digits) != 16:
        return None
    return members_for(actor).filter(nik=digits).select_related("household").first()


def case_of(member: Member) -> Case | None:
    """The member's ATENSI case: the open one, else the latest."""
    cases = Case.objects.filter(client__member=member)
    return cases.filter(status="open").first() or cases.first()


@transaction.atomic
def enroll(ctx: Context, unit: Unit, nik: str, **values) -> Participant:
    """Take a DTKS member (found by NIK within the actor's scope) into the unit, linked to
    their ATENSI case when there is one."""
    _record(ctx, unit)
    member = member_by_nik(ctx.actor, nik)
    if member is None:
        raise ValidationError({"nik": _("No DTKS member with this NIK in your region.")})
    if Participant.objects.filter(unit=unit, member=member).exists():
        raise ValidationError({"nik": _("This person is already a participant of this unit.")})
    participant = Participant(unit=unit, member=member, case=case_of(member), **values)
    return _save(ctx, "sentra.participant.create", participant, unit.region_id)


def _unit_of(participant: Participant) -> Unit:
    return participant.unit


@transaction.atomic
def add_business(ctx: Context, participant: Participant, **values) -> Business:
    unit = _unit_of(participant)
    _record(ctx, unit)
    business = Business(participant=participant, **values)
    if business.facility_id and business.facility.unit_id != unit.pk:
        raise ValidationError({"facility": _("This facility belongs to another unit.")})
    return _save(ctx, "sentra.business.create", business, unit.region_id)


@transaction.atomic
def add_product(ctx: Context, business: Business, **values) -> Product:
    unit = _unit_of(business.participant)
    _record(ctx, unit)
    return _save(ctx, "sentra.product.create", Product(business=business, **values), unit.region_id)


@transaction.atomic
def give_aid(ctx: Context, participant: Participant, **values) -> AidAsset:
    unit = _unit_of(participant)
    _record(ctx, unit)
    asset = AidAsset(participant=participant, **values)
    if asset.business_id and asset.business.participant_id != participant.pk:
        raise ValidationError({"business": _("This business belongs to someone else.")})
    return _save(ctx, "sentra.aid.create", asset, unit.region_id)


@transaction.atomic
def record_sale(
    ctx: Context,
    product: Product,
    *,
    sold_on: date,
    quantity: int,
    amount: int | None = None,
    participant_share: int | None = None,
    facility: Facility | None = None,
) -> Sale:
    """Record a sale of `product`; without an amount it is the usual price times the quantity,
    without a share all of it reaches the participant (article 38(6))."""
    business = product.business
    unit = _unit_of(business.participant)
    _record(ctx, unit)
    if facility is not None and facility.unit_id != unit.pk:
        raise ValidationError({"facility": _("This facility belongs to another unit.")})
    if quantity is not None and quantity < 1:
        raise ValidationError({"quantity": _("The quantity must be at least 1.")})
    amount = product.price * quantity if amount is None else amount
    share = rules.participant_share(amount, participant_share)
    if share > amount:
        raise ValidationError(
            {"participant_share": _("The participant's share cannot exceed the amount.")}
        )
    sale = Sale(
        business=business,
        product=product,
        facility=facility,
        sold_on=sold_on,
        quantity=quantity,
        amount=amount,
        participant_share=share,
        recorded_by=ctx.actor,
    )
    return _save(ctx, "sentra.sale.create", sale, unit.region_id)


@transaction.atomic
def add_training(ctx: Context, unit: Unit, **values) -> TrainingSession:
    _record(ctx, unit)
    session = TrainingSession(unit=unit, **values)
    if session.partner_id and session.partner.unit_id != unit.pk:
        raise ValidationError({"partner": _("This partner belongs to another unit.")})
    return _save(ctx, "sentra.training.create", session, unit.region_id)


@transaction.atomic
def record_attendance(
    ctx: Context, session: TrainingSession, rows: dict[int, tuple[bool, str]]
) -> int:
    """Set who attended `session` ({participant_id: (present, certificate number)}); a
    certificate goes only to someone present. Returns the number of rows written."""
    unit = session.unit
    _record(ctx, unit)
    known = set(unit.participants.filter(pk__in=rows).values_list("pk", flat=True))
    if set(rows) - known:
        raise ValidationError(_("Some people are not participants of this unit."))
    for participant_id, (present, certificate) in rows.items():
        if certificate and not present:
            raise ValidationError(
                {"certificate": _("A certificate goes only to a participant who was present.")}
            )
        row, created = Attendance.objects.select_for_update().get_or_create(
            session=session,
            participant_id=participant_id,
            defaults={"present": present, "certificate": certificate},
        )
        before = {} if created else _values(row)
        row.present, row.certificate = present, certificate
        row.full_clean()
        row.save()
        changes = diff(before, _values(row))
        if changes:
            record(ctx, "sentra.attendance.set", row, changes, unit.region_id)
    return len(rows)


@transaction.atomic
def add_placement(ctx: Context, participant: Participant, **values) -> Placement:
    unit = _unit_of(participant)
    _record(ctx, unit)
    placement = Placement(participant=participant, **values)
    if placement.partner_id and placement.partner.unit_id != unit.pk:
        raise ValidationError({"partner": _("This partner belongs to another unit.")})
    if not placement.partner_id and not placement.employer.strip():
        raise ValidationError({"employer": _("Choose a partner or name the employer.")})
    return _save(ctx, "sentra.placement.create", placement, unit.region_id)


@transaction.atomic
def record_follow_up(ctx: Context, placement: Placement, **values) -> FollowUp:
    """The 3- or 6-month check of a placement (is the participant still employed?)."""
    unit = _unit_of(placement.participant)
    _record(ctx, unit)
    follow_up = FollowUp(placement=placement, **values)
    if follow_up.months not in rules.FOLLOW_UP_MONTHS:
        raise ValidationError({"months": _("A follow-up is at 3 or 6 months.")})
    if follow_up.checked_on and follow_up.checked_on < placement.started_on:
        raise ValidationError({"checked_on": _("The check cannot be before the start date.")})
    if placement.follow_ups.filter(months=follow_up.months).exists():
        raise ValidationError({"months": _("This follow-up is already recorded.")})
    return _save(ctx, "sentra.follow_up.create", follow_up, unit.region_id)


@transaction.atomic
def record_outcome(ctx: Context, participant: Participant, **values) -> Outcome:
    unit = _unit_of(participant)
    _record(ctx, unit)
    outcome = Outcome(participant=participant, **values)
    if outcome.assessed_on and outcome.assessed_on < participant.joined_on:
        raise ValidationError({"assessed_on": _("The assessment cannot be before joining.")})
    return _save(ctx, "sentra.outcome.create", outcome, unit.region_id)
