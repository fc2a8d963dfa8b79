from django.urls import path

from . import views

urlpatterns = [
    path("", views.model_list, name="ranking_model_list"),
    path("model/<int:model_id>/", views.model_detail, name="ranking_model_detail"),
]
