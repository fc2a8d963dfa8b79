"""Posyandu Lansia actions: posts and their kader, elderly members, the monthly session, and
the referrals its risk flags and attendance raise. Each takes an audit Context, checks the
actor's policy and writes an audit event (never names, NIK or health values)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from audit import services as audit
from registry import identity

from . import rules, selectors
from .models import RANGES, Attendance, Member, Post, Referral, Session, Volunteer

# --- posts and kader ------------------------------------------------------------------------


def create_post(ctx: audit.Context, village_code: str, rw: str, name: str,
                provider=None) -> Post:
    policy.require(ctx.actor, policy.MANAGE_POSYANDU, village_code)
    rw = rw.strip().zfill(3)
    if Post.objects.filter(village_id=village_code, rw=rw).exists():
        raise ValidationError({"rw": _("This RW already has a Posyandu Lansia.")})
    post = Post.objects.create(village_id=village_code, rw=rw, name=name.strip(),
                               provider=provider)
    audit.record(ctx, "lansia.post.create", post, {"rw": [None, rw]}, village_code)
    return post


def assign_volunteer(ctx: audit.Context, post: Post, worker, since: date | None = None
                     ) -> Volunteer:
    """A workforce Worker of the post's area becomes a kader of the post."""
    policy.require(ctx.actor, policy.MANAGE_POSYANDU, post.village_id)
    if not worker.active or not post.village_id.startswith(worker.region_id):
        raise ValidationError({"worker": _("Choose an active worker of this area.")})
    if post.volunteers.filter(worker=worker, active=True).exists():
        raise ValidationError({"worker": _("This worker is already a kader of this post.")})
    volunteer = Volunteer.objects.create(post=post, worker=worker,
                                         since=since or timezone.localdate())
    audit.record(ctx, "lansia.volunteer.assign", volunteer, {"worker": [None, worker.pk]},
                 post.village_id)
    return volunteer


def end_volunteer(ctx: audit.Context, volunteer: Volunteer) -> None:
    policy.require(ctx.actor, policy.MANAGE_POSYANDU, volunteer.post.village_id)
    Volunteer.objects.filter(pk=volunteer.pk).update(active=False)
    audit.record(ctx, "lansia.volunteer.end", volunteer, {"active": [True, False]},
                 volunteer.post.village_id)


def _require_record(ctx: audit.Context, post: Post) -> None:
    """Recording at a post: the village operator of its village, or one of its kader."""
    policy.require(ctx.actor, policy.RECORD_POSYANDU, post.village_id)
    if not selectors.posts_for(ctx.actor, policy.RECORD_POSYANDU).filter(pk=post.pk).exists():
        raise PermissionDenied(policy.RECORD_POSYANDU)


# --- members --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPerson:
    name: str
    birth_date: date | None
    sex: str
    nik: str = ""
    address: str = ""


@transaction.atomic
def register_member(ctx: audit.Context, post: Post, *, person_id: int | None = None,
                    new: NewPerson | None = None, on: date | None = None) -> Member:
    """A DTKS member of the post's village (person_id) or a person outside DTKS (new), aged
    60 or more on the registration date; one active membership per person per post."""
    _require_record(ctx, post)
    on = on or timezone.localdate()
    if person_id is not None:
        person = selectors.village_elders(post, on).filter(pk=person_id).first()
        if person is None:
            raise ValidationError({"person": _("Choose a DTKS member of this village aged 60 "
                                               "or more.")})
        data = NewPerson(person.name, person.birth_date, person.sex, person.nik,
                         person.household.address)
    else:
        data = _checked(new)
    problem = rules.age_problem(data.birth_date, on)
    if problem:
        raise ValidationError({"birth_date": problem})
    same = post.members.filter(active=True)
    if (person_id and same.filter(person_id=person_id).exists()) or (
            data.nik and same.filter(nik=data.nik).exists()):
        raise ValidationError({"person" if person_id else "nik":
                               _("This person is already a member of this post.")})
    member = Member.objects.create(post=post, person_id=person_id, name=data.name.strip(),
                                   nik=data.nik, birth_date=data.birth_date, sex=data.sex,
                                   address=data.address, registered_on=on)
    audit.record(ctx, "lansia.member.register", member,
                 {"dtks": [None, person_id is not None]}, post.village_id)
    return member


