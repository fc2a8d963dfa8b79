"""Provider directory pages: the scoped search, one provider's page, and the provider form for
the roles that manage the directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import policy
from audit.services import Context

from . import selectors, services
from .forms import DirectoryFilterForm, ProviderForm
from .models import Provider

PAGE_SIZE = 50


def _ctx(request: HttpRequest) -> Context:
    return Context(actor=request.user, source_ref=request.path[:100])


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    if not policy.role_allows(request.user, policy.VIEW_PROVIDERS):
        raise PermissionDenied(policy.VIEW_PROVIDERS)
    form = DirectoryFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    providers = selectors.directory(
        request.user,
        region=filters.get("region", ""),
        kind=filters.get("kind", ""),
        cluster=filters.get("cluster", ""),
        service=filters.get("service", ""),
        base=filters.get("base", ""),
        text=filters.get("q", ""),
    ).prefetch_related("services", "clusters")
    if form.is_bound and not form.is_valid():
        providers = providers.none()
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(p, selectors.accreditation_state(p, today)) for p in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "providers/directory.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_manage": policy.role_allows(request.user, policy.MANAGE_PROVIDERS),
            "expiring": [
                (p, selectors.accreditation_state(p, today))
                for p in selectors.expiring_accreditations(request.user, today)[:10]
            ],
        },
    )


@login_required
@require_GET
def detail(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = selectors.provider_for(request.user, provider_id)
    return render(
        request,
        "providers/detail.html",
        {
            "provider": provider,
            "accreditation": selectors.accreditation_state(provider),
            "supervised": selectors.visible_providers(request.user).filter(supervisor=provider),
            "can_edit": _may_edit(request.user, provider),
        },
    )


def _may_edit(user, provider: Provider) -> bool:
    if provider.is_national:
        return policy.can(user, policy.MANAGE_PROVIDERS) and not policy.scope_prefix(user)
    return policy.can(user, policy.MANAGE_PROVIDERS, provider.region_id)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, provider_id: int | None = None) -> HttpResponse:
    provider = selectors.provider_for(request.user, provider_id) if provider_id else Provider()
    if provider_id and not _may_edit(request.user, provider):
        raise PermissionDenied(policy.MANAGE_PROVIDERS)
    policy.require(request.user, policy.MANAGE_PROVIDERS)
    form = ProviderForm(request.POST or None, instance=provider, user=request.user)
    if request.method == "POST" and form.is_valid():
        provider = form.save(commit=False)
        provider.region_id = form.cleaned_data["region"]
        try:
            services.save_provider(
                _ctx(request),
                provider,
                services=form.cleaned_data["services"],
                clusters=form.cleaned_data["clusters"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The provider was saved."))
            return redirect("providers_detail", provider.pk)
    return render(request, "providers/form.html", {"form": form, "provider": provider})
