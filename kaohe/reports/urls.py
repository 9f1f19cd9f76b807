from django.urls import path

from kaohe.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.reports_home, name="home"),
    path("reports/<int:year>/", views.report_list, name="list"),
    path("reports/<int:year>/draft/", views.reports_draft_view, name="draft"),
    path("reports/<int:year>/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:year>/<int:pk>/save/", views.report_save_view, name="save"),
    path("reports/<int:year>/<int:pk>/submit/", views.report_submit_view, name="submit"),
    path("reports/<int:year>/<int:pk>/review/", views.report_review_view, name="review"),
    path("reports/<int:year>/<int:pk>/docx/", views.report_download, name="download"),
    path("reports/<int:year>/cycle.docx", views.cycle_download, name="cycle"),
    path("reports/templates/", views.template_list, name="templates"),
    path("reports/templates/<str:kind>/docx/", views.template_download, name="template_download"),
    path("reports/templates/<str:kind>/upload/", views.template_upload_view, name="template_upload"),
    path("reports/templates/<str:kind>/preview/", views.template_preview, name="template_preview"),
    path("reports/templates/<str:kind>/reset/", views.template_reset_view, name="template_reset"),
    path("reports/<int:year>/register/mine/", views.register_mine, name="register_mine"),
    path("reports/<int:year>/register/", views.register_list, name="register_list"),
    path("reports/<int:year>/register/docx/", views.register_download, name="register_download"),
    path("reports/<int:year>/register/file/", views.registers_file_view, name="registers_file"),
]
