"""`kesos demo`: make the local demo ready: regions, a synthetic registry for one kabupaten and one
account per role. Run again, it keeps what exists and only prints the accounts."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Role, User
from atensi import demo as atensi_demo
from atensi.models import Case
from budgets import demo as budgets_demo
from civil.services import extract_path, import_extract
from ewarong import demo as ewarong_demo
from lansia import demo as lansia_demo
from linkage.models import PipelineRun
from linkage.pipeline import run_pipeline
from payments import demo as payments_demo
from programs import demo as programs_demo
from registration.demo import seed_registration_demo
from registration.models import Proposal
from registry.models import Household
from reports import summaries
from reports.models import SummaryRefresh
from synth.generate import generate
from synth.load import load_registry
from wilayah.models import Level, Region
from wilayah.services import load_regions
from workforce import demo as workforce_demo

DEMO_PASSWORD = "kesos-demo-2026"
REGISTRY_SHARE = 0.4


def demo_accounts(scope: str) -> list[tuple[str, str, str]]:
    """(username, role, region code) for each role, placed inside the demo kabupaten."""
    village = Region.objects.filter(code__startswith=scope + ".", level=Level.VILLAGE).first()
    province = scope.split(".")[0]
    return [
        ("desa", Role.OPERATOR_DESA, village.code),
        ("dinsos", Role.OPERATOR_KABUPATEN, scope),
        ("verifikator", Role.VERIFIER_KABUPATEN, scope),
        ("provinsi", Role.DINSOS_PROVINSI, province),
        ("pusat", Role.PUSAT, ""),
        ("program", Role.PROGRAM_MANAGER, ""),
        ("peksos", Role.PEKERJA_SOSIAL, scope),
        ("pendamping", Role.PENDAMPING, scope),
        ("auditor", Role.AUDITOR, ""),
        ("dpo", Role.DPO, ""),
        ("keuangan", Role.KEUANGAN, ""),
        ("kepala", Role.KEPALA_DINAS, scope),
        ("kader", Role.KADER_POSYANDU, village.code),
        ("admin", Role.ADMINISTRATOR, ""),
    ]


class Command(BaseCommand):
    help = "Prepare the demo: regions, a synthetic registry for one kabupaten, demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scope", default="34.03", help="kabupaten/kota code (default Gunungkidul)"
        )
        parser.add_argument(
            "--households", type=int, default=20000, help="households in the registry"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--cases", type=int, default=300, help="ATENSI cases")

    def handle(self, *args, scope, households, seed, cases, **options):
        started = time.perf_counter()
        if not Region.objects.exists():
            self.stdout.write(f"wilayah: {load_regions()} regions loaded")
        out_dir = settings.KESOS_SYNTH_DIR / f"demo-{scope}-seed{seed}"
        if not Household.objects.exists():
            # The registry holds the poorer ~40% of the generated population (DTKS).
            population = round(households / REGISTRY_SHARE)
            generate(
                scope=scope,
                households=population,
                seed=seed,
                out_dir=out_dir,
                registry_share=REGISTRY_SHARE,
            )
            result = load_registry(out_dir)
            self.stdout.write(f"registry: synthetic population loaded ({result})")
        self._accounts(scope)
        seeded = workforce_demo.seed(scope, DEMO_PASSWORD)
        self.stdout.write(f"providers/workforce: {seeded or 'already there'}")
        if not Proposal.objects.exists():
            counts = seed_registration_demo(scope, seed)
            summary = ", ".join(f"{status} {n}" for status, n in counts.items())
            self.stdout.write(f"registration: DTKS update flow seeded ({summary})")
        # After the registration demo, which only seeds while no proposal exists (ATENSI
        # cases propose their clients who are not in DTKS).
        if not Case.objects.exists():
            atensi_demo.seed(scope, cases=cases, seed=seed)
            self.stdout.write(f"atensi: {Case.objects.count()} cases seeded")
        if not PipelineRun.objects.exists() and (out_dir / "dukcapil.parquet").exists():
            self._data_quality(out_dir)
        # After the pipeline, whose padan status and desil the programs' rules read.
        if not programs_demo.seeded() and (out_dir / "dukcapil.parquet").exists():
            for code, text in programs_demo.seed(out_dir).items():
                self.stdout.write(f"programs: {code} {text}")
        # After the programs demo, whose frozen Sembako list the cycle pays.
        if not payments_demo.seeded():
            summary = payments_demo.seed(User.objects.get(username="program"),
                                         User.objects.get(username="keuangan"))
            self.stdout.write(f"payments: {summary}")
        if not budgets_demo.seeded():
            summary = budgets_demo.seed(User.objects.get(username="keuangan"))
            self.stdout.write(f"budgets: {summary}")
        if not ewarong_demo.seeded():
            summary = ewarong_demo.seed(User.objects.get(username="program"),
                                        User.objects.get(username="dinsos"), DEMO_PASSWORD)
            self.stdout.write(f"ewarong: {summary}")
        if not lansia_demo.seeded():
            self.stdout.write(f"lansia: {lansia_demo.seed(scope)}")
        # Last: the dashboards, monthly reports and open data read the summary tables.
        if not SummaryRefresh.objects.exists():
            done = summaries.refresh(SummaryRefresh.Reason.MANUAL)
            self.stdout.write(f"reports: summary tables refreshed ({done.rows} figures)")
        self.stdout.write(f"demo ready in {time.perf_counter() - started:.1f} s")

    def _data_quality(self, out_dir) -> None:
        """The synthetic civil registry as the Dukcapil extract, then one pipeline run, so the
        dashboard, the review queue and the cleansing proposals have something to show."""
        extract = import_extract(out_dir / "dukcapil.parquet", name="dukcapil-demo").extract
        run = run_pipeline(parameters={"civil_source": str(extract_path(extract))})
        self.stdout.write(f"data quality: pipeline run {run.name} ({run.state})")

    def _accounts(self, scope: str) -> None:
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role, region in demo_accounts(scope):
            user = User.objects.filter(username=username).first()
            if user is None:
                is_admin = role == Role.ADMINISTRATOR
                User.objects.create_user(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    region_id=region or None,
                    is_staff=is_admin,
                    is_superuser=is_admin,
                )
            self.stdout.write(f"  {username:<12} {Role(role).label} {region or '(nasional)'}")
