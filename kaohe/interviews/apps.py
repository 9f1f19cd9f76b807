from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.interviews"
    label = "interviews"
    verbose_name = "个别谈话"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.interviews.selectors import assessor_todo

        TODO_SOURCES["interviews"] = assessor_todo
