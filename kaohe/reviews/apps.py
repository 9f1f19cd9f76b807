from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "kaohe.reviews"
    label = "reviews"
    verbose_name = "一报告两评议"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.reviews.todo import home_items

        TODO_SOURCES["reviews"] = home_items
