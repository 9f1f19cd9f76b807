from django.apps import AppConfig


class Config(AppConfig):
    name = "kaohe.ballots"
    label = "ballots"

    def ready(self) -> None:
        from kaohe.ballots import logfilter, selectors
        from kaohe.plans.selectors import RATER_GROUPS_IN_USE

        logfilter.install()
        if selectors.rater_groups_in_use not in RATER_GROUPS_IN_USE:
            RATER_GROUPS_IN_USE.append(selectors.rater_groups_in_use)
