from django.urls import path

from .views import changes, documents, meetings, proposals, queues, submissions, visits

urlpatterns = [
    path("", queues.queues, name="registration_queues"),
    path("daftar/", proposals.proposal_list, name="registration_proposal_list"),
    path("baru/", proposals.proposal_create, name="registration_proposal_create"),
    path(
        "rumah-tangga/<int:household_id>/<str:kind>/",
        changes.household_change,
        name="registration_household_change",
    ),
    path(
        "anggota/<int:member_id>/<str:kind>/",
        changes.member_change,
        name="registration_member_change",
    ),
    path("xlsform.xlsx", visits.xlsform, name="registration_xlsform"),
    path("<int:proposal_id>/", proposals.proposal_detail, name="registration_proposal_detail"),
    path("<int:proposal_id>/ubah/", proposals.proposal_revise, name="registration_proposal_revise"),
    path(
        "<int:proposal_id>/<str:action>/",
        proposals.proposal_action,
        name="registration_proposal_action",
    ),
    path("musyawarah/", meetings.meeting_list, name="registration_meeting_list"),
    path(
        "musyawarah/<int:meeting_id>/",
        meetings.meeting_detail,
        name="registration_meeting_detail",
    ),
    path(
        "musyawarah/<int:meeting_id>/putusan/",
        meetings.meeting_decide,
        name="registration_meeting_decide",
    ),
    path(
        "musyawarah/<int:meeting_id>/tutup/",
        meetings.meeting_close,
        name="registration_meeting_close",
    ),
    path(
        "musyawarah/<int:meeting_id>/berita-acara-ttd/",
        documents.meeting_signed_minutes,
        name="registration_meeting_signed_minutes",
    ),
    path("kunjungan/", visits.visit_list, name="registration_visit_list"),
    path("kunjungan/tugaskan/", visits.visit_assign, name="registration_visit_assign"),
    path("kunjungan/<int:visit_id>/", visits.visit_record, name="registration_visit_record"),
    path("pengajuan/", submissions.submission_list, name="registration_submission_list"),
    path(
        "pengajuan/susun/",
        submissions.submission_compile,
        name="registration_submission_compile",
    ),
    path(
        "pengajuan/<int:submission_id>/",
        submissions.submission_detail,
        name="registration_submission_detail",
    ),
    path(
        "pengajuan/<int:submission_id>/sk/",
        documents.submission_decree,
        name="registration_submission_decree",
    ),
    path(
        "pengajuan/<int:submission_id>/<str:action>/",
        submissions.submission_action,
        name="registration_submission_action",
    ),
    path("periode/", submissions.period_list, name="registration_period_list"),
    path(
        "periode/<int:period_id>/tetapkan/",
        submissions.period_determine,
        name="registration_period_determine",
    ),
]
