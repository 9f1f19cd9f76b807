"""Reads of 一报告两评议: each reviewed unit's selection work and each new promoted cadre, with their shares
(``shares.py``) and flags, through the user's scope:

- organisers and the committee: every target of the cycle;
- assessors: the units of their groups, and the promoted cadres serving in them;
- every other role: nothing.

Counted: the answers to each form's scored item in the cycle's closed or sealed sessions, never a rehearsal
(an open session's figures would give each new ballot away by difference).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.http import Http404

from kaohe.accounts.models import Role
from kaohe.anonymity import min_group
from kaohe.ballots.models import BallotItemAnswer, BallotTemplate, SessionStatus, SessionTarget, TemplateKind
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import AssessedUnit, AssessmentCycle, AssessmentGroup
from kaohe.reviews import shares
from kaohe.reviews.models import ReviewOutcome, ReviewSetting

READERS = (Role.ORGANISER, Role.COMMITTEE, Role.ASSESSOR)
COUNTED = (SessionStatus.CLOSED, SessionStatus.SEALED)
KINDS = (TemplateKind.SELECTION, TemplateKind.PROMOTED)


def setting(cycle: AssessmentCycle) -> ReviewSetting:
    return ReviewSetting.objects.filter(cycle=cycle).first() or ReviewSetting(cycle=cycle)


def thresholds(cycle_setting: ReviewSetting) -> shares.Thresholds:
    """The setting as exact shares; a stored value is checked when saved, so it parses."""
    return shares.Thresholds(
        selection_good_min=shares.parse_share(cycle_setting.selection_good_min),
        promoted_agree_min=shares.parse_share(cycle_setting.promoted_agree_min),
        promoted_disagree_max=shares.parse_share(cycle_setting.promoted_disagree_max),
    )


def _scope_units(user, cycle: AssessmentCycle) -> set[int] | None:
    """The units the user may see (None: all)."""
    if user.has_role(Role.ORGANISER, Role.COMMITTEE):
        return None
    if user.has_role(Role.ASSESSOR):
        return set(
            AssessmentGroup.units.through.objects.filter(
                assessmentgroup__cycle=cycle, assessmentgroup__members=user
            ).values_list("unit_id", flat=True)
        )
    return set()


@dataclass(frozen=True)
class Row:
    kind: str  # "selection" (a unit) or "promoted" (a cadre)
    target_id: int
    code: str
    name: str
    detail: str
    share: shares.Share
    outcome: ReviewOutcome | None

    @property
    def kind_label(self) -> str:
        return "选人用人工作" if self.kind == shares.SELECTION else "新提拔干部"

    @property
    def flagged(self) -> bool:
        return bool(self.share.flags)

    @property
    def waiting(self) -> bool:
        """Flagged and not yet handled: the organiser's to-do."""
        return self.flagged and self.outcome is None


