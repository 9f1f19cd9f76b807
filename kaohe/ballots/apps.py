from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.ballots"
    label = "ballots"

    def ready(self) -> None:
        from kaohe.ballots import logfilter

        logfilter.install()
