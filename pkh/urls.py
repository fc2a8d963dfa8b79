from django.urls import path

from . import views

app_name = "pkh"
urlpatterns: list = [
    path("", views.caseload, name="caseload"),
    path("keluarga/<int:household_id>/catat/", views.record, name="record"),
    path("impor/", views.upload, name="upload"),
    path("xlsform/", views.offline_form, name="xlsform"),
    path("laporan/", views.reports, name="reports"),
    path("verifikasi/", views.verify, name="verify"),
    path("sanggahan/", views.appeals, name="appeals"),
    path("sanggahan/baru/<int:line_id>/", views.appeal, name="appeal"),
]
