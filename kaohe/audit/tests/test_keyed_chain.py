"""The chain is keyed: an HMAC under a secret held outside the database, each entry naming its algorithm.

Attacks are made as someone with the database but not the key file would make them.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from kaohe.audit.actions import audit_record, audit_verify
from kaohe.audit.models import AuditEntry, AuditHead
from kaohe.audit.tests.chain import attacker_cursor, make_chain
from kaohe.crypto.keys import create_key_file


@pytest.fixture
def key_file(settings, tmp_path):
    path = tmp_path / "kaohe.key"
    create_key_file(path)
    settings.CRYPTO_KEY_FILE = path
    return path


def verify_refusal() -> str:
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify")
    return str(refused.value)


def recompute_from(cursor, seq: int, link) -> None:
    """Rewrite entry `seq` and every later one with `link(entry) -> hex`, and move the head: a forger's
    whole-chain recomputation."""
    entries = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for entry in entries:
        entry.prev_hash = prev
        entry.hash = link(entry)
        cursor.execute(
            "UPDATE audit_auditentry SET prev_hash = %s, hash = %s, algorithm = %s WHERE seq = %s",
            [entry.prev_hash, entry.hash, entry.algorithm, entry.seq],
        )
        prev = entry.hash
    cursor.execute("UPDATE audit_audithead SET hash = %s WHERE id = 1", [prev])


def canonical(entry: AuditEntry) -> bytes:
    text = json.dumps(entry.content(), sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return (entry.prev_hash + text).encode()


def test_entries_are_keyed_with_the_standard_mode_by_default(cast, key_file):
    make_chain(cast["organiser"], count=2)
    assert set(AuditEntry.objects.values_list("algorithm", flat=True)) == {"hmac-sha256"}
    assert audit_verify() is None


def test_guomi_mode_keys_entries_with_hmac_sm3(cast, key_file, settings):
    settings.CRYPTO_MODE = "guomi"
    make_chain(cast["organiser"], count=2)
    assert set(AuditEntry.objects.values_list("algorithm", flat=True)) == {"hmac-sm3"}
    assert audit_verify() is None


def test_a_switch_of_mode_and_back_leaves_every_entry_verifying(cast, key_file, settings, capsys):
    make_chain(cast["organiser"], count=2)
    settings.CRYPTO_MODE = "guomi"
    make_chain(cast["organiser"], count=2)
    assert audit_verify() is None
    settings.CRYPTO_MODE = "standard"
    make_chain(cast["organiser"], count=1)
    assert list(AuditEntry.objects.order_by("seq").values_list("algorithm", flat=True)) == [
        "hmac-sha256",
        "hmac-sha256",
        "hmac-sm3",
        "hmac-sm3",
        "hmac-sha256",
    ]
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "审计链完整，共 5 条记录" in out
    assert "hmac-sha256 3 条，hmac-sm3 2 条" in out


def test_the_mac_is_not_a_plain_hash_of_the_content(cast, key_file):
    make_chain(cast["organiser"], count=1)
    entry = AuditEntry.objects.get(seq=1)
    assert entry.hash != hashlib.sha256(canonical(entry)).hexdigest()


@pytest.mark.parametrize("mode", ["standard", "guomi"])
def test_an_edited_entry_with_the_chain_recomputed_as_plain_sha256_is_detected(
    cast, key_file, settings, mode
):
    settings.CRYPTO_MODE = mode
    make_chain(cast["organiser"], count=4)
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_name = %s WHERE seq = 2", ["someone-else"])
        recompute_from(cursor, 2, lambda e: hashlib.sha256(canonical(e)).hexdigest())
    assert "审计记录 #2: 内容与哈希不符（记录被修改）" in verify_refusal()


@pytest.mark.parametrize("algorithm", ["hmac-sha256", "hmac-sm3"])
def test_an_edited_entry_with_the_chain_recomputed_under_a_guessed_key_is_detected(cast, key_file, algorithm):
    make_chain(cast["organiser"], count=4)
    guessed = b"kaohe-demo-secret-key-do-not-use-in-production"  # the demo SECRET_KEY is no help either
    digestmod = "sha256" if algorithm == "hmac-sha256" else "sm3"

    def forged(entry):
        entry.algorithm = algorithm
        if digestmod == "sm3":
            from kaohe.crypto.modes import mac

            return mac("hmac-sm3", guessed, canonical(entry)).hex()
        return hmac.new(guessed, canonical(entry), digestmod).hexdigest()

    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE seq = 3", ["伪造"])
        recompute_from(cursor, 3, forged)
    assert "审计记录 #3: 内容与哈希不符（记录被修改）" in verify_refusal()


def test_the_same_forgery_passes_only_with_the_key(cast, key_file):
    # The control: a forger holding the key file could recompute, which is why it is kept apart.
    make_chain(cast["organiser"], count=3)
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE seq = 2", ["伪造"])
        recompute_from(cursor, 2, lambda e: e.compute_hash())
    assert audit_verify() is None


def test_relabelling_keyed_entries_as_unkeyed_is_detected(cast, key_file):
    make_chain(cast["organiser"], count=3)

    def unkeyed(entry):
        entry.algorithm = "sha256"
        return hashlib.sha256(canonical(entry)).hexdigest()

    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE seq = 3", ["伪造"])
        recompute_from(cursor, 3, unkeyed)
    assert "审计记录 #3: 有密钥的记录之后出现无密钥的记录" in verify_refusal()


def test_an_unknown_algorithm_is_named(cast, key_file):
    make_chain(cast["organiser"], count=2)
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET algorithm = %s WHERE seq = 2", ["md5"])
    assert "审计记录 #2: 不认识的算法“md5”" in verify_refusal()


def test_entries_from_before_keying_verify_and_are_protected_by_the_next_keyed_entry(cast, key_file, capsys):
    # Two entries as the previous release wrote them (plain SHA-256, no algorithm in the content).
    with transaction.atomic():
        prev = "0" * 64
        for seq in (1, 2):
            entry = AuditEntry(
                seq=seq,
                at=datetime(2025, 1, 1, tzinfo=UTC),
                actor_name="old",
                action="unit.update",
                prev_hash=prev,
                algorithm="sha256",
            )
            entry.hash = entry.compute_hash()
            assert entry.hash == hashlib.sha256(canonical(entry)).hexdigest()
            entry.save()
            prev = entry.hash
        AuditHead.objects.update_or_create(id=1, defaults={"seq": 2, "hash": prev})
    make_chain(cast["organiser"], count=1)
    call_command("audit", "verify")
    assert "其中 2 条写于启用密钥之前" in capsys.readouterr().out
    # Editing an old entry and recomputing the old entries' plain hashes breaks the keyed link after them.
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_name = %s WHERE seq = 1", ["someone-else"])
        entries = list(AuditEntry.objects.filter(seq__lte=2).order_by("seq"))
        prev = "0" * 64
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = hashlib.sha256(canonical(entry)).hexdigest()
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.prev_hash, entry.hash, entry.seq],
            )
            prev = entry.hash
    assert "审计记录 #3: 与前一条记录的哈希不一致" in verify_refusal()


def test_another_key_file_cannot_verify_the_chain(cast, key_file, settings, tmp_path):
    make_chain(cast["organiser"], count=2)
    other = tmp_path / "other.key"
    create_key_file(other)
    settings.CRYPTO_KEY_FILE = other
    assert "审计记录 #1: 内容与哈希不符" in verify_refusal()


def test_a_missing_key_file_is_named_by_verify(cast, key_file, settings, tmp_path):
    make_chain(cast["organiser"], count=1)
    settings.CRYPTO_KEY_FILE = tmp_path / "gone.key"
    assert "无法校验（密钥文件" in verify_refusal()


def test_a_missing_key_file_refuses_the_write_and_saves_nothing(cast, settings, tmp_path):
    settings.CRYPTO_KEY_FILE = tmp_path / "gone.key"
    with pytest.raises(Exception, match="kaohe crypto init-key"), transaction.atomic():
        audit_record(actor=cast["organiser"], action="unit.update")
    assert not AuditEntry.objects.exists()
