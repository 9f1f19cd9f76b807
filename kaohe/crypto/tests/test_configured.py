"""The crypto the settings choose: encryption across a switch of mode, start-up refusal, the command."""

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from kaohe.crypto import configured, modes
from kaohe.crypto.checks import key_provider_ready
from kaohe.crypto.keys import create_key_file
from kaohe.crypto.modes import CryptoError


@pytest.fixture
def key_file(settings, tmp_path):
    path = tmp_path / "kaohe.key"
    create_key_file(path)
    settings.CRYPTO_KEY_FILE = path
    return path


def test_records_sealed_under_either_mode_open_after_a_switch(key_file, settings):
    standard = configured.seal("谈话记录甲".encode(), aad=b"interview:1")
    settings.CRYPTO_MODE = "guomi"
    guomi = configured.seal("谈话记录乙".encode(), aad=b"interview:2")
    assert standard.startswith("env:v1:aes256gcm:") and guomi.startswith("env:v1:sm4gcm:")
    assert configured.open_sealed(standard, aad=b"interview:1").decode() == "谈话记录甲"
    settings.CRYPTO_MODE = "standard"
    assert configured.open_sealed(guomi, aad=b"interview:2").decode() == "谈话记录乙"


def test_records_do_not_open_under_another_key_file(key_file, settings, tmp_path):
    sealed = configured.seal(b"secret", aad=b"x")
    other = tmp_path / "other.key"
    create_key_file(other)
    settings.CRYPTO_KEY_FILE = other
    with pytest.raises(CryptoError):
        configured.open_sealed(sealed, aad=b"x")


def test_the_provider_is_the_class_the_setting_names(key_file, settings):
    settings.CRYPTO_KEY_PROVIDER = "kaohe.crypto.tests.test_configured.RecordingProvider"
    assert isinstance(configured.key_provider(), RecordingProvider)
    configured.seal(b"x", aad=b"a")
    assert RecordingProvider.wrapped == ["aes256gcm"]


class RecordingProvider:
    """A stand-in for a 密码机: it wraps data keys itself; Kaohe only asks."""

    wrapped: list[str] = []

    @classmethod
    def from_settings(cls, settings):
        return cls()

    def mac(self, *, purpose, algorithm, data):
        return modes.mac(algorithm, b"hsm-key", data)

    def wrap(self, *, algorithm, key, aad):
        self.wrapped.append(algorithm)
        return key

    def unwrap(self, *, algorithm, wrapped, aad):
        return wrapped


def test_start_up_refuses_guomi_mode_without_sm3_and_sm4(settings, monkeypatch):
    settings.CRYPTO_MODE = "guomi"
    monkeypatch.setattr(modes, "missing_algorithms", lambda mode: ["sm3", "hmac-sm3", "sm4gcm"])
    with pytest.raises(ImproperlyConfigured) as refused:
        apps.get_app_config("crypto").ready()
    assert "CRYPTO_MODE=guomi（国密）需要 sm3、hmac-sm3、sm4gcm" in str(refused.value)
    assert "不支持" in str(refused.value)


def test_start_up_refuses_an_unknown_mode():
    env = {k: v for k, v in os.environ.items() if k != "CRYPTO_MODE"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "kaohe.settings", "CRYPTO_MODE": "sm9"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "CRYPTO_MODE 设置有误：密码模式“sm9”不存在" in result.stderr


def test_start_up_accepts_guomi_mode_on_this_openssl():
    env = {k: v for k, v in os.environ.items() if k != "CRYPTO_MODE"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "kaohe.settings", "CRYPTO_MODE": "guomi"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_system_check_names_a_missing_key_file(settings, tmp_path):
    settings.CRYPTO_KEY_FILE = tmp_path / "none.key"
    errors = key_provider_ready(None)
    assert [e.id for e in errors] == ["kaohe.crypto.E001"]
    assert "kaohe crypto init-key" in errors[0].msg


def test_the_system_check_passes_with_a_key(key_file):
    assert key_provider_ready(None) == []


def test_init_key_makes_the_file_once(settings, tmp_path, capsys):
    settings.CRYPTO_KEY_FILE = tmp_path / "new.key"
    call_command("crypto", "init-key")
    assert "已生成密钥文件" in capsys.readouterr().out
    with pytest.raises(CommandError, match="已存在，未覆盖"):
        call_command("crypto", "init-key")


def test_a_production_install_makes_its_first_key_from_the_command_line(tmp_path):
    """The system check refuses to start without a key, so the command that makes it must run without one."""
    key = tmp_path / "kaohe.key"
    env = {k: v for k, v in os.environ.items() if k not in ("KAOHE_DEV", "DEBUG")}
    env |= {"CRYPTO_KEY_FILE": str(key), "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "kaohe.example"}
    made = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kaohe", "crypto", "init-key"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert key.exists() and "已生成密钥文件" in made.stdout


def test_status_names_the_mode_and_the_algorithms(key_file, settings, capsys):
    settings.CRYPTO_MODE = "guomi"
    call_command("crypto", "status")
    out = capsys.readouterr().out
    assert "密码模式：guomi" in out and "hmac-sm3" in out and "sm4gcm" in out and "（可读）" in out