def rows(user, cycle: AssessmentCycle) -> list[Row]:
    """Every selection review and promoted cadre of the cycle's counted sessions the user may see: flagged
    and unhandled first, then by kind and code."""
    scope = _scope_units(user, cycle)
    if scope is not None and not scope:
        return []
    targets = (
        SessionTarget.objects.filter(
            session__cycle=cycle,
            session__status__in=COUNTED,
            session__rehearsal=False,
            template__kind__in=KINDS,
        )
        .values_list("template__kind", "unit_id", "cadre_id")
        .distinct()
        .order_by()
    )
    wanted: set[tuple[str, int]] = set()
    for kind, unit_id, cadre_id in targets:
        wanted.add((kind, unit_id if kind == TemplateKind.SELECTION else cadre_id))
    units = Unit.objects.in_bulk([t for k, t in wanted if k == TemplateKind.SELECTION])
    cadres = Cadre.objects.select_related("current_unit").in_bulk(
        [t for k, t in wanted if k == TemplateKind.PROMOTED]
    )
    if scope is not None:
        wanted = {
            (k, t)
            for k, t in wanted
            if (k == TemplateKind.SELECTION and t in scope)
            or (k == TemplateKind.PROMOTED and cadres[t].current_unit_id in scope)
        }
    scored = {
        pk: shares.scored_item(kind, items)
        for pk, kind, items in BallotTemplate.objects.filter(kind__in=KINDS).values_list(
            "pk", "kind", "items"
        )
    }
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    answers = (
        BallotItemAnswer.objects.filter(
            ballot__session__cycle=cycle,
            ballot__session__status__in=COUNTED,
            ballot__session__rehearsal=False,
            template__kind__in=KINDS,
        )
        .values_list("template_id", "template__kind", "item", "unit_id", "cadre_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for template_id, kind, item, unit_id, cadre_id, choice, n in answers:
        if item != scored.get(template_id):
            continue
        key = (kind, unit_id if kind == TemplateKind.SELECTION else cadre_id)
        if key in wanted:
            counts[key][choice] = counts[key].get(choice, 0) + n
    limits = thresholds(setting(cycle))
    k = min_group()
    outcomes = {(o.kind, o.unit_id or o.cadre_id): o for o in ReviewOutcome.objects.filter(cycle=cycle)}
    found = []
    for kind, target_id in wanted:
        subject: Unit | Cadre
        if kind == TemplateKind.SELECTION:
            subject, detail = units[target_id], "选人用人工作"
        else:
            subject = cadres[target_id]
            detail = subject.current_unit.name if subject.current_unit_id else ""
        found.append(
            Row(
                kind=kind,
                target_id=target_id,
                code=subject.code,
                name=subject.name,
                detail=detail,
                share=shares.share(kind, counts.get((kind, target_id), {}), limits, k),
                outcome=outcomes.get((kind, target_id)),
            )
        )
    found.sort(key=lambda r: (not r.waiting, not r.flagged, KINDS.index(r.kind), r.code))
    return found


def get_row(user, cycle: AssessmentCycle, kind: str, target_id: int) -> Row:
    for row in rows(user, cycle):
        if row.kind == kind and row.target_id == target_id:
            return row
    raise Http404("没有这项评议结果")


def waiting_count(user, cycle: AssessmentCycle) -> int:
    return sum(1 for row in rows(user, cycle) if row.waiting)


# --- 专项评议 (服务质量评议, 重点项目评议) ------------------------------------------------------------------


@dataclass(frozen=True)
class SpecialRow:
    template_id: int
    template: str
    unit_id: int
    code: str
    name: str
    result: shares.Special
    public_survey: Decimal | None  # the unit's 公众评议 as it stands (None: not assessed, or blank)

    @property
    def applied(self) -> bool:
        return self.result.score is not None and self.public_survey == self.result.score


def special_rows(user, cycle: AssessmentCycle) -> list[SpecialRow]:
    """Each unit's result on each 专项评议 form of the cycle's closed or sealed sessions, in the user's scope."""
    scope = _scope_units(user, cycle)
    if scope is not None and not scope:
        return []
    targets = (
        SessionTarget.objects.filter(
            session__cycle=cycle,
            session__status__in=COUNTED,
            session__rehearsal=False,
            template__kind=TemplateKind.SERVICE,
        )
        .values_list("template_id", "unit_id")
        .distinct()
        .order_by()
    )
    wanted = {(t, u) for t, u in targets if scope is None or u in scope}
    if not wanted:
        return []
    forms = {
        pk: (name, items)
        for pk, name, items in BallotTemplate.objects.filter(pk__in={t for t, _u in wanted}).values_list(
            "pk", "name", "items"
        )
    }
    scored = {pk: shares.scored_item(shares.SERVICE, items) for pk, (_name, items) in forms.items()}
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    answers = (
        BallotItemAnswer.objects.filter(
            ballot__session__cycle=cycle,
            ballot__session__status__in=COUNTED,
            ballot__session__rehearsal=False,
            template__kind=TemplateKind.SERVICE,
        )
        .values_list("template_id", "item", "unit_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for template_id, item, unit_id, choice, n in answers:
        if (template_id, unit_id) in wanted and item == scored.get(template_id):
            counts[(template_id, unit_id)][choice] = counts[(template_id, unit_id)].get(choice, 0) + n
    units = Unit.objects.in_bulk({u for _t, u in wanted})
    surveys = dict(
        AssessedUnit.objects.filter(cycle=cycle, unit_id__in=units).values_list("unit_id", "public_survey")
    )
    k = min_group()
    found = []
    for template_id, unit_id in wanted:
        name, items = forms[template_id]
        item = next((i for i in items if i["name"] == scored[template_id]), None)
        choices = tuple(item["choices"]) if item else ()
        found.append(
            SpecialRow(
                template_id=template_id,
                template=name,
                unit_id=unit_id,
                code=units[unit_id].code,
                name=units[unit_id].name,
                result=shares.Special(choices, counts.get((template_id, unit_id), {}), k),
                public_survey=surveys.get(unit_id),
            )
        )
    found.sort(key=lambda r: (r.template, r.code))
    return found


def get_special_row(user, cycle: AssessmentCycle, template_id: int, unit_id: int) -> SpecialRow:
    for row in special_rows(user, cycle):
        if row.template_id == template_id and row.unit_id == unit_id:
            return row
    raise Http404("没有这项专项评议结果")
