"""A tally is a sensitive read: audited (who, which session), with nothing of what it counts."""

import pytest

from kaohe.audit.models import AuditEntry
from kaohe.ballots import actions
from kaohe.ballots.tests.conftest import filled

pytestmark = pytest.mark.django_db


def test_reading_a_tally_is_audited_without_its_counts(world, client_for):
    session = world["session"]
    for code in world["codes"]["下级"][:3]:
        actions.ballot_submit(code=code, data=filled(session))
    actions.session_close(actor=world["organiser"], session=session, opening_key=world["opening_key"])
    client = client_for("organiser")
    assert client.get(f"/cycles/2025/sessions/{session.pk}/tally/").status_code == 200
    entry = AuditEntry.objects.get(action="read.ballot_session.tally")
    assert entry.actor == world["organiser"] and entry.object_id == str(session.pk)
    assert entry.after is None
