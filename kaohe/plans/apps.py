from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.plans"
    label = "plans"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.plans.todo import home_items

        TODO_SOURCES["plans"] = home_items
