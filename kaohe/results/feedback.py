"""Feedback (反馈): each cadre's own final result and their 本人意见; each liaison's unit and team.

What a person sees is the *current* final result of a cycle: the ``FinalResult`` of the cycle's latest
``Seal`` (see ``kaohe.results.models``). A cycle without a seal shows 「考核结果尚未确定」; a result that a
``ResultVoid`` names for that seal shows 「考核结果已宣布无效，待重新考核」 until a new seal replaces it.

The acknowledgement (确认收到, with 本人意见 同意 / 有异议 and a text) is an entry of the audit chain, action
``result.acknowledge`` on the ``FinalResult``: the chain already records who, when and what, append-only,
and a re-sealed result is a new ``FinalResult`` that needs its own acknowledgement. ``actions.result_acknowledge``
locks the final result's row, so two submissions of one person cannot both pass the once-only check.

Nobody reads anyone else's result here: a cadre gets the final results whose ``cadre`` is their own, a
liaison the team result of their own unit (with the unit's 实绩); every other id is a 404.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime

from kaohe.accounts.models import Role
from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle
from kaohe.results.models import FinalResult, Kind, ResultVoid, Seal
from kaohe.workbook.writer import FLAG_LABELS

ACK_ACTION = "result.acknowledge"
ACK_OBJECT = "results.finalresult"
FEEDBACK_ROLES = (Role.CADRE, Role.LIAISON)
TEXT_MAX = 1000


class Opinion:
    AGREE = "agree"
    OBJECT = "object"
    CHOICES = ((AGREE, "同意"), (OBJECT, "有异议"))
    LABELS = dict(CHOICES)


class Status:
    """How one year's result stands for the person it belongs to."""

    PENDING = "pending"  # the cycle has no seal yet
    FINAL = "final"
    VOID = "void"  # declared 无效 for the current seal; a new run and seal follow


def flag_labels(flags: list[str]) -> list[str]:
    return [FLAG_LABELS.get(flag, flag) for flag in flags]


def decision_text(computed: str, grade: str, label: str, reason: str) -> str:
    """「领导小组决定：待定 → 优秀（理由）」: the committee's decision on a result, for people to read."""
    change = f"{computed} → {grade}" if computed != grade else grade
    return f"{label}：{change}" + (f"（{reason}）" if reason else "")


def final_decision_text(final: FinalResult) -> str:
    """The decision on a sealed result; ``manual_reason`` holds 「<label>：<reason>」 or the label alone."""
    if not final.manual:
        return ""
    label, _, reason = final.manual_reason.partition("：")
    if not reason and label not in ("领导小组决定", "人工调整"):
        label, reason = "领导小组决定", final.manual_reason
    return decision_text(final.computed_grade, final.grade, label or "领导小组决定", reason)


# --- the current seals ------------------------------------------------------------------------------------


def latest_seal_ids() -> dict[int, int]:
    """{cycle id: id of its latest seal}: whose final results are the cycle's current ones."""
    rows = Seal.objects.values("cycle").annotate(latest=Max("id")).values_list("cycle", "latest")
    return dict(rows)


def latest_seal(cycle: AssessmentCycle) -> Seal | None:
    return Seal.objects.filter(cycle=cycle).order_by("-id").first()


def voided_codes(seal_ids: list[int] | set[int]) -> set[tuple[int, str, str]]:
    """(seal id, kind, code) of every final result declared 无效 after its seal."""
    rows = ResultVoid.objects.filter(seal_id__in=seal_ids).values_list("seal_id", "codes")
    return {(seal_id, kind, code) for seal_id, codes in rows for kind, code in codes}


def current_finals() -> QuerySet[FinalResult]:
    return FinalResult.objects.filter(seal_id__in=list(latest_seal_ids().values()))


# --- acknowledgements -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acknowledgement:
    opinion: str
    text: str
    by: str
    at: datetime | None

    @property
    def opinion_label(self) -> str:
        return Opinion.LABELS.get(self.opinion, self.opinion)

    @property
    def objected(self) -> bool:
        return self.opinion == Opinion.OBJECT

    @classmethod
    def from_entry(cls, entry: AuditEntry) -> Acknowledgement:
        after = entry.after or {}
        at = entry.at if isinstance(entry.at, datetime) else parse_datetime(str(entry.at))
        return cls(after.get("opinion", ""), after.get("text", ""), after.get("by", entry.actor_name), at)


def _ack_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(action=ACK_ACTION, object_type=ACK_OBJECT).order_by("seq")


def acknowledgements(final_ids: list[int]) -> dict[int, Acknowledgement]:
    """{final result id: its acknowledgement} for the given final results (the first, should there be two)."""
    found: dict[int, Acknowledgement] = {}
    keys = [str(pk) for pk in final_ids]
    for start in range(0, len(keys), 500):  # bounded IN lists, whatever the province's size
        for entry in _ack_entries().filter(object_id__in=keys[start : start + 500]):
            found.setdefault(int(entry.object_id), Acknowledgement.from_entry(entry))
    return found


