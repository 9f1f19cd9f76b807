"""Assessment groups and the working-day calendar written through the API, as on their pages."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessmentCycle, AssessmentGroup, CalendarDay

pytestmark = pytest.mark.django_db
D = datetime.date


def send(client, method, url, body=None):
    return getattr(client, method)(url, body if body is not None else {}, content_type="application/json")


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


# --- groups -----------------------------------------------------------------------------------------------


def test_the_groups_of_a_cycle_with_members_and_units(cast, client_for):
    data = client_for("committee").get("/api/cycles/2025/groups").json()
    assert data == [
        {
            "id": cast["assessor"].assessment_groups.get().pk,
            "name": "第一考核组",
            "members": ["assessor"],
            "units": ["DW01"],
        }
    ]


def test_a_group_is_created_changed_and_deleted(cast, organiser):
    body = {"name": "第二考核组", "members": ["assessor"], "units": ["DW02", "DW03"]}
    response = send(organiser, "post", "/api/cycles/2025/groups", body)
    assert response.status_code == 201, response.json()
    group = AssessmentGroup.objects.get(name="第二考核组")
    assert response.json() == {"id": group.pk, **body}
    changed = send(organiser, "patch", f"/api/cycles/2025/groups/{group.pk}", {"units": ["DW02"]})
    assert changed.status_code == 200 and changed.json()["units"] == ["DW02"]
    assert changed.json()["members"] == ["assessor"]
    assert organiser.delete(f"/api/cycles/2025/groups/{group.pk}").status_code == 204
    assert not AssessmentGroup.objects.filter(name="第二考核组").exists()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="group.").order_by("pk")] == [
        "group.create",
        "group.update",
        "group.delete",
    ]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "第一考核组"}, "name", "考核组「第一考核组」已存在"),
        ({"name": ""}, "name", "这个字段是必填项。"),
        ({"units": ["DW01"]}, "units", "单位「东城街道」（DW01）已在「第一考核组」中"),
        ({"units": ["DW99"]}, "units", "单位编码 DW99 不存在"),
        (
            {"members": ["organiser"]},
            "members",
            "账号 organiser 不存在，或不是在用的考核组成员账号（角色为考核组成员）",
        ),
    ],
)
def test_a_bad_group_is_refused_by_field(cast, organiser, body, field, message):
    response = send(organiser, "post", "/api/cycles/2025/groups", {"name": "第二考核组", **body})
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert AssessmentGroup.objects.count() == 1


def test_a_group_of_another_cycle_is_not_found(cast, organiser):
    other = AssessmentCycle.objects.create(year=2024, name="2024年度考核")
    group = AssessmentGroup.objects.create(cycle=other, name="旧组")
    assert send(organiser, "patch", f"/api/cycles/2025/groups/{group.pk}", {"name": "新"}).status_code == 404
    assert organiser.delete(f"/api/cycles/2025/groups/{group.pk}").status_code == 404
    assert AssessmentGroup.objects.filter(pk=group.pk, name="旧组").exists()


# --- the working-day calendar -----------------------------------------------------------------------------


def calendar_book(*rows):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "工作日历"
    ws.append(("日期", "类型", "说明"))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("日历.xlsx", out.getvalue())


def test_a_day_is_recorded_listed_and_removed(cast, organiser, client_for):
    response = send(
        organiser,
        "post",
        "/api/cycles/calendar/days",
        {"day": "2026-02-16", "working": False, "note": "春节"},
    )
    assert response.status_code == 200, response.json()
    day = CalendarDay.objects.get()
    assert response.json() == {"id": day.pk, "day": "2026-02-16", "working": False, "note": "春节"}
    listed = client_for("leader").get("/api/cycles/calendar/days", {"year": 2026}).json()
    assert [d["day"] for d in listed] == ["2026-02-16"]
    assert client_for("leader").get("/api/cycles/calendar/days", {"year": 2025}).json() == []
    assert client_for("organiser").delete(f"/api/cycles/calendar/days/{day.pk}").status_code == 204
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"day": "2026-02-14", "working": False}, "day", "2026-02-14：星期六、星期日本来就休息，无需登记"),
        ({"day": "", "working": False}, "day", "请填写日期"),
        ({"day": "2026-13-01", "working": False}, "day", "日期格式应为 2026-01-01"),
        ({"day": "2026-02-16"}, "working", "请选择放假或上班"),
    ],
)
def test_a_bad_day_is_refused_by_field(cast, organiser, body, field, message):
    response = send(organiser, "post", "/api/cycles/calendar/days", body)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert not CalendarDay.objects.exists()


def test_a_calendar_workbook_is_imported_and_exported(cast, organiser):
    upload = calendar_book(("2026-01-01", "放假", "元旦"), ("2026-01-04", "上班", "调休"))
    response = organiser.post("/api/cycles/calendar/import", {"file": upload})
    assert response.status_code == 200 and response.json() == {"created": 2, "updated": 0, "unchanged": 0}
    exported = organiser.get("/api/cycles/calendar/export")
    sheet = load_workbook(io.BytesIO(b"".join(exported.streaming_content)))["工作日历"]
    rows = list(sheet.iter_rows(values_only=True))
    assert [(r[0].date(), r[1]) for r in rows[1:]] == [(D(2026, 1, 1), "放假"), (D(2026, 1, 4), "上班")]
    template = organiser.get("/api/cycles/calendar/export", {"template": True})
    blank = load_workbook(io.BytesIO(b"".join(template.streaming_content)))["工作日历"]
    assert list(blank.iter_rows(values_only=True)) == [("日期", "类型", "说明")]


def test_a_bad_calendar_workbook_saves_nothing_and_names_the_row(cast, organiser):
    upload = calendar_book(("2026-01-01", "放假", "元旦"), ("2026-01-05", "上班", ""))
    response = organiser.post("/api/cycles/calendar/import", {"file": upload})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "工作日历/3/类型": ["2026-01-05：星期一至星期五本来就是工作日，无需登记（只填写与平常不同的日子）"]
    }
    assert not CalendarDay.objects.exists()


def test_readers_may_not_record_days(cast, client_for):
    for role in ("committee", "leader"):
        response = send(
            client_for(role), "post", "/api/cycles/calendar/days", {"day": "2026-02-16", "working": False}
        )
        assert response.status_code == 403
    assert not CalendarDay.objects.exists()
