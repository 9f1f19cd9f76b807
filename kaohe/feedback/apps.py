from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "kaohe.feedback"
    verbose_name = "结果反馈与运用"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.feedback.todo import home_items

        TODO_SOURCES["feedback"] = home_items
