"""/ewarong/: the till (urls_till), merchants, HET lists and monitoring (urls_merchants), the
Sembako balances (credits and expiry)."""

from django.urls import include, path

from . import wallet_pages

app_name = "ewarong"
urlpatterns = [
    path("", include("ewarong.urls_merchants")),
    path("kasir/", include("ewarong.urls_till")),
    path("saldo/", wallet_pages.credits_page, name="credits"),
]
