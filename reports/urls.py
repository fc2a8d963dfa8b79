from django.urls import include, path

from . import views_dashboard

app_name = "reports"
urlpatterns: list = [
    path("", views_dashboard.national, name="national"),
    path("grafik/<slug:chart>.xlsx", views_dashboard.chart_xlsx, name="national_xlsx"),
    path("wilayah/<str:code>/", views_dashboard.region, name="region"),
    path("wilayah/<str:code>/grafik/<slug:chart>.xlsx", views_dashboard.chart_xlsx,
         name="region_xlsx"),
    path("temuan/", include("reports.urls_findings")),
]
