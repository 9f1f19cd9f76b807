"""Writing results, one module per use-case (compute, decisions, notice, seal, void).

``from kaohe.results import actions`` reaches every write function, as callers have always written it.
"""

from kaohe.results.actions.clearance import clearance_answer, clearance_request, clearance_resolve
from kaohe.results.actions.compute import RESULT_COLUMNS, Computed, assess_cycle, compute_run_create
from kaohe.results.actions.decisions import decision_record, decision_withdraw, quota_approve
from kaohe.results.actions.feedback import result_acknowledge
from kaohe.results.actions.guards import BATCH, add_working_days, notice_working_days
from kaohe.results.actions.notice import notice_publish, objection_handle, objection_record
from kaohe.results.actions.seal import results_seal
from kaohe.results.actions.void import result_void

__all__ = [
    "clearance_answer",
    "clearance_request",
    "clearance_resolve",
    "BATCH",
    "add_working_days",
    "notice_working_days",
    "Computed",
    "RESULT_COLUMNS",
    "assess_cycle",
    "compute_run_create",
    "decision_record",
    "decision_withdraw",
    "quota_approve",
    "notice_publish",
    "objection_handle",
    "objection_record",
    "results_seal",
    "result_void",
    "result_acknowledge",
]
