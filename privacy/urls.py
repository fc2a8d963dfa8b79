from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("permintaan/baru/", views.request_new, name="request_new"),
    path("permintaan/<int:request_id>/", views.request_detail, name="request_detail"),
    path("permintaan/<int:request_id>/identitas/", views.request_identity,
         name="request_identity"),
    path("permintaan/<int:request_id>/salinan/", views.request_bundle, name="request_bundle"),
    path("permintaan/<int:request_id>/salinan.<str:fmt>", views.request_download,
         name="request_download"),
    path("permintaan/<int:request_id>/jawab/", views.request_answer, name="request_answer"),
    path("permintaan/<int:request_id>/tolak/", views.request_answer, {"refused": True},
         name="request_refuse"),
    path("permintaan/<int:request_id>/koreksi/", views.request_correction,
         name="request_correction"),
    path("permintaan/<int:request_id>/keberatan/", views.request_objection,
         name="request_objection"),
    path("keberatan/", views.objection_list, name="objection_list"),
    path("keberatan/<int:objection_id>/", views.objection_detail, name="objection_detail"),
    path("insiden/", views.breach_list, name="breach_list"),
    path("insiden/baru/", views.breach_new, name="breach_new"),
    path("insiden/<int:breach_id>/", views.breach_detail, name="breach_detail"),
    path("retensi/", views.retention_page, name="retention"),
]
