from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .api import api
from .health import health

admin.site.site_header = admin.site.site_title = _("Kesos administration")
admin.site.index_title = _("Reference data")

urlpatterns = [
    path("kesehatan/", health, name="health"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("wilayah/", include("wilayah.urls")),
    path("usulan/", include("registration.urls")),
    path("usulan/impor/", include("registration.import_urls")),
    path("pemadanan/", include("civil.urls")),
    path("kualitas/", include("linkage.urls")),
    path("peringkat/", include("ranking.urls")),
    path("lembaga/", include("providers.urls")),
    path("sdm/", include("workforce.urls")),
    path("atensi/", include("atensi.urls")),
    path("program/", include("programs.urls")),
    path("privasi/", include("privacy.urls")),
    path("penyaluran/", include("payments.views")),
    path("pkh/", include("pkh.urls")),
    path("sentra/", include("sentra.urls")),
    path("posyandu-lansia/", include("lansia.urls")),
    path("ewarong/", include("ewarong.urls")),
    path("pengaduan/", include("grievance.urls")),
    path("cekbansos/", include("portal.urls")),
    path("anggaran/", include("budgets.urls")),
    path("laporan/", include("reports.urls")),
    path("laporan-bulanan/", include("monthly_reports.urls")),
    path("data-terbuka/", include("opendata.urls")),
    path("captcha/", include("captcha.urls")),
    path("pekerjaan/", include("jobs.urls")),
    path("", include("registry.urls")),
]
