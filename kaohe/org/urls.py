from django.urls import path

from kaohe.org import roster_views, views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("roster/import/", roster_views.roster_import, name="roster_import"),
    path("roster/export/", roster_views.roster_export, name="roster_export"),
    path("roster/template/", roster_views.roster_template, name="roster_template"),
]
