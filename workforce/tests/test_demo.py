from datetime import date

from accounts.models import Role, User
from providers.models import Provider
from workforce import demo, selectors, services
from workforce.models import Worker, WorkerKind

TODAY = date(2026, 11, 30)


def test_demo_workforce_with_supervisors_and_accounts(db, make_user):
    existing = make_user(Role.PEKERJA_SOSIAL, "34.03", username="peksos")
    result = demo.seed("34.03", "demo-pass", TODAY)
    assert result["workers"] >= 20 and Provider.objects.exists()
    assert {k for k in Worker.objects.values_list("kind", flat=True)} == set(WorkerKind.values)
    peksos = Worker.objects.filter(kind=WorkerKind.PEKERJA_SOSIAL)
    able = [w for w in peksos if services.can_supervise(w, TODAY)]
    expired = [w for w in peksos if w.certificates.exists() and not services.is_certified(w, TODAY)]
    assert able and expired
    assert selectors.worker_of(existing) in able  # the existing demo account is a supervisor
    assert selectors.provider_of(existing, TODAY).exists()
    account = User.objects.get(username="peksos_lksa")
    assert account.role == Role.PEKERJA_SOSIAL and account.check_password("demo-pass")
    assert "peksos" not in result["accounts"] and "peksos_lksa" in result["accounts"]
    lks = selectors.provider_of(User.objects.get(username="supervisor_lks"), TODAY)
    assert all(selectors.supervisors_for(p, TODAY).exists() for p in lks)
    assert demo.seed("34.03", "demo-pass", TODAY) == {}
