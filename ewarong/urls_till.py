from django.urls import path

from . import views_till, wallet_pages

urlpatterns = [
    path("", views_till.till, name="till"),
    path("struk/<str:number>/", views_till.receipt, name="receipt"),
    path("struk/<str:number>/batal/", views_till.refund_purchase, name="refund"),
    path("surat-qr/<int:pk>/", wallet_pages.qr_letter, name="qr_letter"),
    path("pin/<int:card_id>/", wallet_pages.card_pin, name="card_pin"),
]
