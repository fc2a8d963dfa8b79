"""Demo ATENSI caseload for one kabupaten: a few hundred cases across the stages and clusters,
opened at the demo providers by their pekerja sosial and walked through the services (so every
sign-off, form and audit event is real), some emergencies, conferences, referrals and
terminations. Deterministic for a given seed. Needs the workforce demo (workforce.demo.seed)."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from audit.services import Context
from providers.models import Cluster, Provider, ProviderCluster
from registry.identity import format_nik_for_district
from synth.name_data import GROUPS
from wilayah.models import Level, Region

from . import access, services
from .models import Case, PasGroup
from .stages import config

DEMO_REF = "demo:atensi"
# Given and second names by sex, from synth's Javanese naming tradition (the demo kabupaten).
NAMES = {
    "L": (GROUPS["javanese"]["male"], GROUPS["javanese"]["second_male"]),
    "P": (GROUPS["javanese"]["female"], GROUPS["javanese"]["second_female"]),
}
# Cluster -> a fitting PAS group (seed 000) for the demo.
PAS_OF = {
    Cluster.CHILDREN: PasGroup.VULNERABLE_CHILDREN,
    Cluster.DISABILITY: PasGroup.DIFABEL,
    Cluster.TUNA_SOSIAL: PasGroup.VIOLENCE_VICTIMS,
    Cluster.DRUG_ABUSE: PasGroup.NAPZA_HIV,
    Cluster.ELDERLY: PasGroup.NEGLECTED_ELDERLY,
    Cluster.DISASTER: PasGroup.DISASTER_VICTIMS,
    Cluster.OTHER_PPKS: PasGroup.FAKIR_MISKIN,
}


def _teams() -> list[tuple[Provider, list[User], list[User]]]:
    """(provider, case workers, supervisors) for each provider with staff accounts. A provider
    without its own supervisor is supervised by one of another unit (as an LKS is by a sentra
    or the Dinas Sosial, article 6(4))."""
    users = User.objects.filter(
        role__in=[Role.PEKERJA_SOSIAL, Role.PENDAMPING], worker__isnull=False
    ).order_by("username")
    places = {u: set(access.provider_ids(u)) for u in users}
    everyone = [u for u in users if access.may_supervise(u)]
    teams = []
    for provider in Provider.objects.filter(active=True).order_by("pk"):
        staff = [u for u in users if provider.pk in places[u]]
        own = [u for u in staff if u in everyone]
        workers = [u for u in staff if u not in own] or staff
        supervisors = own if any(s not in workers for s in own) else everyone
        if workers and any(s not in workers or len(workers) > 1 for s in supervisors):
            teams.append((provider, workers, supervisors))
    return teams


def _walk(ctx_worker: Context, ctx_super: Context, case: Case, target: int, rng, sentra) -> Case:
    """Record each stage's forms and have it signed off, until stage number `target` (8:
    terminated)."""
    while case.status == "open" and config().get(case.stage).order < target:
        _fill(ctx_worker, case, rng, sentra)
        services.request_signoff(ctx_worker, case, "")
        if rng.random() < 0.1:
            services.return_work(ctx_super, case, "Lengkapi catatan asesmen")
            services.request_signoff(ctx_worker, case, "Sudah dilengkapi")
        services.approve(ctx_super, case, "")
        case.refresh_from_db()
    return case


def _fill(ctx: Context, case: Case, rng, sentra) -> None:
    stage = case.stage
    today = timezone.localdate()
    if stage == "engagement":
        if case.emergency:
            services.respond_to_emergency(ctx, case, "Evakuasi dan perlindungan sementara")
        services.record_form(ctx, case, "initial_assessment", {"summary": "Asesmen awal"})
        services.record_form(ctx, case, "initial_agreement", {"consent": True, "by": "keluarga"})
    elif stage == "assessment":
        for domain in rng.sample(
            ["medical", "psychosocial", "legal", "family_tracing", "interests", "spiritual"], 3
        ):
            services.score_domain(ctx, case, domain, rng.randint(1, 5), "Temuan asesmen")
    elif stage == "planning":
        resource = sentra or case.provider
        services.record_form(ctx, case, "resource_mapping", {"providers": [resource.pk]})
        services.add_goal(
            ctx,
            case,
            "psychosocial",
            "Keberfungsian sosial pulih",
            service_form="therapy",
            resource=resource,
        )
        services.record_form(ctx, case, "joint_agreement", {"consent": True, "by": "keluarga"})
    elif stage == "implementation":
        basis = rng.choice(case.provider.bases or ["family"])
        services.record_service(ctx, case, "therapy", basis, "Terapi psikososial")
        services.record_service(
            ctx,
            case,
            "social_assistance",
            basis,
            "Bantuan sembako",
            amount_rupiah=rng.choice([150_000, 200_000, 300_000]),
        )
    elif stage == "monitoring":
        for level in ("input", "process", "output", "outcome", "impact"):
            services.add_indicator(
                ctx, case, level, f"Indikator {level}", "1", "1", rng.random() < 0.8
            )
    elif stage == "aftercare":
        services.schedule_follow_up(
            ctx, case, today + timedelta(days=rng.randint(1, 30)), "Kunjungan pascalayanan"
        )
        services.record_termination(
            ctx,
            case,
            rng.choice(["goals_achieved", "goals_achieved", "referred", "client_withdrew"]),
        )


def _birth(rng, cluster: str) -> date:
    """A birth date that fits the cluster: children under 18, elderly 60 and over, the other
    clusters mostly adults of working age."""
    year = timezone.localdate().year
    if cluster == Cluster.CHILDREN:
        born = rng.randint(year - 17, year - 1)
    elif cluster == Cluster.ELDERLY:
        born = rng.randint(year - 90, year - 61)
    else:
        born = rng.randint(year - 59, year - 19)
    return date(born, rng.randint(1, 12), rng.randint(1, 28))


@transaction.atomic
def seed(scope: str, cases: int = 300, seed: int = 1) -> dict[str, int]:
    """Open `cases` demo cases at the providers of `scope`'s demo workforce; returns counts per
    stage ('terminated' for closed ones). Does nothing when the scope has cases already."""
    if Case.objects.filter(region__code__startswith=scope + ".").exists():
        return {}
    teams = _teams()
    villages = list(
        Region.objects.filter(code__startswith=scope + ".", level=Level.VILLAGE).values_list(
            "code", flat=True
        )[:200]
    )
    if not teams or not villages:
        return {}
    rng = random.Random(seed)
    sentra = Provider.objects.filter(kind="sentra").first()
    # Each provider serves the clusters it offers (an LKSA children, a panti werdha elderly).
    offered: dict[int, list[str]] = {}
    for pk, cluster in ProviderCluster.objects.values_list("provider_id", "cluster"):
        offered.setdefault(pk, []).append(cluster)
    counts: dict[str, int] = {}
    for i in range(cases):
        provider, workers, supervisors = teams[i % len(teams)]
        worker = rng.choice(workers)
        others = [s for s in supervisors if s != worker]
        if not others:
            continue
        supervisor = rng.choice(others)
        cluster = rng.choice(offered.get(provider.pk) or list(Cluster))
        born = _birth(rng, cluster)
        sex = rng.choice("LP")
        given, second = NAMES[sex]
        village = rng.choice(villages)
        with_nik = rng.random() < 0.6
        person = services.Person(
            name=f"{rng.choice(given)} {rng.choice(second)}",
            sex=sex,
            region_code=village,
            birth_date=born,
            nik=format_nik_for_district(village[:8], born, sex, 7000 + i) if with_nik else "",
            kk_number=f"{village[:8].replace('.', '')}{rng.randint(10**9, 10**10 - 1)}"[:16]
            if with_nik
            else "",
            marital_status=1 if born.year > timezone.localdate().year - 20 else 2,
            address=f"Dusun {rng.randint(1, 9)} RT 0{rng.randint(1, 9)}",
        )
        ctx = Context(worker, source_ref=DEMO_REF)
        intake = services.receive_intake(
            ctx,
            provider,
            rng.choice(["referral", "complaint", "outreach"]),
            person,
            "Kasus demo",
            emergency=rng.random() < 0.08,
            referrer="Pendamping desa",
        )
        extra = [Cluster.DISABILITY] if cluster == Cluster.ELDERLY and rng.random() < 0.3 else []
        case = services.open_case(
            ctx, intake, worker, supervisor, PAS_OF[cluster], [cluster, *extra], person=person
        )
        if rng.random() < 0.15:
            services.record_conference(
                ctx,
                case,
                rng.choice(["case", "family"]),
                timezone.localdate(),
                [{"name": "Psikolog", "role": "psikolog"}, {"name": "Keluarga", "role": "wali"}],
                "Temuan konferensi",
                "Keputusan konferensi",
                duration_days=rng.choice([30, 90]),
            )
        target = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 5, 5, 6, 7, 8, 8])
        case = _walk(ctx, Context(supervisor, source_ref=DEMO_REF), case, target, rng, sentra)
        key = case.stage if case.status == "open" else "terminated"
        counts[key] = counts.get(key, 0) + 1
        # A living caseload: some stages late, some due soon.
        if case.status == "open":
            shift = rng.randint(-10, 20)
            Case.objects.filter(pk=case.pk).update(
                stage_due=timezone.localdate() + timedelta(days=shift)
            )
    return counts
