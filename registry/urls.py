from django.urls import path

from . import views

HOUSEHOLD = "registry/households/<int:household_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("registry/", views.member_list, name="member_list"),
    path(HOUSEHOLD, views.household_detail, name="household_detail"),
    path(HOUSEHOLD + "edit/", views.household_update, name="household_update"),
    path(HOUSEHOLD + "status/", views.household_status, name="household_status"),
    path("registry/members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("registry/members/<int:member_id>/status/", views.member_status, name="member_status"),
]
