from django.contrib.auth import views as auth_views
from django.urls import path

from kaohe.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active_view, name="user_set_active"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
