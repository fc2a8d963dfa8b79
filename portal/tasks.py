"""The portal's long work: the nightly (or after each payment import) refresh of the cek bansos
lookup tables."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import policy
from jobs.kinds import in_both, job_kind

from .refresh import refresh_lookup


@job_kind("portal_refresh", label=_("Refresh the cek bansos lookup"),
          action=policy.RUN_ELIGIBILITY, steps={"refresh": _("Rebuilding the lookup tables")})
def portal_refresh(job, progress) -> dict:
    progress("refresh", 0, 0)
    counts = refresh_lookup()
    done = in_both(lambda: gettext(
        "%(people)s people and %(programs)s program rows in %(seconds)s s.") % {
        "people": counts.people, "programs": counts.programs, "seconds": counts.seconds})
    return {"message": done, "summary": {"people": counts.people, "programs": counts.programs,
                                         "seconds": counts.seconds}}
