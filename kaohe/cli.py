"""The `kaohe` command: Django's manage.py plus the domain commands (assess, demo, roster, audit…)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kaohe", *sys.argv[1:]])


if __name__ == "__main__":
    main()
