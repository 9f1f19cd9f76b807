"""Run as a separate process by test_storage.py: on a fresh SQLite file, write one interview record and
one outline carrying a marker, then report which of the database's files hold the marker's bytes.

The interviewee's name is stored in clear on purpose (who is on the list is not secret): it is the
control, proving that the search does find what is there.
"""

import json
import os
import sys
from datetime import date
from pathlib import Path

MARKER = "RECORD-MARKER-c41d 班子团结问题严重"
CONTROL = "CONTROL-NAME-91b2"


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    from kaohe.accounts.models import Role, User
    from kaohe.interviews import actions
    from kaohe.interviews.models import Kind
    from kaohe.interviews.record import InterviewRecord
    from kaohe.org.models import Unit, UnitCategory
    from kaohe.plans.models import AssessmentCycle, AssessmentGroup

    category = UnitCategory.objects.create(name="乡镇街道")
    unit = Unit.objects.create(code="DW01", name="东城街道", category=category)
    cycle = AssessmentCycle.objects.create(year=2025, name="2025年度考核")
    group = AssessmentGroup.objects.create(cycle=cycle, name="第一考核组")
    group.units.add(unit)
    assessor = User.objects.create_user(username="assessor", password="x", role=Role.ASSESSOR)
    group.members.add(assessor)
    actions.pledge_acknowledge(actor=assessor, cycle=cycle)
    person = actions.interviewee_add(
        actor=assessor, cycle=cycle, unit=unit, kind=Kind.STAFF, name=CONTROL, post=""
    )
    record = InterviewRecord(
        held_on=date(2025, 12, 1),
        interviewers=["甲", "乙"],
        interviewee_name=MARKER,
        interviewee_post=MARKER,
        team={"作风建设": MARKER},
        problems=MARKER,
        suggestions=MARKER,
    )
    actions.interview_save(actor=assessor, interviewee=person, record=record)
    actions.interview_outline_save(actor=assessor, interviewee=person, text=MARKER)

    path = Path(connection.settings_dict["NAME"])
    files = {p.name: p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()}
    needles = {
        "marker": [MARKER.encode(), MARKER.encode("unicode_escape"), "班子团结问题严重".encode()],
        "control": [CONTROL.encode()],
    }
    found = {
        name: sorted(f for f, data in files.items() if any(n in data for n in needles[name]))
        for name in needles
    }
    json.dump({"files": {f: len(d) for f, d in files.items()}, "found": found}, sys.stdout)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
    main()
