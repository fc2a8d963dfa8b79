from django.urls import path

from . import views

app_name = "monthly_reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("terlambat/", views.late, name="late"),
    path("<str:period>/<str:region>/", views.detail, name="detail"),
    path("<str:period>/<str:region>/siapkan/", views.prepare, name="prepare"),
    path("<str:period>/<str:region>/kirim/", views.submit, name="submit"),
    path("<str:period>/<str:region>/tandatangani/", views.sign, name="sign"),
    path("<str:period>/<str:region>/kembalikan/", views.return_report, name="return"),
    path("<str:period>/<str:region>/laporan.pdf", views.export, {"fmt": "pdf"}, name="pdf"),
    path("<str:period>/<str:region>/laporan.xlsx", views.export, {"fmt": "xlsx"}, name="xlsx"),
]
