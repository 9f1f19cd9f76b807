from django.urls import path

from kaohe.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:year>/", views.review_list, name="list"),
    path("<int:year>/setting/", views.setting_update_view, name="setting"),
    path("<int:year>/special/<int:template>/<int:pk>/apply/", views.special_apply_view, name="special_apply"),
    path("<int:year>/<str:kind>/<int:pk>/outcome/", views.outcome_record_view, name="outcome"),
]
