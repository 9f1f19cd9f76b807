"""What waits for each role in the unit-performance inputs: the inputs page's tasks and the home page's to-do.

The inputs page (``views.inputs_home``) lists every task of the role with its progress; the home page
(``home_items``, registered in ``apps.py``) lists only what is still missing, with a count and a link: the
liaison's self-evaluation, the clerk's unscored units, the assessor's verifications, the leader's ratings,
and the organiser's late inputs and adjustments waiting for approval."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import ngettext

from kaohe.accounts.models import Role
from kaohe.accounts.todo import TodoItem
from kaohe.performance import progress, selectors
from kaohe.performance.models import AdjustmentStatus, SelfEvaluation, Verification
from kaohe.plans import gate
from kaohe.plans.models import AssessmentCycle, Indicator
from kaohe.plans.selectors import cycle_open_for


def _task(title: str, done: int, total: int, url: str, detail: str = "") -> dict[str, Any]:
    return {"title": title, "done": done, "total": total, "url": url, "detail": detail}


def _liaison_tasks(user, cycle: AssessmentCycle) -> tuple[list[dict], str]:
    assessed = selectors.liaison_unit(user, cycle)
    if assessed is None:
        return [], _("本单位不在%(cycle)s的参加考核单位之列，无需自评。") % {"cycle": cycle.name}
    indicators = selectors.liaison_indicators(user, cycle)
    done = SelfEvaluation.objects.filter(
        cycle=cycle, unit_id=assessed.unit_id, indicator__in=indicators
    ).count()
    detail = _("%(unit)s · %(category)s") % {"unit": assessed.unit.name, "category": assessed.category.name}
    url = reverse("performance:self_evaluation_list", args=[cycle.year])
    return [
        _task(_("自评：逐项填写自评得分、完成情况并上传佐证材料"), done, indicators.count(), url, detail)
    ], ""


def _clerk_cells(user, cycle: AssessmentCycle) -> int:
    per_category = defaultdict(int)
    for indicator in selectors.clerk_indicators(user, cycle):
        per_category[indicator.category_id] += 1
    return sum(per_category[a.category_id] for a in selectors.clerk_units(user, cycle))


def _clerk_tasks(user, cycle: AssessmentCycle) -> tuple[list[dict], str]:
    total = _clerk_cells(user, cycle)
    if not total:
        return [], _("%(department)s在%(cycle)s没有需要评分的指标。") % {
            "department": user.department,
            "cycle": cycle.name,
        }
    units = selectors.clerk_units(user, cycle).values("unit_id")
    done = selectors.clerk_scores(user, cycle).filter(unit_id__in=units).count()
    url = reverse("performance:score_grid", args=[cycle.year])
    return [_task(_("指标考评：为各单位在本部门归口指标上评分"), done, total, url, str(user.department))], ""


def _assessor_tasks(user, cycle: AssessmentCycle) -> tuple[list[dict], str]:
    units = list(selectors.assessor_units(user, cycle))
    if not units:
        return [], _("您在%(cycle)s没有负责的考核单位。") % {"cycle": cycle.name}
    per_category = dict(
        Indicator.objects.filter(cycle=cycle, category_id__in={a.category_id for a in units})
        .values_list("category_id")
        .annotate(n=Count("pk"))
    )
    total = sum(per_category.get(a.category_id, 0) for a in units)
    done = Verification.objects.filter(cycle=cycle, unit_id__in=[a.unit_id for a in units]).count()
    detail = ngettext("%(count)s 个单位", "%(count)s 个单位", len(units)) % {"count": len(units)}
    url = reverse("performance:verification_list", args=[cycle.year])
    return [_task(_("现场核验：核对自评与部门评分，确定核验得分并说明理由"), done, total, url, detail)], ""


def _leader_tasks(user, cycle: AssessmentCycle) -> tuple[list[dict], str]:
    total = selectors.leader_units(user, cycle).count()
    if not total:
        return [], _("%(cycle)s尚未确定参加考核的单位。") % {"cycle": cycle.name}
    done = selectors.own_leader_ratings(user, cycle).count()
    url = reverse("performance:rating_list", args=[cycle.year])
    return [_task(_("领导评价：为各单位评分并填写评价意见"), done, total, url)], ""


def _organiser_tasks(user, cycle: AssessmentCycle) -> tuple[list[dict], str]:
    counts = selectors.cycle_adjustments(user, cycle).aggregate(
        total=Count("pk"),
        decided=Count("pk", filter=~Q(status=AdjustmentStatus.PROPOSED)),
    )
    pending = counts["total"] - counts["decided"]
    vetoes = selectors.cycle_vetoes(user, cycle).count()
    sanctions = (
        selectors.visible_sanctions(user).filter(year__gte=cycle.year - 2, year__lte=cycle.year).count()
    )
    return [
        _task(
            _("加减分：登记、审批（只有已批准的计入）"),
            counts["decided"],
            counts["total"],
            reverse("performance:adjustment_list", args=[cycle.year]),
            ngettext("%(count)s 条待审批", "%(count)s 条待审批", pending) % {"count": pending},
        ),
        _task(
            _("一票否决"),
            vetoes,
            0,
            reverse("performance:veto_list", args=[cycle.year]),
            ngettext("已登记 %(count)s 项", "已登记 %(count)s 项", vetoes) % {"count": vetoes},
        ),
        _task(
            _("处分"),
            sanctions,
            0,
            reverse("performance:sanction_list", args=[cycle.year]),
            ngettext("近三年生效 %(count)s 项", "近三年生效 %(count)s 项", sanctions) % {"count": sanctions},
        ),
    ], ""


TASKS = {
    Role.LIAISON: _liaison_tasks,
    Role.CLERK: _clerk_tasks,
    Role.ASSESSOR: _assessor_tasks,
    Role.LEADER: _leader_tasks,
    Role.ORGANISER: _organiser_tasks,
}


HOME_LABELS = {
    Role.LIAISON: (N_("本单位自评尚未填写的指标"), N_("项")),
    Role.ASSESSOR: (N_("尚待现场核验的指标得分"), N_("项")),
    Role.LEADER: (N_("尚未评价的单位"), N_("个")),
}


def home_items(user) -> list[TodoItem]:
    """The inputs still missing in the cycle taking inputs, as the account's to-do."""
    if user.role not in TASKS:
        return []
    cycle = cycle_open_for(gate.Activity.INPUTS)
    if cycle is None:
        return []
    if user.has_role(Role.ORGANISER):
        return _organiser_items(user, cycle)
    if user.has_role(Role.CLERK):
        return _clerk_items(user, cycle)
    tasks, _note = TASKS[user.role](user, cycle)
    label, unit = HOME_LABELS[user.role]
    return [
        TodoItem(
            key=f"inputs-{user.role}",
            label=_(label),
            url=task["url"],
            count=task["total"] - task["done"],
            cycle=cycle.name,
            note=_("已完成 %(done)d / %(total)d") % task,
            unit=_(unit),
        )
        for task in tasks
        if task["total"] > task["done"]
    ]


