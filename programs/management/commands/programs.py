"""`kesos programs <action>`: programs and targeting from the command line.

    import-list KIND FILE       import an exclusion/membership list (CSV or Parquet)
    import-umk YEAR FILE        replace the UMK table of a year (CSV or Parquet)
    demo-lists SYNTH_DIR OUT    write demo list files and a demo UMK file from a synth run
    install                     create the shipped programs (rules version 1, quotas)
    run PROGRAM PERIOD          an enrollment run (--what-if: counts only; --freeze: freeze
                                the KPM list for payment; --snapshot NAME: reuse a snapshot)

A refused file prints every error by row and field and exits non-zero."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.models import Source
from audit.services import Context
from base.i18n import content_language
from programs import lists, services, synth_lists
from programs.models import EligibilityRun, ListKind, Program


class Command(BaseCommand):
    help = "Programs and targeting: reference lists, UMK, demo inputs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-list", help="import a reference list file")
        imp.add_argument("kind", choices=ListKind.values)
        imp.add_argument("file", type=Path)
        umk = sub.add_parser("import-umk", help="import the UMK table of a year")
        umk.add_argument("year", type=int)
        umk.add_argument("file", type=Path)
        demo = sub.add_parser("demo-lists", help="write demo lists and UMK from a synth run")
        demo.add_argument("synth_dir", type=Path)
        demo.add_argument("out_dir", type=Path)
        demo.add_argument("--year", type=int, default=synth_lists.DEMO_YEAR)
        sub.add_parser("install", help="create the shipped programs")
        run = sub.add_parser("run", help="evaluate a program for a period")
        run.add_argument("program")
        run.add_argument("period", help="2021-03 (monthly), 2021-T2 (quarterly), 2021 (once)")
        run.add_argument("--snapshot", help="an existing snapshot (default: take a new one)")
        run.add_argument("--what-if", action="store_true", help="count only, enroll nobody")
        run.add_argument("--freeze", action="store_true", help="freeze the KPM list")

    def handle(self, *args, action: str, **options):
        getattr(self, "_" + action.replace("-", "_"))(**options)

    def _import_list(self, kind: str, file: Path, **_options):
        _require_file(file)
        try:
            result = lists.import_list(file, kind)
        except lists.ListImportError as error:
            raise CommandError(error.summary(content_language())) from None
        reference_list = result.reference_list
        if result.created:
            self.stdout.write(_("List %(kind)s imported from %(file)s: %(rows)d entries; it is "
                                "now the list in force.") % {
                "kind": kind, "file": reference_list.source_name, "rows": reference_list.rows})
        else:
            self.stdout.write(_("This file was imported before (%(kind)s, %(rows)d entries); "
                                "nothing changed.") % {"kind": kind, "rows": reference_list.rows})

    def _import_umk(self, year: int, file: Path, **_options):
        _require_file(file)
        try:
            result = lists.import_minimum_wages(file, year)
        except lists.ListImportError as error:
            raise CommandError(error.summary(content_language())) from None
        if result.created:
            self.stdout.write(_("UMK %(year)d imported: %(rows)d kabupaten/kota.") % {
                "year": year, "rows": result.rows})
        else:
            self.stdout.write(_("The UMK %(year)d already holds these amounts; nothing "
                                "changed.") % {"year": year})

    def _demo_lists(self, synth_dir: Path, out_dir: Path, year: int, **_options):
        if not (synth_dir / "dukcapil.parquet").exists():
            raise CommandError(_("%(dir)s is not a synth output (no dukcapil.parquet).")
                               % {"dir": synth_dir})
        for name, path in synth_lists.write_demo_lists(synth_dir, out_dir, year).items():
            self.stdout.write(f"{name}\t{path}")


    def _install(self, **_options):
        created = services.install_shipped()
        self.stdout.write(_("Programs installed: %(codes)s") % {
            "codes": ", ".join(p.code for p in created) or "-"})

    def _run(self, program: str, period: str, snapshot: str | None, what_if: bool,
             freeze: bool, **_options):
        found = Program.objects.filter(code=program).first()
        if found is None:
            raise CommandError(_("No program %(code)s.") % {"code": program})
        kind = EligibilityRun.Kind.WHAT_IF if what_if else EligibilityRun.Kind.ENROLLMENT
        ctx = Context(source=Source.BATCH, reason="kesos programs run")
        try:
            run = services.run_eligibility(
                services.RunRequest(found, period, kind=kind, snapshot=snapshot), ctx)
            if freeze:
                run = services.freeze(run, ctx)
        except services.ProgramError as error:
            raise CommandError(error.message(content_language())) from None
        counts = run.counts
        self.stdout.write(
            f"{found.code} {period} run #{run.pk} ({run.state}, {run.seconds:.1f} s): "
            f"decisions {counts['decisions']}, statuses {counts['statuses']}, "
            f"cost per period Rp{counts['cost_per_period']:,}")
        if "changes" in counts:
            self.stdout.write(f"changes {counts['changes']}")


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise CommandError(_("%(file)s: no such file.") % {"file": path})
