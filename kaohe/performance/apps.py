from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.performance"
    label = "performance"
