from django.urls import path

from kaohe.integrity import views

app_name = "integrity"
I = "cycles/<int:year>/integrity/"  # noqa: E741
urlpatterns = [
    path(I, views.cycle_page, name="cycle"),
    path(f"{I}analyse/", views.analyse, name="analyse"),
    path(f"{I}review/", views.review, name="review"),
]
