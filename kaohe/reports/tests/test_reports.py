"""The 综合分析报告, the cycle report and the 登记表 in the app: k, readers, the write flow, the command."""

import datetime
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.reports import actions, documents
from kaohe.reports.models import AnalysisReport, Register, ReportVersion
from kaohe.results import actions as results_actions

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def computed(world):
    results_actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    return world


@pytest.fixture
def drafted(computed, cast):
    actions.reports_draft(actor=cast["organiser"], cycle=computed, kind="team")
    actions.reports_draft(actor=cast["organiser"], cycle=computed, kind="cadre")
    return computed


def report_of(cycle, code):
    return AnalysisReport.objects.get(cycle=cycle, cadre__code=code)


def test_a_rater_group_below_k_is_never_shown(drafted):
    # GB001 has 3 上级 and 2 同级 ballots: with k = 3 no group is shown (all or nothing), nor the 2 ballots.
    content = documents.report_docx(report_of(drafted, "GB001"))
    text = text_of(content)
    assert "张思佳" in text
    assert "同级" not in text and "上级" not in text
    assert "其他" in text  # the results' rows hold the groups as the k rule merged them (rules/disclosure.py)


def test_groups_are_shown_when_all_reach_k(world, cast, settings):
    settings.MIN_GROUP_SIZE = 2  # before the compute: the run's rows are stored as k lets them be shown
    results_actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    actions.reports_draft(actor=cast["organiser"], cycle=world, kind="cadre")
    drafted = world
    text = text_of(documents.report_docx(report_of(drafted, "GB001")))
    assert "同级" in text and "上级" in text


def test_group_drafts_discusses_submits_and_organiser_accepts(drafted, cast):
    report = report_of(drafted, "GB001")
    sections = dict(report.sections, 主要成绩="考核组修改后的主要成绩。")
    report = actions.report_save(actor=cast["assessor"], report=report, sections=sections)
    assert report.version == 2 and ReportVersion.objects.filter(report=report).count() == 2
    with pytest.raises(ValidationError):
        actions.report_submit(
            actor=cast["assessor"],
            report=report,
            held_on=datetime.date(2025, 12, 1),
            attendees="",
            conclusion="",
        )
    report = actions.report_submit(
        actor=cast["assessor"],
        report=report,
        held_on=datetime.date(2025, 12, 1),
        attendees="甲、乙",
        conclusion="同意",
    )
    assert report.status == "submitted"
    with pytest.raises(ValidationError):
        actions.report_save(actor=cast["assessor"], report=report, sections=sections)
    with pytest.raises(ValidationError):
        actions.report_review(actor=cast["organiser"], report=report, accept=False, reason="")
    report = actions.report_review(actor=cast["organiser"], report=report, accept=True)
    assert report.status == "accepted"
    text = text_of(documents.report_docx(report))
    assert "考核组修改后的主要成绩" in text and "甲、乙" in text
    assert AuditEntry.objects.filter(action="report.accept").exists()


