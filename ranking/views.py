"""Welfare-ranking pages: the stored PMT models with their fit metrics, and the households per
desil in the user's region. National roles only (accounts.policy.VIEW_PMT_MODELS)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import policy

from . import labels, pmt, selectors


@login_required
@require_GET
def model_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.VIEW_PMT_MODELS)
    counts = selectors.desil_counts(policy.scope_prefix(request.user) or "")
    total = sum(counts.values())
    return render(request, "ranking/model_list.html", {
        "models": selectors.models_for(request.user)[:100],
        "desils": [(d, n, 100 * n / total if total else 0) for d, n in counts.items()],
        "scored": total,
    })


@login_required
@require_GET
def model_detail(request: HttpRequest, model_id: int) -> HttpResponse:
    policy.require(request.user, policy.VIEW_PMT_MODELS)
    model = selectors.models_for(request.user).filter(pk=model_id).first()
    if model is None:
        raise Http404
    document = model.document
    national = next(v for v in document["variants"] if v["key"] == pmt.NATIONAL)
    return render(request, "ranking/model_detail.html", {
        "model": model,
        "national": national,
        "weights": [(labels.feature_label(key, document["variables"]), key, weight)
                    for key, weight in sorted(national["weights"].items())],
        "variants": [v for v in document["variants"] if v["key"] != pmt.NATIONAL],
        "test": model.metrics.get("test_metrics", {}),
    })
