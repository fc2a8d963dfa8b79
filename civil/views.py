"""Uploading a Dukcapil extract from the web (the data centre): kept in a temporary folder
under VAR_DIR, checked and imported by the job worker, which removes the upload after."""

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import policy
from audit.services import Context
from jobs import services as jobs

UPLOAD_DIR = "uploads"


class ExtractUploadForm(forms.Form):
    file = forms.FileField(label=_("Dukcapil extract (Parquet or CSV)"))


def _saved(upload) -> Path:
    base = Path(settings.VAR_DIR) / UPLOAD_DIR
    base.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(dir=base)) / (
        get_valid_filename(Path(upload.name or "").name) or "dukcapil.parquet")
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


@login_required
@require_POST
def extract_upload(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.RUN_PIPELINE)
    form = ExtractUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "civil/extract_upload.html", {"form": form}, status=400)
    saved = _saved(form.cleaned_data["file"])
    return redirect(jobs.start(Context(request.user, reason="Dukcapil extract"),
                               "civil_extract_import", {"path": str(saved)}))
