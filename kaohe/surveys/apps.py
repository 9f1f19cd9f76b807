from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.surveys"
    label = "surveys"
