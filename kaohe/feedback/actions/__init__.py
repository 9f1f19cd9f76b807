"""Writes of feedback letters, rectification and the ledger, one module per use-case; ``from kaohe.feedback
import actions`` reaches them all. One function each, one transaction, audited.

Letters (letters: prepared, sent, read, talked over), 整改 items (rectification: updated, closed, reopened),
the 结果运用 ledger (ledger). Who a letter goes to is read by ``feedback.selectors``.
"""

from kaohe.feedback.actions.guards import TEXT_MAX
from kaohe.feedback.actions.ledger import result_action_record
from kaohe.feedback.actions.letters import letter_read, letter_send, letter_talk_record, letters_prepare
from kaohe.feedback.actions.rectification import (
    rectification_close,
    rectification_reopen,
    rectification_update,
)

__all__ = [
    "TEXT_MAX",
    "letter_read",
    "letter_send",
    "letter_talk_record",
    "letters_prepare",
    "rectification_close",
    "rectification_reopen",
    "rectification_update",
    "result_action_record",
]
