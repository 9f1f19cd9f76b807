from django.urls import path

from kaohe.dutyreports import views

app_name = "dutyreports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.report_list, name="list"),
    path("<int:year>/setting/", views.setting_update_view, name="setting"),
    path("<int:year>/reports/<int:pk>/file/", views.report_download, name="download"),
    path("<int:year>/<str:target>/<int:pk>/<str:kind>/", views.report_submit_view, name="submit"),
]
