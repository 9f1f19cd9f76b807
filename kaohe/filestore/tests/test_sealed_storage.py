"""Files leave the app sealed: what lands on disk (or in the object store) is AES-256-GCM under the key
file, names its algorithm and key, opens back to the same bytes, and refuses a changed file or another key."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from kaohe.filestore.cipher import MAGIC, FileCipherError, KeyFileCipher, header
from kaohe.filestore.storage import SealedStorage

SECRET = "张思佳 2025 自评材料：身份证号 110101198005010000".encode()


def key_file(tmp_path, name="file.key", key: bytes | None = None):
    path = tmp_path / name
    path.write_text((key or os.urandom(32)).hex())
    return path


@pytest.fixture
def sealed(settings, tmp_path):
    settings.FILE_KEY_FILE = str(key_file(tmp_path))
    settings.MEDIA_ROOT = tmp_path / "media"
    return SealedStorage("django.core.files.storage.FileSystemStorage", {"location": str(tmp_path / "media")})


def test_a_saved_file_is_sealed_on_disk_and_opens_back(sealed, tmp_path):
    name = sealed.save("evidence/a.pdf", ContentFile(SECRET))
    raw = (tmp_path / "media" / name).read_bytes()
    assert raw.startswith(MAGIC) and SECRET not in raw and "张思佳".encode() not in raw
    meta, _ = header(raw)
    assert meta == {"alg": "AES-256-GCM", "key": sealed.cipher.key_id}
    with sealed.open(name) as opened:
        assert opened.read() == SECRET


def test_a_changed_file_is_refused(sealed, tmp_path):
    name = sealed.save("evidence/a.pdf", ContentFile(SECRET))
    path = tmp_path / "media" / name
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(FileCipherError, match="已被改动"):
        sealed.open(name)


def test_a_file_sealed_under_another_key_is_refused_by_name(sealed, tmp_path):
    other = KeyFileCipher(os.urandom(32))
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "b.pdf").write_bytes(other.seal(SECRET))
    with pytest.raises(FileCipherError, match=f"文件以密钥 {other.key_id} 加密"):
        sealed.open("evidence/b.pdf")


def test_a_plain_file_is_not_taken_for_a_sealed_one(sealed, tmp_path):
    (tmp_path / "media" / "plain.txt").parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "media" / "plain.txt").write_bytes(SECRET)
    with pytest.raises(FileCipherError, match="未加密"):
        sealed.open("plain.txt")


def test_without_a_key_files_are_stored_as_they_are(settings, tmp_path):
    settings.FILE_KEY_FILE = ""
    plain = SealedStorage("django.core.files.storage.FileSystemStorage", {"location": str(tmp_path)})
    name = plain.save("a.txt", ContentFile(SECRET))
    assert (tmp_path / name).read_bytes() == SECRET


def test_files_have_no_public_address(sealed):
    with pytest.raises(NotImplementedError):
        sealed.url("evidence/a.pdf")


def test_a_key_of_the_wrong_length_is_refused():
    with pytest.raises(FileCipherError, match="32 字节"):
        KeyFileCipher(b"short")


def test_an_unreadable_key_file_stops_the_app(settings, tmp_path):
    settings.FILE_KEY_FILE = str(tmp_path / "missing.key")
    with pytest.raises(ImproperlyConfigured, match="无法读取文件加密密钥"):
        SealedStorage("django.core.files.storage.FileSystemStorage", {"location": str(tmp_path)})


def test_the_object_store_is_refused_without_a_key():
    env = {k: v for k, v in os.environ.items() if k not in {"FILE_KEY_FILE"}}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import kaohe.settings"],
        env={**env, "FILE_STORAGE": "s3"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "FILE_KEY_FILE" in result.stderr


@pytest.mark.django_db
def test_evidence_saved_through_the_app_is_sealed(settings, tmp_path, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage, storages

    settings.FILE_KEY_FILE = str(key_file(tmp_path))
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES}  # the storages are built again with the key
    assert isinstance(storages["default"], SealedStorage)
    name = default_storage.save("evidence/x.txt", ContentFile(SECRET))
    assert (tmp_path / "media" / name).read_bytes().startswith(MAGIC)
    with default_storage.open(name) as opened:
        assert opened.read() == SECRET


# --- files stored before the key was set -------------------------------------------------------------------


@pytest.fixture
def default_sealed(settings, tmp_path):
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_KEY_FILE = ""
    settings.STORAGES = {**settings.STORAGES}
    storages["default"].save("evidence/old.pdf", ContentFile(SECRET))  # before the key
    settings.FILE_KEY_FILE = str(key_file(tmp_path))
    settings.STORAGES = {**settings.STORAGES}
    return storages["default"]


def test_a_file_stored_before_the_key_is_counted_then_sealed_in_place(default_sealed, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="evidence/old.pdf"):
        call_command("files", "seal", "--check", stdout=StringIO())
    with pytest.raises(FileCipherError, match="未加密"):
        default_sealed.open("evidence/old.pdf")
    out = StringIO()
    call_command("files", "seal", stdout=out)
    assert "共 1 个文件，本次加密 1 个（AES-256-GCM）" in out.getvalue()
    assert (tmp_path / "media" / "evidence" / "old.pdf").read_bytes().startswith(MAGIC)
    with default_sealed.open("evidence/old.pdf") as opened:
        assert opened.read() == SECRET
    call_command("files", "seal", stdout=out)  # twice is harmless
    assert "本次加密 0 个" in out.getvalue()
    call_command("files", "seal", "--check", stdout=out)
    assert not list((tmp_path / "media").glob("**/*.sealing"))


def test_sealing_without_a_key_is_refused(settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    settings.FILE_KEY_FILE = ""
    settings.STORAGES = {**settings.STORAGES}
    with pytest.raises(CommandError, match="没有设置 FILE_KEY_FILE"):
        call_command("files", "seal")


def test_in_guomi_mode_files_are_sealed_with_sm4_and_files_of_either_mode_open_under_both(settings, tmp_path):
    settings.FILE_KEY_FILE = str(key_file(tmp_path))
    options = {"location": str(tmp_path / "media")}
    standard = SealedStorage("django.core.files.storage.FileSystemStorage", options)
    before = standard.save("evidence/before.pdf", ContentFile(SECRET))
    settings.CRYPTO_MODE = "guomi"
    guomi = SealedStorage("django.core.files.storage.FileSystemStorage", options)
    after = guomi.save("evidence/after.pdf", ContentFile(SECRET))
    assert header((tmp_path / "media" / after).read_bytes())[0]["alg"] == "SM4-GCM"
    assert header((tmp_path / "media" / before).read_bytes())[0]["alg"] == "AES-256-GCM"
    for storage in (standard, guomi):
        for name in (before, after):
            with storage.open(name) as opened:
                assert opened.read() == SECRET
