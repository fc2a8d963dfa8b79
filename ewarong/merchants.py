"""E-warong merchants: registration at the village, approval by the Dinas Sosial (kabupaten/kota),
sanctions with reasons (warning, suspension until a date, termination, EDC terminal withdrawn;
FACTS: "sanctions up to losing the EDC terminal"), reinstatement, and the merchant's staff
accounts. Every change is one conditional update plus a MerchantEvent and an audit event in the
same transaction; `can_sell` is what the purchase service asks before a sale.

Who may do what is accounts.policy: REGISTER_EWARONG (village and Dinas Sosial operators) in the
merchant's village, APPROVE_EWARONG (Dinas Sosial) for approval and sanctions."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Role, User
from audit.services import Context, record
from payments.models import PaymentChannel
from wilayah.models import Level
from wilayah.selectors import get_region

from .models import Merchant, MerchantEvent, MerchantEventKind, MerchantStaff, MerchantStatus

S = MerchantStatus
K = MerchantEventKind


class MerchantRefused(Exception):  # noqa: N818 (the domain word: the action was refused)
    """An action refused with a message for the user (active language); nothing was written."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Transition:
    kind: str
    from_statuses: frozenset
    to_status: str | None  # None: the status stays as it is
    action: str
    reason_required: bool = True


# The state machine: which event may happen in which status, the status after it and the
# policy action it needs.
TRANSITIONS: dict[str, Transition] = {t.kind: t for t in [
    Transition(K.APPROVED, frozenset({S.REGISTERED}), S.ACTIVE, policy.APPROVE_EWARONG,
               reason_required=False),
    Transition(K.REJECTED, frozenset({S.REGISTERED}), S.REJECTED, policy.APPROVE_EWARONG),
    Transition(K.WARNING, frozenset({S.ACTIVE, S.SUSPENDED}), None, policy.APPROVE_EWARONG),
    Transition(K.SUSPENSION, frozenset({S.ACTIVE, S.SUSPENDED}), S.SUSPENDED,
               policy.APPROVE_EWARONG),
    Transition(K.REINSTATED, frozenset({S.SUSPENDED}), S.ACTIVE, policy.APPROVE_EWARONG),
    Transition(K.TERMINATION, frozenset({S.ACTIVE, S.SUSPENDED}), S.TERMINATED,
               policy.APPROVE_EWARONG),
    Transition(K.TERMINAL_WITHDRAWN, frozenset({S.ACTIVE, S.SUSPENDED}), None,
               policy.APPROVE_EWARONG),
]}
SANCTIONS = (K.WARNING, K.SUSPENSION, K.TERMINAL_WITHDRAWN, K.TERMINATION)


@dataclass(frozen=True)
class Registration:
    name: str
    owner_name: str
    village_code: str
    address: str
    channel: str  # PaymentChannel code (a bank)
    terminal_id: str = ""
    qris_id: str = ""
    opening_hours: str = ""
    phone: str = ""


