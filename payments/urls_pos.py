"""URLs of the PT Pos counter, the invitation letters and the post-payment verification,
included in the payments namespace (payments/views.py)."""

from django.urls import path

from . import views_pos, views_verification

urlpatterns = [
    path("loket/", views_pos.counter, name="pos_counter"),
    path("loket/bayar/", views_pos.counter_pay, name="pos_counter_pay"),
    path("loket/luring/", views_pos.offline, name="pos_offline"),
    path("undangan/siklus/<int:pk>/", views_pos.invitations, name="pos_invitations"),
    path("undangan/<int:payment_id>.pdf", views_pos.invitation_pdf, name="pos_invitation_pdf"),
    path("verifikasi/siklus/<int:pk>/", views_verification.sample_page, name="verification"),
    path("verifikasi/siklus/<int:pk>/lembar.xlsx", views_verification.answer_sheet,
         name="verification_sheet"),
    path("verifikasi/siklus/<int:pk>/<int:case_id>/", views_verification.case_answer,
         name="verification_answer"),
]