def _checked(new: NewPerson | None) -> NewPerson:
    if new is None:
        raise ValidationError({"person": _("Choose a DTKS member or enter a new person.")})
    found = {}
    if not new.name.strip():
        found["name"] = _("This field is required.")
    if new.birth_date is None:
        found["birth_date"] = _("This field is required.")
    if new.sex not in ("L", "P"):
        found["sex"] = _("Sex must be L or P.")
    nik = identity.normalize_digits(new.nik)
    if nik:
        parsed = identity.parse_nik(nik)
        if not parsed.ok:
            from base.i18n import content_language

            found["nik"] = identity.message(parsed.errors[0], content_language())
    if found:
        raise ValidationError(found)
    return NewPerson(new.name, new.birth_date, new.sex, nik, new.address.strip())


def leave(ctx: audit.Context, member: Member) -> None:
    _require_record(ctx, member.post)
    Member.objects.filter(pk=member.pk).update(active=False)
    audit.record(ctx, "lansia.member.leave", member, {"active": [True, False]},
                 member.post.village_id)


# --- the monthly session --------------------------------------------------------------------


@dataclass
class Visit:
    """One member's line of the session form."""

    member_id: int
    present: bool = False
    weight_kg: Decimal | None = None
    systolic: int | None = None
    diastolic: int | None = None
    blood_sugar: int | None = None
    nutrition: bool = False
    activity: bool = False
    lives_alone: bool = False
    neglected: bool = False
    bedridden: bool = False


def check_visit(v: Visit) -> dict[str, str]:
    """Screening values outside their plausible range, by field."""
    found = {}
    for field, (low, high) in RANGES.items():
        value = getattr(v, field)
        if value is not None and not low <= value <= high:
            found[field] = _("Enter a value between %(low)s and %(high)s.") % {
                "low": low, "high": high}
    if v.systolic is not None and v.diastolic is not None and v.diastolic >= v.systolic:
        found["diastolic"] = _("The diastolic pressure must be below the systolic.")
    return found


@transaction.atomic
def record_session(ctx: audit.Context, post: Post, held_on: date, visits: list[Visit], *,
                   puskesmas: str = "", activity: str = "") -> Session:
    """The month's session: every active member's attendance, screening, PMT, activity and
    risk flags. Recording the month again replaces its lines. Raises the referrals: ATENSI for
    a member living alone and neglected, the PKH verification for a PKH family's elder."""
    _require_record(ctx, post)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The session date cannot be in the future.")})
    members = {m.pk: m for m in post.members.filter(active=True)}
    errors = {}
    for v in visits:
        if v.member_id not in members:
            raise ValidationError({"member": _("The member is not in this post.")})
        errors.update({f"{v.member_id}-{k}": e for k, e in check_visit(v).items()})
    if errors:
        raise ValidationError(errors)
    session, created = Session.objects.update_or_create(
        post=post, year=held_on.year, month=held_on.month,
        defaults={"held_on": held_on, "puskesmas": puskesmas.strip()[:120],
                  "activity": activity.strip()[:200], "recorded_by": ctx.actor})
    session.attendance.all().delete()
    by_member = {v.member_id: v for v in visits}
    lines = []
    for pk in members:
        v = by_member.get(pk, Visit(pk))
        here = v.present
        lines.append(Attendance(
            session=session, member_id=pk, present=here,
            weight_kg=v.weight_kg if here else None, systolic=v.systolic if here else None,
            diastolic=v.diastolic if here else None,
            blood_sugar=v.blood_sugar if here else None,
            nutrition=here and v.nutrition, activity=here and v.activity))
    Attendance.objects.bulk_create(lines)
    referred = _flag(ctx, members, by_member)
    pkh = _refer_to_pkh(ctx, session, members, {v.member_id for v in visits if v.present})
    audit.record(ctx, "lansia.session.record", session, {
        "present": sum(a.present for a in lines), "members": len(lines), "new": created,
        "atensi_referrals": referred, "pkh_referrals": pkh}, post.village_id)
    return session


