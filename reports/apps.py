"""Summary tables per region and period, dashboards, open data and the audit findings
(issue 16)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports and dashboards")

    def ready(self) -> None:
        # The summary tables follow every run that changes what they count; the apps whose
        # jobs finish do not import reports (see jobs.kinds.after_done).
        from jobs.kinds import after_done

        from .tasks import TRIGGERS, after_job

        after_done(list(TRIGGERS), after_job)
