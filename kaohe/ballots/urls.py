from django.urls import path

from kaohe.ballots import live_views, paper_views, views

app_name = "ballots"
S = "cycles/<int:year>/sessions/"
urlpatterns = [
    path(S, views.session_list, name="session_list"),
    path(f"{S}new/", views.session_create_view, name="session_create"),
    path(f"{S}<int:pk>/", views.session_detail, name="session_detail"),
    path(f"{S}<int:pk>/edit/", views.session_edit, name="session_edit"),
    path(f"{S}<int:pk>/codes/", views.codes_generate, name="codes_generate"),
    path(f"{S}<int:pk>/key/", views.session_key_view, name="session_key"),
    path(f"{S}<int:pk>/open/", views.session_open_view, name="session_open"),
    path(f"{S}<int:pk>/summaries/", views.session_summaries_view, name="session_summaries"),
    path(f"{S}<int:pk>/close/", views.session_close_view, name="session_close"),
    path(f"{S}<int:pk>/seal/", views.session_archive_view, name="session_seal"),
    path(f"{S}<int:pk>/purge/", views.session_purge, name="session_purge"),
    path(f"{S}<int:pk>/void/", views.session_void_view, name="session_void"),
    path(f"{S}<int:pk>/tally/", views.session_tally_view, name="session_tally"),
    path("ballot-templates/", views.template_list, name="template_list"),
    path("ballot-templates/<int:pk>/copy/", views.template_copy_view, name="template_copy"),
    path("ballot-templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    # Paper ballots typed twice or imported, and the live turnout (paper_views, live_views).
    path(f"{S}<int:pk>/paper/", paper_views.paper_home, name="paper_home"),
    path(f"{S}<int:pk>/paper/resolve/", paper_views.paper_resolve_view, name="paper_resolve"),
    path(f"{S}<int:pk>/paper/commit/", paper_views.paper_commit, name="paper_commit"),
    path(f"{S}<int:pk>/paper/discard/", paper_views.paper_discard, name="paper_discard"),
    path(f"{S}<int:pk>/paper/import/", paper_views.paper_import, name="paper_import"),
    path(f"{S}<int:pk>/paper/<str:slot>/", paper_views.paper_entry, name="paper_entry"),
    path(
        f"{S}<int:pk>/paper/<str:slot>/delete/",
        paper_views.paper_entry_delete_view,
        name="paper_entry_delete",
    ),
    path(f"{S}live/", live_views.live_list, name="live_list"),
    path(f"{S}<int:pk>/live/", live_views.live_turnout, name="live_turnout"),
]
