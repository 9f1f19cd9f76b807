"""The workbook import and export pages: organisers only; every problem or the summary shown on the job page.

An upload is imported by the task queue (run at once in the tests) and followed on the job page.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.cycle_workbook import actions as cycle_workbook
from kaohe.cycle_workbook.views import workbook_export, workbook_import
from kaohe.jobs.models import Job, JobStatus
from kaohe.performance.models import IndicatorScore
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, Phase
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.tests.books import small, xlsx
from kaohe.workbook.tests.generated import generated_book

ROLES = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT = reverse("cycle_workbook:import")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(sheets, name="考核.xlsx"):
    return SimpleUploadedFile(name, xlsx(sheets).getvalue(), content_type=XLSX)


def test_only_organisers_may_use_the_workbook_pages():
    assert workbook_import.allowed_roles == workbook_export.allowed_roles == ("organiser",)


@pytest.mark.parametrize("role", ROLES)
def test_the_import_page_is_for_organisers_only(client_for, role):
    response = client_for(role).get(IMPORT)
    assert response.status_code == (200 if role == "organiser" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_only_an_organiser_can_post_a_workbook(client_for, role):
    response = client_for(role).post(IMPORT, {"file": upload(small())})
    assert response.status_code == (302 if role == "organiser" else 403)
    assert AssessedUnit.objects.exists() is (role == "organiser")
    assert Job.objects.exists() is (role == "organiser")


@pytest.mark.parametrize("role", ROLES)
def test_the_export_is_for_organisers_only(client_for, role):
    response = client_for(role).get(reverse("cycle_workbook:export", args=[2025]))
    assert response.status_code == (200 if role == "organiser" else 403)


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    client = client_for(None)
    for response in (
        client.get(IMPORT),
        client.post(IMPORT, {"file": upload(small())}),
        client.get(reverse("cycle_workbook:export", args=[2025])),
    ):
        assert response.status_code == 302 and "/login" in response["Location"]
    assert not AssessedUnit.objects.exists()


def test_the_page_has_the_upload_form_and_an_export_link_per_cycle(client_for):
    page = client_for("organiser").get(IMPORT).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert reverse("cycle_workbook:export", args=[2025]) in page


def post(client, book, name="考核.xlsx"):
    """Upload and follow the redirect to the job page, which shows the outcome once the task has run."""
    response = client.post(IMPORT, {"file": upload(book, name)}, follow=True)
    job = Job.objects.get()
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    assert job.status == JobStatus.DONE and not job.file
    return response


def test_in_guomi_mode_the_uploaded_workbooks_digest_is_sm3(client_for, cast, settings):
    settings.CRYPTO_MODE = "guomi"
    page = post(client_for("organiser"), small(), "二〇二五.xlsx").content.decode()
    entry = AuditEntry.objects.get(action="cycle.import")
    assert entry.after["digest_algorithm"] == "sm3" and f"SM3: {entry.after['digest']}" in page


def test_an_uploaded_workbook_is_imported_and_summarised(client_for, cast):
    page = post(client_for("organiser"), small(), "二〇二五.xlsx").content.decode()
    assert "「二〇二五.xlsx」已导入，已更新 2025 年度考核" in page
    assert "SHA-256: " in page
    assert AssessedUnit.objects.filter(cycle__year=2025).count() == 2
    entry = AuditEntry.objects.get(action="cycle.import")
    assert entry.actor == cast["organiser"] and entry.after["file_name"] == "二〇二五.xlsx"


def test_every_problem_is_shown_with_sheet_row_column_and_value_and_nothing_is_saved(client_for):
    book = small()
    book["单位"][2][4] = 180
    book["测评票"].append(["P03", "上级", "GB01", "优"])
    page = post(client_for("organiser"), book, "坏.xlsx").content.decode()
    assert "「坏.xlsx」未导入：发现 2 个问题" in page
    assert '<td>单位</td><td class="text-end">3</td><td>指标考评</td><td>180</td>' in page
    assert "「优」不是有效的选项" in page
    assert not AssessedUnit.objects.exists()


def test_a_file_that_is_not_a_workbook_is_named(client_for):
    bad = SimpleUploadedFile("名单.xlsx", b"not a workbook", content_type=XLSX)
    response = client_for("organiser").post(IMPORT, {"file": bad}, follow=True)
    assert "不是 Excel 或 WPS/LibreOffice 工作簿（.xlsx、.xls、.ods）文件" in response.content.decode()


def test_an_oversize_workbook_is_refused_before_it_is_stored_for_the_worker(client_for, monkeypatch):
    monkeypatch.setattr("kaohe.cycle_workbook.views.MAX_BYTES", 1000)
    response = client_for("organiser").post(IMPORT, {"file": upload(small())})
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    assert not Job.objects.exists()


def test_a_post_without_a_file_shows_the_form_error(client_for):
    response = client_for("organiser").post(IMPORT, {})
    assert response.status_code == 400 and "is-invalid" in response.content.decode()
    assert not Job.objects.exists()


def test_a_frozen_cycle_refuses_the_upload(client_for):
    AssessmentCycle.objects.filter(year=2025).update(phase=Phase.EVALUATION)
    page = post(client_for("organiser"), small()).content.decode()
    assert "考核方案已锁定，不能导入工作簿" in page


def test_the_export_downloads_the_cycle_as_a_workbook(client_for):
    client = client_for("organiser")
    client.post(IMPORT, {"file": upload(small())})
    response = client.get(reverse("cycle_workbook:export", args=[2025]))
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    data = read_assessment_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [u.code for u in data.units] == ["DW01", "DW02"] and len(data.marks) == 5


def test_an_export_that_cannot_be_made_says_which_scores_are_missing(client_for, roster):
    cycle_workbook.cycle_import(
        data=read_assessment_workbook(xlsx(generated_book(units=1))), actor=SystemActor("测试"), file_name="x"
    )
    IndicatorScore.objects.filter(indicator__code="ZB3").delete()
    response = client_for("organiser").get(reverse("cycle_workbook:export", args=[2025]))
    assert response.status_code == 409
    assert "单位「DW001 单位1」缺少指标得分：ZB3 党的建设" in response.content.decode()


def test_an_unknown_year_is_not_found(client_for):
    assert client_for("organiser").get(reverse("cycle_workbook:export", args=[1999])).status_code == 404


def test_the_cycle_pages_link_organisers_to_the_workbook_pages(client_for):
    organiser = client_for("organiser")
    assert reverse("cycle_workbook:import") in organiser.get(reverse("plans:cycle_list")).content.decode()
    detail = organiser.get(reverse("plans:cycle_detail", args=[2025])).content.decode()
    assert reverse("cycle_workbook:export", args=[2025]) in detail
    committee = client_for("committee")
    assert reverse("cycle_workbook:import") not in committee.get(reverse("plans:cycle_list")).content.decode()


def test_an_empty_upload_says_to_choose_the_workbook(client_for):
    page = client_for("organiser").post("/cycles/workbook/", {}).content.decode()
    assert "请选择要上传的考核数据工作簿（.xlsx、.xls 或 .ods）" in page


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_a_workbook_saved_by_libreoffice_imports_as_its_xlsx_did(client_for, cast, suffix):
    """The fixture was saved by LibreOffice from the same book as small() (workbook/tests/fixtures)."""
    from pathlib import Path

    data = (
        Path(__file__).parents[2] / "workbook" / "tests" / "fixtures" / f"assessment.{suffix}"
    ).read_bytes()
    file = SimpleUploadedFile(f"二〇二五.{suffix}", data, content_type="application/octet-stream")
    response = client_for("organiser").post(IMPORT, {"file": file}, follow=True)
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.outcome
    assert f"「二〇二五.{suffix}」已导入，已更新 2025 年度考核" in response.content.decode()
    units = dict(AssessedUnit.objects.filter(cycle__year=2025).values_list("unit__code", "indicator_score"))
    assert units == {"DW01": 90, "DW02": 80}  # small(): 城关镇 90, 河口镇 80, as numbers
    cadres = dict(AssessedCadre.objects.filter(cycle__year=2025).values_list("cadre__code", "regular"))
    assert cadres["GB01"] == 92 and cadres["GB02"] == 88
