"""Indicator systems per unit category: the list with its weight total, create/edit/delete with their
refusals, and the 指标 workbook in and out (all or nothing, every problem named)."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.performance.models import IndicatorScore
from kaohe.plans import actions
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator, Phase


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


@pytest.fixture
def cycle(roster):
    return AssessmentCycle.objects.get(year=2025)


@pytest.fixture
def towns(roster):
    return roster["categories"]["towns"]


def data(category, code="A01", name="经济发展", weight="60", method="", department=""):
    return {
        "category": category.pk,
        "code": code,
        "name": name,
        "weight": weight,
        "method": method,
        "department": department,
    }


def test_the_organiser_creates_an_indicator_and_it_is_audited(roster, cycle, towns, cast, organiser):
    response = organiser.post(
        reverse("plans:indicator_create", args=[2025]),
        data(towns, method="按完成率计分", department=roster["department"].pk),
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(cycle=cycle)
    assert (indicator.code, indicator.weight, indicator.department) == (
        "A01",
        Decimal(60),
        roster["department"],
    )
    entry = AuditEntry.objects.get(action="indicator.create")
    assert entry.after == {
        "category": "乡镇街道",
        "code": "A01",
        "name": "经济发展",
        "weight": "60",
        "method": "按完成率计分",
        "department": "BM01",
    }


def test_the_list_shows_each_categorys_total_and_warns_until_it_is_100(cycle, towns, organiser, client_for):
    Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    url = reverse("plans:indicator_list", args=[2025])
    html = organiser.get(url).content.decode()
    assert "权重合计 60" in html and "「乡镇街道」的指标权重合计为 60，应为 100" in html
    Indicator.objects.create(cycle=cycle, category=towns, code="A02", name="社会治理", weight=Decimal("40.0"))
    html = client_for("committee").get(url).content.decode()
    assert "权重合计 100" in html and "应为 100" not in html
    assert "社会治理" in html and reverse("plans:indicator_create", args=[2025]) not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight", "0", "权重 0 应大于0"),
        ("weight", "-5", "权重 -5 应大于0"),
        ("weight", "abc", "输入一个数字"),
        ("code", "A 01", "指标编码“A 01”不能包含空格"),
        ("name", "", "这个字段是必填项"),
    ],
)
def test_bad_indicator_input_is_refused_by_field(towns, organiser, field, value, message):
    response = organiser.post(reverse("plans:indicator_create", args=[2025]), {**data(towns), field: value})
    assert message in response.content.decode()
    assert not Indicator.objects.exists()


def test_an_indicator_code_is_unique_within_its_category_only(roster, cycle, towns, organiser):
    Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    response = organiser.post(reverse("plans:indicator_create", args=[2025]), data(towns))
    assert "指标编码「A01」在「乡镇街道」中已存在" in response.content.decode()
    depts = roster["categories"]["depts"]
    assert organiser.post(reverse("plans:indicator_create", args=[2025]), data(depts)).status_code == 302
    with pytest.raises(ValidationError, match="指标编码「A01」在「乡镇街道」中已存在"):
        actions.indicator_create(
            actor=SystemActor("t"), cycle=cycle, category=towns, code="A01", name="x", weight=Decimal(1)
        )


def test_editing_an_indicator_is_audited_with_before_and_after(cycle, towns, organiser):
    indicator = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    url = reverse("plans:indicator_edit", args=[2025, indicator.pk])
    assert "经济发展" in organiser.get(url).content.decode()
    assert organiser.post(url, data(towns, name="经济高质量发展", weight="70")).status_code == 302
    entry = AuditEntry.objects.get(action="indicator.update")
    assert (entry.before["name"], entry.after["name"]) == ("经济发展", "经济高质量发展")
    assert (entry.before["weight"], entry.after["weight"]) == ("60", "70")


def test_deleting_an_indicator_and_refusing_once_it_has_scores(roster, cycle, towns, organiser):
    kept = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    gone = Indicator.objects.create(cycle=cycle, category=towns, code="A02", name="社会治理", weight=40)
    organiser.post(reverse("plans:indicator_delete", args=[2025, gone.pk]), {"confirm": "yes"})
    assert not Indicator.objects.filter(pk=gone.pk).exists()
    assert AuditEntry.objects.get(action="indicator.delete").before["code"] == "A02"
    IndicatorScore.objects.create(cycle=cycle, unit=roster["units"]["a"], indicator=kept, score=90)
    response = organiser.post(
        reverse("plans:indicator_delete", args=[2025, kept.pk]), {"confirm": "yes"}, follow=True
    )
    assert "指标「A01」已有 1 条得分或自评，不能删除" in response.content.decode()
    assert Indicator.objects.filter(pk=kept.pk).exists()
    # Nor may it move to another category, where its scores would not belong.
    response = organiser.post(
        reverse("plans:indicator_edit", args=[2025, kept.pk]), data(roster["categories"]["depts"])
    )
    assert "指标「A01」已有得分或自评，不能改变其单位类别" in response.content.decode()


def test_indicators_are_locked_from_evaluation_on(cycle, towns, cast, organiser):
    indicator = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    cycle.phase = Phase.EVALUATION
    cycle.save()
    for url, payload in (
        (reverse("plans:indicator_create", args=[2025]), data(towns, code="A02")),
        (reverse("plans:indicator_edit", args=[2025, indicator.pk]), data(towns, weight="100")),
        (reverse("plans:indicator_delete", args=[2025, indicator.pk]), {"confirm": "yes"}),
    ):
        response = organiser.post(url, payload, follow=True)
        assert "已进入评定阶段，考核方案已锁定" in response.content.decode(), url
    response = organiser.post(reverse("plans:indicator_import", args=[2025]), {"file": book([HEADER, ROW])})
    assert "已进入评定阶段，考核方案已锁定" in response.content.decode()
    assert list(Indicator.objects.values_list("code", "weight")) == [("A01", Decimal(60))]
    with pytest.raises(ValidationError, match="考核方案已锁定"):
        actions.indicator_delete(actor=cast["organiser"], indicator=indicator)
    assert not AuditEntry.objects.filter(action__startswith="indicator.").exists()


# --- the workbook -------------------------------------------------------------------------------------

HEADER = ["单位类别", "指标编码", "指标名称", "权重", "归口部门", "评分方法"]
ROW = ["乡镇街道", "A01", "经济发展", 60, "BM01", "按完成率计分"]


def book(rows, sheet="指标", name="指标.xlsx"):
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_importing_indicators_creates_and_updates_by_category_and_code(roster, cycle, towns, cast, organiser):
    Indicator.objects.create(cycle=cycle, category=towns, code="A02", name="旧名称", weight=30)
    rows = [
        HEADER,
        ROW,
        ["乡镇街道", "A02", "社会治理", 40, "市发改委", None],
        ["政府部门", "B01", "服务质量", 100, None, None],
    ]
    response = organiser.post(reverse("plans:indicator_import", args=[2025]), {"file": book(rows)})
    assert "「指标.xlsx」已导入：新增 2 条，更新 1 条，未变 0 条" in response.content.decode()
    indicators = {i.code: i for i in Indicator.objects.filter(cycle=cycle)}
    assert indicators["A01"].department == roster["department"] and indicators["A01"].method == "按完成率计分"
    assert indicators["A02"].name == "社会治理" and indicators["A02"].department == roster["department"]
    assert indicators["B01"].category == roster["categories"]["depts"]
    entry = AuditEntry.objects.get(action="indicator.import")
    assert entry.actor == cast["organiser"] and entry.after["created"] == 2 and entry.after["updated"] == 1
    assert entry.after["changes"][1]["before"]["name"] == "旧名称"


def test_a_bad_indicator_file_saves_nothing_and_names_every_problem(cycle, organiser):
    rows = [
        HEADER,
        ROW,
        ["乡镇街道", "A01", "重复", 10, None, None],
        ["无此类别", "X01", "名称", 10, None, None],
        ["乡镇街道", "A03", "负权重", -1, None, None],
        ["乡镇街道", "A04", None, 10, "无此部门", None],
    ]
    response = organiser.post(reverse("plans:indicator_import", args=[2025]), {"file": book(rows)})
    html = response.content.decode()
    assert "未导入：发现 5 个问题，没有保存任何数据" in html
    assert "指标编码「A01」在「乡镇街道」中重复（已在第2行）" in html
    assert "单位类别「无此类别」不存在" in html
    assert "「-1」应大于0" in html
    assert "不能为空" in html
    assert "归口部门「无此部门」不存在" in html
    assert not Indicator.objects.exists()
    assert not AuditEntry.objects.filter(action="indicator.import").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: book([HEADER, ROW], sheet="Sheet1"), "缺少工作表「指标」"),
        (lambda: book([["单位类别", "指标编码", "指标名称"], ["乡镇街道", "A01", "x"]]), "缺少列「权重」"),
        (lambda: book([HEADER]), "工作表「指标」中没有数据"),
        (
            lambda: SimpleUploadedFile("a.xlsx", b"not a workbook"),
            "不是 Excel 或 WPS/LibreOffice 工作簿（.xlsx、.xls、.ods）文件",
        ),
    ],
)
def test_a_file_that_is_not_an_indicator_sheet_is_refused(cycle, organiser, upload, message):
    response = organiser.post(reverse("plans:indicator_import", args=[2025]), {"file": upload()})
    assert message in response.content.decode()
    assert not Indicator.objects.exists()


def test_exported_indicators_import_back_unchanged(roster, cycle, towns, client_for):
    Indicator.objects.create(
        cycle=cycle,
        category=towns,
        code="A01",
        name="经济发展",
        weight=Decimal("60.5"),
        method="按完成率计分",
        department=roster["department"],
    )
    Indicator.objects.create(cycle=cycle, category=towns, code="A02", name="社会治理", weight=Decimal("39.5"))
    response = client_for("leader").get(reverse("plans:indicator_export", args=[2025]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content))["指标"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert rows[1] == ["乡镇街道", "A01", "经济发展", 60.5, "市发改委", "按完成率计分"]
    assert rows[2] == ["乡镇街道", "A02", "社会治理", 39.5, None, None]
    response = client_for("organiser").post(
        reverse("plans:indicator_import", args=[2025]), {"file": SimpleUploadedFile("back.xlsx", content)}
    )
    assert "新增 0 条，更新 0 条，未变 2 条" in response.content.decode()


def test_the_indicator_sheet_reads_into_an_assessment_workbook(roster, cycle, towns, organiser):
    """The export's first four columns are the 指标 sheet of the assessment workbook."""
    from kaohe.workbook.layout import INDICATORS_SHEET

    Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=100)
    response = organiser.get(reverse("plans:indicator_export", args=[2025]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["指标"]
    header = [c.value for c in sheet[1]][:4]
    assert header == [c.name for c in INDICATORS_SHEET.columns]
    assert AssessedUnit.objects.count() == 0


def test_a_department_name_shared_by_two_departments_must_be_given_by_code(roster, cycle, organiser):
    from kaohe.org.models import ScoringDepartment

    ScoringDepartment.objects.create(code="BM02", name="市发改委")
    rows = [HEADER, ["乡镇街道", "A01", "经济发展", 60, "市发改委", None]]
    response = organiser.post(reverse("plans:indicator_import", args=[2025]), {"file": book(rows)})
    assert "有多个名为「市发改委」的部门，请填写部门编码" in response.content.decode()
    rows = [HEADER, ["乡镇街道", "A01", "经济发展", 60, "BM02", None]]
    organiser.post(reverse("plans:indicator_import", args=[2025]), {"file": book(rows)})
    assert Indicator.objects.get().department.code == "BM02"


def test_an_empty_upload_says_to_choose_a_file(organiser, cycle):
    page = organiser.post(reverse("plans:indicator_import", args=[2025]), {}).content.decode()
    assert "请选择要上传的 Excel 文件（.xlsx、.xls 或 .ods）" in page
