from django.urls import path

from kaohe.interviews import views

app_name = "interviews"

urlpatterns = [
    path("interviews/", views.latest, name="latest"),
    path("cycles/<int:year>/interviews/", views.index, name="index"),
    path("cycles/<int:year>/interviews/settings/", views.settings_edit, name="settings"),
    path("cycles/<int:year>/interviews/pledge/", views.pledge, name="pledge"),
    path("cycles/<int:year>/interviews/export/", views.export, name="export"),
    path("cycles/<int:year>/interviews/units/<int:unit_pk>/", views.unit_detail, name="unit"),
    path(
        "cycles/<int:year>/interviews/units/<int:unit_pk>/prepare/", views.unit_prepare, name="unit_prepare"
    ),
    path(
        "cycles/<int:year>/interviews/units/<int:unit_pk>/add/",
        views.interviewee_add_view,
        name="interviewee_add",
    ),
    path("cycles/<int:year>/interviews/units/<int:unit_pk>/form.docx", views.blank_form, name="blank_form"),
    path("cycles/<int:year>/interviews/units/<int:unit_pk>/summary/", views.summary, name="summary"),
    path(
        "cycles/<int:year>/interviews/people/<int:pk>/excuse/", views.interviewee_excuse_view, name="excuse"
    ),
    path(
        "cycles/<int:year>/interviews/people/<int:pk>/remove/", views.interviewee_remove_view, name="remove"
    ),
    path("cycles/<int:year>/interviews/people/<int:pk>/outline/", views.outline, name="outline"),
    path(
        "cycles/<int:year>/interviews/people/<int:pk>/outline.docx", views.outline_docx, name="outline_docx"
    ),
    path("cycles/<int:year>/interviews/people/<int:pk>/record/", views.record, name="record"),
]
