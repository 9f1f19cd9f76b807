from django.urls import path

from kaohe.plans import agreement_views, views

app_name = "plans"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("new/", views.cycle_create_view, name="cycle_create"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<int:pk>/delete/", views.calendar_day_delete_view, name="calendar_day_delete"),
    path("calendar/export/", views.calendar_export, name="calendar_export"),
    path("<int:year>/", views.cycle_detail, name="cycle_detail"),
    path("<int:year>/edit/", views.cycle_edit, name="cycle_edit"),
    path("<int:year>/advance/", views.cycle_advance_view, name="cycle_advance"),
    path("<int:year>/plan/", views.plan_detail, name="plan_detail"),
    path("<int:year>/plan/edit/", views.plan_edit, name="plan_edit"),
    path("<int:year>/participants/units/", views.unit_list, name="unit_list"),
    path("<int:year>/participants/enrol/", views.participants_enrol_view, name="participants_enrol"),
    path("<int:year>/participants/units/<int:pk>/mark/", views.unit_mark, name="unit_mark"),
    path("<int:year>/participants/units/<int:pk>/remove/", views.unit_remove, name="unit_remove"),
    path("<int:year>/participants/cadres/", views.cadre_list, name="cadre_list"),
    path("<int:year>/participants/cadres/<int:pk>/", views.cadre_edit, name="cadre_edit"),
    path("<int:year>/participants/cadres/<int:pk>/remove/", views.cadre_remove, name="cadre_remove"),
    path("<int:year>/indicators/", views.indicator_list, name="indicator_list"),
    path("<int:year>/indicators/new/", views.indicator_create_view, name="indicator_create"),
    path("<int:year>/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("<int:year>/indicators/<int:pk>/delete/", views.indicator_delete_view, name="indicator_delete"),
    path("<int:year>/indicators/import/", views.indicator_import, name="indicator_import"),
    path("<int:year>/indicators/export/", views.indicator_export, name="indicator_export"),
    path("<int:year>/targets/", views.target_grid, name="target_grid"),
    path("<int:year>/targets/<int:unit>/<int:indicator>/", views.target_edit, name="target_edit"),
    path("<int:year>/targets/import/", views.target_import, name="target_import"),
    path("<int:year>/targets/export/", views.target_export, name="target_export"),
    # targets agreed up and down
    path(
        "<int:year>/targets/agreements/", agreement_views.target_agreement_list_view, name="target_agreements"
    ),
    path("<int:year>/targets/setting/", agreement_views.target_setting_view, name="target_setting"),
    path("<int:year>/targets/proposal/", agreement_views.target_proposal_view, name="target_proposal"),
    path(
        "<int:year>/targets/agreements/<int:unit>/",
        agreement_views.target_agreement_view,
        name="target_agreement",
    ),
    path(
        "<int:year>/targets/agreements/<int:unit>/review/",
        agreement_views.target_review_view,
        name="target_review",
    ),
    path(
        "<int:year>/targets/agreements/<int:unit>/agree/",
        agreement_views.target_agree_view,
        name="target_agree",
    ),
    path(
        "<int:year>/targets/agreements/<int:unit>/reopen/",
        agreement_views.target_reopen_view,
        name="target_reopen",
    ),
    path("<int:year>/groups/", views.group_list, name="group_list"),
    path("<int:year>/groups/new/", views.group_create_view, name="group_create"),
    path("<int:year>/groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("<int:year>/groups/<int:pk>/delete/", views.group_delete_view, name="group_delete"),
]
