from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("wilayah/", views.region_options, name="region_options"),
    path("mengapa/", views.why_not, name="why_not"),
    path("lacak/", views.track, name="track"),
    path("lacak/<str:number>/kepuasan/", views.satisfaction, name="satisfaction"),
    path("<slug:slug>/", views.submit, name="submit"),
]
