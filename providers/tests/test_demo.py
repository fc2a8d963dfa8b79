from datetime import date

from accounts.models import Role
from providers import demo, selectors
from providers.models import Kind, Provider

TODAY = date(2026, 11, 30)


def test_demo_seeds_national_units_uptd_and_lks_with_one_expired_accreditation(db, make_user):
    counts = demo.seed("34.03", TODAY)
    assert counts[Kind.SENTRA] >= 3 and counts[Kind.LKS] >= 4 and counts[Kind.UPTD_PROVINSI] == 1
    states = [
        selectors.accreditation_state(p, TODAY).code for p in Provider.objects.filter(kind=Kind.LKS)
    ]
    assert "expired" in states and "expiring" in states and "valid" in states
    user = make_user(Role.OPERATOR_KABUPATEN, "34.03")
    assert selectors.directory(user).filter(kind=Kind.SENTRA).count() == counts[Kind.SENTRA]
    assert demo.seed("34.03", TODAY) == {}  # run again: nothing new
