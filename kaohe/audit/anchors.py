"""Anchors: the audit chain's head copied outside the database, so that cutting or rewriting it is named.

The chain alone proves that its entries agree with each other; whoever can write the database can still
delete its newest entries, empty it, or edit an entry and recompute everything after it. An anchor — the
sequence number and hash of the newest entry at a moment — kept where the database's users cannot reach
(a file the operator keeps, a line printed on the 审定表) turns each of those into a named finding of
`kaohe audit verify`. Anchors are written at every results seal and daily (`kaohe audit anchor` from a
timer); what happens after the newest anchor is not covered by it (docs/operations.md).

The anchor file has one JSON object a line: ``seq``, ``hash``, ``at``, ``reason``; a line written when the
operator acknowledges a restore also has ``restored_to`` (the last sequence the restored chain kept), and
the earlier anchors beyond it no longer bind.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import SystemActor
from kaohe.audit.actions import audit_record
from kaohe.audit.models import AuditEntry

logger = logging.getLogger(__name__)

# How much of an anchor's hash is printed on paper: 64 bits cannot be matched by trying.
PRINTED_HEX = 16


@dataclass(frozen=True)
class Anchor:
    number: int  # its line in the file, from 1: how the operator names it
    seq: int
    hash: str
    at: str
    reason: str
    restored_to: int | None = None

    @property
    def label(self) -> str:
        return f"锚点 {self.number}（{self.at[:16].replace('T', ' ')}，第 {self.seq} 条）"


@dataclass(frozen=True)
class AnchorFinding:
    """What the anchors say about the chain in the database: nothing wrong (``ok``) or one named finding."""

    ok: bool
    message: str
    kind: str = ""  # "", "cut" (newest entries missing: restore, deletion or truncation), "rewritten"
    restored_to: Anchor | None = None
    missing: int = 0
    latest: Anchor | None = None
    advice: str = ""  # what the operator may do about it


def anchor_file() -> Path:
    return Path(settings.AUDIT_ANCHOR_FILE)


def _parse(number: int, line: str) -> Anchor:
    data = json.loads(line)
    return Anchor(
        number=number,
        seq=int(data["seq"]),
        hash=str(data["hash"]),
        at=str(data.get("at", "")),
        reason=str(data.get("reason", "")),
        restored_to=None if data.get("restored_to") is None else int(data["restored_to"]),
    )


def anchors_read(path: Path | None = None) -> list[Anchor]:
    path = path or anchor_file()
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [_parse(number, line) for number, line in enumerate(handle, start=1) if line.strip()]


def binding(anchors: list[Anchor]) -> list[Anchor]:
    """The anchors that still bind: an acknowledged restore releases the earlier ones beyond what it kept."""
    kept: list[Anchor] = []
    for anchor in anchors:
        if anchor.restored_to is not None:
            kept = [a for a in kept if a.seq <= anchor.restored_to]
        kept.append(anchor)
    return kept


def compare(anchors: list[Anchor], *, last_seq: int, hash_at: Callable[[int], str | None]) -> AnchorFinding:
    """Check an internally whole chain that ends at ``last_seq`` against the binding anchors.

    ``hash_at(seq)`` gives the hash of the chain's entry ``seq``. A printed anchor may carry only the
    first PRINTED_HEX characters of its hash.
    """
    active = binding(anchors)
    if not active:
        return AnchorFinding(True, "没有锚点：只核对了链内一致性，删除最新记录或清空无法发现")
    matched: Anchor | None = None
    for anchor in sorted(active, key=lambda a: a.seq):
        if anchor.seq > last_seq:
            break
        actual = hash_at(anchor.seq) if anchor.seq else ""
        if actual is None or not actual.startswith(anchor.hash):
            since = f"第 {matched.seq + 1} 条" if matched else "第 1 条"
            return AnchorFinding(
                False,
                f"记录被改写后重新计算了链：{anchor.label} 记录的哈希为 {anchor.hash[:PRINTED_HEX]}，"
                f"数据库中第 {anchor.seq} 条为 {(actual or '（无）')[:PRINTED_HEX]}；"
                f"改动在{since}至第 {anchor.seq} 条之间",
                kind="rewritten",
                restored_to=matched,
                latest=anchor,
            )
        matched = anchor
    latest = max(active, key=lambda a: a.seq)
    if latest.seq <= last_seq:
        return AnchorFinding(True, f"与 {len(active)} 个锚点一致（最新：{latest.label}）", latest=latest)
    missing = latest.seq - last_seq
    gap = f"第 {last_seq + 1}–{latest.seq} 条" if missing > 1 else f"第 {latest.seq} 条"
    if matched is None:
        where = "之前没有一致的锚点（审计表被清空或截断）" if last_seq == 0 else "之前没有一致的锚点"
        message = (
            f"审计链只有 {last_seq} 条记录，{where}；{latest.label} 之前的 {missing} 条记录缺失（{gap}）"
        )
    else:
        message = f"已恢复到{matched.label}，其后 {missing} 条记录缺失（{gap}，最新为{latest.label}）"
    return AnchorFinding(
        False,
        message,
        kind="cut",
        restored_to=matched,
        missing=missing,
        latest=latest,
        advice="：若刚从备份恢复，请核实后用 `kaohe audit restore-acknowledge` 确认；否则是最新的记录被删除",
    )


# --- the database side -------------------------------------------------------------------------------------


def chain_head() -> tuple[int, str]:
    """The newest entry's sequence number and hash, as the table holds it (0 and '' when empty)."""
    newest = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return (int(newest[0]), str(newest[1])) if newest else (0, "")


