from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.records"
    label = "records"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.records.todo import home_items

        TODO_SOURCES["records"] = home_items
