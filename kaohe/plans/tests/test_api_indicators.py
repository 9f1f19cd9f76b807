"""Indicators and targets written through the API, one by one and as workbooks: the pages' forms, write
functions and workbook readers; problems keyed by sheet, row and column."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.performance.models import IndicatorScore
from kaohe.plans.forms import UploadForm
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator, Phase, Target

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send(client, method, url, body=None):
    return getattr(client, method)(url, body if body is not None else {}, content_type="application/json")


def book(rows, sheet, name="上传.xlsx"):
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def rows_of(response):
    content = b"".join(response.streaming_content)
    return [list(row) for row in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


@pytest.fixture
def cycle(roster):
    return AssessmentCycle.objects.get(year=2025)


@pytest.fixture
def towns(roster):
    return roster["categories"]["towns"]


def freeze(cycle):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.EVALUATION)


# --- indicators -------------------------------------------------------------------------------------------


def test_an_organiser_creates_an_indicator_and_it_is_audited(roster, cycle, towns, cast, organiser):
    body = {
        "category_id": towns.pk,
        "code": "A01",
        "name": "经济发展",
        "weight": "60",
        "department_code": "BM01",
    }
    response = send(organiser, "post", "/api/cycles/2025/indicators", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["category"], data["code"], data["department_name"]) == ("乡镇街道", "A01", "市发改委")
    assert Decimal(data["weight"]) == 60 and data["id"] == Indicator.objects.get().pk
    entry = AuditEntry.objects.get(action="indicator.create")
    assert entry.actor == cast["organiser"] and entry.after["code"] == "A01"
    listed = organiser.get("/api/cycles/2025/indicators").json()
    assert [(i["id"], i["category_id"]) for i in listed] == [(data["id"], towns.pk)]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"weight": "-1"}, "weight", "权重 -1 应大于0"),
        ({"weight": "abc"}, "weight", "输入一个数字。"),
        ({"code": "A 01"}, "code", "指标编码“A 01”不能包含空格"),
        ({"code": "A02"}, "code", "指标编码「A02」在「乡镇街道」中已存在"),
        ({"department_code": "BM99"}, "department_code", "归口部门编码「BM99」不存在"),
        ({"category_id": None}, "category_id", "这个字段是必填项。"),
        ({"name": ""}, "name", "这个字段是必填项。"),
    ],
)
def test_bad_indicator_input_is_refused_by_field(cycle, towns, organiser, change, field, message):
    Indicator.objects.create(cycle=cycle, category=towns, code="A02", name="社会治理", weight=40)
    body = {"category_id": towns.pk, "code": "A01", "name": "经济发展", "weight": "60", **change}
    response = send(organiser, "post", "/api/cycles/2025/indicators", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert Indicator.objects.count() == 1


def test_an_indicator_changes_only_what_is_given_and_is_deleted(cycle, towns, organiser):
    indicator = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    response = send(organiser, "patch", f"/api/cycles/2025/indicators/{indicator.pk}", {"weight": 70})
    assert response.status_code == 200, response.json()
    indicator.refresh_from_db()
    assert (indicator.name, indicator.weight) == ("经济发展", Decimal(70))
    entry = AuditEntry.objects.get(action="indicator.update")
    assert (entry.before["weight"], entry.after["weight"]) == ("60", "70")
    assert organiser.delete(f"/api/cycles/2025/indicators/{indicator.pk}").status_code == 204
    assert not Indicator.objects.exists()


def test_an_indicator_with_scores_is_not_deleted_nor_moved(roster, cycle, towns, organiser):
    indicator = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    IndicatorScore.objects.create(cycle=cycle, unit=roster["units"]["a"], indicator=indicator, score=90)
    response = organiser.delete(f"/api/cycles/2025/indicators/{indicator.pk}")
    assert response.status_code == 422
    assert response.json()["errors"] == {"non_field_errors": ["指标「A01」已有 1 条得分或自评，不能删除"]}
    moved = send(
        organiser,
        "patch",
        f"/api/cycles/2025/indicators/{indicator.pk}",
        {"category_id": roster["categories"]["depts"].pk},
    )
    assert moved.status_code == 422 and "不能改变其单位类别" in moved.json()["detail"]
    assert Indicator.objects.get().category == towns


def test_indicators_are_fixed_from_evaluation_on(cycle, towns, organiser):
    indicator = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    freeze(cycle)
    body = {"category_id": towns.pk, "code": "A02", "name": "新", "weight": "10"}
    for method, url, payload in (
        ("post", "/api/cycles/2025/indicators", body),
        ("patch", f"/api/cycles/2025/indicators/{indicator.pk}", {"name": "改"}),
        ("delete", f"/api/cycles/2025/indicators/{indicator.pk}", None),
    ):
        response = send(organiser, method, url, payload)
        assert response.status_code == 409 and response.json()["detail"] == "已进入评定阶段，考核方案已锁定"
    upload = book([["单位类别", "指标编码", "指标名称", "权重"]], "指标")
    assert organiser.post("/api/cycles/2025/indicators/import", {"file": upload}).status_code == 409
    assert Indicator.objects.get().name == "经济发展"


def test_an_indicator_of_another_cycle_is_not_found(cycle, towns, organiser):
    other = AssessmentCycle.objects.create(year=2024, name="2024年度考核")
    indicator = Indicator.objects.create(cycle=other, category=towns, code="A01", name="经济发展", weight=60)
    assert (
        send(organiser, "patch", f"/api/cycles/2025/indicators/{indicator.pk}", {"name": "x"}).status_code
        == 404
    )
    assert organiser.delete(f"/api/cycles/2025/indicators/{indicator.pk}").status_code == 404
    assert Indicator.objects.get().name == "经济发展"


INDICATOR_HEADER = ["单位类别", "指标编码", "指标名称", "权重", "归口部门", "评分方法"]


def test_an_indicator_workbook_is_imported_and_exported(roster, cycle, towns, organiser):
    rows = [
        INDICATOR_HEADER,
        ["乡镇街道", "A01", "经济发展", 60, "BM01", "按完成率"],
        ["政府部门", "B01", "服务", 100],
    ]
    response = organiser.post("/api/cycles/2025/indicators/import", {"file": book(rows, "指标")})
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert AuditEntry.objects.get(action="indicator.import").after["created"] == 2
    exported = organiser.get("/api/cycles/2025/indicators/export")
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX
    assert ["乡镇街道", "A01", "经济发展", 60, "市发改委", "按完成率"] in rows_of(exported)
    back = organiser.post("/api/cycles/2025/indicators/import", {"file": book(rows, "指标")})
    assert back.json() == {"created": 0, "updated": 0, "unchanged": 2}


def test_a_bad_indicator_workbook_is_refused_by_sheet_row_and_column(cycle, organiser):
    rows = [
        INDICATOR_HEADER,
        ["乡镇街道", "A01", "经济发展", 60],
        ["乡镇街道", "A01", "重复", 10],
        ["无此类别", "X01", "名称", 10],
        ["乡镇街道", "A03", "负权重", -1],
    ]
    response = organiser.post("/api/cycles/2025/indicators/import", {"file": book(rows, "指标")})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["指标/3/指标编码"] == ["指标编码「A01」在「乡镇街道」中重复（已在第2行）"]
    assert errors["指标/4/单位类别"] == ["单位类别「无此类别」不存在"]
    assert "应大于0" in errors["指标/5/权重"][0]
    assert "指标 第3行 指标编码" in response.json()["detail"]
    assert not Indicator.objects.exists()


# The upload form's own words (they name the formats the readers take).
UPLOAD_ERRORS = UploadForm.base_fields["file"].error_messages


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, str(UPLOAD_ERRORS["required"])),
        ({"file": SimpleUploadedFile("a.xlsx", b"")}, str(UPLOAD_ERRORS["empty"])),
        ({"file": SimpleUploadedFile("a.xlsx", b"not a workbook")}, "不是 Excel"),
    ],
)
def test_an_upload_that_is_no_workbook_is_refused_under_file(cycle, organiser, files, message):
    response = organiser.post("/api/cycles/2025/indicators/import", files)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["file"]
    assert message in response.json()["errors"]["file"][0]


# --- targets ----------------------------------------------------------------------------------------------


@pytest.fixture
def enrolled(roster, cycle, towns):
    for key in ("a", "b"):
        AssessedUnit.objects.create(cycle=cycle, unit=roster["units"][key], category=towns)
    AssessedUnit.objects.create(
        cycle=cycle, unit=roster["units"]["c"], category=roster["categories"]["depts"]
    )
    return {
        "a01": Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=100),
        "b01": Indicator.objects.create(
            cycle=cycle, category=roster["categories"]["depts"], code="B01", name="服务", weight=100
        ),
    }


def test_a_target_is_set_listed_changed_and_deleted(enrolled, organiser):
    body = {"content": "GDP 增长 6%", "amount": "6%", "deadline": "2025-12-31"}
    response = send(organiser, "put", "/api/cycles/2025/targets/DW01/A01", body)
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "unit_code": "DW01",
        "unit_name": "东城街道",
        "indicator_id": enrolled["a01"].pk,
        "indicator_code": "A01",
        "indicator_name": "经济发展",
        "content": "GDP 增长 6%",
        "amount": "6%",
        "deadline": "2025-12-31",
    }
    listed = organiser.get("/api/cycles/2025/targets", {"unit_code": "DW01"}).json()
    assert listed["count"] == 1 and listed["items"][0]["content"] == "GDP 增长 6%"
    assert send(organiser, "put", "/api/cycles/2025/targets/DW01/A01", {"content": ""}).status_code == 204
    assert not Target.objects.exists()
    send(organiser, "put", "/api/cycles/2025/targets/DW02/A01", {"content": "平安建设"})
    assert organiser.delete("/api/cycles/2025/targets/DW02/A01").status_code == 204
    assert not Target.objects.exists()
    assert AuditEntry.objects.filter(action="target.delete").count() == 2


def test_a_bad_target_is_refused_by_field(enrolled, organiser):
    response = send(organiser, "put", "/api/cycles/2025/targets/DW01/A01", {"content": " ", "amount": "6%"})
    assert response.status_code == 422
    assert response.json()["errors"] == {"content": ["填写了目标值或完成时限，目标内容不能为空"]}
    late = send(organiser, "put", "/api/cycles/2025/targets/DW01/A01", {"content": "x", "deadline": "明年"})
    assert list(late.json()["errors"]) == ["deadline"]
    assert not Target.objects.exists()


def test_a_target_of_a_unit_not_enrolled_or_another_categorys_indicator_is_not_found(
    roster, enrolled, organiser
):
    AssessedUnit.objects.filter(unit__code="DW02").delete()
    assert send(organiser, "put", "/api/cycles/2025/targets/DW02/A01", {"content": "x"}).status_code == 404
    assert send(organiser, "put", "/api/cycles/2025/targets/DW01/B01", {"content": "x"}).status_code == 404
    assert not Target.objects.exists()


def test_targets_are_fixed_from_evaluation_on(cycle, enrolled, organiser):
    freeze(cycle)
    response = send(organiser, "put", "/api/cycles/2025/targets/DW01/A01", {"content": "x"})
    assert response.status_code == 409 and response.json()["detail"] == "已进入评定阶段，考核方案已锁定"
    assert organiser.delete("/api/cycles/2025/targets/DW01/A01").status_code == 409
    assert not Target.objects.exists()


TARGET_HEADER = ["单位编码", "指标编码", "目标内容", "目标值", "完成时限"]


def test_a_target_workbook_is_imported_and_the_export_is_a_template(enrolled, organiser):
    rows = [TARGET_HEADER, ["DW01", "A01", "GDP 增长 6%", "6%", "2025-12-31"]]
    response = organiser.post("/api/cycles/2025/targets/import", {"file": book(rows, "目标任务")})
    assert response.status_code == 200 and response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert Target.objects.get().deadline == datetime.date(2025, 12, 31)
    exported = rows_of(organiser.get("/api/cycles/2025/targets/export"))
    assert [row[:3] for row in exported[1:]] == [
        ["DW01", "东城街道", "A01"],
        ["DW02", "西山镇", "A01"],
        ["DW03", "市财政局", "B01"],
    ]
    assert exported[1][4] == "GDP 增长 6%" and exported[2][4] is None


def test_a_bad_target_workbook_is_refused_by_sheet_row_and_column(enrolled, organiser):
    rows = [TARGET_HEADER, ["DW09", "A01", "x"], ["DW01", "B01", "x"]]
    response = organiser.post("/api/cycles/2025/targets/import", {"file": book(rows, "目标任务")})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "目标任务/2/单位编码": ["单位「DW09」没有参加 2025 年度考核"],
        "目标任务/3/指标编码": ["单位类别「乡镇街道」没有指标「B01」"],
    }
    assert not Target.objects.exists()
