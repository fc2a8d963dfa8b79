import os
from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Each app declares its long work in its own tasks.py (registered by jobs.kinds.job_kind);
        # KESOS_JOB_MODULES names more modules (the worker tests' own kinds).
        autodiscover_modules("tasks")
        for module in filter(None, os.environ.get("KESOS_JOB_MODULES", "").split(",")):
            import_module(module.strip())
