from django.urls import path

from kaohe.org import roster_views, views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create_view, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.cadre_create_view, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/move/", views.cadre_move_view, name="cadre_move"),
    path("cadres/<int:pk>/position/", views.position_edit, name="position_edit"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_create_view, name="category_create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("roster/import/", roster_views.roster_import_view, name="roster_import"),
    path("roster/export/", roster_views.roster_export, name="roster_export"),
    path("roster/template/", roster_views.roster_template, name="roster_template"),
]
