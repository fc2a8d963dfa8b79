"""`kesos demo`: make the local demo ready: regions, a synthetic registry for one kabupaten and one
account per role. Run again, it keeps what exists and only prints the accounts."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Role, User
from registration.demo import seed_registration_demo
from registration.models import Proposal
from registry.models import Household
from synth.generate import generate
from synth.load import load_registry
from wilayah.models import Level, Region
from wilayah.services import load_regions

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

    def handle(self, *args, scope, households, seed, **options):
        started = time.perf_counter()
        if not Region.objects.exists():
            self.stdout.write(f"wilayah: {load_regions()} regions loaded")
        if not Household.objects.exists():
            out_dir = settings.KESOS_SYNTH_DIR / f"demo-{scope}-seed{seed}"
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
        if not Proposal.objects.exists():
            counts = seed_registration_demo(scope, seed)
            summary = ", ".join(f"{status} {n}" for status, n in counts.items())
            self.stdout.write(f"registration: DTKS update flow seeded ({summary})")
        self.stdout.write(f"demo ready in {time.perf_counter() - started:.1f} s")

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
