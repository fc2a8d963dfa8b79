from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("unduh.csv", views.download_csv, name="csv"),
    path("unduh.xlsx", views.download_xlsx, name="xlsx"),
]
