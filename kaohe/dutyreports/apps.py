from django.apps import AppConfig


class DutyReportsConfig(AppConfig):
    name = "kaohe.dutyreports"
    label = "dutyreports"
    verbose_name = "述职述廉"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.dutyreports.todo import home_items

        TODO_SOURCES["dutyreports"] = home_items
