"""Letters: made from accepted reports only after the seal, never naming a source; who receives and reads."""

import datetime
import io
import re

import docx
import pytest
from django.core.exceptions import ValidationError

from kaohe.audit.models import AuditEntry
from kaohe.feedback import actions, documents
from kaohe.feedback.models import Letter, Rectification
from kaohe.feedback.tests.conftest import PLAIN_PROBLEMS, PLAIN_SUGGESTIONS
from kaohe.reports import actions as report_actions
from kaohe.reports.models import AnalysisReport
from kaohe.results.tests.conftest import run_command

pytestmark = pytest.mark.django_db

GROUP_NAMES = ("上级", "同级")
FORBIDDEN = re.compile(r"上级|同级|评价人类别|谈话|\d+\s*票|\d+\s*人")


def prepare(cast, cycle):
    actions.letters_prepare(actor=cast["organiser"], cycle=cycle, kind="team")
    actions.letters_prepare(actor=cast["organiser"], cycle=cycle, kind="cadre")


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def test_no_letter_before_the_results_are_sealed(world, cast):
    report_actions.reports_draft(actor=cast["organiser"], cycle=world, kind="team")
    with pytest.raises(ValidationError, match="尚未审定"):
        actions.letters_prepare(actor=cast["organiser"], cycle=world, kind="team")
    assert not Letter.objects.exists()


def test_letters_come_only_from_accepted_reports(accepted, world, cast):
    AnalysisReport.objects.filter(cycle=world, cadre__code="GB002").update(status="submitted")
    prepare(cast, world)
    assert Letter.objects.filter(kind="cadre").count() == 4
    assert not Letter.objects.filter(cadre__code="GB002").exists()
    assert actions.letters_prepare(actor=cast["organiser"], cycle=world, kind="cadre") == 0  # once each


def test_letters_never_name_a_source(accepted, world, cast, principal):
    prepare(cast, world)
    for letter in Letter.objects.select_related("cycle", "unit", "cadre"):
        assert letter.problems == PLAIN_PROBLEMS and letter.suggestions == PLAIN_SUGGESTIONS
        text = text_of(documents.letter_docx(letter))
        assert "基层调研不够深入" in text and "加强调查研究" in text
        assert not FORBIDDEN.search(text), FORBIDDEN.search(text)
        assert letter.grade in text


def test_a_units_letter_goes_to_its_principal_and_a_cadres_to_the_cadre(accepted, world, cast, principal):
    prepare(cast, world)
    team = Letter.objects.get(kind="team", unit__code="DW01")
    assert team.recipient == principal and team.recipient_name == "张思佳"
    assert Letter.objects.get(cadre__code="GB002").recipient == cast["cadre"]
    assert Letter.objects.get(cadre__code="GB004").recipient is None  # no account: handed over on paper
    assert Letter.objects.get(cadre__code="GB004").recipient_name == "赵丽"


def test_sending_makes_one_rectification_item_per_problem_once(accepted, world, cast, principal):
    prepare(cast, world)
    letter = Letter.objects.get(kind="team", unit__code="DW01")
    actions.letter_send(actor=cast["organiser"], letter=letter)
    items = Rectification.objects.filter(letter=letter).order_by("number")
    assert [i.problem for i in items] == PLAIN_PROBLEMS and {i.unit.code for i in items} == {"DW01"}
    with pytest.raises(ValidationError, match="不能重复发送"):
        actions.letter_send(actor=cast["organiser"], letter=letter)
    assert Rectification.objects.filter(letter=letter).count() == 2


def test_who_reads_a_units_letter(accepted, world, cast, principal, client_for, client):
    prepare(cast, world)
    letter = Letter.objects.get(kind="team", unit__code="DW01")
    url = f"/feedback/2025/letters/{letter.pk}/"
    client.force_login(principal)
    assert client.get(url).status_code == 404  # not sent yet
    actions.letter_send(actor=cast["organiser"], letter=letter)
    page = client.get(url)
    assert page.status_code == 200 and "基层调研不够深入" in page.content.decode()
    letter.refresh_from_db()
    assert letter.read_at is not None
    assert AuditEntry.objects.filter(action="letter.read", object_id=str(letter.pk), actor=principal).exists()
    assert client_for("organiser").get(url).status_code == 200
    assert client_for("assessor").get(url).status_code == 200  # unit A is in the assessor's group
    assert (
        client_for("liaison").get(url).status_code == 403
    )  # the liaison sees that it was sent, not the text
    home = client_for("liaison").get("/feedback/").content.decode()
    assert "已于" in home and "发送给主要负责人张思佳" in home and "基层调研" not in home
    assert client_for("cadre").get(url).status_code == 404  # 李明 is not the recipient
    assert client_for("outsider").get(url).status_code == 403
    assert client_for("clerk").get(url).status_code == 403


