"""The subject-access bundle as PDF, rendered with WeasyPrint from privacy/pdf/bundle.html in
the language the bundle was produced in; the JSON file is the same data."""

from django.template.loader import render_to_string
from django.utils import translation

from .models import SubjectRequest


def bundle_html(request: SubjectRequest) -> str:
    data = request.bundle or {}
    with translation.override(data.get("language") or "id"):
        return render_to_string("privacy/pdf/bundle.html",
                                {"b": data, "request": request, "sha256": request.bundle_sha256})


def bundle_pdf(request: SubjectRequest) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs time at startup

    return HTML(string=bundle_html(request)).write_pdf()
