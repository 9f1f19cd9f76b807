"""述职述廉: handing in (file checked by its bytes), the late list, scopes, the pages, the to-do."""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kaohe.audit.models import AuditEntry
from kaohe.dutyreports import actions, selectors
from kaohe.dutyreports.lateness import Status
from kaohe.dutyreports.models import DutyReport, DutyReportSetting
from kaohe.dutyreports.tests.conftest import PDF, docx_bytes, upload
from kaohe.plans.models import Phase

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 28)


def at(day: date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10))


def submit(
    cast, cycle, target, kind="duty", name="述职报告.docx", content=None, summary="", day=None, who="liaison"
):
    return actions.duty_report_submit(
        actor=cast[who],
        cycle=cycle,
        kind=kind,
        target=target,
        upload=upload(name, content),
        summary=summary,
        now=at(day) if day else None,
    )


# --- the file -----------------------------------------------------------------------------------------------


def test_a_genuine_docx_and_pdf_are_taken(cast, cycle, roster):
    a = roster["units"]["a"]
    report = submit(cast, cycle, a, summary="  全年完成主要任务。 ")
    assert report.file_name == "述职报告.docx"
    assert report.summary == "全年完成主要任务。"
    with report.file.open("rb") as stored:
        assert stored.read() == docx_bytes()
    pdf = submit(cast, cycle, a, kind="integrity", name="述责述廉.PDF", content=PDF)
    assert pdf.size == len(PDF)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("述职报告.exe", b"MZ\x90\x00", "类型不允许上传，只接受 docx、pdf"),
        ("述职报告.xlsx", b"PK\x03\x04", "类型不允许上传，只接受 docx、pdf"),
        ("述职报告.docx", b"MZ\x90\x00 renamed program", "内容与扩展名 .docx 不符"),
        ("述职报告.pdf", docx_bytes(), "内容与扩展名 .pdf 不符"),
        ("述职报告.docx", b"PK\x03\x04 not really a zip", "内容与扩展名 .docx 不符"),
        ("述职报告.docx", b"", "是空文件"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_saved(
    cast, cycle, roster, name, content, message
):
    with pytest.raises(ValidationError) as refused:
        submit(cast, cycle, roster["units"]["a"], name=name, content=content)
    assert message in str(refused.value.message_dict["file"])
    assert not DutyReport.objects.exists()


def test_a_zip_without_a_word_document_is_not_a_docx(cast, cycle, roster):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ValidationError, match="不符"):
        submit(cast, cycle, roster["units"]["a"], content=buffer.getvalue())


def test_an_oversize_file_is_refused(cast, cycle, roster, settings):
    settings.DUTY_REPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="过大"):
        submit(cast, cycle, roster["units"]["a"], content=docx_bytes("长" * 200))


def test_a_summary_over_300_characters_is_refused(cast, cycle, roster):
    with pytest.raises(ValidationError) as refused:
        submit(cast, cycle, roster["units"]["a"], summary="字" * 301)
    assert "摘要最多 300 字，现有 301 字" in refused.value.message_dict["summary"][0]


def test_a_cadre_hands_in_no_selection_report(cast, cycle, roster):
    with pytest.raises(ValidationError, match="由单位提交"):
        submit(cast, cycle, roster["cadres"]["a1"], kind="selection")


def test_reports_are_handed_in_while_the_cycle_takes_inputs(cast, cycle, roster):
    cycle.phase = Phase.PUBLIC_NOTICE
    cycle.save()
    with pytest.raises(ValidationError, match="录入已截止"):
        submit(cast, cycle, roster["units"]["a"])


def test_replacing_a_report_keeps_its_first_date_and_is_audited(
    cast, cycle, roster, django_capture_on_commit_callbacks
):
    a = roster["units"]["a"]
    first = submit(cast, cycle, a, summary="初稿", day=date(2025, 12, 10))
    old_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):  # the older file goes once the new one is saved
        again = submit(cast, cycle, a, summary="定稿", day=date(2025, 12, 22))
    assert again.pk == first.pk
    assert again.first_submitted_at == at(date(2025, 12, 10))
    assert again.submitted_at == at(date(2025, 12, 22))
    assert not again.file.storage.exists(old_name)
    entry = AuditEntry.objects.filter(action="duty_report.submit").order_by("-pk").first()
    assert entry.before["summary"] == "初稿" and entry.after["summary"] == "定稿"


