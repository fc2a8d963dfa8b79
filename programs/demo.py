"""Demo data for programs: the shipped programs, lists and a UMK table drawn from the synthetic
population, and KPM lists for the current period (Sembako and PKH frozen, so BST and the rice
aid show their exclusivity), all through the real services."""

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audit.models import Source
from audit.services import Context
from linkage import snapshots

from . import lists, services, synth_lists
from .models import EligibilityRun, Program

# (program, period, freeze); current periods for the running programs, the seeds' for 2021 ones.
HISTORIC = [("bst", "2021-01", False), ("beras", "2021", False),
            ("yatim-covid", "2021-10", False)]


def current_periods() -> list[tuple[str, str, bool]]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return [("pkh", f"{today.year}-T{quarter}", True),
            ("sembako", f"{today:%Y-%m}", True),
            ("pbi-jk", f"{today:%Y-%m}", True)]


def seed(synth_dir: Path) -> dict[str, str]:
    """Install, import the demo lists and run every program once; returns a summary."""
    ctx = Context(source=Source.SYSTEM, reason="demo")
    services.install_shipped(ctx)
    files = synth_lists.write_demo_lists(synth_dir, Path(settings.VAR_DIR) / "demo-lists")
    lists.import_minimum_wages(files.pop("umk"), synth_lists.DEMO_YEAR)
    for kind, path in files.items():
        lists.import_list(path, kind)
    snapshot = snapshots.take_snapshot(progress=False)
    summary = {}
    for code, period, freeze in current_periods() + HISTORIC:
        request = services.RunRequest(Program.objects.get(code=code), period,
                                      snapshot=snapshot.name)
        run = services.run_eligibility(request, ctx)
        if freeze:
            run = services.freeze(run, ctx)
        summary[code] = f"{period}: {run.counts['statuses'].get('enrolled', 0)} KPM"
    return summary


def seeded() -> bool:
    return EligibilityRun.objects.exists()
