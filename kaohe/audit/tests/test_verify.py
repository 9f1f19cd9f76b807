"""`kaohe audit verify`: a whole chain passes; a changed, a removed and a truncated entry are each named.

The tampering goes through a raw cursor, as an attacker with database access would; on PostgreSQL that
attacker must first disable the append-only trigger, which `attacker_cursor` does explicitly.
"""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kaohe.audit.actions import audit_verify
from kaohe.audit.management.commands.audit import Command
from kaohe.audit.models import AuditEntry
from kaohe.audit.tests.chain import attacker_cursor, forge_after, make_chain


@pytest.fixture
def chain(cast):
    make_chain(cast["organiser"], count=4)


def verify_output(capsys) -> str:
    call_command("audit", "verify")
    return capsys.readouterr().out


def verify_refusal() -> str:
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify")
    assert refused.value.returncode == 1
    return str(refused.value)


def test_a_whole_chain_passes(chain, capsys):
    assert "审计链完整，共 4 条记录" in verify_output(capsys)


@pytest.mark.django_db
def test_an_empty_log_passes(capsys):
    assert "审计链完整，共 0 条记录" in verify_output(capsys)


def test_a_changed_field_is_detected_and_named(chain):
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_name = %s WHERE seq = 2", ["someone-else"])
    assert "审计记录 #2: 内容与哈希不符（记录被修改）" in verify_refusal()


def test_a_changed_value_in_after_is_detected(chain):
    with attacker_cursor() as cursor:
        forge_after(cursor, 3, '{"name": "伪造"}')
    assert AuditEntry.objects.get(seq=3).after == {"name": "伪造"}
    assert "#3" in verify_refusal()


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link(chain):
    forged = AuditEntry.objects.get(seq=2)
    forged.actor_name = "someone-else"
    with attacker_cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s, hash = %s WHERE seq = 2",
            [forged.actor_name, forged.compute_hash()],
        )
    assert "审计记录 #3: 与前一条记录的哈希不一致" in verify_refusal()


def test_an_entry_removed_from_the_middle_is_detected(chain):
    with attacker_cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")
    assert "审计记录 #2: 记录缺失（序号不连续）" in verify_refusal()


def test_entries_removed_from_the_end_are_detected(chain):
    with attacker_cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq >= 3")
    message = verify_refusal()
    assert "审计记录 #3: 链尾记录缺失（应有 4 条，实有 2 条）" in message


def test_a_renumbered_chain_is_still_detected(chain):
    # Removing #2 and shifting the later numbers down leaves #3's link pointing at the removed entry.
    with attacker_cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 2")
        for seq in (3, 4):  # one row at a time: PostgreSQL checks `seq` unique after each row
            cursor.execute("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [seq - 1, seq])
    assert "#2" in verify_refusal()


def test_the_command_exits_1_and_names_the_entry_on_stderr(chain, capsys):
    with attacker_cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 4")
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["kaohe", "audit", "verify"])
    assert exited.value.code == 1
    assert "审计记录 #4" in capsys.readouterr().err


def test_the_command_exits_0_on_a_whole_chain(chain, capsys):
    Command().run_from_argv(["kaohe", "audit", "verify"])  # no SystemExit: status 0
    assert "审计链完整，共 4 条记录" in capsys.readouterr().out


def test_verify_needs_its_subcommand(db):
    with pytest.raises(CommandError):
        call_command("audit")


def test_audit_verify_returns_the_first_break_only(chain):
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE seq IN (2, 3)", ["x"])
    broken = audit_verify()
    assert broken is not None and broken.seq == 2


def test_hashes_are_sha256_of_the_previous_hash_and_the_content(chain):
    first, second = AuditEntry.objects.order_by("seq")[:2]
    assert first.prev_hash == "0" * 64
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64 and hashlib.sha256(b"").hexdigest() != second.hash
