from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.ballots"
    label = "ballots"
