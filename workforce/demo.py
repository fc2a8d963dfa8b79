"""Demo workforce for one kabupaten: pekerja sosial (certified, some with supervision competency,
one whose certificate expired, one not yet certified), TKS, relawan, penyuluh and the other
professionals, assigned to the demo providers; a few pekerja sosial get demo accounts (role
PEKERJA_SOSIAL), the existing 'peksos' account among them."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from audit.models import Source
from audit.services import Context, record_bulk
from providers import demo as providers_demo
from providers.models import Kind, Provider
from registry.identity import format_nik_for_district
from wilayah.models import Level, Region
from wilayah.selectors import within_scope

from .models import Assignment, Certificate, Worker, WorkerKind

DEMO_REF = "demo:workforce"
K = WorkerKind
# (name, sex, kind, provider key, certificate: None | (supervision, state), username)
# provider keys: uptd_kab, uptd_prov, lksa, lansia, napza, disabilitas, perempuan, posyandu,
# dinas (the Dinas Sosial of the kabupaten), sentra (Sentra Antasena).
# certificate state: 'valid', 'expired'.
PEOPLE = [
    ("Sri Wahyuni, S.Tr.Sos.", "P", K.PEKERJA_SOSIAL, "uptd_kab", (True, "valid"), "peksos"),
    ("Bambang Sutrisno, S.Sos.", "L", K.PEKERJA_SOSIAL, "lksa", (True, "valid"), "supervisor_lks"),
    ("Dwi Astuti, S.Tr.Sos.", "P", K.PEKERJA_SOSIAL, "lksa", (False, "valid"), "peksos_lksa"),
    ("Agus Prasetyo, S.Sos.", "L", K.PEKERJA_SOSIAL, "napza", (False, "valid"), "peksos_napza"),
    ("Rina Kurniasih, S.Tr.Sos.", "P", K.PEKERJA_SOSIAL, "uptd_prov", (True, "expired"),
     "peksos_uptd"),
    ("Heru Santoso, S.Sos.", "L", K.PEKERJA_SOSIAL, "dinas", (True, "valid"), ""),
    ("Endang Lestari, S.Tr.Sos.", "P", K.PEKERJA_SOSIAL, "lansia", (False, "valid"), ""),
    ("Yulianto, S.Sos.", "L", K.PEKERJA_SOSIAL, "disabilitas", (False, "expired"), ""),
    ("Nur Hidayati, S.Tr.Sos.", "P", K.PEKERJA_SOSIAL, "perempuan", None, ""),
    ("Sugiyanto", "L", K.TKS, "dinas", None, ""),
    ("Tri Handayani", "P", K.TKS, "uptd_kab", None, ""),
    ("Wahyu Nugroho", "L", K.TKS, "posyandu", None, ""),
    ("Suparmi", "P", K.TKS, "lansia", None, ""),
    ("Joko Susilo", "L", K.RELAWAN_SOSIAL, "perempuan", None, ""),
    ("Sumarni", "P", K.RELAWAN_SOSIAL, "posyandu", None, ""),
    ("Ahmad Fauzi", "L", K.RELAWAN_SOSIAL, "napza", None, ""),
    ("Sri Mulyani", "P", K.PENYULUH_SOSIAL, "dinas", None, ""),
    ("Budi Raharjo", "L", K.PENYULUH_SOSIAL, "dinas", None, ""),
    ("dr. Retno Wulandari", "P", K.DOCTOR, "uptd_prov", None, ""),
    ("dr. Hendra Wijaya, Sp.KJ", "L", K.PSYCHIATRIST, "sentra", None, ""),
    ("Dewi Sartika, M.Psi., Psikolog", "P", K.PSYCHOLOGIST, "uptd_kab", None, ""),
    ("Andi Setiawan, A.Md.Ft.", "L", K.THERAPIST, "disabilitas", None, ""),
    ("Siti Aminah, A.Md.Kep.", "P", K.NURSE, "lansia", None, ""),
    ("Kusnadi", "L", K.INSTRUCTOR, "uptd_prov", None, ""),
    ("Lestari Widodo", "P", K.INSTRUCTOR, "disabilitas", None, ""),
    ("Eko Purnomo, S.H.", "L", K.OTHER_PROFESSIONAL, "perempuan", None, ""),
]  # fmt: skip
ROLES = {
    K.PEKERJA_SOSIAL: "Pekerja sosial / manajer kasus",
    K.TKS: "Tenaga kesejahteraan sosial",
    K.RELAWAN_SOSIAL: "Relawan",
    K.PENYULUH_SOSIAL: "Penyuluh",
}
_PROVIDER_KEYS = {
    "uptd_kab": "UPTD Rumah Perlindungan",
    "uptd_prov": "Balai Rehabilitasi Sosial Bina Karya",
    "lksa": "LKSA Panti Asuhan",
    "lansia": "LKS Lanjut Usia",
    "napza": "Yayasan Rehabilitasi NAPZA",
    "disabilitas": "LKS Disabilitas",
    "perempuan": "LKS Perempuan dan Anak",
    "posyandu": "Posyandu Lansia",
    "sentra": "Sentra Antasena",
}


def _providers(scope: str) -> dict[str, Provider]:
    in_scope = Provider.objects.filter(within_scope(scope, "region__code"))
    found = {
        key: in_scope.filter(name__startswith=prefix).first()
        or Provider.objects.filter(name__startswith=prefix).first()
        for key, prefix in _PROVIDER_KEYS.items()
    }
    found["dinas"] = in_scope.filter(kind=Kind.DINAS_KABUPATEN).first()
    return {k: v for k, v in found.items() if v is not None}


def _account(username: str, scope: str, password: str) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    if user:
        return user, False
    user = User.objects.create_user(
        username=username, password=password, role=Role.PEKERJA_SOSIAL, region_id=scope
    )
    return user, True


@transaction.atomic
def seed(scope: str, password: str, today: date | None = None) -> dict[str, int | list[str]]:
    """Create the demo workforce of kabupaten `scope` (seeding the demo providers first if
    needed; idempotent: nothing happens when the scope already has workers). Returns counts and
    the usernames of the accounts created (password `password`)."""
    today = today or timezone.localdate()
    providers_demo.seed(scope, today)
    if Worker.objects.filter(within_scope(scope, "region__code")).exists():
        return {}
    providers = _providers(scope)
    districts = list(
        Region.objects.filter(parent_id=scope, level=Level.DISTRICT).order_by("code")
    ) or [Region.objects.get(code=scope)]
    workers, certificates, assignments, accounts = [], [], [], []
    for i, (name, sex, kind, key, cert, username) in enumerate(PEOPLE, start=1):
        district = districts[i % len(districts)].code
        birth = date(1975 + i % 20, 1 + i % 12, 1 + (i * 3) % 28)
        nik = ""
        if len(district.split(".")) == 3:
            nik = format_nik_for_district(district, birth, sex, 9000 + i)
        user = None
        if username:
            user, created = _account(username, scope, password)
            if Worker.objects.filter(user=user).exists():
                user = None
            elif created:
                accounts.append(username)
        worker = Worker.objects.create(
            name=name, nik=nik, kind=kind, region_id=scope, user=user,
            phone=f"08122{i:06d}",
        )  # fmt: skip
        workers.append(worker)
        if cert:
            supervision, state = cert
            issued = today - timedelta(days=(1900 if state == "expired" else 400 + 30 * i))
            certificates.append(
                Certificate(
                    worker=worker,
                    number=f"LSPS-{scope.replace('.', '')}-{today.year - 3}-{i:04d}",
                    issued_on=issued,
                    valid_until=issued + timedelta(days=5 * 365),
                    supervision=supervision,
                    issuer="Lembaga Sertifikasi Pekerjaan Sosial",
                )
            )
        provider = providers.get(key)
        start = today - timedelta(days=200 + 20 * i)
        assignments.append(
            Assignment(
                worker=worker,
                provider=provider,
                region_id=None if provider else scope,
                role=ROLES.get(kind, worker.get_kind_display()),
                start_date=start,
            )
        )
        if username == "supervisor_lks" and providers.get("lansia"):
            # A supervisor may serve several LKS.
            assignments.append(
                Assignment(worker=worker, provider=providers["lansia"], role="Supervisor",
                           start_date=start)
            )  # fmt: skip
    Certificate.objects.bulk_create(certificates)
    Assignment.objects.bulk_create(assignments)
    ctx = Context(source=Source.SYSTEM, source_ref=DEMO_REF)
    record_bulk(
        ctx,
        "workforce.worker.create",
        "workforce.worker",
        [(str(w.pk), w.region_id, {"kind": [None, w.kind]}) for w in workers],
    )
    return {
        "workers": len(workers),
        "certificates": len(certificates),
        "assignments": len(assignments),
        "accounts": accounts,
    }
