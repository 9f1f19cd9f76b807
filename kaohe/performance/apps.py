from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.performance"
    label = "performance"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.performance.todo import advance_figures, home_items
        from kaohe.plans.gate import ADVANCE_FIGURES

        TODO_SOURCES["performance"] = home_items
        if advance_figures not in ADVANCE_FIGURES:
            ADVANCE_FIGURES.append(advance_figures)
