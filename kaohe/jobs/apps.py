from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.jobs"
    label = "jobs"
