from django.contrib.auth import views as auth_views
from django.urls import path

from kaohe.accounts import security_views, token_views, views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active_view, name="user_set_active"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("password/", security_views.password_change, name="password_change"),
    path("otp/", security_views.otp_verify, name="otp_verify"),
    path("otp/setup/", security_views.otp_setup, name="otp_setup"),
    path("security/", security_views.security_list, name="security_list"),
    path("security/<int:pk>/role/", security_views.user_set_role, name="user_set_role"),
    path("security/<int:pk>/unlock/", security_views.login_unlock, name="login_unlock"),
    path("security/<int:pk>/second-factor/", security_views.second_factor_reset, name="second_factor_reset"),
    path("security/<int:pk>/active/", security_views.admin_set_active, name="admin_set_active"),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="token_revoke"),
    path("security/tokens/", token_views.security_token_list, name="security_tokens"),
    path("security/tokens/<int:pk>/revoke/", token_views.security_token_revoke, name="security_token_revoke"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
