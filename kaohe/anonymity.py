"""k, the one smallest group: no figure from fewer than k ballots, survey responses or interviews of one
group is shown in the app, to anyone, nor may one be worked back from what is shown. Its value is the
MIN_GROUP_SIZE setting (default 3); what is merged or hidden below it is each summary's own rule
(`rules/disclosure.py` for ballots, `interviews/summary.py`, the surveys' and reports' selectors). Every app
asks here, and nowhere else."""

from django.conf import settings


def min_group() -> int:
    return int(settings.MIN_GROUP_SIZE)
