from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.results"
    label = "results"
