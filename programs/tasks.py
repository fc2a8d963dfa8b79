"""Programs' long work in the job worker: enrollment runs and what-if simulations over a
registry snapshot (minutes at national scale), and KPM list exports."""

import shutil
from dataclasses import replace
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from audit.services import Context
from jobs.files import write_output
from jobs.kinds import JobRefused, in_both, job_kind

from . import lists, services
from .models import EligibilityRun, ListKind, Program
from .templatetags.rules_format import thousands

RUN_STEPS = {
    "snapshot": _("Registry snapshot"),
    "inputs": _("Matches, scores, lists and UMK"),
    "evaluate": _("Deciding every household"),
    "store": _("Storing the KPM list"),
}


def run_url(run: EligibilityRun) -> str:
    """The run's page: a what-if shows on the simulation page, an enrollment run on its own."""
    if run.kind == EligibilityRun.Kind.WHAT_IF:
        return reverse("programs:whatif", args=[run.program.code]) + f"?hasil={run.pk}"
    return reverse("programs:run_detail", args=[run.program.code, run.pk])


@job_kind("eligibility_run", label=_("Eligibility run"), action=policy.RUN_ELIGIBILITY,
          steps=RUN_STEPS)
def eligibility_run(job, progress) -> dict:
    params = job.params
    program = Program.objects.get(code=params["program"])
    rule_set = program.rule_sets.filter(pk=params["rule_set"]).first() if params.get(
        "rule_set") else None
    request = services.RunRequest(
        program, params["period"], kind=params.get("kind", EligibilityRun.Kind.ENROLLMENT),
        definition=params.get("definition"), quotas=params.get("quotas"),
        snapshot=params.get("snapshot"), rule_set=rule_set)
    ctx = Context(job.created_by, reason=params.get("reason", "eligibility run"))
    try:
        run = services.run_eligibility(request, replace(ctx, source_ref=f"job:{job.pk}"),
                                       progress)
    except services.ProgramError as error:
        raise JobRefused(error.id, error.en) from error
    return {"links": [{"url": run_url(run), "id": f"Lihat hasil run #{run.pk}",
                       "en": f"See the result of run #{run.pk}"}], "run": run.pk}


def start_run(ctx: Context, request: services.RunRequest, reason: str):
    """The job of an eligibility run (the same job again while an identical one is active)."""
    from jobs import services as jobs

    params = {"program": request.program.code, "period": request.period, "kind": request.kind,
              "definition": request.definition, "quotas": request.quotas,
              "snapshot": request.snapshot,
              "rule_set": request.rule_set.pk if request.rule_set else None, "reason": reason}
    return jobs.start(ctx, "eligibility_run", params, "")


# --- reference lists and UMK -------------------------------------------------------------------

LIST_STEPS = {"import": _("Checking and importing the file")}


def _refused(error: lists.ListImportError, what) -> JobRefused:
    """Every problem by row and field, any NIK in a message masked."""
    heading = in_both(lambda: ngettext(
        "%(what)s: the file was refused (%(n)s error). Nothing was imported.",
        "%(what)s: the file was refused (%(n)s errors). Nothing was imported.", error.total)
        % {"what": what, "n": error.total})
    rows = [{"row": e.row, "column": e.field, "message_id": lists.masked(e.message_id),
             "message_en": lists.masked(e.message_en)} for e in error.errors]
    return JobRefused(heading["id"], heading["en"], rows)


def _lists_output(message: dict) -> dict:
    url = reverse("programs:reference_lists")
    see = in_both(lambda: gettext("See the reference lists"))
    return {"links": [{"url": url, **see}], "message": message}


@job_kind("list_import", label=_("Reference list import"), action=policy.IMPORT_LISTS,
          steps=LIST_STEPS)
