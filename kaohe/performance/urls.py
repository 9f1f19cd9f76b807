from django.urls import path

from kaohe.performance import organiser_views, views

app_name = "performance"
urlpatterns = [
    # The role's own inputs in the current cycle; everything else lives under cycles/<year>/.
    path("inputs/", views.inputs_home, name="inputs_home"),
    path("inputs/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("inputs/evidence/<int:pk>/delete/", views.evidence_delete_view, name="evidence_delete"),
    # unit liaison
    path("cycles/<int:year>/self-evaluation/", views.self_evaluation_list, name="self_evaluation_list"),
    path(
        "cycles/<int:year>/self-evaluation/<int:indicator_pk>/",
        views.self_evaluation_edit,
        name="self_evaluation_edit",
    ),
    # department clerk
    path("cycles/<int:year>/scores/", views.score_grid, name="score_grid"),
    path("cycles/<int:year>/scores/sheet/", views.score_sheet, name="score_sheet"),
    path("cycles/<int:year>/scores/upload/", views.score_upload, name="score_upload"),
    # assessor
    path("cycles/<int:year>/verification/", views.verification_list, name="verification_list"),
    path("cycles/<int:year>/verification/<int:unit_pk>/", views.verification_unit, name="verification_unit"),
    path(
        "cycles/<int:year>/verification/<int:unit_pk>/<int:indicator_pk>/",
        views.verification_set_view,
        name="verification_set",
    ),
    # leader
    path("cycles/<int:year>/ratings/", views.rating_list, name="rating_list"),
    path("cycles/<int:year>/ratings/<int:unit_pk>/", views.rating_edit, name="rating_edit"),
    # organiser
    path("cycles/<int:year>/adjustments/", organiser_views.adjustment_list, name="adjustment_list"),
    path("cycles/<int:year>/adjustments/new/", organiser_views.adjustment_create, name="adjustment_create"),
    path(
        "cycles/<int:year>/adjustments/<int:pk>/decide/",
        organiser_views.adjustment_decide_view,
        name="adjustment_decide",
    ),
    path(
        "cycles/<int:year>/adjustments/<int:pk>/evidence/",
        organiser_views.adjustment_evidence,
        name="adjustment_evidence",
    ),
    path("cycles/<int:year>/vetoes/", organiser_views.veto_list, name="veto_list"),
    path("cycles/<int:year>/vetoes/new/", organiser_views.veto_create, name="veto_create"),
    path("cycles/<int:year>/vetoes/<int:pk>/delete/", organiser_views.veto_delete_view, name="veto_delete"),
    path("cycles/<int:year>/vetoes/<int:pk>/evidence/", organiser_views.veto_evidence, name="veto_evidence"),
    path("cycles/<int:year>/sanctions/", organiser_views.sanction_list, name="sanction_list"),
    path("cycles/<int:year>/sanctions/new/", organiser_views.sanction_create, name="sanction_create"),
    path(
        "cycles/<int:year>/sanctions/<int:pk>/delete/",
        organiser_views.sanction_delete_view,
        name="sanction_delete",
    ),
]

# Progress (performance.progress_views); the live preview is the results' (results.preview_views).
from kaohe.performance import progress_views  # noqa: E402

urlpatterns += [
    path("cycles/<int:year>/progress/", progress_views.progress, name="progress"),
    path("cycles/<int:year>/progress/chase.xlsx", progress_views.progress_chase, name="progress_chase"),
]
