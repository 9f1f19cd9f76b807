from django.urls import path

from kaohe.results import views

app_name = "results"
R = "cycles/<int:year>/results/"
urlpatterns = [
    path(R, views.home, name="home"),
    path(f"{R}compute/", views.compute, name="compute"),
    path(f"{R}compare/", views.compare_view, name="compare"),
    path(f"{R}review/", views.review, name="review"),
    path(f"{R}notice/", views.notice, name="notice"),
    path(f"{R}notice/<int:pk>/objections/", views.objection_create, name="objection_create"),
    path(f"{R}objections/<int:pk>/handle/", views.objection_handle_view, name="objection_handle"),
    path(f"{R}decisions/<int:pk>/withdraw/", views.decision_withdraw_view, name="decision_withdraw"),
    path(f"{R}runs/<int:version>/export.xlsx", views.export, name="export"),
    path(f"{R}runs/<int:version>/quota/", views.quota_approve_view, name="quota_approve"),
    path(f"{R}runs/<int:version>/finalise/", views.finalise, name="finalise"),
    path(f"{R}runs/<int:version>/void/", views.void, name="void"),
    path(f"{R}runs/<int:version>/<int:pk>/", views.result_detail, name="result_detail"),
    path(f"{R}runs/<int:version>/<int:pk>/decide/", views.decide, name="decide"),
    path(f"{R}runs/<int:version>/<int:pk>/explanation/", views.result_explanation, name="result_explanation"),
]

# Feedback (我的考核结果, 本人意见), dossiers (考核档案) and per-unit 审定表: feedback_views, dossier_views,
# approval_sheet_views.
from kaohe.results import approval_sheet_views, dossier_views, feedback_views  # noqa: E402

urlpatterns += [
    path("results/mine/", feedback_views.feedback_mine, name="feedback_mine"),
    path("results/mine/<int:pk>/confirm/", feedback_views.feedback_confirm, name="feedback_confirm"),
    path(f"{R}feedback/", feedback_views.feedback_list, name="feedback_list"),
    path(f"{R}approval-sheets/", approval_sheet_views.approval_sheet_index, name="approval_sheet_index"),
    path(f"{R}approval-sheets/<int:pk>/", approval_sheet_views.approval_sheet_page, name="approval_sheet"),
    path(
        f"{R}approval-sheets/<int:pk>/docx/",
        approval_sheet_views.approval_sheet_download,
        name="approval_sheet_docx",
    ),
    path("dossiers/cadres/<int:pk>/", dossier_views.cadre_dossier_page, name="cadre_dossier"),
    path("dossiers/teams/<int:pk>/", dossier_views.team_dossier_page, name="team_dossier"),
]

# The live preview of unit performance while inputs come in (preview_views).
from kaohe.results import preview_views  # noqa: E402

urlpatterns += [
    path("cycles/<int:year>/preview/", preview_views.preview, name="preview"),
]

# 党风廉政意见 (clearance_views): the committee's page in a cycle, the discipline-inspection body's own list.
from kaohe.results import clearance_views  # noqa: E402

urlpatterns += [
    path(f"{R}clearance/", clearance_views.clearance_page, name="clearance"),
    path(f"{R}clearance/required/", clearance_views.clearance_required_view, name="clearance_required"),
    path(f"{R}clearance/send/", clearance_views.clearance_send, name="clearance_send"),
    path(f"{R}clearance/<int:pk>/resolve/", clearance_views.clearance_resolve_view, name="clearance_resolve"),
    path("clearance/", clearance_views.clearance_inbox, name="clearance_inbox"),
    path("clearance/<int:pk>/answer/", clearance_views.clearance_answer_view, name="clearance_answer"),
]
