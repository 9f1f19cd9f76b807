from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.reports"
    label = "reports"
