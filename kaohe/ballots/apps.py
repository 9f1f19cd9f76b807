from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.ballots"
    label = "ballots"

    def ready(self) -> None:
        from kaohe.accounts.todo import TODO_SOURCES
        from kaohe.ballots import logfilter, selectors, todo
        from kaohe.plans.gate import ADVANCE_FIGURES
        from kaohe.plans.selectors import RATER_GROUPS_IN_USE

        logfilter.install()
        if selectors.rater_groups_in_use not in RATER_GROUPS_IN_USE:
            RATER_GROUPS_IN_USE.append(selectors.rater_groups_in_use)
        TODO_SOURCES["ballots"] = todo.home_items
        if todo.advance_figures not in ADVANCE_FIGURES:
            ADVANCE_FIGURES.append(todo.advance_figures)
