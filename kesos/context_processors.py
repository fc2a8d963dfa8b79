"""Template context shared by every page: which main sections the user's role may open, read
from accounts.policy (the one place for permissions) so the navbar needs no role lists."""

from django.http import HttpRequest

from accounts import policy


def nav(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}

    def allows(*actions: str) -> bool:
        return any(policy.role_allows(user, action) for action in actions)

    return {"nav": {
        # The paying channels' and the e-warong's own accounts see no registry.
        "registry": allows(policy.VIEW_REGISTRY),
        "till": allows(policy.SELL),
        "ewarong": allows(policy.VIEW_EWARONG),
        "pkh": allows(policy.PKH_VIEW),
        "complaints": allows(policy.VIEW_COMPLAINTS),
        "data_quality": allows(policy.VIEW_DATA_QUALITY),
        "review": allows(policy.REVIEW_DUPLICATES),
        "ranking": allows(policy.VIEW_PMT_MODELS),
        "sentra": allows(policy.VIEW_SENTRA),
        "lansia": allows(policy.VIEW_LANSIA),
        "atensi": allows(policy.ATENSI_CASEWORK, policy.ATENSI_REPORTS),
        "providers": allows(policy.VIEW_PROVIDERS),
        "programs": allows(policy.VIEW_PROGRAMS),
        "payments": allows(policy.VIEW_PAYMENTS),
        "budgets": allows(policy.VIEW_BUDGET),
        "reports": allows(policy.VIEW_REPORTS),
        "findings": allows(policy.VIEW_FINDINGS),
        # The data-protection officer's dashboard, or the objections a program officer answers.
        "privacy": "privacy:dashboard" if allows(policy.MANAGE_PRIVACY)
        else "privacy:objection_list" if allows(policy.ANSWER_OBJECTIONS) else "",
        "audit_log": allows(policy.VIEW_AUDIT_LOG),
    }}
