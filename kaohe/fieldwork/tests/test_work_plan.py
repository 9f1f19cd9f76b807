"""The group's work plan: roles, schedules, the checklist and the progress page, 回避 and conflicts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kaohe.audit.models import AuditEntry
from kaohe.ballots.models import Ballot, BallotTemplate, EvaluationSession, SessionRaterGroup, SessionTarget
from kaohe.fieldwork import actions, selectors
from kaohe.fieldwork.models import ConflictDeclaration, GroupMember, Visit, VisitAssignment
from kaohe.reports.models import AnalysisReport

pytestmark = pytest.mark.django_db


def test_one_leader_per_group_and_only_members_get_roles(roster, cast, former):
    group = roster["group"]
    actions.group_member_set(
        actor=cast["organiser"], group=group, user=cast["assessor"], role="leader", duty="全面"
    )
    with pytest.raises(ValidationError, match="已有组长「assessor」"):
        actions.group_member_set(actor=cast["organiser"], group=group, user=former, role="leader", duty="")
    with pytest.raises(ValidationError, match="不是「第一考核组」的成员"):
        actions.group_member_set(
            actor=cast["organiser"], group=group, user=cast["clerk"], role="member", duty=""
        )
    assert GroupMember.objects.filter(group=group).count() == 1
    assert AuditEntry.objects.filter(action="fieldwork.member").count() == 1


def test_opening_visits_makes_one_per_group_unit_once(roster, cast, cycle):
    assert actions.visits_open(actor=cast["organiser"], cycle=cycle) == 1
    assert actions.visits_open(actor=cast["organiser"], cycle=cycle) == 0


def test_a_schedule_out_of_order_is_refused_and_nothing_saved(visit, cast):
    with pytest.raises(ValidationError, match="测评会日期（2025-12-01）早于进点日期（2025-12-03）"):
        actions.visit_schedule(
            actor=cast["organiser"],
            visit=visit,
            values={"entry_on": date(2025, 12, 3), "evaluation_on": date(2025, 12, 1)},
        )
    visit.refresh_from_db()
    assert visit.entry_on is None and not AuditEntry.objects.filter(action="fieldwork.schedule").exists()


def _checklist(visit, today):
    return selectors.visits_page(visit.cycle, [visit.pk], today)[0][1]


def test_the_checklist_reads_sessions_and_reports_and_shows_turnout(visit, cast, roster, cycle):
    today = date(2025, 12, 10)
    actions.visit_schedule(
        actor=cast["organiser"],
        visit=visit,
        values={
            "entry_on": date(2025, 12, 1),
            "duty_report_on": date(2025, 12, 1),
            "evaluation_on": date(2025, 12, 2),
            "interviews_from": date(2025, 12, 2),
            "interviews_until": date(2025, 12, 10),
            "documents_on": date(2025, 12, 3),
            "verification_on": date(2025, 12, 4),
            "analysis_due": date(2025, 12, 8),
        },
    )
    Visit.objects.filter(pk=visit.pk).update(duty_report_done=date(2025, 12, 1))
    late = [i.key for i in _checklist(visit, today).late(today)]
    assert late == ["evaluation", "documents", "verification", "analysis"]
    # a finished session naming the unit's cadre, and a submitted analysis report, tick the automatic items
    template = BallotTemplate.objects.create(name="测试票", kind="cadre", items=[])
    session = EvaluationSession.objects.create(cycle=cycle, name="测评会", status="sealed")
    SessionTarget.objects.create(session=session, template=template, cadre=roster["cadres"]["a1"])
    SessionRaterGroup.objects.create(session=session, name="下级", expected=4)
    Ballot.objects.bulk_create([Ballot(session=session, number=str(n), rater_group="下级") for n in range(3)])
    now = timezone.now()
    AnalysisReport.objects.create(
        cycle=cycle,
        kind="team",
        unit=roster["units"]["a"],
        status="submitted",
        created_at=now,
        updated_at=now,
    )
    items = _checklist(visit, today)
    assert [i.key for i in items.late(today)] == ["documents", "verification"]
    assert items.items[1].detail == "3/4（75%）"


def test_a_rehearsal_or_open_session_does_not_count_as_evaluated(visit, roster, cycle):
    template = BallotTemplate.objects.create(name="测试票", kind="team", items=[])
    for status, rehearsal in (("open", False), ("sealed", True)):
        session = EvaluationSession.objects.create(
            cycle=cycle, name=status, status=status, rehearsal=rehearsal
        )
        SessionTarget.objects.create(session=session, template=template, unit=roster["units"]["a"])
    assert not _checklist(visit, date(2025, 12, 10)).items[1].done


def test_marking_an_automatic_item_or_a_future_date_is_refused(visit, cast):
    with pytest.raises(ValidationError, match="不能手工标记"):
        actions.visit_mark(actor=cast["assessor"], visit=visit, item="evaluation", done=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="晚于今天"):
        actions.visit_mark(
            actor=cast["assessor"],
            visit=visit,
            item="documents",
            done=timezone.localdate() + timedelta(days=1),
        )


def test_a_member_who_served_in_the_unit_cannot_be_sent_without_a_reason(visit, cast, former):
    Visit.objects.filter(pk=visit.pk).update(entry_on=date(2025, 12, 1))
    visit.refresh_from_db()
    with pytest.raises(
        ValidationError, match="须回避「东城街道」.*2024年06月前曾任「东城街道」副主任（3年内）.*须填写理由"
    ):
        actions.visit_assign(actor=cast["organiser"], visit=visit, user=former)
    assert not VisitAssignment.objects.exists()
    assignment = actions.visit_assign(
        actor=cast["organiser"], visit=visit, user=former, reason="熟悉情况，经领导小组同意"
    )
    assert assignment.flags and assignment.reason == "熟悉情况，经领导小组同意"
    entry = AuditEntry.objects.get(action="fieldwork.assign")
    assert entry.after["reason"] == "熟悉情况，经领导小组同意" and entry.after["flags"] == assignment.flags


def test_a_shorter_window_clears_the_flag(visit, cast, former, cycle):
    Visit.objects.filter(pk=visit.pk).update(entry_on=date(2025, 12, 1))
    visit.refresh_from_db()
    actions.fieldwork_setting_update(actor=cast["organiser"], cycle=cycle, recusal_years=1)
    assignment = actions.visit_assign(actor=cast["organiser"], visit=visit, user=former)
    assert assignment.flags == [] and assignment.reason == ""


def test_a_declared_conflict_flags_the_declarer(visit, cast, roster, cycle):
    actions.visit_assign(actor=cast["organiser"], visit=visit, user=cast["assessor"])  # no flag yet
    actions.conflict_declare(
        actor=cast["assessor"], cycle=cycle, unit=roster["units"]["a"], kind="kin", detail="配偶在该单位"
    )
    with pytest.raises(ValidationError, match="本人申报亲属关系：配偶在该单位"):
        actions.visit_assign(actor=cast["organiser"], visit=visit, user=cast["assessor"])
    with pytest.raises(ValidationError, match="须说明情况"):
        actions.conflict_declare(
            actor=cast["assessor"], cycle=cycle, unit=roster["units"]["a"], kind="other", detail=" "
        )


def test_the_progress_page_lists_late_visits_first(roster, cast, cycle, client_for):
    roster["group"].units.add(roster["units"]["b"], roster["units"]["c"])
    actions.visits_open(actor=cast["organiser"], cycle=cycle)
    Visit.objects.filter(unit=roster["units"]["c"]).update(
        documents_on=date(2020, 1, 1), verification_on=date(2020, 1, 2)
    )
    Visit.objects.filter(unit=roster["units"]["b"]).update(documents_on=date(2020, 1, 1))
    html = client_for("organiser").get(reverse("fieldwork:progress", args=[2025])).content.decode()
    assert html.index("市财政局") < html.index("西山镇") < html.index("东城街道")
    assert "2 项逾期" in html


def test_the_progress_page_makes_a_fixed_number_of_queries(
    roster, cast, cycle, client_for, django_assert_max_num_queries
):
    roster["group"].units.add(roster["units"]["b"], roster["units"]["c"])
    actions.visits_open(actor=cast["organiser"], cycle=cycle)
    client = client_for("organiser")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("fieldwork:progress", args=[2025])).status_code == 200


def test_an_assessor_sees_only_their_groups_visits(roster, cast, cycle, client_for):
    from kaohe.plans.models import AssessmentGroup

    other = AssessmentGroup.objects.create(cycle=cycle, name="第二考核组")
    other.units.add(roster["units"]["b"])
    actions.visits_open(actor=cast["organiser"], cycle=cycle)
    html = client_for("assessor").get(reverse("fieldwork:progress", args=[2025])).content.decode()
    assert "东城街道" in html and "西山镇" not in html
    hidden = Visit.objects.get(unit=roster["units"]["b"])
    assert client_for("assessor").get(reverse("fieldwork:visit", args=[2025, hidden.pk])).status_code == 404


@pytest.mark.parametrize("role", ["committee", "clerk", "liaison", "leader", "cadre", "outsider", "sysadmin"])
def test_other_roles_are_denied_every_page(role, visit, client_for):
    client = client_for(role)
    for name, args in (
        ("fieldwork:progress", [2025]),
        ("fieldwork:visit", [2025, visit.pk]),
        ("fieldwork:export", [2025, "docx"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert (
        client.post(reverse("fieldwork:visit_mark", args=[2025, visit.pk]), {"item": "documents"}).status_code
        == 403
    )


def test_a_plain_member_marks_items_but_cannot_schedule_or_send(visit, cast, client_for):
    client = client_for("assessor")
    url = reverse("fieldwork:visit_mark", args=[2025, visit.pk])
    assert client.post(url, {"item": "documents", "done": "2025-12-01"}).status_code == 302
    visit.refresh_from_db()
    assert visit.documents_done == date(2025, 12, 1)
    assert client.post(reverse("fieldwork:visit_schedule", args=[2025, visit.pk]), {}).status_code == 403
    assign = reverse("fieldwork:visit_assign", args=[2025, visit.pk])
    assert client.post(assign, {"user": cast["assessor"].pk}).status_code == 403
    GroupMember.objects.create(group=visit.group, user=cast["assessor"], role="leader")
    assert client.post(assign, {"user": cast["assessor"].pk}).status_code == 302
    assert VisitAssignment.objects.filter(visit=visit, user=cast["assessor"]).exists()


def test_the_visit_page_shows_the_recusal_flag(visit, former, client_for):
    html = client_for("organiser").get(reverse("fieldwork:visit", args=[2025, visit.pk])).content.decode()
    assert "须回避" in html and "曾任「东城街道」副主任" in html


def test_conflicts_are_declared_by_assessors_for_themselves(cycle, cast, client_for):
    response = client_for("assessor").post(
        reverse("fieldwork:conflicts", args=[2025]), {"unit": "DW02", "kind": "kin", "detail": "表兄任镇长"}
    )
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert declaration.user == cast["assessor"] and declaration.unit.code == "DW02"
    assert client_for("organiser").get(reverse("fieldwork:conflicts", args=[2025])).status_code == 403


def test_the_menu_leads_organisers_and_assessors_to_the_current_cycle(visit, client_for):
    for role in ("organiser", "assessor"):
        client = client_for(role)
        assert reverse("fieldwork:home") in client.get(reverse("home")).content.decode()
        assert client.get(reverse("fieldwork:home"))["Location"] == reverse("fieldwork:progress", args=[2025])
    assert reverse("fieldwork:home") not in client_for("clerk").get(reverse("home")).content.decode()
    assert client_for("clerk").get(reverse("fieldwork:home")).status_code == 403


def test_marking_an_item_is_audited_with_before_and_after(visit, cast):
    actions.visit_mark(actor=cast["assessor"], visit=visit, item="verification", done=date(2025, 12, 4))
    entry = AuditEntry.objects.get(action="fieldwork.mark")
    assert entry.actor == cast["assessor"]
    assert entry.before == {"verification_done": None} and entry.after == {"verification_done": "2025-12-04"}
