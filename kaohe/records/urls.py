from django.urls import path

from kaohe.records import views

app_name = "records"

urlpatterns = [
    path("<int:year>/", views.records_home, name="home"),
    path("<int:year>/mine/<int:month>/", views.my_month, name="my_month"),
    path("<int:year>/units/<int:unit_id>/<int:month>/", views.unit_month, name="unit_month"),
    path("<int:year>/items/<int:pk>/verify/", views.item_verify, name="item_verify"),
    path("<int:year>/items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("<int:year>/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("<int:year>/visits/", views.visit_list, name="visit_list"),
    path("<int:year>/grades/", views.grade_list, name="grade_list"),
    path("<int:year>/grades/mine/", views.my_grades, name="my_grades"),
    path("<int:year>/grades/<int:cadre_id>/", views.cadre_grades, name="cadre_grades"),
    path("<int:year>/import/", views.items_import, name="items_import"),
    path("<int:year>/export/", views.items_export, name="items_export"),
    path("<int:year>/template/", views.items_template, name="items_template"),
]