@pytest.mark.parametrize("who", ["liaison", "leader", "cadre", "clerk", "outsider"])
def test_unit_cadre_and_others_never_read_reports(drafted, client_for, who):
    report = report_of(drafted, "GB002")
    client = client_for(who)
    for url in (
        "/reports/2025/",
        f"/reports/2025/{report.pk}/",
        f"/reports/2025/{report.pk}/docx/",
        "/reports/2025/cycle.docx",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(f"/api/reports/2025/{report.pk}").status_code in (403, 404)


def test_assessor_reads_only_their_groups_units(drafted, client_for):
    client = client_for("assessor")
    mine = report_of(drafted, "GB002")  # unit A: the assessor's group
    other = report_of(drafted, "GB004")  # unit C: not
    assert client.get(f"/reports/2025/{mine.pk}/").status_code == 200
    assert client.get(f"/reports/2025/{other.pk}/").status_code == 404
    codes = {r["cadre"] for r in client.get("/api/reports/2025/").json()}
    assert "GB002" in codes and "GB004" not in codes


def test_pages_walk_the_flow(drafted, client_for):
    report = report_of(drafted, "GB002")
    client = client_for("assessor")
    client.post(
        f"/reports/2025/{report.pk}/save/",
        {"section-0": "新成绩", "section-1": "", "section-2": "", "section-3": "称职"},
    )
    client.post(
        f"/reports/2025/{report.pk}/submit/",
        {"held_on": "2025-12-02", "attendees": "甲", "conclusion": "同意", "confirm": "yes"},
    )
    report.refresh_from_db()
    assert report.status == "submitted" and report.sections["主要成绩"] == "新成绩"
    organiser = client_for("organiser")
    organiser.post(f"/reports/2025/{report.pk}/review/", {"decision": "return", "reason": "请补充"})
    report.refresh_from_db()
    assert report.status == "returned" and report.returned_reason == "请补充"


def test_cycle_report_has_tables_and_charts(computed):
    content = documents.cycle_docx(computed)
    document = docx.Document(io.BytesIO(content))
    assert len(document.inline_shapes) >= 1
    assert "参加考核领导干部" in text_of(content)


def test_register_summary_deadline_and_document(world, cast):
    register = Register.objects.create(cycle=world, cadre=cast["cadre"].cadre)
    actions.register_summary_save(actor=cast["cadre"], register=register, summary="全年工作总结 & <要点>")
    actions.register_deadline_set(actor=cast["organiser"], cycle=world, due=datetime.date(2000, 1, 1))
    with pytest.raises(ValidationError):
        actions.register_summary_save(actor=cast["cadre"], register=register, summary="迟交")
    text = text_of(documents.registers_docx(world, [cast["cadre"].cadre_id]))
    assert "全年工作总结 & <要点>" in text and "李明" in text


def test_cadre_edits_only_their_own_register(world, client_for, cast):
    client = client_for("cadre")
    assert client.get("/reports/2025/register/mine/").status_code == 200
    client.post("/reports/2025/register/mine/", {"summary": "我的总结"})
    assert Register.objects.get(cycle=world, cadre=cast["cadre"].cadre).summary == "我的总结"
    assert client.get("/reports/2025/register/").status_code == 403


def test_command_refuses_bad_year_and_code_with_status_2(computed, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("report", "team", "1999", "DW01", "-o", str(tmp_path / "x.docx"))
    assert error.value.returncode == 2 and "1999" in str(error.value)
    with pytest.raises(CommandError) as error:
        call_command("report", "cadre", "2025", "NOPE", "-o", str(tmp_path / "x.docx"))
    assert error.value.returncode == 2 and "NOPE" in str(error.value)
    call_command("report", "team", "2025", "DW01", "-o", str(tmp_path / "t.docx"))
    assert "东城街道" in text_of((tmp_path / "t.docx").read_bytes())


def test_upload_refuses_unknown_placeholder_and_keeps_default(cast):
    bad = docx.Document()
    bad.add_paragraph("{{ secret }}")
    buffer = io.BytesIO()
    bad.save(buffer)
    with pytest.raises(ValidationError) as error:
        actions.template_upload(
            actor=cast["organiser"], kind="team", name="t.docx", content=buffer.getvalue()
        )
    assert "「secret」" in str(error.value)
    assert documents.template_for("team") == documents.default_template("team")


def test_api_upload_refuses_a_macro_template_and_a_non_organiser(client_for):
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w") as archive,
        zipfile.ZipFile(io.BytesIO(documents.default_template("team"))) as source,
    ):
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("word/vbaProject.bin", b"macro")
    upload = SimpleUploadedFile("t.docx", buffer.getvalue())
    response = client_for("organiser").post("/api/reports/templates/team", {"file": upload})
    assert response.status_code == 422 and "宏" in "".join(response.json()["errors"]["file"])
    upload = SimpleUploadedFile("t.docx", documents.default_template("team"))
    assert client_for("assessor").post("/api/reports/templates/team", {"file": upload}).status_code == 403
    upload = SimpleUploadedFile("t.docx", documents.default_template("team"))
    assert client_for("organiser").post("/api/reports/templates/team", {"file": upload}).status_code == 200


def test_api_cadre_writes_own_summary(world, client_for, cast):
    response = client_for("cadre").put(
        "/api/reports/2025/register/mine", {"summary": "总结"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["summary"] == "总结"
    assert (
        client_for("liaison")
        .put("/api/reports/2025/register/mine", {"summary": "x"}, content_type="application/json")
        .status_code
        == 403
    )


def test_api_cycle_report_and_register_by_code(computed, client_for):
    organiser = client_for("organiser")
    response = organiser.get("/api/reports/2025/cycle/docx")
    assert response.status_code == 200 and "参加考核领导干部" in text_of(response.content)
    assert organiser.get("/api/reports/2025/register/GB002/docx").status_code == 200
    assert organiser.get("/api/reports/2025/register/NOPE/docx").status_code == 404
    assert organiser.get("/api/reports/1999/cycle/docx").status_code == 404
    assert client_for("assessor").get("/api/reports/2025/cycle/docx").status_code == 403


def test_an_aspect_counted_on_fewer_than_k_ballots_is_not_shown(world, roster):
    from kaohe.ballots.models import Ballot, BallotItemAnswer, BallotTemplate, EvaluationSession
    from kaohe.reports.selectors import _aspects

    template = BallotTemplate.objects.create(
        name="干部测评表", kind="cadre", items=[{"name": "德", "choices": ["好", "一般"]}]
    )
    session = EvaluationSession.objects.create(cycle=world, name="测评会")
    cadre_a, cadre_b = roster["cadres"]["a1"], roster["cadres"]["a2"]
    for n in range(3):
        ballot = Ballot.objects.create(session=session, number=f"N{n}", rater_group="上级")
        BallotItemAnswer.objects.create(
            ballot=ballot, cadre=cadre_a, template=template, item="德", choice="好"
        )
        if n < 2:
            BallotItemAnswer.objects.create(
                ballot=ballot, cadre=cadre_b, template=template, item="德", choice="一般"
            )
    found = _aspects(world, 3)
    (aspect,) = found[("cadre", cadre_a.pk)]
    assert aspect.name == "德" and aspect.counts["好"] == 3 and aspect.ballots == 3
    assert found.get(("cadre", cadre_b.pk), []) == []


def test_each_line_of_a_section_is_its_own_paragraph(drafted, cast):
    report = report_of(drafted, "GB002")
    sections = dict(report.sections, 主要成绩="第一段。\n\n第二段。")
    report = actions.report_save(actor=cast["assessor"], report=report, sections=sections)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(documents.report_docx(report))).paragraphs]
    assert "第一段。" in paragraphs and "第二段。" in paragraphs


@pytest.mark.parametrize("kind", ["team", "cadre", "cycle", "register"])
def test_organiser_previews_each_template_with_marked_sample_data(client_for, kind):
    response = client_for("organiser").get(f"/reports/templates/{kind}/preview/")
    assert response.status_code == 200 and "【示例】" in text_of(response.content)
    assert client_for("assessor").get(f"/reports/templates/{kind}/preview/").status_code == 403


def test_the_api_names_each_field_a_submission_or_a_return_lacks(drafted, client_for):
    report = report_of(drafted, "GB001")
    submit = client_for("assessor").post(
        f"/api/reports/2025/{report.pk}/submit",
        {"held_on": "2999-01-01", "attendees": " ", "conclusion": ""},
        content_type="application/json",
    )
    assert submit.status_code == 422
    assert set(submit.json()["errors"]) == {"attendees", "conclusion", "held_on"}
    report.refresh_from_db()
    assert report.status == "draft"
    AnalysisReport.objects.filter(pk=report.pk).update(status="submitted")
    returned = client_for("organiser").post(
        f"/api/reports/2025/{report.pk}/review",
        {"accept": False, "reason": ""},
        content_type="application/json",
    )
    assert returned.status_code == 422
    assert returned.json() == {"detail": "退回报告须写明理由", "errors": {"reason": ["退回报告须写明理由"]}}


SUBMIT = {"held_on": "2025-12-02", "attendees": "组长甲、组员乙", "conclusion": "同意"}


@pytest.mark.parametrize("htmx", [False, True])
def test_submitting_asks_first_stating_the_draft_and_the_empty_sections(drafted, client_for, htmx):
    report = report_of(drafted, "GB002")
    client = client_for("assessor")
    client.post(f"/reports/2025/{report.pk}/save/", {"section-0": "新成绩", "section-3": "称职"})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(f"/reports/2025/{report.pk}/submit/", SUBMIT, **headers)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-card"' in html
    assert ("<html" in html) is not htmx  # the dialog's body for htmx, a page without JavaScript
    assert "提交后第2稿交考核办审核" in html and "组长甲、组员乙" in html
    assert "「存在不足」一节是空的" in html and "「意见建议」一节是空的" in html and "2/4" in html
    # The first POST's fields ride through; nothing was written.
    assert 'name="conclusion" value="同意"' in html
    report.refresh_from_db()
    assert report.status == "draft" and not report.discussions.exists()
    client.post(f"/reports/2025/{report.pk}/submit/", {**SUBMIT, "confirm": "yes"})
    report.refresh_from_db()
    assert report.status == "submitted" and report.discussions.get().attendees == "组长甲、组员乙"


def test_a_submission_missing_its_discussion_is_refused_without_a_confirmation(drafted, client_for):
    report = report_of(drafted, "GB002")
    response = client_for("assessor").post(
        f"/reports/2025/{report.pk}/submit/", {**SUBMIT, "attendees": " "}, follow=True
    )
    html = response.content.decode()
    assert 'id="confirm-card"' not in html and "请填写参加集体研究讨论的人员" in html
    report.refresh_from_db()
    assert report.status == "draft"


@pytest.mark.parametrize("htmx", [False, True])
def test_accepting_asks_first_and_returning_does_not(drafted, client_for, cast, htmx):
    report = report_of(drafted, "GB002")
    actions.report_submit(
        actor=cast["assessor"],
        report=report,
        held_on=datetime.date(2025, 12, 2),
        attendees="甲",
        conclusion="同意",
    )
    organiser = client_for("organiser")
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = organiser.post(f"/reports/2025/{report.pk}/review/", {"decision": "accept"}, **headers)
    html = response.content.decode()
    assert 'id="confirm-card"' in html and "采纳后第1稿定稿，不能再退回考核组修改" in html
    assert "2025-12-02（甲）" in html
    report.refresh_from_db()
    assert report.status == "submitted"
    organiser.post(f"/reports/2025/{report.pk}/review/", {"decision": "accept", "confirm": "yes"})
    report.refresh_from_db()
    assert report.status == "accepted"
    assert AuditEntry.objects.filter(action="report.accept").count() == 1


def test_returning_a_report_needs_no_confirmation(drafted, client_for, cast):
    report = report_of(drafted, "GB002")
    actions.report_submit(
        actor=cast["assessor"],
        report=report,
        held_on=datetime.date(2025, 12, 2),
        attendees="甲",
        conclusion="同意",
    )
    client_for("organiser").post(
        f"/reports/2025/{report.pk}/review/", {"decision": "return", "reason": "请补充"}
    )
    report.refresh_from_db()
    assert report.status == "returned"
