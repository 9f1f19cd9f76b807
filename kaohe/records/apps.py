from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.records"
    label = "records"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.records.gaps import home_todo

        TODO_SOURCES["records_todo"] = home_todo
