from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.org"
    label = "org"
