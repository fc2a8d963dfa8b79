from .views import enrollment, lists, rules, whatif

app_name = "programs"
# The lists' fixed paths come first: rules' `<slug:code>/` would otherwise take them.
urlpatterns = [*lists.urlpatterns, *rules.urlpatterns, *whatif.urlpatterns,
               *enrollment.urlpatterns]
