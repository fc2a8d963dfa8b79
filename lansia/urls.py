from django.urls import path

from . import views

app_name = "lansia"
urlpatterns = [
    path("", views.index, name="index"),
    path("baru/", views.post_create, name="post_create"),
    path("<int:pk>/", views.post_detail, name="post"),
    path("<int:pk>/kader/", views.volunteer_add, name="volunteer_add"),
    path("<int:pk>/anggota/", views.member_add, name="member_add"),
    path("<int:pk>/sesi/", views.session, name="session"),
    path("rujukan/", views.referrals, name="referrals"),
    path("laporan/", views.report, name="report"),
]
