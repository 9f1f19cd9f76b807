"""What the audit log keeps of a template and of a session, before and after each change."""

from __future__ import annotations

from typing import Any

from kaohe.ballots.models import BallotTemplate, EvaluationSession, SessionRaterGroup, SessionTarget


def template_state(template: BallotTemplate) -> dict[str, Any]:
    return {"name": template.name, "kind": template.kind, "items": template.items}


def session_state(session: EvaluationSession) -> dict[str, Any]:
    targets = [
        f"{t.template.name}:{(t.unit or t.cadre).code}"
        for t in SessionTarget.objects.filter(session=session)
        .select_related("template", "unit", "cadre")
        .order_by("order", "id")
    ]
    return {
        "name": session.name,
        "kind": session.kind,
        "status": session.status,
        "rehearsal": session.rehearsal,
        "opens_at": session.opens_at,
        "closes_at": session.closes_at,
        "excellent_limit": session.excellent_limit,
        "assessment_group": session.assessment_group.name if session.assessment_group_id else None,
        "groups": {
            g.name: g.expected
            for g in SessionRaterGroup.objects.filter(session=session).order_by("order", "id")
        },
        "targets": targets,
    }
