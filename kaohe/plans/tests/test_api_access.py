"""Who may call each operation of the cycles API: readers read, organisers write, every other role gets 403
and writes nothing, nobody signed in gets 401, a year with no cycle is 404 (kaohe/accounts/matrix.py has
the same rows for every role; here each operation is also asked with a body that would succeed)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from kaohe.audit.models import AuditEntry
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentGroup,
    CalendarDay,
    Indicator,
    Target,
)

pytestmark = pytest.mark.django_db

READERS = ("organiser", "committee", "leader")
OTHERS = ("assessor", "clerk", "liaison", "cadre", "discipline", "sysadmin", "secadmin", "auditadmin")


def upload(sheet, header):
    workbook = Workbook()
    workbook.active.title = sheet
    workbook.active.append(header)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("x.xlsx", out.getvalue())


@pytest.fixture
def world(cast, roster):
    cycle = AssessmentCycle.objects.get(year=2025)
    towns = roster["categories"]["towns"]
    unit = AssessedUnit.objects.create(cycle=cycle, unit=roster["units"]["a"], category=towns)
    cadre = AssessedCadre.objects.create(cycle=cycle, cadre=roster["cadres"]["a1"], unit=roster["units"]["a"])
    indicator = Indicator.objects.create(cycle=cycle, category=towns, code="A01", name="经济", weight=100)
    day = CalendarDay.objects.create(day="2026-02-16", working=False)
    return {
        "unit": unit.pk,
        "cadre": cadre.pk,
        "indicator": indicator.pk,
        "group": roster["group"].pk,
        "day": day.pk,
        "category": towns.pk,
    }


def reads(ids):
    return [
        "/api/cycles/",
        "/api/cycles/{year}",
        "/api/cycles/{year}/plan",
        "/api/cycles/{year}/units",
        "/api/cycles/{year}/cadres",
        "/api/cycles/{year}/indicators",
        "/api/cycles/{year}/indicators/export",
        "/api/cycles/{year}/targets",
        "/api/cycles/{year}/targets/export",
        "/api/cycles/{year}/groups",
        "/api/cycles/calendar/days",
        "/api/cycles/calendar/export",
    ]


def writes(ids):
    """(method, path, json body or None, files or None): in an order in which each of the organiser's calls
    finds what it changes."""
    indicator = {"category_id": ids["category"], "name": "x", "weight": 1}

    def indicators():
        return upload("指标", ["单位类别", "指标编码", "指标名称", "权重"])

    def targets():
        return upload("目标任务", ["单位编码", "指标编码", "目标内容"])

    return [
        ("post", "/api/cycles/", {"year": 2026}, None),
        ("patch", "/api/cycles/{year}", {"name": "改名"}, None),
        ("post", "/api/cycles/{year}/advance", {"from_phase": "preparation"}, None),
        ("patch", "/api/cycles/{year}/plan", {"notes": "改"}, None),
        ("post", "/api/cycles/{year}/units", {"unit_code": "DW02"}, None),
        ("patch", f"/api/cycles/{{year}}/units/{ids['unit']}", {"advanced": True}, None),
        ("patch", f"/api/cycles/{{year}}/cadres/{ids['cadre']}", {"probation": True}, None),
        ("delete", f"/api/cycles/{{year}}/cadres/{ids['cadre']}", None, None),
        ("post", "/api/cycles/{year}/indicators", {**indicator, "code": "A02"}, None),
        ("patch", f"/api/cycles/{{year}}/indicators/{ids['indicator']}", {"name": "改"}, None),
        ("post", "/api/cycles/{year}/indicators/import", None, indicators),
        ("put", "/api/cycles/{year}/targets/DW01/A01", {"content": "x"}, None),
        ("delete", "/api/cycles/{year}/targets/DW01/A01", None, None),
        ("post", "/api/cycles/{year}/targets/import", None, targets),
        ("delete", f"/api/cycles/{{year}}/indicators/{ids['indicator']}", None, None),
        ("delete", f"/api/cycles/{{year}}/units/{ids['unit']}", None, None),
        ("post", "/api/cycles/{year}/groups", {"name": "第二考核组"}, None),
        ("patch", f"/api/cycles/{{year}}/groups/{ids['group']}", {"name": "改"}, None),
        ("delete", f"/api/cycles/{{year}}/groups/{ids['group']}", None, None),
        ("post", "/api/cycles/calendar/days", {"day": "2026-02-17", "working": False}, None),
        ("delete", f"/api/cycles/calendar/days/{ids['day']}", None, None),
        ("post", "/api/cycles/calendar/import", None, lambda: upload("工作日历", ["日期", "类型", "说明"])),
    ]


def call(client, method, path, body, files, year=2025):
    url = path.format(year=year)
    if method == "get":
        return client.get(url)
    if files is not None:
        return client.post(url, {"file": files()})
    return getattr(client, method)(url, body or {}, content_type="application/json")


def test_readers_read_and_the_other_roles_are_refused(world, client_for):
    for role in (*READERS, *OTHERS):
        client = client_for(role)
        for path in reads(world):
            answer = call(client, "get", path, None, None).status_code
            assert answer == (200 if role in READERS else 403), (role, path, answer)


def test_only_organisers_write_and_a_refused_role_writes_nothing(world, client_for):
    for role in ("committee", "leader", *OTHERS):
        client = client_for(role)
        for method, path, body, files in writes(world):
            response = call(client, method, path, body, files)
            assert response.status_code == 403, (role, method, path, response.status_code)
            assert response.json() == {"detail": "当前账号无权执行此操作"}
    assert not AuditEntry.objects.exists()


def test_the_organisers_calls_land(world, client_for):
    """The same calls as the organiser: each one passes its gate (and writes, or refuses the input by field)."""
    client = client_for("organiser")
    for method, path, body, files in writes(world):
        response = call(client, method, path, body, files)
        assert response.status_code in (200, 201, 204, 422), (method, path, response.status_code)
    assert AuditEntry.objects.count() >= 15


def test_nobody_signed_in_gets_401(world, client_for):
    client = client_for(None)
    for path in reads(world):
        assert call(client, "get", path, None, None).status_code == 401, path
    for method, path, body, files in writes(world):
        assert call(client, method, path, body, files).status_code == 401, (method, path)


def test_a_year_without_a_cycle_is_not_found(world, client_for):
    client = client_for("organiser")
    for path in reads(world):
        if "{year}" in path:
            assert call(client, "get", path, None, None, year=2019).status_code == 404, path
    for method, path, body, files in writes(world):
        if "{year}" in path:
            response = call(client, method, path, body, files, year=2019)
            assert response.status_code == 404, (method, path, response.status_code)
    assert not AuditEntry.objects.exists()


def test_the_role_is_refused_before_the_year_is_looked_up(world, client_for):
    """plans.selectors.get_cycle(user, year, roles) refuses the role first: a 403 even for a year with no cycle,
    so a refused account learns nothing of which years exist."""
    client = client_for("clerk")
    for path in reads(world):
        if "{year}" in path:
            response = call(client, "get", path, None, None, year=2019)
            assert response.status_code == 403, (path, response.status_code)
            assert response.json() == {"detail": "当前账号无权执行此操作"}


LISTS = (
    "/api/cycles/2025/units",
    "/api/cycles/2025/cadres",
    "/api/cycles/2025/indicators",
    "/api/cycles/2025/targets",
    "/api/cycles/2025/groups",
)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_list_costs_as_many_queries_for_one_row_as_for_many(world, roster, cast, client_for):
    cycle = AssessmentCycle.objects.get(year=2025)
    Target.objects.create(
        cycle=cycle, unit=roster["units"]["a"], indicator=Indicator.objects.get(), content="x"
    )
    client = client_for("committee")
    few = {url: queries(client, url) for url in LISTS}
    depts, towns = roster["categories"]["depts"], roster["categories"]["towns"]
    AssessedUnit.objects.create(cycle=cycle, unit=roster["units"]["b"], category=towns)
    AssessedUnit.objects.create(cycle=cycle, unit=roster["units"]["c"], category=depts)
    for key in ("a2", "b1", "c1", "c2"):
        cadre = roster["cadres"][key]
        AssessedCadre.objects.create(cycle=cycle, cadre=cadre, unit=cadre.current_unit)
    b01 = Indicator.objects.create(cycle=cycle, category=depts, code="B01", name="服务", weight=100)
    Target.objects.create(cycle=cycle, unit=roster["units"]["c"], indicator=b01, content="y")
    second = AssessmentGroup.objects.create(cycle=cycle, name="第二考核组")
    second.units.add(roster["units"]["b"], roster["units"]["c"])
    second.members.add(cast["assessor"])
    assert {url: queries(client, url) for url in LISTS} == few