def _flag(ctx: audit.Context, members: dict[int, Member], visits: dict[int, Visit]) -> int:
    referred = 0
    for pk, v in visits.items():
        member = members[pk]
        flags = {"lives_alone": v.lives_alone, "neglected": v.neglected,
                 "bedridden": v.bedridden}
        changed = {f: [getattr(member, f), new] for f, new in flags.items()
                   if getattr(member, f) != new}
        if changed:
            Member.objects.filter(pk=pk).update(**flags)
            for f, new in flags.items():
                setattr(member, f, new)
            audit.record(ctx, "lansia.member.flags", member, changed, member.post.village_id)
        if rules.needs_atensi(member) and refer_to_atensi(ctx, member):
            referred += 1
    return referred


def refer_to_atensi(ctx: audit.Context, member: Member) -> Referral | None:
    """A referral of the member to ATENSI, unless one is waiting or its case is still open
    (None then): flagging again adds nothing."""
    for open_one in member.referrals.filter(kind=Referral.Kind.ATENSI).exclude(
            status=Referral.Status.CLOSED).select_related("intake"):
        if selectors.referral_is_open(open_one):
            return None
        Referral.objects.filter(pk=open_one.pk).update(status=Referral.Status.CLOSED)
    referral = Referral.objects.create(member=member, kind=Referral.Kind.ATENSI,
                                       village_code=member.post.village_id, created_by=ctx.actor)
    audit.record(ctx, "lansia.referral.atensi", referral, {"status": [None, "waiting"]},
                 member.post.village_id)
    return referral


def _refer_to_pkh(ctx: audit.Context, session: Session, members: dict[int, Member],
                  present: set[int]) -> int:
    """A PKH family's elderly member who attended: a line for the pendamping, whose
    confirmation records the posyandu_lansia visit in PKH (idempotent per session)."""
    elders = selectors.pkh_elders([members[pk] for pk in present], session.held_on)
    Referral.objects.filter(session=session, kind=Referral.Kind.PKH,
                            status=Referral.Status.WAITING).exclude(member_id__in=elders).delete()
    made = 0
    for pk in elders:
        _, created = Referral.objects.get_or_create(
            member_id=pk, session=session, kind=Referral.Kind.PKH,
            defaults={"village_code": session.post.village_id, "created_by": ctx.actor})
        made += created
    return made


# --- taking referrals in --------------------------------------------------------------------


@transaction.atomic
def take_atensi_referral(ctx: audit.Context, referral: Referral, provider) -> object:
    """The provider's pekerja sosial take the referral in through ATENSI's own intake
    (article 20: a referral), linked back to the member. ATENSI checks the provider."""
    from atensi.models import IntakeSource
    from atensi.services import Person, receive_intake

    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.kind != Referral.Kind.ATENSI or referral.status != Referral.Status.WAITING:
        raise ValidationError(_("This referral was taken in already."))
    member = referral.member
    person = Person(name=member.name, sex=member.sex, region_code=member.post.village_id,
                    nik=member.nik, birth_date=member.birth_date, address=member.address)
    intake = receive_intake(
        ctx, provider, IntakeSource.REFERRAL, person,
        _("Elderly person living alone and neglected (lansia terlantar), referred by the "
          "Posyandu Lansia."), referrer=f"Posyandu Lansia {member.post.name}")
    referral.status, referral.intake = Referral.Status.TAKEN, intake
    referral.taken_by, referral.taken_at = ctx.actor, timezone.now()
    referral.save()
    audit.record(ctx, "lansia.referral.take", referral, {"intake": [None, intake.pk]},
                 referral.village_code)
    return intake


@transaction.atomic
def confirm_pkh_attendance(ctx: audit.Context, referrals: list[Referral]) -> int:
    """The pendamping confirms PKH elders' Posyandu attendance: each becomes a
    `posyandu_lansia` visit through PKH's own form service (a visit of the same member and day
    replaces the earlier one, so confirming twice changes nothing)."""
    from pkh.services import VisitRecord, record_visits

    done = 0
    for r in referrals:
        if r.kind != Referral.Kind.PKH or r.status != Referral.Status.WAITING:
            continue
        person = r.member.person
        record_visits(ctx, person.household, [VisitRecord(
            member_id=person.pk, visit_type="posyandu_lansia", on=r.session.held_on,
            place=f"Posyandu Lansia {r.member.post.name}"[:120])])
        Referral.objects.filter(pk=r.pk).update(status=Referral.Status.TAKEN,
                                                taken_by=ctx.actor, taken_at=timezone.now())
        audit.record(ctx, "lansia.referral.pkh_confirm", r, {"status": ["waiting", "taken"]},
                     r.village_code)
        done += 1
    return done
