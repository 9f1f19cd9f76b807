"""The write functions of the year's records, one module per use-case; ``from kaohe.records import actions``
reaches them all. One transaction and one audit entry each.

Records are kept until 公示 (``guards.ensure_open``): from then on the year's 平时考核 is fixed with the
results. The four lists, one line at a time or a month's lines from a workbook (lists), 一线考察 visits
(visits), quarterly grades, the override and the plan's rules for the records (grades).
"""

from kaohe.records.actions.grades import (
    RULE_FIELDS,
    quarterly_grade_set,
    records_rule_update,
    regular_override_set,
)
from kaohe.records.actions.guards import OPEN_PHASES, RecordsClosed, ensure_open
from kaohe.records.actions.lists import (
    check_item,
    list_item_complete,
    list_item_create,
    list_item_delete,
    list_item_state,
    list_item_verify,
    list_items_import,
)
from kaohe.records.actions.visits import visit_create, visit_state

__all__ = [
    "OPEN_PHASES",
    "RecordsClosed",
    "ensure_open",
    "check_item",
    "list_item_complete",
    "list_item_create",
    "list_item_delete",
    "list_item_state",
    "list_item_verify",
    "list_items_import",
    "visit_create",
    "visit_state",
    "RULE_FIELDS",
    "quarterly_grade_set",
    "records_rule_update",
    "regular_override_set",
]
