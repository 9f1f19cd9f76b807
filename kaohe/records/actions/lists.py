"""The four lists (任务、进度、问题、成绩清单): a line added, completed, deleted, verified; a month's lines
imported from a workbook."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.bulk import insert_rows
from kaohe.crypto.configured import content_digest
from kaohe.org.models import Cadre, Unit
from kaohe.performance.evidence import validate_evidence
from kaohe.plans.models import AssessmentCycle
from kaohe.records import workbook
from kaohe.records.actions.guards import ensure_open
from kaohe.records.models import ListEvidence, ListItem, ListKind
from kaohe.records.workbook import ImportSummary


def list_item_state(item: ListItem) -> dict[str, Any]:
    return {
        "unit": item.unit.code,
        "cadre": item.cadre.code if item.cadre_id else None,
        "month": item.month,
        "kind": item.kind,
        "content": item.content,
        "due": item.due,
        "completed": item.completed,
        "found_by": item.found_by,
        "verified": item.verified_at is not None,
        "verification_note": item.verification_note,
    }


def check_item(
    *, cycle: AssessmentCycle, month: int, kind: str, content: str, due: datetime.date | None, found_by: str
) -> list[str]:
    """What is wrong with a list line, in sentences naming the field (empty when nothing)."""
    problems = []
    if not 1 <= month <= 12:
        problems.append(f"月份「{month}」应为 1–12")
    if kind not in ListKind.values:
        problems.append(f"清单「{kind}」应为任务清单、进度清单、问题清单或成绩清单之一")
    if not content.strip():
        problems.append("内容不能为空")
    if kind == ListKind.TASK and due is None:
        problems.append("任务清单须填写完成时限")
    if kind == ListKind.PROBLEM and not found_by.strip():
        problems.append("问题清单须填写发现人")
    if due is not None and not cycle.year - 1 <= due.year <= cycle.year + 1:
        problems.append(f"完成时限「{due:%Y-%m-%d}」不在{cycle.year}年度前后")
    return problems


def list_item_create(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    unit: Unit,
    cadre: Cadre | None,
    month: int,
    kind: str,
    content: str,
    due: datetime.date | None = None,
    completed: datetime.date | None = None,
    found_by: str = "",
    files: Sequence[UploadedFile] = (),
) -> ListItem:
    """A line of a unit's (cadre None) or a cadre's list for a month; evidence files only on 成绩清单."""
    problems = check_item(cycle=cycle, month=month, kind=kind, content=content, due=due, found_by=found_by)
    if files and kind != ListKind.ACHIEVEMENT:
        problems.append("只有成绩清单可以上传佐证材料")
    for upload in files:
        try:
            validate_evidence(upload)
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError(problems, code="invalid")
    stored: list[str] = []
    try:
        with transaction.atomic():
            ensure_open(cycle)
            item = ListItem.objects.create(
                cycle=cycle,
                unit=unit,
                cadre=cadre,
                month=month,
                kind=kind,
                content=content.strip(),
                due=due,
                completed=completed,
                found_by=found_by.strip(),
                entered_by=actor,
            )
            for upload in files:
                evidence = ListEvidence(
                    item=item, name=upload.name[:200], size=upload.size, uploaded_by=actor
                )
                evidence.file.save(upload.name, upload, save=False)  # through the storage API, random name
                stored.append(evidence.file.name)
                evidence.save()
            after = list_item_state(item) | {"evidence": [upload.name for upload in files]}
            audit_record(actor=actor, action="list_item.create", obj=item, after=after)
    except BaseException:
        for name in stored:  # the rows are gone with the transaction; so must their files be
            default_storage.delete(name)
        raise
    return item


def list_item_complete(*, actor: Any, item: ListItem, completed: datetime.date) -> ListItem:
    with transaction.atomic():
        ensure_open(item.cycle)
        before = list_item_state(item)
        item.completed = completed
        item.save(update_fields=["completed"])
        audit_record(
            actor=actor, action="list_item.complete", obj=item, before=before, after=list_item_state(item)
        )
    return item


def list_item_delete(*, actor: Any, item: ListItem) -> None:
    """An owner withdraws a line not yet verified."""
    if item.verified_at is not None:
        raise ValidationError("已核实的清单事项不能删除", code="verified")
    names = list(item.evidence.values_list("file", flat=True))
    with transaction.atomic():
        ensure_open(item.cycle)
        audit_record(actor=actor, action="list_item.delete", obj=item, before=list_item_state(item))
        item.delete()
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])


def list_item_verify(*, actor: Any, item: ListItem, note: str) -> ListItem:
    """核实: the assessment group confirms a line, with a note kept from its owner."""
    with transaction.atomic():
        ensure_open(item.cycle)
        before = list_item_state(item)
        item.verified_by, item.verified_at, item.verification_note = actor, timezone.now(), note.strip()
        item.save(update_fields=["verified_by", "verified_at", "verification_note"])
        audit_record(
            actor=actor, action="list_item.verify", obj=item, before=before, after=list_item_state(item)
        )
    return item


def list_items_import(
    *, actor: Any, cycle: AssessmentCycle, month: int, data: bytes, unit_scope: int | None = None
) -> ImportSummary:
    """Import a month's lists (read and checked whole by ``workbook.read_list_items``); ``unit_scope`` (a
    liaison's unit id) refuses lines of any other unit. Raises ``WorkbookError`` naming every problem; then
    nothing is saved. A line already there is updated (its verification kept), a new one added, none deleted."""
    wanted, row_count = workbook.read_list_items(cycle=cycle, month=month, data=data, unit_scope=unit_scope)
    now = timezone.now()
    with transaction.atomic():
        ensure_open(cycle)
        unit_ids = {key[0] for key in wanted}
        existing = {
            (unit_id, cadre_id, kind, content): (pk, due, completed, found_by)
            for pk, unit_id, cadre_id, kind, content, due, completed, found_by in ListItem.objects.filter(
                cycle=cycle, month=month, unit_id__in=unit_ids
            ).values_list("pk", "unit_id", "cadre_id", "kind", "content", "due", "completed", "found_by")
        }
        new_rows, changed = [], []
        unchanged = 0
        for key, (_, due, completed, who) in wanted.items():
            old = existing.get(key)
            if old is None:
                unit_id, cadre_id, kind, content = key
                new_rows.append(
                    (
                        cycle.pk,
                        unit_id,
                        cadre_id,
                        month,
                        kind,
                        content,
                        due,
                        completed,
                        who,
                        actor.pk,
                        now,
                        "",
                    )
                )
            elif old[1:] != (due, completed, who):
                changed.append(ListItem(pk=old[0], due=due, completed=completed, found_by=who))
            else:
                unchanged += 1
        insert_rows(
            ListItem,
            (
                "cycle", "unit", "cadre", "month", "kind", "content", "due", "completed", "found_by",
                "entered_by", "entered_at", "verification_note",
            ),
            new_rows,
        )  # fmt: skip
        ListItem.objects.bulk_update(changed, ["due", "completed", "found_by"], batch_size=2000)
        summary = ImportSummary(month, row_count, len(new_rows), len(changed), unchanged)
        digested = content_digest(data)
        audit_record(
            actor=actor,
            action="list_items.import",
            object_type="plans.assessmentcycle",
            object_id=str(cycle.pk),
            object_repr=f"{cycle.year}年{month}月清单",
            after={
                "month": month,
                "rows": row_count,
                "created": summary.created,
                "updated": summary.updated,
                "digest": digested.value,
                "digest_algorithm": digested.algorithm,
            },
        )
    return summary
