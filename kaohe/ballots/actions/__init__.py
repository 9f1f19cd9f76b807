"""The ballot write functions, one module per use-case; ``from kaohe.ballots import actions`` reaches them all.

Templates and sessions are audited, one transaction each (templates, sessions, issue, sitting, rehearsal);
the rater's ballot (submit) is not, by design. Paper ballots are typed, decided and committed in ``paper``.
Every ballot row is written by ``ballots.storage``.
"""

from kaohe.ballots.actions.issue import MAX_CODES, NewCode, session_codes_generate, session_key_issue
from kaohe.ballots.actions.paper import (
    Committed,
    paper_ballots_commit,
    paper_ballots_import,
    paper_entries_discard,
    paper_entry_delete,
    paper_entry_save,
    paper_resolve,
)
from kaohe.ballots.actions.rehearsal import session_rehearsal_purge
from kaohe.ballots.actions.sessions import SessionSpec, TargetSpec, session_create, session_update
from kaohe.ballots.actions.sitting import session_archive, session_close, session_open, session_void
from kaohe.ballots.actions.states import session_state, template_state
from kaohe.ballots.actions.submit import (
    BallotRefused,
    ballot_submit,
    refusal_invalid,
    refusal_not_open,
    refusal_used,
)
from kaohe.ballots.actions.summaries import session_summaries_set
from kaohe.ballots.actions.templates import ITEM_MAX, check_items, template_copy, template_update

__all__ = [
    "session_state",
    "template_state",
    "ITEM_MAX",
    "check_items",
    "template_copy",
    "template_update",
    "SessionSpec",
    "TargetSpec",
    "session_create",
    "session_update",
    "MAX_CODES",
    "NewCode",
    "session_codes_generate",
    "session_key_issue",
    "session_archive",
    "session_close",
    "session_open",
    "session_void",
    "session_rehearsal_purge",
    "session_summaries_set",
    "BallotRefused",
    "ballot_submit",
    "refusal_invalid",
    "refusal_not_open",
    "refusal_used",
    "Committed",
    "paper_ballots_commit",
    "paper_ballots_import",
    "paper_entries_discard",
    "paper_entry_delete",
    "paper_entry_save",
    "paper_resolve",
]
