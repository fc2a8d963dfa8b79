from django.urls import path

from . import report_views, views

app_name = "atensi"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("tugas/", views.tasks, name="tasks"),
    path("asupan/", views.intake, name="intake"),
    path("laporan-dtks/", views.dtks_reports, name="dtks_reports"),
    path("laporan/", report_views.report_page, name="reports"),
    path("laporan/pasal-52.<str:fmt>", report_views.article52, name="article52"),
    path("kasus/<int:case_id>/", views.case_detail, name="case"),
    path("kasus/<int:case_id>/alasan/", views.open_outside_scope, name="outside_scope"),
    path("kasus/<int:case_id>/formulir/<str:form_code>/", views.stage_form, name="form"),
    path("kasus/<int:case_id>/konferensi/", views.conference, name="conference"),
    path("kasus/<int:case_id>/rujukan/", views.referral, name="referral"),
    path("kasus/<int:case_id>/persetujuan/<str:action>/", views.signoff, name="signoff"),
    path("rujukan/<int:referral_id>/layanan/", views.referred_service, name="referred_service"),
    path("rujukan/<int:referral_id>/<str:action>/", views.referral_action, name="referral_in"),
    path("tindak-lanjut/<int:follow_up_id>/selesai/", views.follow_up_done, name="follow_up_done"),
]