def acknowledgement_of(final: FinalResult) -> Acknowledgement | None:
    entry = _ack_entries().filter(object_id=str(final.pk)).first()
    return None if entry is None else Acknowledgement.from_entry(entry)


# --- what one person sees ---------------------------------------------------------------------------------


@dataclass
class Feedback:
    """One cycle's result as its owner sees it."""

    cycle: AssessmentCycle
    status: str
    final: FinalResult | None = None
    acknowledgement: Acknowledgement | None = None

    @property
    def flags(self) -> list[str]:
        return flag_labels(self.final.flags) if self.final else []

    @property
    def performance(self) -> Decimal | None:
        """The unit's 实绩 (绩效), as the run computed it."""
        return self.final.result.performance if self.final else None

    @property
    def democratic(self) -> str | None:
        democratic = self.final.result.democratic if self.final else None
        return democratic["score"] if democratic else None

    @property
    def decision(self) -> str:
        return final_decision_text(self.final) if self.final else ""

    @property
    def can_acknowledge(self) -> bool:
        return self.status == Status.FINAL and self.acknowledgement is None


def _own_filter(user) -> dict[str, Any] | None:
    if user.has_role(Role.CADRE) and user.cadre_id:
        return {"kind": Kind.CADRE, "cadre_id": user.cadre_id}
    if user.has_role(Role.LIAISON) and user.unit_id:
        return {"kind": Kind.TEAM, "unit_id": user.unit_id}
    return None


def own_feedback(user) -> list[Feedback]:
    """Every cycle the user's cadre (or unit) takes part in, newest first: their own current final result,
    or why there is none to show (not sealed yet: 尚未确定; declared 无效)."""
    own = _own_filter(user)
    if own is None:
        return []
    seals = latest_seal_ids()
    finals = {
        f.cycle_id: f
        for f in FinalResult.objects.filter(seal_id__in=list(seals.values()), **own).select_related(
            "result", "unit"
        )
    }
    voided = voided_codes(set(seals.values()))
    acks = acknowledgements([f.pk for f in finals.values()])
    if own["kind"] == Kind.CADRE:
        assessed = set(
            AssessedCadre.objects.filter(cadre_id=user.cadre_id).values_list("cycle_id", flat=True)
        )
    else:
        assessed = set(AssessedUnit.objects.filter(unit_id=user.unit_id).values_list("cycle_id", flat=True))
    found = []
    for cycle in AssessmentCycle.objects.order_by("-year"):
        if cycle.pk not in seals:
            if cycle.pk in assessed:
                found.append(Feedback(cycle, Status.PENDING))
            continue
        final = finals.get(cycle.pk)
        if final is None:
            continue
        status = Status.VOID if (final.seal_id, final.kind, final.code) in voided else Status.FINAL
        found.append(Feedback(cycle, status, final, acks.get(final.pk)))
    return found


def get_own_final(user, pk: int) -> FinalResult:
    """The user's own current final result ``pk``; 404 for anyone else's, a replaced seal's or a voided one."""
    own = _own_filter(user)
    if own is None:
        raise Http404
    final = current_finals().filter(pk=pk, **own).select_related("cycle", "unit").first()
    if final is None or (final.seal_id, final.kind, final.code) in voided_codes([final.seal_id]):
        raise Http404
    return final


# --- the organisers' list ---------------------------------------------------------------------------------


class AckState:
    AGREED = "agreed"
    OBJECTED = "objected"
    WAITING = "waiting"
    CHOICES = ((AGREED, "已确认（同意）"), (OBJECTED, "有异议"), (WAITING, "尚未确认"))


@dataclass
class AckRow:
    final: FinalResult
    acknowledgement: Acknowledgement | None
    void: bool

    @property
    def state(self) -> str:
        if self.acknowledgement is None:
            return AckState.WAITING
        return AckState.OBJECTED if self.acknowledgement.objected else AckState.AGREED


@dataclass
class AckList:
    seal: Seal | None
    rows: list[AckRow]
    counts: Counter[str]


def acknowledgement_list(cycle: AssessmentCycle, *, kind: str = "", state: str = "") -> AckList:
    """Every current final result of ``cycle`` with its acknowledgement: who confirmed, who objected, who not yet."""
    seal = latest_seal(cycle)
    if seal is None:
        return AckList(None, [], Counter())
    finals = (
        FinalResult.objects.filter(seal=seal).select_related("unit").order_by("-kind", "unit__code", "code")
    )  # teams first
    if kind:
        finals = finals.filter(kind=kind)
    finals = list(finals)
    voided = voided_codes([seal.pk])
    acks = acknowledgements([f.pk for f in finals])
    rows = [AckRow(f, acks.get(f.pk), (seal.pk, f.kind, f.code) in voided) for f in finals]
    counts = Counter(row.state for row in rows)
    if state:
        rows = [row for row in rows if row.state == state]
    return AckList(seal, rows, counts)
