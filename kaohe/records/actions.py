"""The write functions of the year's records: one per use-case, one transaction, one audit entry each.

Records are kept until 公示: from then on the year's 平时考核 is fixed with the results.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kaohe.audit.actions import audit_record
from kaohe.org.models import Cadre, Unit
from kaohe.performance.evidence import validate_evidence
from kaohe.plans.models import AssessedCadre, AssessmentCycle, Phase
from kaohe.records.models import (
    Grade,
    ListEvidence,
    ListItem,
    ListKind,
    QuarterlyGrade,
    RecordsRule,
    RegularOverride,
    Visit,
    VisitMethod,
)
from kaohe.rules.regular import QuarterGrade, reason_missing

OPEN_PHASES = (Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.EVALUATION)


class RecordsClosed(ValidationError):
    pass


def ensure_open(cycle: AssessmentCycle) -> None:
    # Lock the cycle row so a phase change cannot slip between this check and the write.
    locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.phase not in OPEN_PHASES:
        raise RecordsClosed(
            f"{locked.name}已进入{locked.get_phase_display()}阶段，平时考核记录已截止，不能再新增或修改。",
            code="closed",
        )


def _plain(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


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


def visit_state(visit: Visit) -> dict[str, Any]:
    return {
        "unit": visit.unit.code,
        "date": visit.date,
        "method": visit.method,
        "members": visit.members,
        "findings": visit.findings,
        "items": sorted(visit.items.values_list("pk", flat=True)) if visit.pk else [],
    }


def visit_create(
    *,
    actor: Any,
    cycle: AssessmentCycle,
    unit: Unit,
    date: datetime.date,
    method: str,
    members: str,
    findings: str,
    items: Sequence[ListItem] = (),
) -> Visit:
    problems = []
    if method not in VisitMethod.values:
        problems.append(f"考察方式「{method}」不在可选范围内")
    if date.year != cycle.year:
        problems.append(f"日期「{date:%Y-%m-%d}」不在{cycle.year}年内")
    if not members.strip():
        problems.append("考察人员不能为空")
    if not findings.strip():
        problems.append("发现情况不能为空")
    for item in items:
        if item.cycle_id != cycle.pk or item.unit_id != unit.pk:
            problems.append(f"清单事项 {item.pk} 不是{unit.name}本年度的")
    if problems:
        raise ValidationError(problems, code="invalid")
    with transaction.atomic():
        ensure_open(cycle)
        visit = Visit.objects.create(
            cycle=cycle,
            unit=unit,
            date=date,
            method=method,
            members=members.strip(),
            findings=findings.strip(),
            entered_by=actor,
        )
        visit.items.set(items)
        audit_record(actor=actor, action="visit.create", obj=visit, after=visit_state(visit))
    return visit


def quarterly_grade_set(
    *, actor: Any, cycle: AssessmentCycle, assessed: AssessedCadre, quarter: int, grade: str, reason: str = ""
) -> QuarterlyGrade:
    """A cadre's 平时考核 grade for a quarter; 一般 and 较差 only with a reason."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError(f"季度「{quarter}」应为 1–4", code="quarter")
    if grade not in Grade.values:
        raise ValidationError(f"等次「{grade}」应为好、较好、一般、较差之一", code="grade")
    if reason_missing(QuarterGrade(grade), reason):
        raise ValidationError(f"评为「{grade}」须写明理由", code="reason")
    with transaction.atomic():
        ensure_open(cycle)
        current = (
            QuarterlyGrade.objects.select_for_update()
            .filter(cycle=cycle, cadre_id=assessed.cadre_id, quarter=quarter)
            .first()
        )
        before = {"grade": current.grade, "reason": current.reason} if current else None
        if current is None:
            current = QuarterlyGrade(cycle=cycle, cadre_id=assessed.cadre_id, quarter=quarter)
        current.grade, current.reason, current.given_by = grade, reason.strip(), actor
        current.save()
        after = {"grade": grade, "reason": current.reason}
        if after != before:
            audit_record(
                actor=actor,
                action="quarterly_grade.set",
                obj=current,
                object_repr=f"{cycle.year} {assessed.cadre} 第{quarter}季度",
                before=before,
                after=after | {"cadre": assessed.cadre.code, "quarter": quarter},
            )
    return current


def regular_override_set(
    *, actor: Any, cycle: AssessmentCycle, assessed: AssessedCadre, score: Decimal | None, reason: str = ""
) -> RegularOverride | None:
    """The organiser types a cadre's annual 平时考核 over the quarterly grades' (with a reason); None clears it."""
    with transaction.atomic():
        ensure_open(cycle)
        current = (
            RegularOverride.objects.select_for_update()
            .filter(cycle=cycle, cadre_id=assessed.cadre_id)
            .first()
        )
        before = {"score": _plain(current.score), "reason": current.reason} if current else None
        if score is None:
            if current is not None:
                current.delete()
                audit_record(
                    actor=actor,
                    action="regular_override.clear",
                    object_type="records.regularoverride",
                    object_id=str(assessed.cadre_id),
                    object_repr=f"{cycle.year} {assessed.cadre}",
                    before=before,
                )
            return None
        if not Decimal(0) <= score <= Decimal(100):
            raise ValidationError(f"平时考核「{_plain(score)}」超出 0–100", code="score")
        if not reason.strip():
            raise ValidationError("改定平时考核须写明理由", code="reason")
        if current is None:
            current = RegularOverride(cycle=cycle, cadre_id=assessed.cadre_id)
        current.score, current.reason, current.set_by = score, reason.strip(), actor
        current.save()
        audit_record(
            actor=actor,
            action="regular_override.set",
            obj=current,
            object_repr=f"{cycle.year} {assessed.cadre}",
            before=before,
            after={"cadre": assessed.cadre.code, "score": _plain(score), "reason": current.reason},
        )
    return current


RULE_FIELDS = (
    "score_good",
    "score_fairly_good",
    "score_average",
    "score_poor",
    "visits_per_month",
    "grader",
    "due_day",
)


def records_rule_update(*, actor: Any, cycle: AssessmentCycle, **values: Any) -> RecordsRule:
    """The plan's rules for the year's records; fixed with the plan from 评定 on."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.plan_frozen:
            raise RecordsClosed("工作方案在评定阶段后不能修改", code="frozen")
        rule, _ = RecordsRule.objects.get_or_create(cycle=cycle)
        before = {f: str(getattr(rule, f)) for f in RULE_FIELDS}
        for name, value in values.items():
            setattr(rule, name, value)
        rule.full_clean(exclude=["cycle"])
        rule.save()
        after = {f: str(getattr(rule, f)) for f in RULE_FIELDS}
        if after != before:
            audit_record(actor=actor, action="records_rule.update", obj=rule, before=before, after=after)
    return rule
