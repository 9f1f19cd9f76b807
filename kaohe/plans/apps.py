from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.plans"
    label = "plans"
