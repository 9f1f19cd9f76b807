"""The organiser's gap list and the owners' to-do: late and unverified lines, months not filed, visits short."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.records import selectors
from kaohe.records.actions import list_item_verify, records_rule_update
from kaohe.records.gaps import owner_todo, unit_gaps
from kaohe.records.models import ListEvidence, ListItem
from kaohe.records.regular import cycle_rule

from .helpers import item, visit

APRIL_10 = date(2025, 4, 10)
PDF = b"%PDF-1.4 evidence"


@pytest.fixture
def march(year, cast, roster):
    a = roster["units"]["a"]
    late = item(year, cast["liaison"], a, kind="task", content="三月底前完成", due=date(2025, 3, 31))
    done = item(
        year,
        cast["liaison"],
        a,
        kind="task",
        content="按时完成",
        due=date(2025, 3, 31),
        completed=date(2025, 3, 30),
    )
    list_item_verify(actor=cast["assessor"], item=done, note="")
    visit(year, cast["assessor"], a)
    return {"late": late, "done": done}


def test_the_gap_list_names_each_units_gaps(year, march, cast):
    gaps = unit_gaps(year, cycle_rule(year), 3, selectors.reviewable_units(cast["organiser"], year), APRIL_10)
    assert [(g.code, g.missing, g.unverified, g.overdue, g.visits, g.visits_short) for g in gaps] == [
        ("DW01", False, 1, 1, 1, False),
        ("DW02", True, 0, 0, 0, True),
        ("DW03", True, 0, 0, 0, True),
    ]


def test_before_the_filing_day_a_month_not_filed_is_not_a_gap(year, march, cast):
    gaps = unit_gaps(
        year, cycle_rule(year), 3, selectors.reviewable_units(cast["organiser"], year), date(2025, 4, 3)
    )
    assert [(g.code, g.missing) for g in gaps] == [("DW01", False), ("DW02", False), ("DW03", False)]


def test_the_plans_visit_rule_and_the_assessors_scope(year, march, cast):
    records_rule_update(actor=cast["organiser"], cycle=year, visits_per_month=2)
    gaps = unit_gaps(year, cycle_rule(year), 3, selectors.reviewable_units(cast["assessor"], year), APRIL_10)
    assert [(g.code, g.visits, g.visits_short) for g in gaps] == [("DW01", 1, True)]


def test_the_owners_todo(year, march, cast):
    todo = owner_todo(
        selectors.visible_items(cast["liaison"], year), year, cycle_rule(year), date(2025, 6, 10)
    )
    assert (todo.overdue, todo.unverified, todo.missing_months) == (1, 1, (1, 2, 4, 5))
    assert todo.total == 6


def test_the_home_page_shows_the_counts(year, march, cast, client_for):
    page = client_for("organiser").get("/").content.decode()
    assert 'id="todo-records"' in page
    assert 'id="todo-records"' in client_for("liaison").get("/").content.decode()
    assert 'id="todo-records"' not in client_for("clerk").get("/").content.decode()


def test_the_organiser_gap_page(year, march, client_for):
    page = client_for("organiser").get("/records/2025/?month=3").content.decode()
    assert "东城街道" in page and "西山镇" in page


def test_a_liaison_adds_a_line_with_evidence_on_the_page(year, cast, client_for):
    client = client_for("liaison")
    upload = SimpleUploadedFile("获奖证书.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/records/2025/mine/5/", {"kind": "achievement", "content": "获评省级示范街道", "files": upload}
    )
    assert response.status_code == 302
    evidence = ListEvidence.objects.get()
    assert evidence.item.month == 5 and evidence.item.cadre is None and evidence.name == "获奖证书.pdf"
    assert client.get(f"/records/2025/evidence/{evidence.pk}/").status_code == 200
    assert client_for("outsider").get(f"/records/2025/evidence/{evidence.pk}/").status_code == 404


def test_a_fake_evidence_file_is_refused_and_nothing_is_saved(year, cast, client_for):
    upload = SimpleUploadedFile("证书.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client_for("liaison").post(
        "/records/2025/mine/5/", {"kind": "achievement", "content": "获评示范", "files": upload}
    )
    assert response.status_code == 400
    assert "内容与扩展名 .pdf 不符" in response.content.decode()
    assert not ListItem.objects.exists()


def test_a_task_without_a_due_date_is_refused_on_the_page(year, cast, client_for):
    response = client_for("cadre").post("/records/2025/mine/5/", {"kind": "task", "content": "调研"})
    assert response.status_code == 400
    assert "任务清单须填写完成时限" in response.content.decode()
    assert not ListItem.objects.exists()
