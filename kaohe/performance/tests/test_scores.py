"""A department clerk's scores: the grid, the sheet download and the sheet upload, all or nothing, own indicators only."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.performance import actions
from kaohe.performance.models import IndicatorScore
from kaohe.performance.tests.conftest import D, set_phase, upload
from kaohe.plans.models import Phase

GRID = reverse("performance:score_grid", args=[2025])
SHEET = reverse("performance:score_sheet", args=[2025])
UPLOAD = reverse("performance:score_upload", args=[2025])


def cell(w, unit, indicator):
    return f"s-{w['units'][unit].pk}-{w['indicators'][indicator].pk}"


def scores(w):
    return {
        (s.unit.code, s.indicator.name): s.score
        for s in IndicatorScore.objects.select_related("unit", "indicator")
    }


def test_the_grid_shows_the_departments_indicators_and_units_only(world, client_for):
    page = client_for("clerk").get(GRID).content.decode()
    for name in ("经济发展", "经济运行", "服务质量", "东城街道", "西山镇", "市财政局"):
        assert name in page
    assert "社会治理" not in page  # 市统计局's indicator
    assert cell(world, "a", "governance") not in page
    assert "南湖街道" not in page  # not assessed in 2025


def test_clerk_enters_scores_in_the_grid(world, client_for):
    response = client_for("clerk").post(
        GRID,
        {
            cell(world, "a", "economy"): "88",
            cell(world, "b", "economy"): "92.5",
            cell(world, "c", "service"): "75",
        },
    )
    assert response.status_code == 302
    assert scores(world) == {
        ("DW01", "经济发展"): 88,
        ("DW02", "经济发展"): D("92.5"),
        ("DW03", "服务质量"): 75,
    }
    entry = AuditEntry.objects.get(action="indicator_score.save")
    assert entry.after == {"DW01/ZB01": "88", "DW02/ZB01": "92.5", "DW03/ZB03": "75"}
    assert entry.object_id == "2025/BM01"
    page = client_for("clerk").get(GRID).content.decode()
    assert 'value="92.5"' in page


def test_a_bad_cell_names_unit_and_indicator_and_nothing_is_saved(world, client_for):
    actions.indicator_scores_save(
        actor=world["cast"]["clerk"],
        cycle=world["cycle"],
        department=world["departments"]["bm01"],
        cells={(world["assessed"]["a"], world["indicators"]["economy"]): D(70)},
    )
    response = client_for("clerk").post(
        GRID,
        {
            cell(world, "a", "economy"): "80",
            cell(world, "b", "economy"): "105",
            cell(world, "c", "service"): "好",
            cell(world, "c", "operations"): "-3",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "西山镇 · 经济发展: 「105」超出 0–100" in page
    assert "市财政局 · 服务质量: 「好」不是数字" in page
    assert "市财政局 · 经济运行: 「-3」超出 0–100" in page
    assert "有 3 处错误，没有保存任何数据" in page
    assert 'value="105"' in page  # what was typed stays in the cell
    assert scores(world) == {("DW01", "经济发展"): 70}


def test_the_message_for_a_bad_cell_reads_as_the_issue_says(world, client_for):
    response = client_for("clerk").post(GRID, {cell(world, "a", "economy"): "105"})
    assert "东城街道 · 经济发展: 「105」超出 0–100" in response.content.decode()


def test_clearing_a_cell_deletes_its_score(world, client_for):
    client = client_for("clerk")
    client.post(GRID, {cell(world, "a", "economy"): "88", cell(world, "b", "economy"): "90"})
    client.post(GRID, {cell(world, "a", "economy"): "", cell(world, "b", "economy"): "90"})
    assert scores(world) == {("DW02", "经济发展"): 90}
    entry = AuditEntry.objects.filter(action="indicator_score.save").order_by("seq").last()
    assert entry.before == {"DW01/ZB01": "88"} and entry.after == {"DW01/ZB01": None}


def test_a_clerk_cannot_write_another_departments_indicator_through_the_grid(world, client_for):
    response = client_for("clerk").post(
        GRID, {cell(world, "a", "governance"): "99", cell(world, "a", "economy"): "80"}
    )
    assert response.status_code == 302
    assert scores(world) == {("DW01", "经济发展"): 80}


def test_the_write_function_refuses_another_departments_indicator(world):
    with pytest.raises(ValidationError, match="东城街道 · 社会治理: 不是市发改委评分的指标"):
        actions.indicator_scores_save(
            actor=world["cast"]["clerk"],
            cycle=world["cycle"],
            department=world["departments"]["bm01"],
            cells={
                (world["assessed"]["a"], world["indicators"]["economy"]): D(80),
                (world["assessed"]["a"], world["indicators"]["governance"]): D(80),
            },
        )
    assert not IndicatorScore.objects.exists()


def test_the_write_function_refuses_an_indicator_of_another_category(world):
    with pytest.raises(ValidationError, match="东城街道 · 经济运行"):
        actions.indicator_scores_save(
            actor=world["cast"]["clerk"],
            cycle=world["cycle"],
            department=world["departments"]["bm01"],
            cells={(world["assessed"]["a"], world["indicators"]["operations"]): D(80)},
        )


def test_a_clerk_cannot_read_another_departments_scores(world, client_for):
    actions.indicator_scores_save(
        actor=world["cast"]["organiser"],
        cycle=world["cycle"],
        department=world["departments"]["bm02"],
        cells={(world["assessed"]["a"], world["indicators"]["governance"]): D("61.25")},
    )
    assert "61.25" not in client_for("clerk").get(GRID).content.decode()
    book = load_workbook(io.BytesIO(b"".join(client_for("clerk").get(SHEET).streaming_content)))
    values = [c for row in book["部门评分"].iter_rows(values_only=True) for c in row]
    assert 61.25 not in values and "ZB02" not in values


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.PUBLIC_NOTICE, Phase.COMPLETED])
def test_scores_are_refused_outside_implementation_and_evaluation(world, client_for, phase):
    set_phase(world["cycle"], phase)
    client = client_for("clerk")
    assert 'id="inputs-closed"' in client.get(GRID).content.decode()
    response = client.post(GRID, {cell(world, "a", "economy"): "80"})
    assert response.status_code == 200
    assert ("尚在准备阶段" if phase == Phase.PREPARATION else "录入已截止") in response.content.decode()
    assert not IndicatorScore.objects.exists()


def test_scores_are_taken_in_evaluation(world, client_for):
    set_phase(world["cycle"], Phase.EVALUATION)
    assert client_for("clerk").post(GRID, {cell(world, "a", "economy"): "80"}).status_code == 302
    assert IndicatorScore.objects.count() == 1


# --- the sheet ---------------------------------------------------------------------------------------------


def download(client):
    response = client.get(SHEET)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_sheet_has_unit_code_name_and_a_column_per_indicator_code(world, client_for):
    actions.indicator_scores_save(
        actor=world["cast"]["clerk"],
        cycle=world["cycle"],
        department=world["departments"]["bm01"],
        cells={(world["assessed"]["b"], world["indicators"]["economy"]): D("91.5")},
    )
    rows = list(download(client_for("clerk"))["部门评分"].iter_rows(values_only=True))
    assert rows[0] == ("单位编码", "单位名称", "ZB01", "ZB03")
    assert rows[1:] == [
        ("DW01", "东城街道", None, None),
        ("DW02", "西山镇", 91.5, None),
        ("DW03", "市财政局", None, None),
    ]


def sheet_file(rows, header=("单位编码", "单位名称", "ZB01", "ZB03"), title="部门评分"):
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return upload("评分表.xlsx", buffer.getvalue())


def test_clerk_uploads_the_sheet_back(world, client_for):
    client = client_for("clerk")
    response = client.post(
        UPLOAD,
        {
            "file": sheet_file(
                [("DW01", "东城街道", 81, None), ("DW02", "", "79.5", None), ("DW03", "市财政局", 66, 77)]
            )
        },
    )
    assert response.status_code == 302
    assert scores(world) == {
        ("DW01", "经济发展"): 81,
        ("DW02", "经济发展"): D("79.5"),
        ("DW03", "经济运行"): 66,
        ("DW03", "服务质量"): 77,
    }


def test_the_downloaded_sheet_uploads_back_unchanged(world, client_for):
    client = client_for("clerk")
    client.post(GRID, {cell(world, "a", "economy"): "81.25", cell(world, "c", "service"): "70"})
    book = download(client)
    buffer = io.BytesIO()
    book.save(buffer)
    client.post(UPLOAD, {"file": upload("回传.xlsx", buffer.getvalue())})
    assert scores(world) == {("DW01", "经济发展"): D("81.25"), ("DW03", "服务质量"): 70}


def test_every_problem_of_the_sheet_is_listed_by_row_column_and_value_and_nothing_saved(world, client_for):
    response = client_for("clerk").post(
        UPLOAD,
        {
            "file": sheet_file(
                [
                    ("DW01", "东城街道", 105, "8"),
                    ("DW09", "无此单位", 80, None),
                    ("DW03", "市财政局", "abc", 70),
                    ("DW03", "市财政局", 60, 60),
                    ("DW02", "西山镇", 90, None),
                ]
            )
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "发现 5 个问题，没有保存任何数据" in page
    problems = [
        ("2", "ZB01", "105", "「105」超出 0–100"),
        ("2", "ZB03", "8", "东城街道所属类别「乡镇街道」没有本部门的指标ZB03，此格应留空"),
        ("3", "单位编码", "DW09", "「DW09」不是本部门评分的单位"),
        ("4", "ZB01", "abc", "「abc」不是数字"),
        ("5", "单位编码", "DW03", "单位「DW03」重复（第4行已有）"),
    ]
    for row, column, value, message in problems:
        assert (
            f'<td class="text-end">{row}</td><td>{column}</td><td>{value}</td><td>{message}</td>' in page
        ), message
    assert not IndicatorScore.objects.exists()


def test_a_sheet_without_an_indicator_column_is_refused(world, client_for):
    response = client_for("clerk").post(
        UPLOAD, {"file": sheet_file([("DW01", "东城街道", 80)], header=("单位编码", "单位名称", "ZB01"))}
    )
    assert "缺少列「ZB03」" in response.content.decode()
    assert not IndicatorScore.objects.exists()


def test_a_column_for_another_departments_indicator_is_ignored(world, client_for):
    client_for("clerk").post(
        UPLOAD,
        {
            "file": sheet_file(
                [("DW01", "东城街道", 80, None, 99)], header=("单位编码", "单位名称", "ZB01", "ZB03", "ZB02")
            )
        },
    )
    assert scores(world) == {("DW01", "经济发展"): 80}


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a workbook", "不是 Excel 或 WPS/LibreOffice 工作簿"), (b"", "请选择要上传的评分表")],
)
def test_a_file_that_is_not_a_workbook_is_refused(world, client_for, content, message):
    response = client_for("clerk").post(UPLOAD, {"file": upload("评分表.xlsx", content)})
    assert message in response.content.decode()


def test_a_workbook_without_the_sheet_is_refused(world, client_for):
    response = client_for("clerk").post(
        UPLOAD, {"file": sheet_file([("DW01", "", 80, None)], title="Sheet1")}
    )
    assert "缺少工作表「部门评分」" in response.content.decode()


def test_an_upload_is_refused_once_the_cycle_is_in_public_notice(world, client_for):
    set_phase(world["cycle"], Phase.PUBLIC_NOTICE)
    response = client_for("clerk").post(UPLOAD, {"file": sheet_file([("DW01", "", 80, None)])})
    assert "已进入公示阶段，录入已截止" in response.content.decode()
    assert not IndicatorScore.objects.exists()


def test_the_grid_page_costs_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for("clerk")
    client.post(GRID, {cell(world, "a", "economy"): "81", cell(world, "c", "service"): "70"})
    with django_assert_max_num_queries(12):
        client.get(GRID)


def test_a_unit_named_like_a_formula_is_written_to_the_sheet_as_text(world, client_for):
    from conftest import HOSTILE_TEXT, formula_cells

    world["units"]["a"].__class__.objects.filter(pk=world["units"]["a"].pk).update(name=HOSTILE_TEXT)
    response = client_for("clerk").get(SHEET)
    content = b"".join(response.streaming_content)
    assert formula_cells(content) == []
    assert HOSTILE_TEXT in [row[1] for row in load_workbook(io.BytesIO(content))["部门评分"].values]
