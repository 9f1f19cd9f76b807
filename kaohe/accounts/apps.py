from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.accounts"
    label = "accounts"
