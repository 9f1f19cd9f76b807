"""Recording interviews: the pledge gate, completeness with excusals, validation, audited reads, export."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from kaohe.audit.models import AuditEntry
from kaohe.interviews import actions, selectors
from kaohe.interviews.models import Interview, Interviewee, Kind, PledgeAcknowledgement
from kaohe.interviews.tests.conftest import MARKER, a_record, complete_unit, heard, leader, middle


def form_data(world, **changes):
    cadres = world["roster"]["cadres"]
    data = {
        "held_on": "2025-12-02",
        "interviewers": ["assessor", "partner"],
        "other_interviewers": "",
        "interviewee_name": "李明",
        "interviewee_post": "办事处主任",
        "source": "typed",
        "team_4": "作风扎实",
        f"c{cadres['a1'].pk}_0": "政治坚定",
        f"c{cadres['a1'].pk}_grade": "优秀",
        "problem_tags": ["服务群众"],
        "problems": MARKER,
        "suggestions": "多下基层",
    }
    data.update(changes)
    return data


# --- the pledge ---------------------------------------------------------------------------------------------


def test_a_member_is_sent_to_the_pledge_before_the_first_record_and_nothing_is_read(world, client_for):
    person = leader(world)
    heard(world, person, actor="organiser")
    client = client_for("partner")
    response = client.get(f"/cycles/2025/interviews/people/{person.pk}/record/")
    assert response.status_code == 302 and "/interviews/pledge/" in response["Location"]
    assert not AuditEntry.objects.filter(action="interview.read").exists()
    api = client.get(f"/api/interviews/2025/people/{person.pk}/record")
    assert api.status_code == 403 and "保密和纪律承诺" in api.json()["detail"]
    outline = client.get(f"/cycles/2025/interviews/people/{person.pk}/outline/")
    assert outline.status_code == 302


def test_acknowledging_the_pledge_is_recorded_and_opens_the_records(world, client_for, cast):
    person = leader(world)
    heard(world, person, actor="organiser")
    client = client_for("partner")
    page = client.get("/cycles/2025/interviews/pledge/")
    assert "八不准" in page.content.decode()
    next_url = f"/cycles/2025/interviews/people/{person.pk}/record/"
    response = client.post("/cycles/2025/interviews/pledge/", {"next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    ack = PledgeAcknowledgement.objects.get(user=cast["partner"])
    assert "八不准" in ack.text
    assert (
        AuditEntry.objects.filter(action="interview.pledge_acknowledge", actor=cast["partner"]).count() == 1
    )
    assert client.get(next_url).status_code == 200


def test_a_new_pledge_text_must_be_acknowledged_again(world, client_for, cast):
    person = leader(world)
    heard(world, person)  # the assessor acknowledged the default text
    assert selectors.pledge_acknowledged(cast["assessor"], world["cycle"])
    actions.interview_settings_update(
        actor=cast["organiser"],
        cycle=world["cycle"],
        staff=3,
        service_users=0,
        deputies=0,
        recommend=False,
        pledge="新的承诺：不准泄露谈话内容。",
    )
    assert not selectors.pledge_acknowledged(cast["assessor"], world["cycle"])
    response = client_for("assessor").get(f"/cycles/2025/interviews/people/{person.pk}/record/")
    assert response.status_code == 302
    with pytest.raises(selectors.PledgeRequired):
        actions.interview_save(actor=cast["assessor"], interviewee=person, record=a_record(world))


@pytest.mark.parametrize(("acknowledged_in", "checked_in"), [("standard", "guomi"), ("guomi", "standard")])
def test_an_acknowledgement_still_counts_after_a_switch_of_mode(
    world, cast, settings, acknowledged_in, checked_in
):
    settings.CRYPTO_MODE = acknowledged_in
    ack = actions.pledge_acknowledge(actor=cast["partner"], cycle=world["cycle"])
    assert ack.digest.startswith({"standard": "sha256:", "guomi": "sm3:"}[acknowledged_in])
    settings.CRYPTO_MODE = checked_in
    assert selectors.pledge_acknowledged(cast["partner"], world["cycle"])
    assert not selectors.pledge_acknowledged(cast["assessor"], world["cycle"])  # who has not


def test_an_open_redirect_through_the_pledge_is_refused(world, client_for):
    response = client_for("assessor").post(
        "/cycles/2025/interviews/pledge/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/cycles/2025/interviews/"


# --- completeness ----------------------------------------------------------------------------------------


def test_completeness_with_excusals(world, cast):
    cycle, unit = world["cycle"], world["unit"]
    assert (
        selectors.unit_coverage(cycle, unit).missing == 2 + 1 + 3
    )  # two leaders, a middle head, three staff
    heard(world, leader(world, "a1"))
    with pytest.raises(ValidationError):
        actions.interviewee_excuse(actor=cast["assessor"], interviewee=leader(world, "a1"), reason="出差")
    actions.interviewee_excuse(actor=cast["assessor"], interviewee=leader(world, "a2"), reason="病假")
    heard(world, middle(world))
    for name in ("甲", "乙"):
        person = actions.interviewee_add(
            actor=cast["assessor"], cycle=cycle, unit=unit, kind=Kind.STAFF, name=name, post="科员"
        )
        heard(world, person)
    coverage = selectors.unit_coverage(cycle, unit)
    assert not coverage.complete and coverage.missing == 1
    away = actions.interviewee_add(
        actor=cast["assessor"], cycle=cycle, unit=unit, kind=Kind.STAFF, name="丙", post=""
    )
    actions.interviewee_excuse(actor=cast["assessor"], interviewee=away, reason="   ")
    assert not selectors.unit_coverage(cycle, unit).complete  # a blank reason excuses nobody
    actions.interviewee_excuse(actor=cast["assessor"], interviewee=away, reason="出差")
    coverage = selectors.unit_coverage(cycle, unit)
    assert coverage.complete and (coverage.heard, coverage.excused) == (4, 2)


def test_someone_excused_then_heard_counts_as_heard(world):
    person = leader(world, "a2")
    actions.interviewee_excuse(actor=world["cast"]["assessor"], interviewee=person, reason="病假")
    heard(world, person)
    person.refresh_from_db()
    assert person.excused_reason == ""
    assert selectors.unit_coverage(world["cycle"], world["unit"]).of(Kind.LEADER).heard == 1


def test_the_unit_page_shows_who_is_missing(world, client_for):
    heard(world, leader(world, "a1"))
    page = client_for("assessor").get(f"/cycles/2025/interviews/units/{world['unit'].pk}/").content.decode()
    assert "尚缺 5 人次" in page
    assert "已谈" in page and "待谈" in page


def test_unprepared_leaders_are_missing_too(world, client_for, cast):
    # Unit B's leader was never listed: still missing, and the page offers to list him.
    unit_b = world["roster"]["units"]["b"]
    assert selectors.unit_coverage(world["cycle"], unit_b).of(Kind.LEADER).missing == 1
    page = client_for("assessor2").get(f"/cycles/2025/interviews/units/{unit_b.pk}/").content.decode()
    assert "把班子成员列入谈话名单" in page and "王建国" in page


def test_home_page_gives_the_assessor_the_interviews_missing(world, client_for):
    page = client_for("assessor").get("/").content.decode()
    assert "个别谈话尚缺" in page and 'id="todo-interviews-count">6<' in page
    assert "个别谈话尚缺" not in client_for("committee").get("/").content.decode()


# --- writing -------------------------------------------------------------------------------------------


def test_an_assessor_records_an_interview_through_the_page(world, client_for, cast):
    person = leader(world, "a2")
    client = client_for("assessor")
    client.post("/cycles/2025/interviews/pledge/", {})
    response = client.post(f"/cycles/2025/interviews/people/{person.pk}/record/", form_data(world))
    assert response.status_code == 302
    record = selectors.open_interview(cast["assessor"], person)
    assert record.problems == MARKER and record.interviewers == ["assessor", "partner"]
    assert record.grade_of(world["roster"]["cadres"]["a1"].pk) == "优秀"
    entry = AuditEntry.objects.get(action="interview.create")
    assert MARKER not in str(entry.before) + str(entry.after) + entry.object_repr
    assert "李明" not in entry.object_repr


def test_one_interviewer_is_refused_and_nothing_is_saved(world, client_for):
    person = leader(world, "a2")
    client = client_for("assessor")
    client.post("/cycles/2025/interviews/pledge/", {})
    response = client.post(
        f"/cycles/2025/interviews/people/{person.pk}/record/", form_data(world, interviewers=["assessor"])
    )
    assert response.status_code == 400
    assert "谈话人：至少需要 2 名不同的谈话人，现有 1 名。" in response.content.decode()
    assert not Interview.objects.exists()


def test_a_handwritten_form_is_typed_in_later_with_other_interviewers(world, client_for, cast):
    person = leader(world, "a2")
    client = client_for("organiser")
    data = form_data(world, interviewers=[], other_interviewers="王五、赵六", source="handwritten")
    assert client.post(f"/cycles/2025/interviews/people/{person.pk}/record/", data).status_code == 302
    record = selectors.open_interview(cast["organiser"], person)
    assert record.interviewers == ["王五", "赵六"] and record.source == "handwritten"


def test_recommendations_only_where_the_plan_asks(world, cast):
    person = leader(world)
    a2 = world["roster"]["cadres"]["a2"].pk
    with pytest.raises(ValidationError, match="未要求在谈话中推荐"):
        heard(world, person, recommended=[a2])
    actions.interview_settings_update(
        actor=cast["organiser"],
        cycle=world["cycle"],
        staff=3,
        service_users=0,
        deputies=0,
        recommend=True,
        pledge=selectors.settings_of(world["cycle"]).pledge,
    )
    heard(world, person, recommended=[a2])
    assert selectors.open_interview(cast["assessor"], person).recommended == [a2]


def test_a_record_of_a_future_date_is_refused(world):
    with pytest.raises(ValidationError, match="晚于今天"):
        heard(world, leader(world), held_on=date(2099, 1, 1))


# --- reading is audited ---------------------------------------------------------------------------------


def test_every_read_of_a_record_is_audited(world, client_for, cast):
    person = leader(world)
    heard(world, person)
    client = client_for("assessor")
    client.get(f"/cycles/2025/interviews/people/{person.pk}/record/")
    client.get(f"/api/interviews/2025/people/{person.pk}/record")
    reads = AuditEntry.objects.filter(action="interview.read", actor=cast["assessor"])
    assert reads.count() == 2
    assert {e.object_id for e in reads} == {str(person.interview.pk)}


def test_a_refused_read_leaves_no_read_in_the_audit(world, client_for):
    person = leader(world)
    heard(world, person)
    client_for("committee").get(f"/cycles/2025/interviews/people/{person.pk}/record/")
    client_for("assessor2").get(f"/cycles/2025/interviews/people/{person.pk}/record/")
    assert not AuditEntry.objects.filter(action="interview.read").exists()


def test_outlines_are_drafted_sealed_and_their_reads_audited(world, client_for, cast):
    person = leader(world)
    client = client_for("assessor")
    client.post("/cycles/2025/interviews/pledge/", {})
    draft = client.get(f"/cycles/2025/interviews/people/{person.pk}/outline/").content.decode()
    assert "东城街道个别谈话提纲" in draft and "李明" in draft
    client.post(f"/cycles/2025/interviews/people/{person.pk}/outline/", {"text": f"1. {MARKER}"})
    assert MARKER not in Interviewee.objects.get(pk=person.pk).outline.sealed
    assert MARKER in client.get(f"/cycles/2025/interviews/people/{person.pk}/outline/").content.decode()
    assert AuditEntry.objects.filter(action="interview.outline_read", actor=cast["assessor"]).count() == 1
    docx = client.get(f"/cycles/2025/interviews/people/{person.pk}/outline.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert MARKER in text


def test_the_blank_form_lists_the_team_and_the_grades(world, client_for):
    response = client_for("assessor").get(f"/cycles/2025/interviews/units/{world['unit'].pk}/form.docx")
    doc = Document(io.BytesIO(response.content))
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert {"张思佳", "李明", "政治思想建设", "作风建设", "德", "廉"} <= cells
    assert any("□基本称职" in c for c in cells)


# --- summaries -----------------------------------------------------------------------------------------


def test_the_committee_sees_counts_from_k_up_and_never_words(world, client_for, settings):
    settings.MIN_GROUP_SIZE = 3
    complete_unit(world, ["优秀", "优秀", "称职", "称职"])
    body = client_for("committee").get(f"/api/interviews/2025/units/{world['unit'].pk}/summary").json()
    li_ming = next(c for c in body["cadres"] if c["name"] == "李明")
    assert body["shown"] and body["interviews"] == 4
    assert {g["grade"]: g["count"] for g in li_ming["grades"]} == {
        "优秀": 2,
        "称职": 2,
        "基本称职": 0,
        "不称职": 0,
    }
    assert body["problem_tags"] == [{"tag": "形式主义官僚主义", "count": 4}]
    page = client_for("committee").get(f"/cycles/2025/interviews/units/{world['unit'].pk}/summary/")
    assert MARKER not in page.content.decode() and "形式主义官僚主义" in page.content.decode()


def test_k_comes_from_the_settings(world, client_for, settings):
    settings.MIN_GROUP_SIZE = 5
    complete_unit(world, ["优秀", "优秀", "称职", "称职"])
    body = client_for("organiser").get(f"/api/interviews/2025/units/{world['unit'].pk}/summary").json()
    assert not body["shown"] and body["problem_tags"] == []
    assert all(c["grades"] is None for c in body["cadres"])


def test_below_k_interviews_the_summary_shows_nothing_but_the_count(world, client_for, settings):
    settings.MIN_GROUP_SIZE = 3
    complete_unit(world, ["优秀", "称职"])
    body = client_for("committee").get(f"/api/interviews/2025/units/{world['unit'].pk}/summary").json()
    assert body["interviews"] == 2 and body["complete"] and not body["shown"]
    assert all(c["grades"] is None for c in body["cadres"]) and body["problem_tags"] == []


# --- export ------------------------------------------------------------------------------------------


def test_export_warns_first_then_gives_the_text_and_is_audited(world, client_for, cast):
    heard(world, leader(world))
    client = client_for("organiser")
    warning = client.get("/cycles/2025/interviews/export/").content.decode()
    assert "明文" in warning and "审计" in warning
    refused = client.post("/cycles/2025/interviews/export/", {})
    assert refused.status_code == 200 and "请先确认保密要求" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="interview.export").exists()
    response = client.post("/cycles/2025/interviews/export/", {"confirm": "on"})
    assert response["Content-Type"].startswith("text/plain") and MARKER in response.content.decode()
    entry = AuditEntry.objects.get(action="interview.export")
    assert entry.actor == cast["organiser"] and entry.after == {"records": 1}
    assert AuditEntry.objects.filter(action="interview.read", actor=cast["organiser"]).count() == 1


def test_export_over_the_api_needs_confirmation(world, client_for):
    heard(world, leader(world))
    client = client_for("organiser")
    refused = client.post("/api/interviews/2025/export", {}, content_type="application/json")
    assert refused.status_code == 422 and not AuditEntry.objects.filter(action="interview.export").exists()
    body = client.post(
        "/api/interviews/2025/export", {"confirm": True}, content_type="application/json"
    ).json()
    assert MARKER in body["text"]
