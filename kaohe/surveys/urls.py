from django.urls import path

from kaohe.surveys import views

app_name = "surveys"
urlpatterns = [
    path("cycles/<int:year>/surveys/", views.survey_list, name="survey_list"),
    path("cycles/<int:year>/surveys/new/", views.survey_create_view, name="survey_create"),
    path("cycles/<int:year>/surveys/bulk/", views.survey_bulk_create_view, name="survey_bulk_create"),
    path("cycles/<int:year>/surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("cycles/<int:year>/surveys/<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("cycles/<int:year>/surveys/<int:pk>/open/", views.survey_toggle, name="survey_toggle"),
    path("cycles/<int:year>/surveys/<int:pk>/delete/", views.survey_delete_view, name="survey_delete"),
    path("cycles/<int:year>/surveys/<int:pk>/codes/", views.code_generate, name="code_generate"),
    path("cycles/<int:year>/surveys/<int:pk>/codes.pdf", views.codes_pdf, name="codes_pdf"),
    path("cycles/<int:year>/surveys/<int:pk>/codes.xlsx", views.codes_xlsx_view, name="codes_xlsx"),
]
