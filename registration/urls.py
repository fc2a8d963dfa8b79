from django.urls import path

from . import document_views, views

urlpatterns = [
    path("", views.queues, name="registration_queues"),
    path("daftar/", views.proposal_list, name="registration_proposal_list"),
    path("baru/", views.proposal_create, name="registration_proposal_create"),
    path(
        "rumah-tangga/<int:household_id>/<str:kind>/",
        views.household_change,
        name="registration_household_change",
    ),
    path(
        "anggota/<int:member_id>/<str:kind>/",
        views.member_change,
        name="registration_member_change",
    ),
    path("xlsform.xlsx", views.xlsform, name="registration_xlsform"),
    path("<int:proposal_id>/", views.proposal_detail, name="registration_proposal_detail"),
    path("<int:proposal_id>/ubah/", views.proposal_revise, name="registration_proposal_revise"),
    path(
        "<int:proposal_id>/<str:action>/",
        views.proposal_action,
        name="registration_proposal_action",
    ),
    path("musyawarah/", views.meeting_list, name="registration_meeting_list"),
    path("musyawarah/<int:meeting_id>/", views.meeting_detail, name="registration_meeting_detail"),
    path(
        "musyawarah/<int:meeting_id>/putusan/",
        views.meeting_decide,
        name="registration_meeting_decide",
    ),
    path(
        "musyawarah/<int:meeting_id>/tutup/", views.meeting_close, name="registration_meeting_close"
    ),
    path(
        "musyawarah/<int:meeting_id>/berita-acara-ttd/",
        document_views.meeting_signed_minutes,
        name="registration_meeting_signed_minutes",
    ),
    path("kunjungan/", views.visit_list, name="registration_visit_list"),
    path("kunjungan/tugaskan/", views.visit_assign, name="registration_visit_assign"),
    path("kunjungan/<int:visit_id>/", views.visit_record, name="registration_visit_record"),
    path("pengajuan/", views.submission_list, name="registration_submission_list"),
    path("pengajuan/susun/", views.submission_compile, name="registration_submission_compile"),
    path(
        "pengajuan/<int:submission_id>/",
        views.submission_detail,
        name="registration_submission_detail",
    ),
    path(
        "pengajuan/<int:submission_id>/sk/",
        document_views.submission_decree,
        name="registration_submission_decree",
    ),
    path(
        "pengajuan/<int:submission_id>/<str:action>/",
        views.submission_action,
        name="registration_submission_action",
    ),
    path("periode/", views.period_list, name="registration_period_list"),
    path(
        "periode/<int:period_id>/tetapkan/",
        views.period_determine,
        name="registration_period_determine",
    ),
]
