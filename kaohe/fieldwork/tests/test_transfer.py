"""The group list and schedule as .docx and .xlsx, and the schedule imported from .xlsx (refused whole)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook

from kaohe.fieldwork import actions, transfer
from kaohe.fieldwork.models import Visit
from kaohe.workbook.sheets import WorkbookError

pytestmark = pytest.mark.django_db


def _book(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "日程"
    sheet.append(list(transfer.HEADERS))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(code="DW01", group="第一考核组", entry="2025-12-01", evaluation="2025-12-02", place="会议室"):
    return [
        group,
        code,
        "",
        entry,
        place,
        "2025-12-01",
        place,
        evaluation,
        place,
        "2025-12-02",
        "2025-12-05",
        "",
        "2025-12-03",
        "2025-12-04",
        "2025-12-15",
    ]


def test_an_imported_schedule_sets_every_date_and_place(visit, cast, cycle):
    result = actions.schedule_import(actor=cast["organiser"], cycle=cycle, data=_book(_row()))
    assert result.updated == 1
    visit.refresh_from_db()
    assert visit.entry_on == date(2025, 12, 1) and visit.entry_place == "会议室"
    assert visit.interviews_until == date(2025, 12, 5) and visit.analysis_due == date(2025, 12, 15)


def test_a_bad_file_is_refused_whole_with_row_named_messages(roster, visit, cast, cycle):
    roster["group"].units.add(roster["units"]["b"])
    actions.visits_open(actor=cast["organiser"], cycle=cycle)
    data = _book(
        _row(code="DW02"), _row(evaluation="2025-11-01"), _row(code="DW09"), _row(code="DW02", group="第九组")
    )
    with pytest.raises(WorkbookError) as caught:
        actions.schedule_import(actor=cast["organiser"], cycle=cycle, data=data)
    messages = [str(p) for p in caught.value.problems]
    assert "日程 第3行: 测评会日期（2025-11-01）早于进点日期（2025-12-01）" in messages
    assert any(m.startswith("日程 第4行 单位编码: 2025 年度没有该单位的考核日程") for m in messages)
    assert "日程 第5行 单位编码: 与第 2 行重复" in messages
    assert not Visit.objects.filter(entry_on__isnull=False).exists()  # the good row 2 was not saved either


def test_a_bad_date_names_its_cell(visit, cast, cycle):
    with pytest.raises(WorkbookError, match="日程 第2行 进点日期"):
        actions.schedule_import(actor=cast["organiser"], cycle=cycle, data=_book(_row(entry="下周一")))


def test_an_empty_sheet_or_a_non_xlsx_file_is_refused(visit, cast, cycle):
    with pytest.raises(WorkbookError, match="只有表头"):
        actions.schedule_import(actor=cast["organiser"], cycle=cycle, data=_book())
    with pytest.raises(WorkbookError):
        actions.schedule_import(actor=cast["organiser"], cycle=cycle, data=b"%PDF-1.7 not a workbook")


def test_the_xlsx_export_writes_user_text_as_text_and_reads_back(visit, cast, cycle, client_for):
    actions.visit_schedule(
        actor=cast["organiser"],
        visit=visit,
        values={"entry_on": date(2025, 12, 1), "entry_place": "=HYPERLINK(1)"},
    )
    actions.group_member_set(
        actor=cast["organiser"], group=visit.group, user=cast["assessor"], role="leader", duty="=1+1"
    )
    response = client_for("organiser").get(reverse("fieldwork:export", args=[2025, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    people = list(book["考核组"].iter_rows(values_only=True))
    assert people[1] == ("第一考核组", "assessor", "组长", "=1+1")
    assert book["考核组"]["D2"].data_type == "s" and book["日程"]["E2"].data_type == "s"
    # the export is a valid import
    assert actions.schedule_import(actor=cast["organiser"], cycle=cycle, data=response.content).updated == 1


def test_the_docx_lists_members_and_the_schedule(visit, cast, client_for):
    actions.group_member_set(
        actor=cast["organiser"], group=visit.group, user=cast["assessor"], role="leader", duty="统筹"
    )
    Visit.objects.filter(pk=visit.pk).update(entry_on=date(2025, 12, 1), entry_place="街道二楼")
    response = client_for("assessor").get(reverse("fieldwork:export", args=[2025, "docx"]))
    document = Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "组长" in cells and "统筹" in cells and "12月01日 街道二楼" in cells and "东城街道" in cells


def test_the_import_page_shows_every_problem_and_only_organisers_may_post(visit, client_for):
    url = reverse("fieldwork:import", args=[2025])
    upload = io.BytesIO(_book(_row(code="DW09")))
    upload.name = "schedule.xlsx"
    html = client_for("organiser").post(url, {"file": upload}, follow=True).content.decode()
    assert "日程未导入" in html and "日程 第2行 单位编码" in html
    assert client_for("assessor").post(url, {}).status_code == 403


def test_an_assessor_exports_only_their_own_groups(roster, visit, cast, cycle, client_for):
    from kaohe.plans.models import AssessmentGroup

    other = AssessmentGroup.objects.create(cycle=cycle, name="第二考核组")
    other.units.add(roster["units"]["b"])
    actions.visits_open(actor=cast["organiser"], cycle=cycle)
    response = client_for("assessor").get(reverse("fieldwork:export", args=[2025, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    codes = [row[1] for row in book["日程"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["DW01"]
    assert "第二考核组" not in [row[0] for row in book["考核组"].iter_rows(values_only=True)]
    assert len(list(book["日程"].iter_rows(min_row=2))) == 1
    organiser = load_workbook(
        io.BytesIO(client_for("organiser").get(reverse("fieldwork:export", args=[2025, "xlsx"])).content)
    )
    assert sorted(row[1] for row in organiser["日程"].iter_rows(min_row=2, values_only=True)) == [
        "DW01",
        "DW02",
    ]
