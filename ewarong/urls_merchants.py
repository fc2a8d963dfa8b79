"""/ewarong/: merchants (officers), the public list per village, the commodity catalogue and the
HET price lists, and the monitoring dashboard. Included by ewarong/urls.py (app ewarong)."""

from django.urls import path

from . import views_het, views_merchants, views_monitoring

urlpatterns = [
    path("", views_merchants.merchant_list, name="merchant_list"),
    path("daftar-baru/", views_merchants.merchant_register, name="merchant_register"),
    path("toko/<int:pk>/", views_merchants.merchant_detail, name="merchant_detail"),
    path("toko/<int:pk>/tindakan/<slug:kind>/", views_merchants.merchant_action,
         name="merchant_action"),
    path("toko/<int:pk>/staf/", views_merchants.staff_add, name="staff_add"),
    path("toko/<int:pk>/staf/<int:user_id>/nonaktif/", views_merchants.staff_remove,
         name="staff_remove"),
    path("daftar/", views_merchants.public_list, name="public_list"),
    path("daftar/<str:code>/", views_merchants.public_list, name="public_list_region"),
    path("komoditas/", views_het.catalogue, name="catalogue"),
    path("het/", views_het.het_list, name="het_list"),
    path("het/<int:pk>/", views_het.het_detail, name="het_detail"),
    path("het/template.xlsx", views_het.het_template, name="het_template"),
    path("het/impor/", views_het.het_upload, name="het_upload"),
    path("pemantauan/", views_monitoring.dashboard, name="monitoring"),
    path("pemantauan/ekspor/", views_monitoring.export, name="monitoring_export"),
]