def test_who_reads_a_cadres_letter(accepted, world, cast, principal, other_assessor, client_for, client):
    prepare(cast, world)
    letter = Letter.objects.get(cadre__code="GB002")
    actions.letter_send(actor=cast["organiser"], letter=letter)
    url = f"/feedback/2025/letters/{letter.pk}/"
    assert client_for("cadre").get(url).status_code == 200
    client.force_login(principal)
    assert client.get(url).status_code == 404
    client.force_login(other_assessor)
    assert client.get(url).status_code == 404
    docx_page = client_for("cadre").get(url + "docx/")
    assert docx_page.status_code == 200 and "李明" in text_of(docx_page.content)


def test_only_the_organiser_prepares_and_sends(accepted, world, cast, client_for):
    assert client_for("assessor").post("/feedback/2025/letters/prepare/", {"kind": "team"}).status_code == 403
    assert not Letter.objects.exists()
    client_for("organiser").post("/feedback/2025/letters/prepare/", {"kind": "team"})
    letter = Letter.objects.get(unit__code="DW01", kind="team")
    assert client_for("assessor").post(f"/feedback/2025/letters/{letter.pk}/send/").status_code == 403
    asked = client_for("organiser").post(f"/feedback/2025/letters/{letter.pk}/send/").content.decode()
    assert "不能撤回或修改" in asked and Letter.objects.get(pk=letter.pk).status == "draft"
    client_for("organiser").post(f"/feedback/2025/letters/{letter.pk}/send/", {"confirm": "yes"})
    letter.refresh_from_db()
    assert letter.status == "sent" and letter.sent_by == cast["organiser"]


def test_the_feedback_talk_is_recorded(accepted, world, cast, other_assessor, client_for, client):
    prepare(cast, world)
    letter = Letter.objects.get(cadre__code="GB002")
    url = f"/feedback/2025/letters/{letter.pk}/talk/"
    with pytest.raises(ValidationError, match="尚未发送"):
        actions.letter_talk_record(
            actor=cast["organiser"], letter=letter, held_on=datetime.date(2026, 1, 20), talk_by="甲"
        )
    actions.letter_send(actor=cast["organiser"], letter=letter)
    client.force_login(other_assessor)
    assert client.post(url, {"talk_on": "2026-01-20", "talk_by": "乙"}).status_code == 404
    client_for("assessor").post(url, {"talk_on": "2026-01-20", "talk_by": "考核组组长王某"})
    letter.refresh_from_db()
    assert str(letter.talk_on) == "2026-01-20" and letter.talk_by == "考核组组长王某"
    assert AuditEntry.objects.filter(action="letter.talk", object_id=str(letter.pk)).count() == 1


def test_command_writes_a_letter_and_refuses_a_bad_year_or_code(accepted, world, cast, tmp_path):
    prepare(cast, world)
    out = tmp_path / "letter.docx"
    status, stdout, _ = run_command("feedback", "letter", "2025", "DW01", "-o", str(out))
    assert status == 0 and "东城街道领导班子" in text_of(out.read_bytes())
    status, _, _ = run_command("feedback", "letter", "2025", "GB002", "-o", str(out))
    assert status == 0 and "李明同志" in text_of(out.read_bytes())
    for args in (("1999", "DW01"), ("2025", "NOPE")):
        try:
            status, _, err = run_command("feedback", "letter", *args, "-o", str(tmp_path / "x.docx"))
        except Exception as error:  # CommandError when called in-process
            status, err = getattr(error, "returncode", None), str(error)
        assert status == 2 and ("没有 1999 年度" in err or "「NOPE」" in err)
        assert not (tmp_path / "x.docx").exists()


def test_api_letters_have_the_same_checks(accepted, world, cast, principal, client_for, client):
    assert (
        client_for("assessor")
        .post("/api/feedback/2025/letters/prepare", {"kind": "team"}, content_type="application/json")
        .status_code
        == 403
    )
    response = client_for("organiser").post(
        "/api/feedback/2025/letters/prepare", {"kind": "team"}, content_type="application/json"
    )
    assert response.json() == {"prepared": 3}
    letter = Letter.objects.get(kind="team", unit__code="DW01")
    client.force_login(principal)
    assert client.get("/api/feedback/2025/letters").json() == []  # not sent yet
    sent = client_for("organiser").post(f"/api/feedback/2025/letters/{letter.pk}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    client.force_login(principal)
    body = client.get(f"/api/feedback/2025/letters/{letter.pk}").json()
    assert body["problems"] == PLAIN_PROBLEMS and body["read_at"] is not None
    assert client_for("liaison").get(f"/api/feedback/2025/letters/{letter.pk}").status_code == 403
    assert client_for("cadre").get(f"/api/feedback/2025/letters/{letter.pk}").status_code == 404
    again = client_for("organiser").post(f"/api/feedback/2025/letters/{letter.pk}/send")
    assert again.status_code == 422 and "不能重复发送" in again.json()["detail"]
