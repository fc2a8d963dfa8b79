"""Providers in Bogor (32.01) and Gunungkidul (34.03), and a national sentra."""

from datetime import date

import pytest

from providers.models import Kind, Provider, ProviderCluster, ProviderService

TODAY = date(2026, 11, 30)


@pytest.fixture
def make_provider(db):
    def make(
        name: str = "LKS Harapan",
        kind: str = Kind.LKS,
        region: str = "32.01.01",
        clusters: tuple[str, ...] = (),
        services: tuple[str, ...] = (),
        **fields,
    ) -> Provider:
        provider = Provider.objects.create(name=name, kind=kind, region_id=region, **fields)
        ProviderCluster.objects.bulk_create(
            [ProviderCluster(provider=provider, cluster=c) for c in clusters]
        )
        ProviderService.objects.bulk_create(
            [ProviderService(provider=provider, form=f) for f in services]
        )
        return provider

    return make
