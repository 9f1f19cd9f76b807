from django.contrib.auth import views as auth_views
from django.urls import path

from kaohe.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
