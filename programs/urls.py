from .views import enrollment, rules

app_name = "programs"
urlpatterns = [*rules.urlpatterns, *enrollment.urlpatterns]
