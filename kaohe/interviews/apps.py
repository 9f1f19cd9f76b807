from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.interviews"
    label = "interviews"
    verbose_name = "个别谈话"
