"""Bench: the demo's feedback (letters prepared, sent, items and ledger in bulk), then every team letter rendered.

    DATABASE_URL=sqlite:////tmp/kaohe-bench.sqlite3 .venv/bin/kaohe demo   # the city demo (80 units)
    DATABASE_URL=sqlite:////tmp/kaohe-bench.sqlite3 .venv/bin/python bench/feedback.py

Deletes the 2024 feedback the demo loaded and loads it again (what the demo loader adds to its time), then
renders the sent team letters in the sandbox, one document each in one run. Prints seconds (wall, CPU).
"""

import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

import django  # noqa: E402

django.setup()

from kaohe.feedback.demo import demo_feedback_load  # noqa: E402

from kaohe.feedback.documents import letter_context  # noqa: E402
from kaohe.feedback.models import Letter, Rectification, RectificationUpdate, ResultAction  # noqa: E402
from kaohe.reports.documents import render  # noqa: E402


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    RectificationUpdate.objects.filter(item__cycle__year=2024).delete()
    Rectification.objects.filter(cycle__year=2024).delete()
    Letter.objects.filter(cycle__year=2024).delete()
    ResultAction.objects.filter(cycle__year=2024).delete()
    wall, cpu = time.monotonic(), _cpu()
    demo_feedback_load()
    print(
        f"demo feedback load: {Letter.objects.filter(cycle__year=2024).count()} letters, "
        f"{Rectification.objects.filter(cycle__year=2024).count()} items, "
        f"{ResultAction.objects.filter(cycle__year=2024).count()} actions: "
        f"{time.monotonic() - wall:.2f} s wall, {_cpu() - cpu:.2f} s CPU"
    )
    letters = list(
        Letter.objects.filter(cycle__year=2024, kind="team").select_related("cycle", "unit", "cadre")
    )
    wall, cpu = time.monotonic(), _cpu()
    documents = render("feedback", [letter_context(letter) for letter in letters])
    print(
        f"{len(documents)} team letters rendered: {time.monotonic() - wall:.2f} s wall, {_cpu() - cpu:.2f} s CPU; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())
