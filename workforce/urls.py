from django.urls import path

from . import views

urlpatterns = [
    path("", views.worker_list, name="workforce_list"),
    path("laporan/", views.periodic_report, name="workforce_report"),
    path("baru/", views.worker_edit, name="workforce_create"),
    path("<int:worker_id>/", views.worker_detail, name="workforce_detail"),
    path("<int:worker_id>/ubah/", views.worker_edit, name="workforce_edit"),
    path("<int:worker_id>/sertifikat/", views.certificate_add, name="workforce_certificate_add"),
    path("<int:worker_id>/penugasan/", views.assignment_add, name="workforce_assignment_add"),
    path(
        "penugasan/<int:assignment_id>/akhiri/",
        views.assignment_end,
        name="workforce_assignment_end",
    ),
]
