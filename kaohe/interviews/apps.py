from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.interviews"
    label = "interviews"
    verbose_name = "个别谈话"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.interviews.todo import home_items

        TODO_SOURCES["interviews"] = home_items
