"""Anchors outside the database: cutting the chain's end, emptying it, or rewriting and recomputing it is
detected and named by `kaohe audit verify`; a restore from backup is named as such and, once the operator
acknowledges it, audited. The attacks go through a raw cursor, as someone with database access has."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from kaohe.audit import anchors
from kaohe.audit.models import AuditEntry
from kaohe.audit.tests.chain import attacker_cursor, make_chain


def verify_output(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def verify_refusal(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", *args)
    assert refused.value.returncode == 1
    return str(refused.value)


def cut_from(seq: int, *, keep_head: bool = True) -> None:
    """Delete the entries from `seq` on; rewind the head row to the new end, or delete it too."""
    with attacker_cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq >= %s", [seq])
        if keep_head:
            last = AuditEntry.objects.filter(seq=seq - 1).values_list("hash", flat=True).first() or "0" * 64
            cursor.execute("UPDATE audit_audithead SET seq = %s, hash = %s", [seq - 1, last])
        else:
            cursor.execute("DELETE FROM audit_audithead")


def rewrite_and_recompute(seq: int) -> None:
    """Edit entry `seq` and recompute every later hash and the head, so the chain agrees with itself."""
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_name = %s WHERE seq = %s", ["someone-else", seq])
        prev = AuditEntry.objects.get(seq=seq).prev_hash
        for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
            entry.prev_hash = prev
            prev = entry.compute_hash()
            cursor.execute(
                "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.prev_hash, prev, entry.seq],
            )
        cursor.execute("UPDATE audit_audithead SET hash = %s", [prev])


@pytest.fixture
def anchored(cast):
    """Entries 1–3, an anchor; entries 4–6, an anchor; entry 7 after the last anchor."""
    make_chain(cast["organiser"], count=3)
    anchors.anchor_write(reason="daily")
    make_chain(cast["organiser"], count=3)
    anchors.anchor_write(reason="daily")
    make_chain(cast["organiser"], count=1)
    return cast


def test_a_whole_anchored_chain_passes_and_says_so(anchored):
    out = verify_output()
    assert "审计链完整，共 7 条记录" in out
    assert "与 2 个锚点一致（最新：锚点 2" in out and "第 6 条）" in out


def test_the_anchor_file_holds_the_head_as_json_lines(anchored):
    lines = [json.loads(line) for line in anchors.anchor_file().read_text().splitlines()]
    assert [line["seq"] for line in lines] == [3, 6]
    assert lines[1]["hash"] == AuditEntry.objects.get(seq=6).hash
    assert lines[0]["reason"] == "daily"


def test_newest_entries_deleted_with_the_head_rewound_are_named(anchored):
    cut_from(5)
    message = verify_refusal()
    assert "已恢复到锚点 1" in message and "第 3 条）" in message
    assert "其后 2 条记录缺失（第 5–6 条" in message
    assert "kaohe audit restore-acknowledge" in message and "否则是最新的记录被删除" in message


def test_newest_entries_deleted_with_the_head_row_are_named(anchored):
    cut_from(4, keep_head=False)
    assert "其后 3 条记录缺失（第 4–6 条" in verify_refusal()


def test_an_emptied_log_is_named(anchored):
    cut_from(1, keep_head=False)
    message = verify_refusal()
    assert "审计链只有 0 条记录" in message and "清空或截断" in message and "6 条记录缺失" in message


def test_a_truncated_log_and_head_are_named(anchored):
    # The attack of finding 4 on PostgreSQL: DELETE the head, TRUNCATE the log (as the owner: the app's
    # role may do neither, test_db_role.py). SQLite has no TRUNCATE: DELETE without a WHERE is its form.
    with attacker_cursor() as cursor:
        cursor.execute("DELETE FROM audit_audithead")
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE audit_auditentry")
        else:
            cursor.execute("DELETE FROM audit_auditentry")
    assert AuditEntry.objects.count() == 0
    message = verify_refusal()
    assert "审计链只有 0 条记录" in message and "清空或截断" in message


def test_entries_after_the_last_anchor_are_the_residual_risk(anchored):
    # Entry 7 came after the newest anchor: deleting it alone cannot be told from it never having been.
    cut_from(7)
    assert "审计链完整，共 6 条记录" in verify_output()


def test_an_edit_with_the_chain_recomputed_is_named(anchored):
    rewrite_and_recompute(5)
    message = verify_refusal()
    assert "记录被改写后重新计算了链" in message
    assert "锚点 2" in message and "改动在第 4 条至第 6 条之间" in message


def test_an_edit_before_the_first_anchor_is_placed_before_it(anchored):
    rewrite_and_recompute(2)
    assert "改动在第 1 条至第 3 条之间" in verify_refusal()


def test_a_printed_anchor_catches_a_rewrite_without_the_file(anchored):
    line = anchors.printed_line()
    seq = line.split("第 ")[1].split(" 条")[0]
    printed = line.split("哈希 ")[1].split("（")[0]
    anchors.anchor_file().unlink()
    assert "审计链完整" in verify_output("--anchor", f"{seq}:{printed}")
    rewrite_and_recompute(3)
    assert "锚点 0" in verify_refusal("--anchor", f"{seq}:{printed}")


def test_a_malformed_printed_anchor_is_refused_with_its_text(db):
    with pytest.raises(CommandError, match="1234-abc"):
        call_command("audit", "verify", "--anchor", "1234-abc")


def test_no_anchor_file_is_said_out_loud(cast):
    make_chain(cast["organiser"], count=2)
    assert "没有锚点：只核对了链内一致性" in verify_output()


def test_a_restore_is_acknowledged_audited_and_then_verifies(anchored):
    cut_from(5)  # what restoring a backup taken at entry 4 looks like
    out = call_command_output(
        "restore-acknowledge", "--operator", "王运维", "--reason", "磁盘损坏，用 12-01 备份恢复"
    )
    assert out.startswith("已确认：已恢复到锚点 1") and "已记入审计（第 5 条）" in out
    entry = AuditEntry.objects.get(seq=5)
    assert entry.action == "audit.restore_acknowledge" and entry.actor_name == "王运维"
    assert entry.after["missing"] == 2 and entry.after["restored_to_seq"] == 4
    assert entry.after["released_anchors"][0]["seq"] == 6
    make_chain(anchored["organiser"], count=2)  # work goes on; new entries reuse the lost numbers
    out = verify_output()
    assert "审计链完整，共 7 条记录" in out and "已确认的恢复：锚点 3" in out


def test_an_acknowledgement_is_refused_when_nothing_was_restored(anchored):
    with pytest.raises(CommandError, match="没有处于“从备份恢复”的状态"):
        call_command("audit", "restore-acknowledge", "--operator", "王运维", "--reason", "试试")
    assert not AuditEntry.objects.filter(action="audit.restore_acknowledge").exists()


def test_an_acknowledgement_does_not_cover_a_rewrite(anchored):
    rewrite_and_recompute(5)
    with pytest.raises(CommandError, match="重新计算了链"):
        call_command("audit", "restore-acknowledge", "--operator", "王运维", "--reason", "掩盖")


def test_an_anchor_waits_for_the_commit_and_a_rollback_leaves_none(cast):
    make_chain(cast["organiser"], count=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        anchors.anchor_after_commit("result.seal")
        raise RuntimeError("rolled back")
    assert anchors.anchors_read() == []


def test_the_daily_anchor_command_writes_the_head(cast, capsys):
    make_chain(cast["organiser"], count=2)
    call_command("audit", "anchor")
    assert "已写入锚点 1" in capsys.readouterr().out
    assert anchors.anchors_read()[0].seq == 2


def call_command_output(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()
