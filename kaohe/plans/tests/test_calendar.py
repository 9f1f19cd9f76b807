"""The working-day calendar: counting over holidays and 调休 working weekends, the page, and the 工作日历
workbook in and out (all or nothing, every problem named)."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.plans import actions, calendar
from kaohe.plans.models import CalendarDay

D = datetime.date
# 2026 元旦: Thursday 1 and Friday 2 January off, Sunday 4 January a 调休 working day.
NEW_YEAR = {D(2026, 1, 1): False, D(2026, 1, 2): False, D(2026, 1, 4): True}


def test_counting_skips_weekends_without_a_calendar():
    assert calendar.add_working_days(D(2026, 1, 9), 5, {}) == D(2026, 1, 15)
    assert calendar.add_working_days(D(2026, 1, 10), 1, {}) == D(2026, 1, 12)


def test_counting_skips_holidays_and_counts_working_weekends():
    # Wed 31 Dec, (Thu 1, Fri 2 off, Sat 3), Sun 4 (调休), Mon 5, Tue 6.
    assert calendar.add_working_days(D(2025, 12, 31), 4, NEW_YEAR) == D(2026, 1, 6)
    assert calendar.add_working_days(D(2026, 1, 1), 1, NEW_YEAR) == D(2026, 1, 4)


def test_a_calendar_with_no_working_days_is_refused_not_looped():
    everything_off = {D(2026, 3, 1) + datetime.timedelta(days=n): False for n in range(400)}
    with pytest.raises(ValueError):
        calendar.add_working_days(D(2026, 3, 1), 3, everything_off)


@pytest.mark.django_db
def test_the_stored_calendar_sets_the_end_of_a_period():
    for day, working in NEW_YEAR.items():
        actions.calendar_day_set(actor=SystemActor("测试"), day=day, working=working, note="元旦")
    assert calendar.working_days_end(D(2025, 12, 31), 4) == D(2026, 1, 6)
    assert AuditEntry.objects.filter(action="calendar.day_set").count() == 3


@pytest.mark.django_db
def test_a_day_recorded_as_the_week_already_has_it_is_refused():
    with pytest.raises(ValidationError, match="2026-01-05：星期一至星期五本来就是工作日，无需登记"):
        actions.calendar_day_set(actor=SystemActor("测试"), day=D(2026, 1, 5), working=True)
    assert not CalendarDay.objects.exists()


def book(*rows, sheet="工作日历", header=("日期", "类型", "说明")):
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("日历.xlsx", out.getvalue())


def test_the_organiser_adds_and_removes_a_day_on_the_page(client_for):
    organiser = client_for("organiser")
    response = organiser.post(
        reverse("plans:calendar"), {"day": "2026-02-16", "working": "False", "note": "春节"}
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get()
    assert (day.day, day.working, day.note) == (D(2026, 2, 16), False, "春节")
    page = organiser.get(reverse("plans:calendar") + "?year=2026").content.decode()
    assert "2026-02-16" in page and "春节" in page
    organiser.post(reverse("plans:calendar_day_delete", args=[day.pk]))
    assert not CalendarDay.objects.exists()


def test_the_page_names_a_missing_date(client_for):
    page = client_for("organiser").post(reverse("plans:calendar"), {"day": "", "working": "False"})
    assert "请填写日期" in page.content.decode()
    assert not CalendarDay.objects.exists()


def test_an_empty_upload_says_so(client_for):
    page = client_for("organiser").post(reverse("plans:calendar"), {"upload": "1"})
    assert "请选择要上传的 Excel 文件" in page.content.decode()


@pytest.mark.parametrize("role", ["committee", "leader"])
def test_readers_see_the_calendar_but_cannot_change_it(client_for, role):
    client = client_for(role)
    assert client.get(reverse("plans:calendar")).status_code == 200
    response = client.post(reverse("plans:calendar"), {"day": "2026-02-16", "working": "False"})
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("role", ["assessor", "clerk", "liaison", "cadre", "sysadmin", None])
def test_others_may_not_open_the_calendar(client_for, role):
    response = client_for(role).get(reverse("plans:calendar"))
    assert response.status_code in (302, 403)


def test_a_workbook_imports_all_its_days(client_for):
    organiser = client_for("organiser")
    upload = book(
        ("2026-01-01", "放假", "元旦"), (D(2026, 1, 2), "放假", "元旦"), ("2026-01-04", "上班", "调休")
    )
    page = organiser.post(reverse("plans:calendar"), {"upload": "1", "file": upload}).content.decode()
    assert "新增 3 天" in page
    assert dict(CalendarDay.objects.values_list("day", "working")) == NEW_YEAR
    assert AuditEntry.objects.get(action="calendar.import").after["created"] == 3


def test_a_workbook_with_one_bad_row_saves_nothing_and_names_it(client_for):
    organiser = client_for("organiser")
    upload = book(
        ("2026-01-01", "放假", "元旦"),
        ("2026-01-05", "上班", ""),
        ("2026-13-01", "放假", ""),
        ("2026-01-03", "调班", ""),
        ("2026-01-01", "放假", "重复"),
    )
    page = organiser.post(reverse("plans:calendar"), {"upload": "1", "file": upload}).content.decode()
    assert "没有保存任何数据" in page
    assert "2026-01-05：星期一至星期五本来就是工作日，无需登记" in page
    assert "不是有效的日期" in page
    assert "应为「上班」或「放假」" in page
    assert "日期 2026-01-01 重复（已在第2行）" in page
    assert not CalendarDay.objects.exists()


def test_the_export_reads_back_and_the_template_is_empty(client_for):
    organiser = client_for("organiser")
    for day, working in NEW_YEAR.items():
        actions.calendar_day_set(actor=SystemActor("测试"), day=day, working=working, note="元旦")
    exported = b"".join(organiser.get(reverse("plans:calendar_export")).streaming_content)
    sheet = load_workbook(io.BytesIO(exported))["工作日历"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("日期", "类型", "说明")
    assert [(r[0].date(), r[1]) for r in rows[1:]] == [
        (D(2026, 1, 1), "放假"),
        (D(2026, 1, 2), "放假"),
        (D(2026, 1, 4), "上班"),
    ]
    CalendarDay.objects.all().delete()
    organiser.post(reverse("plans:calendar"), {"upload": "1", "file": SimpleUploadedFile("a.xlsx", exported)})
    assert dict(CalendarDay.objects.values_list("day", "working")) == NEW_YEAR
    template = b"".join(organiser.get(reverse("plans:calendar_export") + "?template=1").streaming_content)
    loaded = load_workbook(io.BytesIO(template))
    assert list(loaded["工作日历"].iter_rows(values_only=True)) == [("日期", "类型", "说明")]
    assert "说明" in loaded.sheetnames
