from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "kaohe.profiles"
    verbose_name = "画像与全程纪实"
