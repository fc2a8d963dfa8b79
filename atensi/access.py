"""Who may open which ATENSI case file, and which parts of it (the one place for case files;
the role table is accounts.policy).

- Case work (ATENSI_CASEWORK): the case worker, and the staff of the case's provider (through
  their running workforce assignments), see the whole file and may record in it.
- Supervision (ATENSI_SUPERVISE): the case's supervisor sees the whole file. Any pekerja sosial
  with valid supervision competency may open a case outside their scope, but only with a
  stated reason; the read is logged with it and shown to the case worker.
- Referral: staff of a provider the case is referred to see only the sections the referral
  shares; who reported the case and the supervision log are never shared.
Every opening of a case file is an audit event (UU 27/2022).
"""

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import policy
from accounts.models import User
from audit import services as audit
from audit.models import Event
from workforce import selectors as staff
from workforce.services import can_supervise, valid_certificate

from .models import Case, Referral, Section

FULL = frozenset(Section.values)
# Protects the complainant and the supervisor's judgement: never leaves the owning provider.
NEVER_SHARED = frozenset({Section.INTAKE, Section.SUPERVISION})
SHAREABLE = [s for s in Section if s not in NEVER_SHARED]
# What a referral shares unless the referrer chooses otherwise: enough to serve the client.
REFERRAL_DEFAULT = (Section.IDENTITY, Section.ASSESSMENT, Section.PLAN)
READ_OUTSIDE_SCOPE = "atensi.read_outside_scope"


@dataclass(frozen=True)
class CaseFile:
    """A case as one user may see it: the sections shown and on what basis."""

    case: Case
    sections: frozenset[str]
    basis: str  # 'owner' (worker or provider staff), 'supervisor', 'referral', 'outside_scope'
    reason: str = ""

    def shows(self, section: str) -> bool:
        return section in self.sections

    @property
    def may_work(self) -> bool:
        return self.basis in ("owner", "supervisor")


def provider_ids(user: User) -> list[int]:
    return list(staff.provider_of(user).values_list("pk", flat=True))


def _may_use(user: User) -> bool:
    return policy.role_allows(user, policy.ATENSI_CASEWORK) or policy.role_allows(
        user, policy.ATENSI_SUPERVISE
    )


def _owned(user: User, providers: list[int]) -> Q:
    return Q(worker=user) | Q(supervisor=user) | Q(provider__in=providers)


def _referred(providers: list[int]) -> Q:
    live = Referral.objects.filter(to_provider__in=providers, ended_at__isnull=True)
    return Q(pk__in=live.values("case_id"))


def owned_cases(user: User) -> QuerySet[Case]:
    """Cases whose whole file `user` sees: their own, their provider's, those they supervise."""
    if not _may_use(user):
        return Case.objects.none()
    return Case.objects.filter(_owned(user, provider_ids(user)))


def visible_cases(user: User) -> QuerySet[Case]:
    """Every case `user` may open in some form, whole or the parts referred (for lists)."""
    if not _may_use(user):
        return Case.objects.none()
    providers = provider_ids(user)
    if not policy.role_allows(user, policy.ATENSI_CASEWORK):
        return Case.objects.filter(_owned(user, providers))
    return Case.objects.filter(_owned(user, providers) | _referred(providers))


def may_receive(user: User, referral: Referral) -> bool:
    """May `user` act for the provider `referral` sends the case to (accept, decline, record
    the services it delivers)?"""
    return policy.role_allows(user, policy.ATENSI_CASEWORK) and referral.to_provider_id in (
        provider_ids(user)
    )


def referrals_in(user: User) -> QuerySet[Referral]:
    """Live referrals to the providers `user` works at, waiting ones first."""
    if not policy.role_allows(user, policy.ATENSI_CASEWORK):
        return Referral.objects.none()
    return (
        Referral.objects.filter(to_provider__in=provider_ids(user), ended_at__isnull=True)
        .select_related("case", "case__client", "case__provider", "to_provider")
        .order_by("accepted_at", "-referred_at")
    )


def may_supervise(user: User, on: date | None = None) -> bool:
    """A pekerja sosial account with supervision competency valid on `on` (article 19(3))."""
    if not policy.role_allows(user, policy.ATENSI_SUPERVISE):
        return False
    worker = staff.worker_of(user)
    return worker is not None and can_supervise(worker, on or timezone.localdate())


