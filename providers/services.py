"""Changes to the provider directory: registering and editing a provider with the services and
clusters it offers; each change is an audit event in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import policy
from audit.services import Context, diff, record

from .models import (
    NATIONAL_KINDS,
    Provider,
    ProviderCluster,
    ProviderService,
)

PROVIDER_FIELDS = (
    "name", "kind", "region", "address", "phone", "email", "family_based", "community_based",
    "residential", "capacity", "legal_entity", "legal_number", "legal_date",
    "registration_number", "registration_date", "accreditation_grade", "accreditation_number",
    "accredited_on", "accreditation_valid_until", "supervisor", "active",
)  # fmt: skip


def _values(provider: Provider) -> dict:
    if not provider.pk:
        return {}
    values = {
        f: getattr(provider, f"{f}_id" if f in ("region", "supervisor") else f)
        for f in PROVIDER_FIELDS
    }
    values["services"] = sorted(provider.services.values_list("form", flat=True))
    values["clusters"] = sorted(provider.clusters.values_list("cluster", flat=True))
    return values


def _require(ctx: Context, provider: Provider) -> None:
    policy.require(ctx.actor, policy.MANAGE_PROVIDERS)
    # National units are the ministry's: only national roles manage them.
    if provider.kind in NATIONAL_KINDS and policy.scope_prefix(ctx.actor):
        raise ValidationError({"kind": _("Only the ministry registers its national units.")})
    if not policy.can(ctx.actor, policy.MANAGE_PROVIDERS, provider.region_id):
        raise ValidationError({"region": _("This region lies outside your working area.")})


def _set_offer(provider: Provider, services: list[str], clusters: list[str]) -> None:
    provider.services.exclude(form__in=services).delete()
    provider.clusters.exclude(cluster__in=clusters).delete()
    have = set(provider.services.values_list("form", flat=True))
    ProviderService.objects.bulk_create(
        [ProviderService(provider=provider, form=f) for f in services if f not in have]
    )
    have = set(provider.clusters.values_list("cluster", flat=True))
    ProviderCluster.objects.bulk_create(
        [ProviderCluster(provider=provider, cluster=c) for c in clusters if c not in have]
    )


@transaction.atomic
def save_provider(
    ctx: Context,
    provider: Provider,
    services: list[str] | None = None,
    clusters: list[str] | None = None,
) -> Provider:
    """Store a new or edited provider (its fields already set) with the article 11 services it
    offers and the article 3 clusters it serves."""
    # A form has already set the new values on `provider`: the stored row is the "before".
    before = _values(Provider.objects.get(pk=provider.pk)) if provider.pk else {}
    # An edit may not reach a provider outside the actor's region (national ones: see _require).
    outside = before and not policy.can(ctx.actor, policy.MANAGE_PROVIDERS, before["region"])
    if outside and before["kind"] not in NATIONAL_KINDS:
        raise PermissionDenied(policy.MANAGE_PROVIDERS)
    _require(ctx, provider)
    provider.full_clean()
    created = provider.pk is None
    provider.save()
    if services is None:
        services = list(provider.services.values_list("form", flat=True))
    if clusters is None:
        clusters = list(provider.clusters.values_list("cluster", flat=True))
    _set_offer(provider, services, clusters)
    action = "providers.provider." + ("create" if created else "update")
    record(ctx, action, provider, diff(before, _values(provider)), provider.region_id)
    return provider