# --- the late list ------------------------------------------------------------------------------------------


def test_the_late_list_has_the_late_and_the_overdue_most_days_first(cast, cycle, roster):
    DutyReportSetting.objects.create(cycle=cycle, deadline=date(2025, 12, 20), selection_required=False)
    a, b = roster["units"]["a"], roster["units"]["b"]
    submit(cast, cycle, a, day=date(2025, 12, 19))  # on time
    submit(cast, cycle, a, kind="integrity", day=date(2025, 12, 24))  # 4 days late
    submit(cast, cycle, b, day=date(2025, 12, 21), who="organiser")  # 1 day late
    late = selectors.late_rows(cast["organiser"], cycle, TODAY)
    # a's 2 cadres × 2 kinds, b's team integrity, b1 × 2 kinds: 8 days overdue each, then the late ones
    assert [r.days_late for r in late] == [8] * 7 + [4, 1]
    assert {(r.code, r.kind, r.status) for r in late[-2:]} == {
        ("DW01", "integrity", Status.LATE),
        ("DW02", "duty", Status.LATE),
    }
    assert all(r.status is Status.OVERDUE and r.report is None for r in late[:7])
    counts = selectors.counts(selectors.rows(cast["organiser"], cycle, TODAY))
    assert counts == {"on_time": 1, "late": 2, "missing": 0, "overdue": 7}


def test_the_home_pages_counts_in_sql_agree_with_the_rows(cast, cycle, roster):
    DutyReportSetting.objects.create(cycle=cycle, deadline=date(2025, 12, 20))
    a, b = roster["units"]["a"], roster["units"]["b"]
    submit(cast, cycle, a, day=date(2025, 12, 20))  # the last day is on time
    submit(cast, cycle, a, kind="selection", day=date(2025, 12, 21))
    submit(cast, cycle, roster["cadres"]["a1"], day=date(2025, 12, 30))
    submit(cast, cycle, b, kind="integrity", day=date(2025, 12, 2), who="organiser")
    for who in ("organiser", "assessor", "liaison", "outsider", "cadre"):
        for today in (date(2025, 12, 15), TODAY):
            rows = selectors.rows(cast[who], cycle, today)
            counted = selectors.tally(cast[who], cycle, today)
            assert counted.asked == len(rows), who
            assert counted.awaited == sum(1 for r in rows if r.report is None), who
            assert counted.late == sum(1 for r in rows if r.late), (who, today)


def test_what_is_asked_follows_the_setting(cast, cycle, roster):
    rows = selectors.rows(cast["organiser"], cycle, TODAY)
    assert len(rows) == 2 * 3 + 3 * 2  # two teams × 3 kinds, three cadres × 2 kinds
    DutyReportSetting.objects.create(cycle=cycle, integrity_required=False, selection_required=False)
    rows = selectors.rows(cast["organiser"], cycle, TODAY)
    assert {r.kind for r in rows} == {"duty"} and len(rows) == 5


# --- scope --------------------------------------------------------------------------------------------------


def test_each_role_sees_its_own_scope(cast, cycle, roster):
    def seen(who):
        return {(r.code, r.kind) for r in selectors.rows(cast[who], cycle, TODAY, kind="duty")}

    assert seen("organiser") == {
        ("DW01", "duty"),
        ("DW02", "duty"),
        ("GB001", "duty"),
        ("GB002", "duty"),
        ("GB003", "duty"),
    }
    assert seen("assessor") == {("DW01", "duty"), ("GB001", "duty"), ("GB002", "duty")}  # the group's unit A
    assert seen("liaison") == {("DW01", "duty"), ("GB001", "duty"), ("GB002", "duty")}
    assert seen("outsider") == {("DW02", "duty"), ("GB003", "duty")}
    assert seen("cadre") == {("GB002", "duty")}
    assert seen("committee") == seen("clerk") == seen("leader") == set()


