"""Targets decomposed to units: the grid per category, setting one target, and the 目标任务 workbook."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.plans import actions
from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator, Phase, Target


@pytest.fixture
def setup(roster):
    cycle = AssessmentCycle.objects.get(year=2025)
    towns, depts = roster["categories"]["towns"], roster["categories"]["depts"]
    units = roster["units"]
    for unit in units.values():
        AssessedUnit.objects.create(cycle=cycle, unit=unit, category=unit.category)
    a01 = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济发展", weight=60)
    a02 = Indicator.objects.create(cycle=cycle, category=towns, code="A02", name="社会治理", weight=40)
    b01 = Indicator.objects.create(cycle=cycle, category=depts, code="B01", name="服务质量", weight=100)
    return {
        "cycle": cycle,
        "units": units,
        "a01": a01,
        "a02": a02,
        "b01": b01,
        "towns": towns,
        "depts": depts,
    }


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


def test_the_grid_shows_a_categorys_units_against_its_indicators(setup, client_for):
    a = setup["units"]["a"]
    Target.objects.create(
        cycle=setup["cycle"],
        unit=a,
        indicator=setup["a01"],
        content="GDP 增长 6%",
        amount="6%",
        deadline=datetime.date(2025, 12, 31),
    )
    html = client_for("committee").get(reverse("plans:target_grid", args=[2025])).content.decode()
    assert "A01 经济发展" in html and "A02 社会治理" in html and "B01" not in html
    assert "东城街道" in html and "西山镇" in html and "市财政局" not in html
    assert "GDP 增长 6%" in html and "2025-12-31" in html
    assert "填写" not in html  # the committee reads only
    html = (
        client_for("organiser")
        .get(reverse("plans:target_grid", args=[2025]), {"category": setup["depts"].pk})
        .content.decode()
    )
    assert "市财政局" in html and "B01 服务质量" in html and "东城街道" not in html
    assert reverse("plans:target_edit", args=[2025, setup["units"]["c"].pk, setup["b01"].pk]) in html


def test_setting_changing_and_clearing_a_target_is_audited(setup, cast, organiser):
    a = setup["units"]["a"]
    url = reverse("plans:target_edit", args=[2025, a.pk, setup["a01"].pk])
    response = organiser.post(url, {"content": "GDP 增长 6%", "amount": "6%", "deadline": "2025-12-31"})
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.content, target.amount, target.deadline) == (
        "GDP 增长 6%",
        "6%",
        datetime.date(2025, 12, 31),
    )
    organiser.post(url, {"content": "GDP 增长 6.5%", "amount": "6.5%", "deadline": "2025-12-31"})
    assert Target.objects.get().content == "GDP 增长 6.5%" and Target.objects.count() == 1
    organiser.post(url, {"content": "", "amount": "", "deadline": ""})
    assert not Target.objects.exists()
    actions_seen = list(
        AuditEntry.objects.filter(action__startswith="target.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions_seen == ["target.set", "target.set", "target.delete"]
    entry = AuditEntry.objects.filter(action="target.set").order_by("seq").last()
    assert entry.before["content"] == "GDP 增长 6%" and entry.after["content"] == "GDP 增长 6.5%"


def test_a_target_needs_its_content_and_an_indicator_of_the_units_category(setup, cast, organiser):
    a = setup["units"]["a"]
    url = reverse("plans:target_edit", args=[2025, a.pk, setup["a01"].pk])
    response = organiser.post(url, {"content": "", "amount": "6%"})
    assert "填写了目标值或完成时限，目标内容不能为空" in response.content.decode()
    # An indicator of another category has no cell for this unit.
    assert organiser.get(reverse("plans:target_edit", args=[2025, a.pk, setup["b01"].pk])).status_code == 404
    with pytest.raises(ValidationError, match="不是单位「东城街道」所属类别「乡镇街道」的指标"):
        actions.target_set(
            actor=cast["organiser"], cycle=setup["cycle"], unit=a, indicator=setup["b01"], content="x"
        )
    assert not Target.objects.exists()


def test_targets_are_locked_from_evaluation_on(setup, cast, organiser):
    setup["cycle"].phase = Phase.EVALUATION
    setup["cycle"].save()
    a = setup["units"]["a"]
    response = organiser.post(
        reverse("plans:target_edit", args=[2025, a.pk, setup["a01"].pk]), {"content": "x"}, follow=True
    )
    assert "已进入评定阶段，考核方案已锁定" in response.content.decode()
    response = organiser.post(reverse("plans:target_import", args=[2025]), {"file": book([HEADER, ROW])})
    assert "已进入评定阶段，考核方案已锁定" in response.content.decode()
    assert not Target.objects.exists()


# --- the workbook -------------------------------------------------------------------------------------

HEADER = ["单位编码", "指标编码", "目标内容", "目标值", "完成时限"]
ROW = ["DW01", "A01", "GDP 增长 6%", "6%", "2025-12-31"]


def book(rows, sheet="目标任务"):
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("目标任务.xlsx", buffer.getvalue())


def test_importing_targets_creates_and_updates_them(setup, cast, organiser):
    Target.objects.create(
        cycle=setup["cycle"], unit=setup["units"]["b"], indicator=setup["a02"], content="旧"
    )
    rows = [
        HEADER,
        ROW,
        ["DW02", "A02", "平安建设达标", None, datetime.datetime(2025, 11, 30)],
        ["DW03", "B01", "满意度 90%", "90%", None],
    ]
    response = organiser.post(reverse("plans:target_import", args=[2025]), {"file": book(rows)})
    assert "新增 2 条，更新 1 条，未变 0 条" in response.content.decode()
    b = Target.objects.get(unit=setup["units"]["b"])
    assert (b.content, b.deadline) == ("平安建设达标", datetime.date(2025, 11, 30))
    assert AuditEntry.objects.get(action="target.import").after["created"] == 2


def test_a_bad_target_file_saves_nothing_and_names_every_problem(setup, organiser):
    b_only = Target.objects.create(
        cycle=setup["cycle"], unit=setup["units"]["b"], indicator=setup["a02"], content="旧"
    )
    rows = [
        HEADER,
        ROW,
        ["DW01", "A01", "又一次", None, None],
        ["DW09", "A01", "x", None, None],
        ["DW03", "A01", "x", None, None],
        ["DW02", "A02", None, None, "明年"],
        ["DW02", "A02", "新的", None, None],
    ]
    html = organiser.post(reverse("plans:target_import", args=[2025]), {"file": book(rows)}).content.decode()
    assert "单位「DW01」的指标「A01」重复（已在第2行）" in html
    assert "单位「DW09」没有参加 2025 年度考核" in html
    assert "单位类别「政府部门」没有指标「A01」" in html
    assert "不能为空" in html and "「明年」不是有效的日期" in html
    assert list(Target.objects.values_list("content", flat=True)) == ["旧"]
    b_only.refresh_from_db()
    assert not AuditEntry.objects.filter(action="target.import").exists()


def test_the_target_export_lists_every_cell_and_imports_back(setup, client_for):
    Target.objects.create(
        cycle=setup["cycle"], unit=setup["units"]["a"], indicator=setup["a01"], content="GDP", amount="6%"
    )
    response = client_for("leader").get(reverse("plans:target_export", args=[2025]))
    content = b"".join(response.streaming_content)
    rows = [list(r) for r in load_workbook(io.BytesIO(content))["目标任务"].iter_rows(values_only=True)]
    assert rows[0] == ["单位编码", "单位名称", "指标编码", "指标名称", "目标内容", "目标值", "完成时限"]
    assert rows[1] == ["DW01", "东城街道", "A01", "经济发展", "GDP", "6%", None]
    assert len(rows) == 1 + 2 + 2 + 1  # two town units × two indicators, one department × one
    # Filled in, the same file imports.
    book_ = load_workbook(io.BytesIO(content))
    sheet = book_["目标任务"]
    for row in sheet.iter_rows(min_row=2):
        if row[4].value is None:
            row[4].value = "补充的目标"
    buffer = io.BytesIO()
    book_.save(buffer)
    response = client_for("organiser").post(
        reverse("plans:target_import", args=[2025]), {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())}
    )
    assert "新增 4 条，更新 0 条，未变 1 条" in response.content.decode()


def test_target_text_that_reads_like_a_formula_is_exported_as_text(setup, client_for):
    from conftest import HOSTILE_TEXT, formula_cells

    Target.objects.create(
        cycle=setup["cycle"],
        unit=setup["units"]["a"],
        indicator=setup["a01"],
        content=HOSTILE_TEXT,
        amount="=2",
    )
    response = client_for("leader").get(reverse("plans:target_export", args=[2025]))
    content = b"".join(response.streaming_content)
    assert formula_cells(content) == []
    rows = list(load_workbook(io.BytesIO(content))["目标任务"].values)
    assert rows[1][4:6] == (HOSTILE_TEXT, "=2")


def test_an_indicator_named_like_a_formula_is_exported_as_text(setup, organiser):
    from conftest import HOSTILE_TEXT, formula_cells

    Indicator.objects.filter(pk=setup["a01"].pk).update(name=HOSTILE_TEXT)
    response = organiser.get(reverse("plans:indicator_export", args=[2025]))
    assert formula_cells(b"".join(response.streaming_content)) == []
