"""Reads over the provider directory: the scoped search used by the directory page, resource
mapping (article 23) and referrals, and the accreditation state shown beside each LKS."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import policy
from accounts.models import User
from wilayah.selectors import within_scope

from .models import NATIONAL_KINDS, SUPERVISING_KINDS, Kind, Provider, ServiceBase

# An accreditation that ends within this many days is flagged for renewal.
EXPIRY_WARNING_DAYS = 90

_BASE_FIELDS = {
    ServiceBase.FAMILY: "family_based",
    ServiceBase.COMMUNITY: "community_based",
    ServiceBase.RESIDENTIAL: "residential",
}


def visible_providers(user: User, everywhere: bool = False) -> QuerySet[Provider]:
    """Providers `user` may see: those in their region scope plus every national unit (the
    ministry's sentra/balai/loka serve the whole country). `everywhere` drops the region scope
    (referral to a provider elsewhere); the role check stays."""
    if not policy.role_allows(user, policy.VIEW_PROVIDERS):
        return Provider.objects.none()
    qs = Provider.objects.select_related("region", "supervisor")
    if everywhere:
        return qs
    prefix = policy.scope_prefix(user) or ""
    if not prefix:  # within_scope('') is an empty Q, which would vanish in the OR below
        return qs
    return qs.filter(within_scope(prefix, "region__code") | Q(kind__in=NATIONAL_KINDS))


def directory(
    user: User,
    *,
    region: str = "",
    cluster: str = "",
    service: str = "",
    base: str = "",
    kind: str = "",
    text: str = "",
    include_inactive: bool = False,
    everywhere: bool = False,
) -> QuerySet[Provider]:
    """The provider directory seen by `user`, filtered. `region` is a region-code prefix (the
    provider's location), `cluster` a `Cluster`, `service` a `ServiceForm`, `base` a
    `ServiceBase`, `kind` a `Kind`; empty means no filter. Unknown codes match nothing."""
    qs = visible_providers(user, everywhere=everywhere)
    if not include_inactive:
        qs = qs.filter(active=True)
    if region:
        qs = qs.filter(within_scope(region, "region__code"))
    if kind:
        qs = qs.filter(kind=kind)
    if base:
        field = _BASE_FIELDS.get(base)
        qs = qs.filter(**{field: True}) if field else qs.none()
    if cluster:
        qs = qs.filter(clusters__cluster=cluster)
    if service:
        qs = qs.filter(services__form=service)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(address__icontains=text))
    return qs.distinct().order_by("name")


def provider_for(user: User, provider_id: int) -> Provider:
    """One provider `user` may see (404 otherwise)."""
    return get_object_or_404(visible_providers(user), pk=provider_id)


def supervising_units() -> QuerySet[Provider]:
    """Units that may be named as an LKS/UPTD supervisor (national units and Dinas Sosial)."""
    return Provider.objects.filter(kind__in=SUPERVISING_KINDS, active=True).order_by("name")


@dataclass(frozen=True)
class AccreditationState:
    code: str  # 'valid', 'expiring', 'expired', 'not_yet', 'none'
    days_left: int | None = None


def accreditation_state(provider: Provider, on_date: date | None = None) -> AccreditationState:
    """Where the provider's accreditation stands on `on_date` (today by default)."""
    on_date = on_date or timezone.localdate()
    if not provider.accreditation_grade or not provider.accreditation_valid_until:
        return AccreditationState("none")
    if provider.accredited_on and on_date < provider.accredited_on:
        return AccreditationState("not_yet")
    days_left = (provider.accreditation_valid_until - on_date).days
    if days_left < 0:
        return AccreditationState("expired", days_left)
    if days_left <= EXPIRY_WARNING_DAYS:
        return AccreditationState("expiring", days_left)
    return AccreditationState("valid", days_left)


def accredited(qs: QuerySet[Provider], on_date: date | None = None) -> QuerySet[Provider]:
    """The LKS in `qs` whose accreditation covers `on_date`."""
    on_date = on_date or timezone.localdate()
    return qs.filter(
        kind=Kind.LKS,
        accredited_on__lte=on_date,
        accreditation_valid_until__gte=on_date,
    ).exclude(accreditation_grade="")


def expiring_accreditations(
    user: User, on_date: date | None = None, days: int = EXPIRY_WARNING_DAYS
) -> QuerySet[Provider]:
    """Active LKS in scope whose accreditation has ended or ends within `days`."""
    on_date = on_date or timezone.localdate()
    return (
        visible_providers(user)
        .filter(kind=Kind.LKS, active=True)
        .exclude(accreditation_grade="")
        .filter(accreditation_valid_until__lte=on_date + timedelta(days=days))
        .order_by("accreditation_valid_until")
    )
