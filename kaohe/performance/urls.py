from django.urls import path

from kaohe.performance import views

app_name = "performance"
urlpatterns = [
    # The role's own inputs in the current cycle; everything else lives under cycles/<year>/.
    path("inputs/", views.inputs_home, name="inputs_home"),
]
