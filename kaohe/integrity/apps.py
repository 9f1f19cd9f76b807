from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.integrity"
    label = "integrity"
