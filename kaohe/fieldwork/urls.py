from django.urls import path

from kaohe.fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.progress, name="progress"),
    path("<int:year>/setting/", views.setting_update, name="setting"),
    path("<int:year>/open/", views.visits_open_view, name="open"),
    path("<int:year>/visits/<int:pk>/", views.visit_detail, name="visit"),
    path("<int:year>/visits/<int:pk>/schedule/", views.visit_schedule_view, name="visit_schedule"),
    path("<int:year>/visits/<int:pk>/mark/", views.visit_mark_view, name="visit_mark"),
    path("<int:year>/visits/<int:pk>/assign/", views.visit_assign_view, name="visit_assign"),
    path("<int:year>/groups/<int:pk>/", views.group_roles, name="group"),
    path("<int:year>/conflicts/", views.conflicts, name="conflicts"),
    path("<int:year>/schedule.<str:fmt>", views.schedule_export, name="export"),
    path("<int:year>/schedule-template.xlsx", views.schedule_template, name="template"),
    path("<int:year>/import/", views.schedule_import_view, name="import"),
]
