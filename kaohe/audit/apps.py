from django.apps import AppConfig


class Config(AppConfig):
    verbose_name = "审计"
    name = "kaohe.audit"
    label = "audit"

    def ready(self) -> None:
        from kaohe import checks  # noqa: F401  (registers the deployment checks)
