"""The cycle's write functions, one module per use-case; ``from kaohe.plans import actions`` reaches them all.

Each is one transaction that writes its audit record. Callers validate with the forms in `forms.py` first; the
rules that keep a cycle sound are checked here again under the cycle's lock (``plans.gate.lock_cycle``), so no
caller can break them: nothing of the plan, the indicators, the targets or the participants changes once the
cycle has entered 评定, phases only move forward, and a unit belongs to at most one assessment group of a cycle.
"""

from kaohe.plans.actions.agreement import (
    TargetDraft,
    direct_edit_refusal,
    plan_targets_set,
    proposal_lines,
    target_draft_save,
    targets_agree,
    targets_propose,
    targets_reopen,
    targets_review,
)
from kaohe.plans.actions.calendar import calendar_day_delete, calendar_day_set, calendar_import
from kaohe.plans.actions.cycles import cycle_advance, cycle_create, cycle_update, next_phase
from kaohe.plans.actions.groups import group_create, group_delete, group_update
from kaohe.plans.actions.indicators import (
    ImportCounts,
    indicator_create,
    indicator_delete,
    indicator_update,
    indicators_import,
)
from kaohe.plans.actions.participants import (
    Enrolment,
    assessed_cadre_remove,
    assessed_cadre_update,
    assessed_unit_remove,
    assessed_unit_update,
    participants_enrol,
)
from kaohe.plans.actions.plan import plan_clearance_set, plan_update
from kaohe.plans.actions.states import (
    PHASE_DATES,
    assessed_cadre_state,
    assessed_unit_state,
    cycle_state,
    group_state,
    indicator_state,
    plan_state,
    target_state,
)
from kaohe.plans.actions.targets import target_set, targets_import

__all__ = [
    "TargetDraft",
    "direct_edit_refusal",
    "plan_targets_set",
    "proposal_lines",
    "target_draft_save",
    "targets_agree",
    "targets_propose",
    "targets_reopen",
    "targets_review",
    "calendar_day_delete",
    "calendar_day_set",
    "calendar_import",
    "PHASE_DATES",
    "assessed_cadre_state",
    "assessed_unit_state",
    "cycle_state",
    "group_state",
    "indicator_state",
    "plan_state",
    "target_state",
    "cycle_advance",
    "cycle_create",
    "cycle_update",
    "next_phase",
    "plan_clearance_set",
    "plan_update",
    "Enrolment",
    "assessed_cadre_remove",
    "assessed_cadre_update",
    "assessed_unit_remove",
    "assessed_unit_update",
    "participants_enrol",
    "ImportCounts",
    "indicator_create",
    "indicator_delete",
    "indicator_update",
    "indicators_import",
    "target_set",
    "targets_import",
    "group_create",
    "group_delete",
    "group_update",
]
