"""A cycle imported from an assessment workbook, one module per part of the book; ``from kaohe.cycle_workbook
import actions`` reaches the import as callers have always written it.

``importing`` runs the import in one transaction with one audit entry (``cycle_import``, ``cycle_import_file``);
``checks`` refuses a book before anything is written; the parts write the roster (``roster``), the cycle's
plan, participants, indicators and scores (``cycle``), sanctions, adjustments, vetoes and earlier grades
(``inputs``) and the imported session's ballots (``ballots``, through ``ballots.storage``). The export is
``cycle_workbook.export``.
"""

from kaohe.cycle_workbook.actions.ballots import IMPORTED_SESSION
from kaohe.cycle_workbook.actions.checks import check_import, frozen_problem
from kaohe.cycle_workbook.actions.cycle import plan_settings
from kaohe.cycle_workbook.actions.importing import (
    ImportSummary,
    cycle_import,
    cycle_import_file,
    file_digest,
    summary_cycle_id,
)
from kaohe.cycle_workbook.actions.state import BATCH

__all__ = [
    "BATCH",
    "IMPORTED_SESSION",
    "ImportSummary",
    "check_import",
    "cycle_import",
    "cycle_import_file",
    "file_digest",
    "frozen_problem",
    "plan_settings",
    "summary_cycle_id",
]
