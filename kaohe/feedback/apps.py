from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "kaohe.feedback"
    verbose_name = "结果反馈与运用"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.feedback import carryover
        from kaohe.feedback.todo import home_items
        from kaohe.plans.carryover import SOURCES

        TODO_SOURCES["feedback"] = home_items
        SOURCES[carryover.KEY] = carryover.SOURCE
