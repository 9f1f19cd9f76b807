"""The performance inputs' write functions, one module per input; ``from kaohe.performance import actions``
reaches them all.

Each is one transaction that writes its audit record. Callers fetch objects through `selectors` (scoped to the
account) and validate with the forms first. The rules that keep data coherent are checked here again: the cycle
must be taking inputs (``plans.gate``, Activity.INPUTS), an indicator must be of the unit's category that year,
a clerk's indicator must be their department's, a score must lie in 0–100.
"""

from kaohe.performance.actions.adjustments import adjustment_decide, adjustment_propose, adjustment_state
from kaohe.performance.actions.ratings import leader_rating_save, leader_rating_state
from kaohe.performance.actions.sanctions import sanction_delete, sanction_record, sanction_state
from kaohe.performance.actions.scores import ScoreChanges, indicator_scores_save
from kaohe.performance.actions.self_evaluation import (
    evidence_delete,
    self_evaluation_save,
    self_evaluation_state,
)
from kaohe.performance.actions.verification import verification_set, verification_state
from kaohe.performance.actions.vetoes import veto_delete, veto_record, veto_state

__all__ = [
    "evidence_delete",
    "self_evaluation_save",
    "self_evaluation_state",
    "ScoreChanges",
    "indicator_scores_save",
    "verification_set",
    "verification_state",
    "leader_rating_save",
    "leader_rating_state",
    "adjustment_decide",
    "adjustment_propose",
    "adjustment_state",
    "veto_delete",
    "veto_record",
    "veto_state",
    "sanction_delete",
    "sanction_record",
    "sanction_state",
]
