"""The roster import page, the export and the template download, for every role of the cast.

An upload is imported by the task queue (run at once in the tests) and followed on the job page.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.jobs.models import Job, JobStatus
from kaohe.org.models import Cadre, Unit
from kaohe.org.tests.test_roster_books import new_roster, roster_book

OTHERS = ["committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider"]
PAGES = ["org:roster_import", "org:roster_export", "org:roster_template"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(data: bytes, name: str = "名册.xlsx") -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")}


@pytest.mark.parametrize("page", PAGES)
def test_the_organiser_may_open_every_roster_page(client_for, page):
    response = client_for("organiser").get(reverse(page))
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", OTHERS)
def test_every_other_role_is_refused_the_roster_pages(client_for, page, name):
    assert client_for(name).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("name", OTHERS)
def test_every_other_role_is_refused_an_upload_and_nothing_is_saved(client_for, name):
    response = client_for(name).post(reverse("org:roster_import"), upload(new_roster()))
    assert response.status_code == 403
    assert not Unit.objects.filter(code="DW10").exists()


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_visitor_is_sent_to_log_in(client_for, page):
    response = client_for(None).get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_import_page_is_a_plain_form_with_the_download_links(client_for):
    html = client_for("organiser").get(reverse("org:roster_import")).content.decode()
    assert 'method="post"' in html and 'enctype="multipart/form-data"' in html
    assert reverse("org:roster_template") in html and reverse("org:roster_export") in html
    assert "<script>" not in html and "style=" not in html


def test_an_upload_imports_and_the_job_page_shows_the_counts(client_for, settings):
    response = client_for("organiser").post(
        reverse("org:roster_import"), upload(new_roster(), "2025名册.xlsx"), follow=True
    )
    job = Job.objects.get()
    assert response.redirect_chain == [(job.get_absolute_url(), 302)]
    assert (job.kind, job.status, job.file_name) == ("roster_import", JobStatus.DONE, "2025名册.xlsx")
    result = job.outcome["result"]
    assert (result["units"]["created"], result["units"]["unchanged"]) == (2, 3)
    assert (result["cadres"]["created"], result["cadres"]["unchanged"]) == (2, 5)
    html = response.content.decode()
    assert "「2025名册.xlsx」已导入" in html and 'id="roster-result"' in html
    assert Cadre.objects.get(code="GB101").current_unit.code == "DW11"
    assert AuditEntry.objects.get().actor.username == "organiser"
    assert not job.file and not list((settings.MEDIA_ROOT / "imports").iterdir())


def test_a_bad_upload_lists_every_problem_on_the_job_page_and_saves_nothing(client_for):
    data = roster_book(
        units=[["DW10", "甲单位", "事业单位", "DW97"]],
        cadres=[["GB102", "周海", "M", "昨天", "DW10", "科员", None, None]],
    )
    response = client_for("organiser").post(reverse("org:roster_import"), upload(data), follow=True)
    assert response.status_code == 200
    job = Job.objects.get()
    assert job.status == JobStatus.DONE
    assert [(p["sheet"], p["row"], p["column"], p["value"]) for p in job.outcome["problems"]] == [
        ("单位", 2, "上级单位编码", "DW97"),
        ("干部", 2, "性别", "M"),
        ("干部", 2, "出生年月", "昨天"),
    ]
    html = response.content.decode()
    assert "发现 3 个问题，没有保存任何数据" in html
    assert "「M」不是有效的选项（男、女）" in html
    assert not Unit.objects.filter(code="DW10").exists()
    assert not AuditEntry.objects.exists()


def test_an_upload_that_is_not_xlsx_is_refused_with_a_message(client_for):
    response = client_for("organiser").post(
        reverse("org:roster_import"), upload(b"hello", "名册.csv"), follow=True
    )
    assert "不是 Excel 或 WPS/LibreOffice 工作簿" in response.content.decode()


def test_an_oversize_upload_is_refused(client_for, settings):
    settings.UPLOAD_MAX_BYTES = 2000
    response = client_for("organiser").post(reverse("org:roster_import"), upload(new_roster()), follow=True)
    assert "文件过大" in response.content.decode()
    assert not Unit.objects.filter(code="DW10").exists()
    assert not Job.objects.exists()  # refused by the form, not stored for the worker


def test_a_post_without_a_file_asks_for_one(client_for):
    response = client_for("organiser").post(reverse("org:roster_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Job.objects.exists()


def open_download(response) -> openpyxl.Workbook:
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_template_download_opens_with_its_guide_and_empty_sheets(client_for):
    book = open_download(client_for("organiser").get(reverse("org:roster_template")))
    assert book.sheetnames == ["说明", "单位", "干部"]
    assert [c.value for c in book["单位"][1]] == ["单位编码", "单位名称", "单位类别", "上级单位编码"]
    assert book["干部"].max_row == 1
    explained = {row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True) if row[1]}
    assert explained >= {
        "单位编码",
        "单位名称",
        "单位类别",
        "上级单位编码",
        "干部编码",
        "姓名",
        "性别",
        "出生年月",
        "职务",
        "主要负责人",
        "任职时间",
    }


def test_the_export_download_holds_the_current_roster(client_for):
    book = open_download(client_for("organiser").get(reverse("org:roster_export")))
    assert book.sheetnames == ["单位", "干部"]
    assert [row[0] for row in book["干部"].iter_rows(min_row=2, values_only=True)] == [
        "GB001", "GB002", "GB003", "GB004", "GB005",
    ]  # fmt: skip


def hostile_roster(copies: int) -> bytes:
    """The attack: one cadre row repeated ``copies`` times; a few KB that inflate to megabytes."""
    from kaohe.org.roster import CADRE_COLUMNS, UNIT_COLUMNS
    from kaohe.workbook.tests.hostile import book, repeated

    cadre = ("GB900", "周海", "男", "1980-05", "DW01", "科员", "否", "2024-01-01", None)
    return book(
        {
            "单位": [UNIT_COLUMNS, ("DW01", "东城街道", "乡镇街道", None)],
            "干部": repeated(CADRE_COLUMNS, cadre, copies),
        }
    )


def test_an_expanding_roster_is_refused_by_its_rows_and_nothing_is_saved(client_for, roster, monkeypatch):
    from kaohe.org import roster as roster_module
    from kaohe.workbook.archive import Limits

    monkeypatch.setattr(roster_module, "ROSTER_LIMITS", Limits(64 * 1024**2, 2_000, 3_000))
    before = (Unit.objects.count(), Cadre.objects.count())
    response = client_for("organiser").post(
        reverse("org:roster_import"), upload(hostile_roster(5_000)), follow=True
    )
    job = Job.objects.get()
    assert [p["message"] for p in job.outcome["problems"]] == [
        "工作表「干部」超过 2,000 行，超出本导入的上限"
    ]
    assert "超过 2,000 行" in response.content.decode()
    assert (Unit.objects.count(), Cadre.objects.count()) == before


def test_a_roster_whose_far_cell_would_make_the_reader_build_billions_of_cells_is_refused(client_for, roster):
    """Issue 13: cells at A1 and XFD1048576, 1.5 KB; python-calamine would try to allocate about 549 GB."""
    from kaohe.org.roster import CADRE_COLUMNS, UNIT_COLUMNS
    from kaohe.workbook.tests.hostile import book, row_xml

    data = book(
        {
            "单位": [UNIT_COLUMNS, ("DW91", "远方街道", "乡镇街道", None)],
            "干部": [row_xml(1, CADRE_COLUMNS), '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'],
        }
    )
    assert len(data) < 3_000
    before = (Unit.objects.count(), Cadre.objects.count())
    response = client_for("organiser").post(reverse("org:roster_import"), upload(data), follow=True)
    job = Job.objects.get()
    assert [p["message"] for p in job.outcome["problems"]] == ["工作表“干部”的单元格 XFD1048576 超出可读范围"]
    assert "XFD1048576 超出可读范围" in response.content.decode()
    assert (Unit.objects.count(), Cadre.objects.count()) == before
    assert not Unit.objects.filter(code="DW91").exists()


def test_a_roster_with_thousands_of_problems_keeps_the_first_and_shows_the_count(client_for, roster):
    import json

    response = client_for("organiser").post(
        reverse("org:roster_import"), upload(hostile_roster(1_500)), follow=True
    )
    job = Job.objects.get()
    assert job.outcome["problem_total"] >= 1_499  # every copy after the first repeats the code
    assert len(job.outcome["problems"]) == 500
    assert len(json.dumps(job.outcome)) < 200_000
    assert f'data-problem-total="{job.outcome["problem_total"]}"' in response.content.decode()
    assert not Cadre.objects.filter(code="GB900").exists()


def test_an_empty_upload_says_to_choose_the_roster_file(client_for):
    page = client_for("organiser").post("/org/roster/import/", {}).content.decode()
    assert "请选择要上传的名册文件（.xlsx、.xls 或 .ods）" in page
    assert "novalidate" in page  # the page's own message, not the browser's
