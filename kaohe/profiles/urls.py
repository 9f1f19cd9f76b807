from django.urls import path

from kaohe.profiles import views

app_name = "profiles"
urlpatterns = [
    path("profiles/cadres/<int:pk>/", views.cadre_profile_page, name="cadre"),
    path("profiles/cadres/<int:pk>/timeline/", views.cadre_timeline_page, name="cadre_timeline"),
    path("profiles/teams/<int:pk>/", views.team_profile_page, name="team"),
    path("profiles/teams/<int:pk>/timeline/", views.team_timeline_page, name="team_timeline"),
    path("profiles/compare/", views.comparison_page, name="comparison"),
    path("profiles/compare/<int:pk>/<int:year>/", views.category_comparison_page, name="category_comparison"),
]
