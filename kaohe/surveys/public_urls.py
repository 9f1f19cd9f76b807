from django.urls import path

from kaohe.surveys import public_views

app_name = "survey_public"
urlpatterns = [
    path("<str:token>/", public_views.survey_answer_view, name="answer"),
    path("<str:token>/thanks/", public_views.survey_thanks, name="thanks"),
]
