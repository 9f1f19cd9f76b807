"""The whole cycle workbook through the API: an upload answers 202 with the job that imports it (run at once
in the tests), followed at GET /api/jobs/{id}; the download is the page's file, or 409 naming what is
missing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.cycle_workbook import actions as cycle_workbook
from kaohe.cycle_workbook.views import CycleBookForm
from kaohe.jobs.models import Job
from kaohe.performance.models import IndicatorScore
from kaohe.plans.models import AssessedUnit
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.tests.books import small, xlsx
from kaohe.workbook.tests.generated import generated_book

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLES = ("committee", "assessor", "clerk", "liaison", "leader", "cadre", "discipline", "sysadmin")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(book, name="考核.xlsx"):
    return SimpleUploadedFile(name, xlsx(book).getvalue(), content_type=XLSX)


def test_an_uploaded_workbook_is_imported_by_a_job_to_follow(cast, client_for):
    client = client_for("organiser")
    response = client.post("/api/cycles/workbook", {"file": upload(small(), "二〇二五.xlsx")})
    assert response.status_code == 202, response.json()
    job = Job.objects.get()
    data = response.json()
    assert (data["id"], data["url"], data["kind"], data["state"]) == (
        str(job.pk),
        f"/api/jobs/{job.pk}",
        "cycle_import",
        "done",
    )
    assert data["file_name"] == "二〇二五.xlsx" and data["errors"] == {} and data["summary"]["year"] == 2025
    assert response["Location"] == data["url"]
    assert AssessedUnit.objects.filter(cycle__year=2025).count() == 2
    assert AuditEntry.objects.get(action="cycle.import").actor == cast["organiser"]
    assert client.get(data["url"]).json() == data


def test_a_workbook_with_problems_ends_its_job_with_them_keyed_by_sheet_row_and_column(cast, client_for):
    book = small()
    book["单位"][2][4] = 180
    client = client_for("organiser")
    data = client.post("/api/cycles/workbook", {"file": upload(book)}).json()
    assert data["state"] == "done" and data["summary"] is None and data["problem_total"] == 1
    assert list(data["errors"]) == ["单位/3/指标考评"]
    assert not AssessedUnit.objects.exists()


# The upload form's own words (they name the formats the reader takes).
BOOK_ERRORS = CycleBookForm.base_fields["file"].error_messages


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, str(BOOK_ERRORS["required"])),
        ({"file": SimpleUploadedFile("a.xlsx", b"")}, str(BOOK_ERRORS["empty"])),
    ],
)
def test_an_upload_without_a_workbook_is_refused_before_any_job(cast, client_for, files, message):
    response = client_for("organiser").post("/api/cycles/workbook", files)
    assert response.status_code == 422 and response.json()["errors"] == {"file": [message]}
    assert not Job.objects.exists()


def test_an_oversize_workbook_is_refused_with_the_pages_limit(cast, client_for, monkeypatch):
    monkeypatch.setattr("kaohe.cycle_workbook.views.MAX_BYTES", 1000)
    response = client_for("organiser").post("/api/cycles/workbook", {"file": upload(small())})
    assert response.status_code == 422 and "文件过大" in response.json()["errors"]["file"][0]
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_organisers_upload_or_download_the_workbook(cast, client_for, role):
    client = client_for(role)
    response = client.post("/api/cycles/workbook", {"file": upload(small())})
    assert response.status_code == 403 and not Job.objects.exists()
    assert client.get("/api/cycles/2025/workbook").status_code == 403


def test_the_download_is_the_cycle_as_a_workbook_and_its_reading_is_audited(cast, client_for):
    client = client_for("organiser")
    client.post("/api/cycles/workbook", {"file": upload(small())})
    response = client.get("/api/cycles/2025/workbook")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    data = read_assessment_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [u.code for u in data.units] == ["DW01", "DW02"]
    assert AuditEntry.objects.filter(action="read.cycle.export").exists()
    assert client.get("/api/cycles/1999/workbook").status_code == 404


def test_a_download_that_cannot_be_made_is_409_naming_the_missing_scores(roster, cast, client_for):
    cycle_workbook.cycle_import(
        data=read_assessment_workbook(xlsx(generated_book(units=1))), actor=SystemActor("测试"), file_name="x"
    )
    IndicatorScore.objects.filter(indicator__code="ZB3").delete()
    response = client_for("organiser").get("/api/cycles/2025/workbook")
    assert response.status_code == 409
    assert response.json()["errors"]["non_field_errors"] == [
        "单位「DW001 单位1」缺少指标得分：ZB3 党的建设；请先补齐评分再导出"
    ]
