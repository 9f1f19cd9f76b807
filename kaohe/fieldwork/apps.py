from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "kaohe.fieldwork"
    verbose_name = "考核组工作"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.fieldwork.todo import home_items

        TODO_SOURCES["fieldwork"] = home_items
