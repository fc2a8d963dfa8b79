from django.urls import path

from . import views, views_graduation, views_groups

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
    path("keluarga/<int:household_id>/graduasi/", views_graduation.graduate, name="graduate"),
    path("graduasi/", views_graduation.graduations, name="graduations"),
    path("graduasi/hitung/", views_graduation.compute, name="graduate_compute"),
    path("p2k2/", views_groups.groups, name="groups"),
    path("p2k2/<int:group_id>/pertemuan/", views_groups.session, name="session"),
]
