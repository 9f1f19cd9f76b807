from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "kaohe.feedback"
    verbose_name = "结果反馈与运用"
