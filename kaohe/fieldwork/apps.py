from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "kaohe.fieldwork"
    verbose_name = "考核组工作"
    default_auto_field = "django.db.models.BigAutoField"
