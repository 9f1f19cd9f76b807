from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.results"
    label = "results"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.results.todo import home_items

        TODO_SOURCES["results"] = home_items
