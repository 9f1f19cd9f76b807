from django.urls import path

from kaohe.ballots import public_views

app_name = "ballot_public"
urlpatterns = [
    path("", public_views.ballot_entry, name="entry"),
    path("receipt/", public_views.receipt_check, name="receipt"),
    path("<str:code>/", public_views.ballot_open, name="ballot"),
]
