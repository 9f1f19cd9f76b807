from django.urls import path

from kaohe.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("verify/", views.chain_verify, name="chain_verify"),
]
