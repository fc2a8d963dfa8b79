from django.urls import path

from . import views

urlpatterns: list = [
    path("ekstrak/unggah/", views.extract_upload, name="civil_extract_upload"),
]
