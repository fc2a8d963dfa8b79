"""The audit findings pages, included by reports/urls.py under /laporan/temuan/ (namespace
"reports")."""

from django.urls import path

from . import views_findings

urlpatterns = [
    path("", views_findings.overview, name="findings"),
    path("<slug:check>/", views_findings.check_list, name="findings_check"),
    path("<slug:check>/xlsx/", views_findings.check_xlsx, name="findings_xlsx"),
]
