from django.urls import path

from kaohe.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
]
