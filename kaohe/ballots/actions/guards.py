"""What the ballot writes share: the refusal they raise, and the session's row locked for a change."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from kaohe.ballots.models import EvaluationSession


def fail(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


def lock_session(session: EvaluationSession) -> EvaluationSession:
    return (
        EvaluationSession.objects.select_for_update(of=("self",))
        .select_related("cycle", "assessment_group")
        .get(pk=session.pk)
    )
