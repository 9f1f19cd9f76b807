from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.records"
    label = "records"
