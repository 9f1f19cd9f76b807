from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.demo"
    label = "demo"
