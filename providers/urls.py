from django.urls import path

from . import views

urlpatterns = [
    path("", views.directory, name="providers_directory"),
    path("baru/", views.edit, name="providers_create"),
    path("<int:provider_id>/", views.detail, name="providers_detail"),
    path("<int:provider_id>/ubah/", views.edit, name="providers_edit"),
]
