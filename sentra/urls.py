from django.urls import path

from . import views

app_name = "sentra"
urlpatterns = [
    path("", views.unit_list, name="units"),
    path("unit/baru/", views.unit_create, name="unit_create"),
    path("unit/<int:unit_id>/", views.unit_detail, name="unit"),
    path("unit/<int:unit_id>/fasilitas/", views.facility_add, name="facility_add"),
    path("unit/<int:unit_id>/mitra/", views.partner_add, name="partner_add"),
    path("unit/<int:unit_id>/pelatihan/", views.training_add, name="training_add"),
    path("unit/<int:unit_id>/peserta/baru/", views.participant_add, name="participant_add"),
    path("peserta/<int:participant_id>/", views.participant_detail, name="participant"),
    path("peserta/<int:participant_id>/usaha/", views.business_add, name="business_add"),
    path("peserta/<int:participant_id>/bantuan/", views.aid_add, name="aid_add"),
    path("peserta/<int:participant_id>/penempatan/", views.placement_add, name="placement_add"),
    path("peserta/<int:participant_id>/hasil/", views.outcome_add, name="outcome_add"),
    path("usaha/<int:business_id>/produk/", views.product_add, name="product_add"),
    path("penempatan/<int:placement_id>/tindak-lanjut/", views.follow_up_add, name="follow_up_add"),
    path("pelatihan/<int:session_id>/", views.training_detail, name="training"),
    path("lapak/<int:facility_id>/", views.stall, name="stall"),
    path("laporan/", views.report, name="report"),
    path("laporan/xlsx/", views.report_xlsx, name="report_xlsx"),
]