def list_import(job, progress) -> dict:
    path, kind = Path(job.params["path"]), job.params["kind"]
    progress("import", 0, 0)
    try:
        result = lists.import_list(path, kind, Context(
            job.created_by, reason="reference list import", source_ref=f"job:{job.pk}"))
    except lists.ListImportError as error:
        raise _refused(error, ListKind(kind).label) from error
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    imported = result.reference_list
    if result.created:
        return _lists_output(in_both(lambda: gettext(
            "%(list)s: %(rows)s rows imported; this is now the list in force.")
            % {"list": imported.get_kind_display(), "rows": thousands(imported.rows)}))
    return _lists_output(in_both(lambda: gettext(
        "%(list)s: this file was imported before; nothing changed.")
        % {"list": imported.get_kind_display()}))


@job_kind("umk_import", label=_("UMK import"), action=policy.IMPORT_LISTS, steps=LIST_STEPS)
def umk_import(job, progress) -> dict:
    path, year = Path(job.params["path"]), int(job.params["year"])
    progress("import", 0, 0)
    try:
        result = lists.import_minimum_wages(path, year, Context(
            job.created_by, reason="UMK import", source_ref=f"job:{job.pk}"))
    except lists.ListImportError as error:
        raise _refused(error, f"UMK {year}") from error
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if result.created:
        return _lists_output(in_both(lambda: gettext(
            "UMK %(year)s: %(rows)s regencies/cities imported; this is now the UMK in force for "
            "the year.") % {"year": year, "rows": thousands(result.rows)}))
    return _lists_output(in_both(lambda: gettext(
        "UMK %(year)s: the year already holds these amounts; nothing changed.")
        % {"year": year}))


# --- KPM list exports --------------------------------------------------------------------------

EXPORT_STEPS = {"export": _("Writing the KPM list")}


@job_kind("kpm_export", label=_("KPM list export"), action=policy.VIEW_ENROLLMENT,
          steps=EXPORT_STEPS)
def kpm_export(job, progress) -> dict:
    """The filtered KPM list as XLSX, read with the rights of whoever asked for it."""
    from django.utils import translation

    from . import exports, selectors

    params = job.params
    user = job.created_by
    run = EligibilityRun.objects.select_related("program", "rule_set").get(pk=params["run"])
    filters = selectors.KpmFilter(**params["filters"])
    with translation.override(params.get("language") or None):
        export = exports.KpmExport(
            run=run, region_code=params["region"], filters=filters,
            words=selectors.run_words(selectors.run_definition(run), params.get("language")),
            generated_at=job.created_at,
            generated_by=user.get_full_name() or user.get_username())
        rows = selectors.kpm_rows(user, run, filters)
        total = rows.count()
        if total > exports.MAX_ROWS:
            too_many = in_both(lambda: gettext(
                "The list has more than %(n)s rows: choose a smaller region.")
                % {"n": thousands(exports.MAX_ROWS)})
            raise JobRefused(too_many["id"], too_many["en"])
        progress("export", 0, total)
        counted: dict = {}
        name = exports.file_name(export)
        write_output(job, name, lambda path: counted.update(rows=exports.kpm_xlsx(
            export, _counted(rows.iterator(chunk_size=2000), progress, total), path)))
    exports.record_export(Context(user, reason="KPM list export", source_ref=f"job:{job.pk}"),
                          export, counted["rows"])
    back = in_both(lambda: gettext("Back to the KPM list"))
    return {"files": [name], "links": [{"url": reverse(
        "programs:enrollment_list", args=[run.program.code, run.pk]), **back}],
        "message": in_both(lambda: ngettext("%(n)s row written.", "%(n)s rows written.",
                                            counted["rows"]) % {"n": thousands(counted["rows"])})}


def _counted(rows, progress, total: int):
    for done, row in enumerate(rows, 1):
        yield row
        if done % 2000 == 0:
            progress("export", done, total)


def start_export(ctx: Context, run: EligibilityRun, filters, region: str, language: str):
    """The export job of this user (what the file masks depends on who asks), or the one of the
    same request already waiting or running."""
    from jobs import services as jobs

    params = {"run": run.pk, "filters": filters.as_dict(), "region": region,
              "language": language, "user": ctx.actor.pk}
    return jobs.start(ctx, "kpm_export", params, region)
