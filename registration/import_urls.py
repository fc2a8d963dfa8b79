from django.urls import path

from .views import imports as views

urlpatterns = [
    path("", views.batches, name="registration_import_progress_list"),
    path("<str:kind>/unggah/", views.upload, name="registration_import_upload"),
    path("batch/<int:pk>/", views.progress, name="registration_import_progress"),
    path("template-bnba.<str:fmt>", views.bnba_template, name="registration_import_template"),
    path(
        "ekspor/dtks/<str:village>.<str:fmt>",
        views.registry_export,
        name="registration_import_registry_export",
    ),
    path(
        "ekspor/usulan/<str:village>.<str:fmt>",
        views.proposals_export,
        name="registration_import_proposals_export",
    ),
    path("paket/<str:village>.zip", views.package_export, name="registration_import_package"),
    path(
        "musyawarah/<int:pk>/berita-acara.pdf",
        views.berita_acara,
        name="registration_import_berita_acara",
    ),
    path(
        "musyawarah/<int:pk>/berita-acara-ttd/",
        views.signed_minutes,
        name="registration_import_signed_minutes",
    ),
]
