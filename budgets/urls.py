from django.urls import path

from . import views

app_name = "budgets"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dipa/baru/", views.dipa_create, name="dipa_create"),
    path("dipa/<int:pk>/", views.dipa_detail, name="dipa_detail"),
    path("dipa/<int:pk>/revisi/", views.revision_create, name="revision_create"),
    path("dipa/<int:pk>/alokasi/", views.allocation_create, name="allocation_create"),
    path("dipa/<int:pk>/realisasi.xlsx", views.realisation_xlsx, name="realisation_xlsx"),
]