def _clean(text: str, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


def register(ctx: Context, data: Registration) -> Merchant:
    """A new e-warong, waiting for the Dinas Sosial's approval."""
    village = get_region(data.village_code or "")
    if village is None or village.level != Level.VILLAGE:
        raise MerchantRefused(_("Choose the village where the e-warong is."), "village_code")
    policy.require(ctx.actor, policy.REGISTER_EWARONG, village.code)
    fields = {"name": _clean(data.name, 120), "owner_name": _clean(data.owner_name, 100),
              "address": _clean(data.address, 200)}
    for field, label in (("name", _("shop name")), ("owner_name", _("owner")),
                         ("address", _("address"))):
        if not fields[field]:
            raise MerchantRefused(_("Fill in the %(field)s.") % {"field": label}, field)
    channel = PaymentChannel.objects.filter(code=data.channel).first()
    if channel is None or channel.kind != PaymentChannel.Kind.BANK:
        raise MerchantRefused(_("Choose the paying bank (an e-warong works with a bank, not "
                                "with PT Pos)."), "channel")
    terminal, qris = _clean(data.terminal_id, 32), _clean(data.qris_id, 64)
    if not terminal and not qris:
        raise MerchantRefused(_("Give the EDC terminal id or the QRIS id."), "terminal_id")
    phone = _clean(data.phone, 20)
    if phone and not phone.replace("+", "", 1).replace("-", "").replace(" ", "").isdigit():
        raise MerchantRefused(_("The phone number may hold only digits."), "phone")
    _check_devices_free(terminal, qris)
    try:
        with transaction.atomic():
            merchant = Merchant.objects.create(
                **fields, phone=phone, village_code=village.code, channel=channel,
                terminal_id=terminal, qris_id=qris,
                opening_hours=_clean(data.opening_hours, 80), status=S.REGISTERED,
                registered_by=_actor(ctx))
            _event(ctx, merchant, K.REGISTERED, S.REGISTERED, "")
            record(ctx, "ewarong.merchant.register", merchant, {
                "name": [None, merchant.name], "status": [None, S.REGISTERED],
                "channel": [None, channel.code], "terminal_id": [None, terminal],
                "qris_id": [None, qris]}, region_code=village.code)
    except IntegrityError as error:  # registered at the same moment elsewhere
        _check_devices_free(terminal, qris)
        raise MerchantRefused(_("The EDC terminal id or QRIS id is already used by another "
                                "e-warong."), "terminal_id") from error
    return merchant


def _check_devices_free(terminal: str, qris: str, exclude: int | None = None) -> None:
    others = Merchant.objects.exclude(pk=exclude)
    if terminal and others.filter(terminal_id=terminal).exists():
        raise MerchantRefused(_("The EDC terminal id %(id)s is already used by another "
                                "e-warong.") % {"id": terminal}, "terminal_id")
    if qris and others.filter(qris_id=qris).exists():
        raise MerchantRefused(_("The QRIS id %(id)s is already used by another e-warong.")
                              % {"id": qris}, "qris_id")


def _actor(ctx: Context):
    return ctx.actor if getattr(ctx.actor, "is_authenticated", False) else None


def _event(ctx: Context, merchant: Merchant, kind: str, status: str, reason: str,
           until: date | None = None) -> MerchantEvent:
    return MerchantEvent.objects.create(merchant=merchant, kind=kind, status=status,
                                        reason=reason, until=until, by=_actor(ctx))


def change(ctx: Context, merchant: Merchant, kind: str, reason: str = "",
           until: date | None = None, today: date | None = None) -> Merchant:
    """Take one step of the state machine (approve, reject, a sanction, reinstate); the
    status is changed by a conditional update, so two officers acting at once cannot both
    move it from the same status."""
    step = TRANSITIONS.get(kind)
    if step is None:
        raise ValueError(f"unknown merchant event {kind!r}")
    policy.require(ctx.actor, step.action, merchant.village_code)
    reason = _clean(reason, 300)
    if step.reason_required and not reason:
        raise MerchantRefused(_("Give the reason."), "reason")
    today = today or timezone.localdate()
    if kind == K.SUSPENSION:
        if until is None:
            raise MerchantRefused(_("Give the date the suspension ends."), "until")
        if until < today:
            raise MerchantRefused(_("The suspension cannot end in the past."), "until")
    else:
        until = None
    with transaction.atomic():
        current = Merchant.objects.select_for_update().filter(pk=merchant.pk).first()
        if current is None or current.status not in step.from_statuses:
            status = current.get_status_display() if current else "-"
            raise MerchantRefused(_("This cannot be done to an e-warong with status "
                                    "%(status)s.") % {"status": status}, "status")
        if kind == K.TERMINAL_WITHDRAWN and not current.terminal_id:
            raise MerchantRefused(_("This e-warong has no EDC terminal to withdraw."), "status")
        after = step.to_status or current.status
        updates: dict = {"status": after}
        changes = {"status": [current.status, after]} if after != current.status else {}
        if kind == K.TERMINAL_WITHDRAWN:
            updates["terminal_id"] = ""
            changes["terminal_id"] = [current.terminal_id, ""]
        moved = Merchant.objects.filter(pk=current.pk, status=current.status).update(**updates)
        if not moved:  # pragma: no cover (the row is locked; kept as the database's word)
            raise MerchantRefused(_("The e-warong changed meanwhile; try again."), "status")
        _event(ctx, current, kind, after, reason, until)
        if kind == K.TERMINATION:
            # A terminated e-warong's staff can no longer log in.
            users = User.objects.filter(ewarong_staff__merchant=current, is_active=True)
            changes["staff_deactivated"] = [None, users.update(is_active=False)]
        record(ctx, f"ewarong.merchant.{kind}", current,
               {**changes, "kind": [None, kind], **({"until": [None, str(until)]} if until
                                                    else {})},
               region_code=current.village_code)
    merchant.refresh_from_db()
    return merchant


def approve(ctx: Context, merchant: Merchant, note: str = "") -> Merchant:
    return change(ctx, merchant, K.APPROVED, note)


def reject(ctx: Context, merchant: Merchant, reason: str) -> Merchant:
    return change(ctx, merchant, K.REJECTED, reason)


def warn(ctx: Context, merchant: Merchant, reason: str) -> Merchant:
    return change(ctx, merchant, K.WARNING, reason)


def suspend(ctx: Context, merchant: Merchant, reason: str, until: date | None,
            today: date | None = None) -> Merchant:
    return change(ctx, merchant, K.SUSPENSION, reason, until, today)


def reinstate(ctx: Context, merchant: Merchant, reason: str) -> Merchant:
    return change(ctx, merchant, K.REINSTATED, reason)


def terminate(ctx: Context, merchant: Merchant, reason: str) -> Merchant:
    return change(ctx, merchant, K.TERMINATION, reason)


def withdraw_terminal(ctx: Context, merchant: Merchant, reason: str) -> Merchant:
    return change(ctx, merchant, K.TERMINAL_WITHDRAWN, reason)


# --- selling ----------------------------------------------------------------------------------


def _suspension_until():
    """Subquery: the end date of the merchant's latest suspension."""
    return Subquery(MerchantEvent.objects.filter(
        merchant=OuterRef("pk"), kind=K.SUSPENSION).order_by("-at", "-id").values("until")[:1])


def suspension_until(merchant: Merchant) -> date | None:
    return (MerchantEvent.objects.filter(merchant=merchant, kind=K.SUSPENSION)
            .order_by("-at", "-id").values_list("until", flat=True).first())


def can_sell(merchant: Merchant, on: date | None = None) -> str | None:
    """None when the e-warong may sell on `on` (its local day), else the refusal message.
    Read from the database, so a suspension takes effect at the next sale. A suspension ends
    after its until-date without further action. A withdrawn EDC terminal does not stop the
    sales at the merchant's page (the terminal id is cleared, so the terminal is unknown)."""
    on = on or timezone.localdate()
    status = Merchant.objects.filter(pk=merchant.pk).values_list("status", flat=True).first()
    if status is None:
        return _("Unknown e-warong.")
    if status == S.REGISTERED:
        return _("This e-warong has not been approved by the Dinas Sosial yet.")
    if status == S.REJECTED:
        return _("The registration of this e-warong was rejected.")
    if status == S.TERMINATED:
        return _("This e-warong has been terminated; it can no longer sell to KPM.")
    if status == S.SUSPENDED:
        until = suspension_until(merchant)
        if until is None or on <= until:
            return _("This e-warong is suspended until %(date)s; it cannot sell to KPM.") % {
                "date": date_format(until, "DATE_FORMAT") if until else "-"}
    return None


def sellable(queryset: QuerySet | None = None, on: date | None = None) -> QuerySet:
    """The merchants that may sell on `on` (the set form of `can_sell`)."""
    on = on or timezone.localdate()
    queryset = Merchant.objects.all() if queryset is None else queryset
    return queryset.annotate(suspended_until=_suspension_until()).filter(
        Q(status=S.ACTIVE) | Q(status=S.SUSPENDED, suspended_until__lt=on))


def public_list(village_code: str, on: date | None = None) -> QuerySet:
    """The active e-warong of a village for the public page: no owner, no phone."""
    return sellable(Merchant.objects.filter(village_code=village_code), on).order_by(
        "name").values("name", "address", "opening_hours", "village_code")


def merchants_for(user, action: str = policy.VIEW_EWARONG) -> QuerySet:
    """The merchants a user may see (region-scoped)."""
    return policy.scoped(user, Merchant.objects.select_related("channel"), "village_code",
                         action)


def history(merchant: Merchant) -> QuerySet:
    return merchant.events.select_related("by").order_by("at", "id")


# --- staff ------------------------------------------------------------------------------------


def may_manage_staff(user, merchant: Merchant) -> bool:
    return any(policy.can(user, action, merchant.village_code)
               for action in (policy.REGISTER_EWARONG, policy.APPROVE_EWARONG))


def add_staff(ctx: Context, merchant: Merchant, username: str, password: str,
              full_name: str = "") -> User:
    """A login for the merchant's owner or cashier: role `ewarong`, bound to the merchant's
    village, linked to the merchant (MerchantStaff)."""
    if not may_manage_staff(ctx.actor, merchant):
        policy.require(ctx.actor, policy.REGISTER_EWARONG, merchant.village_code)
    if merchant.status in (S.TERMINATED, S.REJECTED):
        raise MerchantRefused(_("A terminated or rejected e-warong gets no new staff."),
                              "status")
    username = (username or "").strip()
    if not username or len(username) > 150 or not all(
            c.isalnum() or c in "@.+-_" for c in username):
        raise MerchantRefused(_("The user name may hold letters, digits and @ . + - _ "
                                "only."), "username")
    if User.objects.filter(username__iexact=username).exists():
        raise MerchantRefused(_("The user name %(name)s is already taken.")
                              % {"name": username}, "username")
    candidate = User(username=username, role=Role.EWARONG)
    try:
        validate_password(password or "", candidate)
    except ValidationError as error:
        raise MerchantRefused(" ".join(error.messages), "password") from error
    first, _sep, last = _clean(full_name, 150).partition(" ")
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password,
                                            role=Role.EWARONG,
                                            region_id=merchant.village_code,
                                            first_name=first[:150], last_name=last[:150])
            MerchantStaff.objects.create(merchant=merchant, user=user)
            record(ctx, "ewarong.merchant.staff_add", merchant, {
                "staff": [None, username]}, region_code=merchant.village_code)
    except IntegrityError as error:
        raise MerchantRefused(_("The user name %(name)s is already taken.")
                              % {"name": username}, "username") from error
    return user


def remove_staff(ctx: Context, merchant: Merchant, user_id: int) -> None:
    """The account stops working (deactivated, kept for the history of its sales)."""
    if not may_manage_staff(ctx.actor, merchant):
        policy.require(ctx.actor, policy.REGISTER_EWARONG, merchant.village_code)
    staff = MerchantStaff.objects.filter(merchant=merchant, user_id=user_id).select_related(
        "user").first()
    if staff is None:
        raise MerchantRefused(_("This account is not staff of this e-warong."), "user")
    with transaction.atomic():
        User.objects.filter(pk=staff.user_id).update(is_active=False)
        record(ctx, "ewarong.merchant.staff_remove", merchant, {
            "staff": [staff.user.username, None]}, region_code=merchant.village_code)


def merchant_of(user) -> Merchant | None:
    """The e-warong a staff account sells for (None for any other account)."""
    staff = MerchantStaff.objects.filter(user_id=getattr(user, "pk", None)).select_related(
        "merchant").first()
    return staff.merchant if staff else None
