"""The settings module: production configuration comes from the environment and refuses the demo secret."""

import os
import subprocess
import sys

import pytest
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from kaohe.checks import durable_commits

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"


def run_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "KAOHE_DEV", "KAOHE_PLAIN_HTTP"}
    }
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
    result = run_with({"KAOHE_DEV": "1"})
    assert result.stdout.strip() == "django.db.backends.sqlite3"


SECURITY = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
)
SECRET = {"SECRET_KEY": "a-real-secret-for-this-test-only-0123456789", "ALLOWED_HOSTS": "kaohe.example"}


def run_code(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "KAOHE_DEV", "KAOHE_PLAIN_HTTP"}
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "kaohe.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_with_nothing_set_the_app_is_production_and_refuses_to_start_without_a_secret():
    result = run_code(SECURITY, {})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "KAOHE_DEV" in result.stderr


def test_production_has_no_debug_pages_secure_cookies_and_hsts_without_asking():
    result = run_code(SECURITY, SECRET)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True"]


def test_development_mode_is_asked_for_and_gives_debug_pages_over_plain_http():
    result = run_code(SECURITY, {"KAOHE_DEV": "1"})
    assert result.stdout.split() == ["True", "False", "False", "False"]


def test_plain_http_in_production_is_explicit_and_the_deploy_check_warns_about_it():
    check = [sys.executable, "-m", "kaohe", "check", "--deploy"]
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "KAOHE_DEV", "KAOHE_PLAIN_HTTP"}}
    plain = subprocess.run(  # noqa: S603
        check, env={**clean, **SECRET, "KAOHE_PLAIN_HTTP": "1"}, capture_output=True, text=True, check=False
    )
    assert "kaohe.W001" in plain.stdout + plain.stderr
    secure = subprocess.run(  # noqa: S603
        check, env={**clean, **SECRET}, capture_output=True, text=True, check=False
    )
    assert "kaohe.W001" not in secure.stdout + secure.stderr


def test_the_settings_leave_synchronous_commit_to_the_server():
    from django.conf import settings

    options = settings.DATABASES["default"].get("OPTIONS", {})
    assert "synchronous_commit" not in str(options)


@pytest.mark.postgres
@pytest.mark.django_db
def test_migrate_refuses_a_postgresql_that_acknowledges_commits_a_crash_may_lose():
    """A receipt is shown once its ballot committed: with synchronous_commit off that commit may be lost.
    The database checks (run by migrate, and by check --database) refuse it; the crash itself is
    kaohe/ballots/tests/test_database_crash.py."""
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's (DATABASE_URL=postgres://…)")
    assert durable_commits(None, databases=["default"]) == []
    with connection.cursor() as cursor:
        # As an ALTER ROLE … SET would, for this connection only; the test's rollback undoes it.
        cursor.execute("SET synchronous_commit = off")
    problems = durable_commits(None, databases=["default"])
    assert [(type(p), p.id) for p in problems] == [(Error, "kaohe.E001")]
    assert "synchronous_commit" in problems[0].msg
    with pytest.raises(SystemCheckError, match="kaohe.E001"):
        call_command("check", databases=["default"])