def supervisors_for_intake(user: User, on: date | None = None) -> QuerySet[User]:
    """The accounts that may supervise a case opened at the providers where `user` takes
    intakes: pekerja sosial assigned there on `on` (today) holding a valid supervision
    certificate (article 19(3)); an expired certificate supervises nobody."""
    on = on or timezone.localdate()
    workers = [staff.supervisors_for(p, on) for p in providers_for_intake(user)]
    ids = {w.user_id for found in workers for w in found if w.user_id}
    roles = policy.PERMISSIONS[policy.ATENSI_SUPERVISE]
    return User.objects.filter(pk__in=ids, is_active=True, role__in=roles).order_by("username")


def supervision_certificate(user: User, on: date | None = None) -> str:
    worker = staff.worker_of(user)
    cert = worker and valid_certificate(worker, on or timezone.localdate(), supervision=True)
    return cert.number if cert else ""


def shared_sections(user: User, case: Case) -> frozenset[str]:
    referrals = Referral.objects.filter(
        case=case, to_provider__in=provider_ids(user), ended_at__isnull=True
    )
    found: set[str] = set()
    for sections in referrals.values_list("sections", flat=True):
        found |= set(sections)
    return frozenset(found - NEVER_SHARED)


def case_file(user: User, case: Case) -> CaseFile | None:
    """How `user` may see `case` within their scope, or None (no read is logged here)."""
    if owned_cases(user).filter(pk=case.pk).exists():
        basis = "owner" if case.supervisor_id != user.pk else "supervisor"
        return CaseFile(case, FULL, basis)
    if policy.role_allows(user, policy.ATENSI_CASEWORK):
        sections = shared_sections(user, case)
        if sections:
            return CaseFile(case, sections, "referral")
    return None


def open_case(
    ctx: audit.Context, case_id: int, outside_scope_reason: str = "", granted: bool = False
) -> CaseFile:
    """Open a case file for `ctx.actor` and log the read. Outside their scope, a supervisor
    opens it only with `outside_scope_reason` (logged as READ_OUTSIDE_SCOPE, shown to the
    case worker); anyone else gets Http404, so the case's existence is not revealed.
    `granted`: the reason was logged already in this session, so later reads are plain reads
    carrying it (the case worker sees each opening once)."""
    user = ctx.actor
    case = Case.objects.select_related("client", "provider", "region").filter(pk=case_id).first()
    if case is None or not (_may_use(user)):
        raise Http404
    found = case_file(user, case)
    if found is not None:
        audit.record_read(ctx, case, region_code=case.region_id)
        return found
    reason = outside_scope_reason.strip()
    if not reason or not may_supervise(user):
        raise Http404
    if granted:
        audit.record_read(replace(ctx, reason=reason), case, region_code=case.region_id)
    else:
        audit.record(
            replace(ctx, reason=reason), READ_OUTSIDE_SCOPE, case, region_code=case.region_id
        )
    return CaseFile(case, FULL, "outside_scope", reason)


def outside_scope_reads(case: Case) -> QuerySet[Event]:
    """Reads of the case by supervisors outside its scope, with their reasons (shown to the
    case worker on the case page)."""
    return audit.history(case).filter(action=READ_OUTSIDE_SCOPE)


def may_ask_outside_scope(user: User, case_id: int) -> bool:
    """Should `user`, refused a case, be offered to open it with a reason? Only a supervisor
    with valid competency (who may open any case so), and only for a case that exists."""
    return may_supervise(user) and Case.objects.filter(pk=case_id).exists()


def may_record(user: User, case: Case) -> bool:
    """May `user` record in the case file (forms, services, conferences, referrals)?"""
    return (
        policy.role_allows(user, policy.ATENSI_CASEWORK)
        or policy.role_allows(user, policy.ATENSI_SUPERVISE)
    ) and owned_cases(user).filter(pk=case.pk).exists()


def may_take_intake(user: User) -> bool:
    """May `user` receive an intake (offered the "new intake" link and page)?"""
    return providers_for_intake(user).exists()


def providers_for_intake(user: User):
    """The providers at which `user` may receive an intake (where they work)."""
    if not policy.role_allows(user, policy.ATENSI_CASEWORK):
        return staff.provider_of(user).none()
    return staff.provider_of(user)
