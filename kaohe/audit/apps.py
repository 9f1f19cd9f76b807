from django.apps import AppConfig


class Config(AppConfig):
    verbose_name = "审计"
    name = "kaohe.audit"
    label = "audit"
