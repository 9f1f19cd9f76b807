"""The settings module: production configuration comes from the environment and refuses the demo secret."""

import os
import subprocess
import sys

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"


def run_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHECK],
        env={**clean, "DJANGO_SETTINGS_MODULE": "kaohe.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_with_the_demo_secret():
    result = run_with({"DEBUG": "false", "ALLOWED_HOSTS": "kaohe.example"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_its_own_secret_and_database_url():
    result = run_with(
        {
            "DEBUG": "false",
            "SECRET_KEY": "a-real-secret-for-this-test-only-0123456789",
            "ALLOWED_HOSTS": "kaohe.example",
            "DATABASE_URL": "postgres://kaohe@db.example:5432/kaohe",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_the_embedded_default_is_sqlite():
    result = run_with({})
    assert result.stdout.strip() == "django.db.backends.sqlite3"