def _hash_at(seq: int) -> str | None:
    return AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()


def anchors_check(extra: list[Anchor] | None = None) -> AnchorFinding:
    """The file's anchors (and any typed in from paper) against the database's chain."""
    last_seq, _ = chain_head()
    return compare(anchors_read() + (extra or []), last_seq=last_seq, hash_at=_hash_at)


def _append(record: dict[str, Any]) -> Anchor:
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        # Several processes (web nodes, the timer) may append at once.
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        number = sum(1 for line in handle if line.strip()) + 1
        handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return _parse(number, json.dumps(record))


def anchor_write(*, reason: str, restored_to: int | None = None) -> Anchor:
    """Append the chain's current head to the anchor file."""
    seq, head_hash = chain_head()
    record: dict[str, Any] = {
        "seq": seq,
        "hash": head_hash,
        "at": timezone.localtime().isoformat(),
        "reason": reason,
    }
    if restored_to is not None:
        record["restored_to"] = restored_to
    return _append(record)


def anchor_after_commit(reason: str) -> None:
    """Anchor once the caller's transaction has committed (its own audit entry included). A file that
    cannot be written is logged, never allowed to undo or fail the write that was anchored."""

    def write() -> None:
        try:
            anchor_write(reason=reason)
        except OSError:
            logger.exception("审计锚点无法写入 %s", anchor_file())

    transaction.on_commit(write)


def printed_line() -> str:
    """The line the 审定表 carries: the chain's head when it was printed, a paper anchor."""
    seq, head_hash = chain_head()
    return f"审计锚点：第 {seq} 条记录，哈希 {head_hash[:PRINTED_HEX] or '—'}（{timezone.localtime():%Y-%m-%d %H:%M}）"


def parse_printed(text: str) -> Anchor:
    """`SEQ:HASH` as read off a printed 审定表, for `kaohe audit verify --anchor`."""
    seq_text, _, hash_text = text.partition(":")
    if not seq_text.strip().isdigit() or len(hash_text.strip()) < 8:
        raise ValueError(f"锚点格式应为 序号:哈希（如 1234:3f2a9c1b7d4e5f60），收到“{text}”")
    return Anchor(number=0, seq=int(seq_text), hash=hash_text.strip().lower(), at="", reason="printed")


def restore_acknowledge(*, operator: str, reason: str) -> tuple[AnchorFinding, Anchor]:
    """The operator confirms that the database was restored from a backup: the loss is written into the
    audit chain (who, which anchor, how many entries), and a new anchor releases the ones beyond it."""
    finding = anchors_check()
    if finding.kind != "cut" or finding.latest is None:
        raise ValueError("审计链没有处于“从备份恢复”的状态，无需确认。" if finding.ok else finding.message)
    if not reason.strip():
        raise ValueError("请说明恢复的原因（--reason）。")
    last_seq, _ = chain_head()
    released = [a for a in binding(anchors_read()) if a.seq > last_seq]
    with transaction.atomic():
        audit_record(
            actor=SystemActor(operator),
            action="audit.restore_acknowledge",
            object_type="audit.anchor",
            object_id=str(finding.restored_to.number) if finding.restored_to else "",
            object_repr=finding.restored_to.label if finding.restored_to else "（无一致的锚点）",
            after={
                "reason": reason.strip(),
                "restored_to_seq": last_seq,
                "restored_to_anchor": finding.restored_to.number if finding.restored_to else None,
                "missing": finding.missing,
                "released_anchors": [{"number": a.number, "seq": a.seq, "hash": a.hash} for a in released],
            },
        )
    return finding, anchor_write(reason="restore.acknowledge", restored_to=last_seq)
