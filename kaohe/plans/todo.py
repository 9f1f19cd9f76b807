"""What waits in the targets agreed up and down, on the home page: the liaison's proposal (late or returned),
the clerk's reviews, the organiser's agreements and the units late with their proposal."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import Role
from kaohe.accounts.todo import TodoItem
from kaohe.plans import selectors
from kaohe.plans.gate import Activity
from kaohe.plans.models import AgreementStatus, AssessmentCycle
from kaohe.rules.target_agreement import Status, is_late


def home_items(user) -> list[TodoItem]:
    if not user.has_role(Role.ORGANISER, Role.CLERK, Role.LIAISON):
        return []
    cycle = selectors.cycle_open_for(Activity.PLAN)
    if cycle is None or not selectors.targets_agreed(cycle):
        return []
    if user.has_role(Role.LIAISON):
        return _liaison_items(user, cycle)
    if user.has_role(Role.CLERK):
        return _clerk_items(user, cycle)
    return _organiser_items(cycle)


def _due_note(cycle: AssessmentCycle, late: bool) -> str:
    due = selectors.plan_of(cycle).targets_due
    if due is None:
        return ""
    if late:
        return _("报送截止日期 %(due)s，已逾期") % {"due": due.isoformat()}
    return _("报送截止日期 %(due)s") % {"due": due.isoformat()}


def _liaison_items(user, cycle: AssessmentCycle) -> list[TodoItem]:
    item = selectors.liaison_assessed_unit(user, cycle)
    if item is None:
        return []
    agreement = selectors.agreement_of(cycle, item.unit_id)
    if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.RETURNED):
        return []
    late = is_late(Status(agreement.status), selectors.plan_of(cycle).targets_due, timezone.localdate())
    label = (
        _("本单位目标任务已退回，待修改后重新提出")
        if agreement.status == AgreementStatus.RETURNED
        else _("本单位目标任务待提出")
    )
    return [
        TodoItem(
            key="targets-propose",
            label=label,
            url=reverse("plans:target_proposal", args=[cycle.year]),
            cycle=cycle.name,
            note=_due_note(cycle, late),
        )
    ]


def _clerk_items(user, cycle: AssessmentCycle) -> list[TodoItem]:
    waiting = selectors.clerk_reviews_waiting(user, cycle)
    if not waiting:
        return []
    return [
        TodoItem(
            key="targets-review",
            label=_("待本部门审核的单位目标任务"),
            url=reverse("plans:target_agreements", args=[cycle.year]) + "?status=proposed",
            count=waiting,
            cycle=cycle.name,
            note=str(user.department or ""),
            unit=_("个"),
        )
    ]


def _organiser_items(cycle: AssessmentCycle) -> list[TodoItem]:
    counts = selectors.agreement_counts(cycle, timezone.localdate())
    url = reverse("plans:target_agreements", args=[cycle.year])
    items = []
    if counts["proposed"]:
        items.append(
            TodoItem(
                key="targets-agree",
                label=_("待审核认定的单位目标任务"),
                url=url + "?status=proposed",
                count=counts["proposed"],
                cycle=cycle.name,
                unit=_("个"),
            )
        )
    if counts["late"]:
        items.append(
            TodoItem(
                key="targets-late",
                label=_("逾期未提出目标任务的单位"),
                url=url + "?status=late",
                count=counts["late"],
                cycle=cycle.name,
                note=_due_note(cycle, True),
                unit=_("个"),
            )
        )
    return items