def test_a_report_outside_the_scope_is_not_found(cast, cycle, roster, client_for):
    report = submit(cast, cycle, roster["units"]["b"], who="outsider")
    url = reverse("dutyreports:download", args=[2025, report.pk])
    assert client_for("assessor").get(url).status_code == 404  # unit B is not the group's
    assert client_for("liaison").get(url).status_code == 404
    assert client_for("cadre").get(url).status_code == 404
    response = client_for("organiser").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docx_bytes()
    assert AuditEntry.objects.filter(action="read.duty_report.download").count() == 1


def test_the_assessor_reads_the_groups_units_reports(cast, cycle, roster, client_for):
    report = submit(cast, cycle, roster["units"]["a"], summary="主要成绩三条")
    response = client_for("assessor").get(reverse("dutyreports:list", args=[2025]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "东城街道" in page and "西山镇" not in page
    assert "主要成绩三条" in page
    assert reverse("dutyreports:download", args=[2025, report.pk]) in page
    assert "btn-outline-primary" not in page  # assessors read; they hand in nothing


def test_a_liaison_hands_in_for_its_own_unit_only(cast, cycle, roster, client_for):
    client = client_for("liaison")
    own = reverse("dutyreports:submit", args=[2025, "unit", roster["units"]["a"].pk, "duty"])
    other = reverse("dutyreports:submit", args=[2025, "unit", roster["units"]["b"].pk, "duty"])
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    assert client.post(other, {"file": upload(), "summary": "x"}).status_code == 404
    response = client.post(own, {"file": upload(), "summary": "按时提交"})
    assert response.status_code == 302
    assert DutyReport.objects.get().summary == "按时提交"


def test_the_page_names_a_refused_file(cast, cycle, roster, client_for):
    url = reverse("dutyreports:submit", args=[2025, "cadre", roster["cadres"]["a2"].pk, "duty"])
    response = client_for("cadre").post(url, {"file": upload("述职.docx", b"MZ fake"), "summary": ""})
    assert response.status_code == 200
    assert "「述职.docx」的内容与扩展名 .docx 不符" in response.content.decode()
    assert not DutyReport.objects.exists()


def test_a_cadre_hands_in_only_its_own(cast, cycle, roster, client_for):
    client = client_for("cadre")
    assert (
        client.get(
            reverse("dutyreports:submit", args=[2025, "cadre", roster["cadres"]["a2"].pk, "duty"])
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse("dutyreports:submit", args=[2025, "cadre", roster["cadres"]["a1"].pk, "duty"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("dutyreports:submit", args=[2025, "unit", roster["units"]["a"].pk, "duty"])
        ).status_code
        == 404
    )


def test_a_kind_not_asked_has_no_page(cast, cycle, roster, client_for):
    url = reverse("dutyreports:submit", args=[2025, "cadre", roster["cadres"]["a2"].pk, "selection"])
    assert client_for("cadre").get(url).status_code == 404


# --- the to-do ----------------------------------------------------------------------------------------------


def test_the_home_page_lists_what_waits(cast, cycle, roster, client_for):
    DutyReportSetting.objects.create(cycle=cycle, deadline=timezone.localdate() - datetime.timedelta(days=2))
    submit(cast, cycle, roster["units"]["a"])
    from kaohe.dutyreports.todo import home_items

    [liaison] = home_items(cast["liaison"])
    assert liaison.count == 2 + 2 * 2  # team integrity + selection, two cadres × 2
    [organiser] = home_items(cast["organiser"])
    assert organiser.count == 12  # the one handed in today came after the deadline
    assert organiser.note == "其中 11 份仍未提交"
    assert home_items(cast["clerk"]) == []
    page = client_for("cadre").get("/").content.decode()
    assert "述职述廉报告待提交" in page
