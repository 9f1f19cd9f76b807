"""The private cluster's helper refuses to skip in CI: a test that kills PostgreSQL must run there."""

import pytest

from kaohe.tests import private_postgres


def test_missing_binaries_fail_in_ci(monkeypatch):
    monkeypatch.setattr(private_postgres, "find_bindir", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI installs Debian's postgresql"):
        private_postgres.require_bindir()


def test_missing_binaries_skip_on_a_developers_machine(monkeypatch):
    monkeypatch.setattr(private_postgres, "find_bindir", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        private_postgres.require_bindir()
