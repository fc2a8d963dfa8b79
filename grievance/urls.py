from django.urls import path

from . import views

app_name = "grievance"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<str:name>/", views.action, name="action"),
    path("catat/", views.record, name="record"),
    path("impor-lapor/", views.lapor_import, name="lapor_import"),
    path("laporan/", views.report, name="report"),
    path("insiden/", views.incidents, name="incidents"),
    path("insiden/<int:pk>/", views.incident, name="incident"),
]
