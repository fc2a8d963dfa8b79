from django.urls import include, path

app_name = "reports"
urlpatterns: list = [
    path("temuan/", include("reports.urls_findings")),
]
