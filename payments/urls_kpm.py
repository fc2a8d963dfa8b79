"""URLs of the KPM side of payments: accounts and cards, burekol, in-kind deliveries and the
reconciliation drill-down (payments/views_kpm.py)."""

from django.urls import path

from . import views_kpm as v

urlpatterns = [
    path("rekening/", v.account_list, name="accounts"),
    path("rekening/<int:household_id>/", v.account_detail, name="account_detail"),
    path("kartu/<int:pk>/status/", v.card_status, name="card_status"),
    path("burekol/", v.burekol_list, name="burekol"),
    path("burekol/buat/", v.burekol_create, name="burekol_create"),
    path("burekol/<int:pk>/unduh/", v.burekol_download, name="burekol_download"),
    path("burekol/<int:pk>/jawaban/", v.burekol_answer, name="burekol_answer"),
    path("siklus/<int:pk>/natura/", v.delivery_list, name="deliveries"),
    path("siklus/<int:pk>/natura/<int:payment>/", v.delivery_record, name="delivery_record"),
    path("penyerahan/<int:pk>/bukti/", v.delivery_proof, name="delivery_proof"),
    path("siklus/<int:pk>/wilayah/", v.reconciliation_drill, name="reconciliation_drill"),
]
