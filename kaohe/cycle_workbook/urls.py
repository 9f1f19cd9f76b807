from django.urls import path

from kaohe.cycle_workbook import views

app_name = "cycle_workbook"
urlpatterns = [
    path("workbook/", views.workbook_import, name="import"),
    path("<int:year>/workbook/", views.workbook_export, name="export"),
]
