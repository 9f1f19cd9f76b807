"""A session's ballot may show each target's 述职 summary, folded (the 述职述廉 reports' own summaries).

The summaries are copied onto the session's targets when the organiser turns them on, and copied again
when the session's targets change and when it opens: from then on the ballot shows what the session fixed,
whatever is handed in later. The ballot page reads them with its one statement (selectors._LAYOUT_SQL).
"""

from __future__ import annotations

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.ballots.actions.guards import fail, lock_session
from kaohe.ballots.models import EvaluationSession, SessionStatus, SessionTarget
from kaohe.dutyreports.selectors import target_summaries
from kaohe.plans.gate import Activity, lock_cycle


def summaries_copy(session: EvaluationSession) -> int:
    """Copy the summaries onto the targets (blank them when the session shows none); how many are shown.
    Runs inside the caller's transaction."""
    targets = list(SessionTarget.objects.filter(session=session).select_related("template").order_by("order"))
    if session.show_summaries:
        texts = target_summaries(session.cycle, [(t.template.kind, t.unit_id, t.cadre_id) for t in targets])
    else:
        texts = [""] * len(targets)
    changed = []
    for target, text in zip(targets, texts, strict=True):
        if target.summary != text:
            target.summary = text
            changed.append(target)
    SessionTarget.objects.bulk_update(changed, ["summary"], batch_size=500)
    return sum(1 for text in texts if text)


def session_summaries_set(*, actor: Actor, session: EvaluationSession, show: bool) -> int:
    """Show (or stop showing) the targets' 述职 summaries on the ballot; only while the session is a draft.
    Returns how many targets have a summary to show."""
    with transaction.atomic():
        lock_cycle(session.cycle, Activity.SESSIONS)
        locked = lock_session(session)
        if locked.status != SessionStatus.DRAFT:
            raise fail(
                f"测评会「{locked.name}」{locked.get_status_display()}，只有未开始的测评会可以设置述职摘要",
                "status",
            )
        before = locked.show_summaries
        locked.show_summaries = show
        locked.save(update_fields=["show_summaries"])
        shown = summaries_copy(locked)
        audit_record(
            actor=actor,
            action="ballot_session.summaries",
            obj=locked,
            before={"show_summaries": before},
            after={"show_summaries": show, "summaries": shown},
        )
    session.show_summaries = show
    return shown
