from django.apps import AppConfig


class FilestoreConfig(AppConfig):
    name = "kaohe.filestore"
    verbose_name = "文件存储"