def _late_units(user, cycle: AssessmentCycle) -> int:
    scope = progress.progress_scope(user)
    return len(progress.cycle_progress(scope, cycle).units_to_chase) if scope is not None else 0


def _clerk_items(user, cycle: AssessmentCycle) -> list[TodoItem]:
    late = _late_units(user, cycle)
    if not late:
        return []
    return [
        TodoItem(
            key="inputs-clerk",
            label=_("本部门尚未评分齐全的单位"),
            url=reverse("performance:score_grid", args=[cycle.year]),
            count=late,
            cycle=cycle.name,
            note=str(user.department or ""),
            unit=_("个"),
        )
    ]


def _organiser_items(user, cycle: AssessmentCycle) -> list[TodoItem]:
    items = []
    late = _late_units(user, cycle)
    if late:
        items.append(
            TodoItem(
                key="inputs-late",
                label=_("业绩录入未齐的单位"),
                url=reverse("performance:progress", args=[cycle.year]),
                count=late,
                cycle=cycle.name,
                note=_("缺自评、指标得分、公众评议或领导评价"),
                unit=_("个"),
            )
        )
    pending = selectors.cycle_adjustments(user, cycle).filter(status=AdjustmentStatus.PROPOSED).count()
    if pending:
        items.append(
            TodoItem(
                key="inputs-adjustments",
                label=_("待审批的加减分"),
                url=reverse("performance:adjustment_list", args=[cycle.year]),
                count=pending,
                cycle=cycle.name,
                unit=_("条"),
            )
        )
    return items


def advance_figures(cycle: AssessmentCycle) -> list[tuple[str, str]]:
    """For the confirmation of a phase move: the units whose inputs are not complete, while inputs are open."""
    if not gate.allows(cycle, gate.Activity.INPUTS):
        return []
    everyone = progress.Scope(progress.ScopeKind.ALL, 0)
    return [(_("业绩录入未齐的单位"), str(len(progress.cycle_progress(everyone, cycle).units_to_chase)))]
