from django.urls import path

from kaohe.feedback import views

app_name = "feedback"
urlpatterns = [
    path("feedback/", views.feedback_home, name="home"),
    path("feedback/<int:year>/letters/", views.letter_list, name="letter_list"),
    path("feedback/<int:year>/letters/prepare/", views.letters_prepare_view, name="letters_prepare"),
    path("feedback/<int:year>/letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("feedback/<int:year>/letters/<int:pk>/docx/", views.letter_download, name="letter_download"),
    path("feedback/<int:year>/letters/<int:pk>/send/", views.letter_send_view, name="letter_send"),
    path("feedback/<int:year>/letters/<int:pk>/talk/", views.letter_talk, name="letter_talk"),
    path("feedback/rectifications/", views.rectification_list, name="rectification_list"),
    path("feedback/rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path(
        "feedback/rectifications/<int:pk>/update/",
        views.rectification_update_view,
        name="rectification_update",
    ),
    path("feedback/rectifications/<int:pk>/verify/", views.rectification_verify, name="rectification_verify"),
    path(
        "feedback/rectifications/<int:pk>/files/<int:update_pk>/",
        views.rectification_file,
        name="rectification_file",
    ),
    path("feedback/<int:year>/ledger/", views.ledger, name="ledger"),
    path("feedback/<int:year>/ledger/record/", views.ledger_record, name="ledger_record"),
]
