"""The settings every benchmark runs the app with, as production runs it: DEBUG off (no query log), a
throwaway secret, a key file made once for the benchmarks (production makes its own on purpose with
`kaohe crypto init-key` and refuses to start without it), and accounts that need no second factor."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kaohe.crypto.keys import create_key_file

ROOT = Path(__file__).resolve().parent.parent
KEY_FILE = ROOT / "bench" / "out" / "bench.key"


def environment(database_url: str | None = None) -> dict[str, str]:
    """The environment of a benchmark's child process (`python -m kaohe …`)."""
    create_key_file(KEY_FILE)
    env = {
        **os.environ,
        "DEBUG": "false",
        "KAOHE_DEV": "",
        "SECRET_KEY": "bench-only-not-secret",
        "CRYPTO_KEY_FILE": str(KEY_FILE),
        # The pages are measured, not the login: the benchmark's accounts are signed in without a second
        # factor and their passwords never expire.
        "SECOND_FACTOR_ROLES": "",
        "PASSWORD_MAX_AGE_DAYS": "0",
        "DJANGO_SETTINGS_MODULE": "kaohe.settings",
        "PYTHONPATH": str(ROOT),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def use_here(database_url: str) -> None:
    """The same settings for Django set up in this process."""
    os.environ.update(environment(database_url))
    sys.path.insert(0, str(ROOT))
