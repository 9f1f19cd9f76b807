from django.urls import path

from kaohe.surveys import views

app_name = "surveys"
urlpatterns = [
    path("cycles/<int:year>/surveys/", views.survey_list, name="survey_list"),
]
