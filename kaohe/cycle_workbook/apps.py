from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.cycle_workbook"
    label = "cycle_workbook"
