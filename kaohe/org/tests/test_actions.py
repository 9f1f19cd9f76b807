"""The roster's write functions: what they change, what they refuse, and the audit entries they write."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from conftest import make_unit
from kaohe.audit.actions import audit_verify
from kaohe.audit.models import AuditEntry
from kaohe.org import actions
from kaohe.org.models import Cadre, LeadershipTeam, Position


@pytest.fixture
def organiser(cast):
    return cast["organiser"]


def last_entry(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def test_category_create_and_update_are_audited(organiser, roster):
    category = actions.category_create(actor=organiser, name="党群部门", order=3)
    actions.category_update(actor=organiser, category=category, name="党群工作部门", order=4)
    assert last_entry("category.create").after == {"name": "党群部门", "order": 3}
    entry = last_entry("category.update")
    assert entry.before == {"name": "党群部门", "order": 3}
    assert entry.after == {"name": "党群工作部门", "order": 4}
    assert entry.actor == organiser


def test_unit_create_also_creates_its_leadership_team(organiser, roster):
    unit = actions.unit_create(
        actor=organiser,
        code="DW09",
        name="南湖街道",
        category=roster["categories"]["towns"],
        parent=roster["units"]["a"],
    )
    assert LeadershipTeam.objects.filter(unit=unit).exists()
    assert unit.pinyin_initials == "nhjd"
    assert last_entry("unit.create").after == {
        "code": "DW09",
        "name": "南湖街道",
        "category": "乡镇街道",
        "parent": "DW01",
    }


def test_unit_update_records_before_and_after(organiser, roster):
    unit = roster["units"]["b"]
    actions.unit_update(
        actor=organiser,
        unit=unit,
        code="DW02",
        name="西山镇",
        category=roster["categories"]["depts"],
        parent=roster["units"]["a"],
    )
    entry = last_entry("unit.update")
    assert entry.object_id == str(unit.pk) and entry.object_type == "org.unit"
    assert entry.before == {"code": "DW02", "name": "西山镇", "category": "乡镇街道", "parent": None}
    assert entry.after == {"code": "DW02", "name": "西山镇", "category": "政府部门", "parent": "DW01"}
    assert audit_verify() is None


def test_an_update_that_changes_nothing_writes_no_audit_entry(organiser, roster):
    unit = roster["units"]["b"]
    before = AuditEntry.objects.count()
    actions.unit_update(
        actor=organiser, unit=unit, code=unit.code, name=unit.name, category=unit.category, parent=None
    )
    assert AuditEntry.objects.count() == before


def test_unit_update_refuses_a_parent_cycle(organiser, roster):
    towns = roster["categories"]["towns"]
    a = roster["units"]["a"]
    child = make_unit("DW0101", "社区", towns, a)
    with pytest.raises(ValidationError) as refused:
        actions.unit_update(actor=organiser, unit=a, code="DW01", name=a.name, category=towns, parent=child)
    assert refused.value.messages == ["上级单位 DW0101 是 DW01 的下级单位，不能互为上下级"]
    with pytest.raises(ValidationError):
        actions.unit_update(actor=organiser, unit=a, code="DW01", name=a.name, category=towns, parent=a)
    a.refresh_from_db()
    assert a.parent is None
    assert not AuditEntry.objects.filter(action="unit.update").exists()


def test_cadre_create_opens_the_first_position_and_sets_the_current_unit(organiser, roster):
    cadre = actions.cadre_create(
        actor=organiser,
        code="GB009",
        name="周文博",
        gender="男",
        birth_month=date(1976, 11, 1),
        unit=roster["units"]["c"],
        title="副局长",
        start=date(2023, 5, 4),
    )
    assert cadre.current_unit == roster["units"]["c"]
    assert cadre.current_position.title == "副局长"
    entry = last_entry("cadre.create")
    assert entry.before is None
    assert entry.after["birth_month"] == "1976-11" and entry.after["position"]["start"] == "2023-05-04"


def test_cadre_update_changes_personal_fields_and_keeps_the_position(organiser, roster):
    cadre = roster["cadres"]["a2"]
    actions.cadre_update(
        actor=organiser, cadre=cadre, code="GB002", name="李明远", gender="男", birth_month=None
    )
    cadre.refresh_from_db()
    assert (cadre.name, cadre.gender, cadre.birth_month, cadre.pinyin_initials) == (
        "李明远",
        "男",
        None,
        "lmy",
    )
    assert cadre.current_unit == roster["units"]["a"] and cadre.positions.count() == 1
    entry = last_entry("cadre.update")
    assert entry.before["name"] == "李明" and entry.before["birth_month"] == "1980-05"
    assert entry.after["name"] == "李明远" and entry.after["birth_month"] is None


def test_cadre_move_closes_the_current_position_and_keeps_the_history(organiser, roster):
    cadre = roster["cadres"]["a2"]
    actions.cadre_move(
        actor=organiser, cadre=cadre, unit=roster["units"]["b"], title="镇长", start=date(2024, 1, 15)
    )
    actions.cadre_move(
        actor=organiser,
        cadre=cadre,
        unit=roster["units"]["c"],
        title="局长",
        principal=True,
        start=date(2025, 2, 1),
    )
    cadre.refresh_from_db()
    history = [(p.unit.code, p.title, p.start, p.end) for p in cadre.positions.order_by("start")]
    assert history == [
        ("DW01", "办事处主任", date(2021, 3, 1), date(2024, 1, 15)),
        ("DW02", "镇长", date(2024, 1, 15), date(2025, 2, 1)),
        ("DW03", "局长", date(2025, 2, 1), None),
    ]
    assert cadre.current_unit == roster["units"]["c"]
    assert cadre.current_position.principal


def test_cadre_move_is_audited_with_the_closed_and_the_new_position(organiser, roster):
    cadre = roster["cadres"]["a2"]
    actions.cadre_move(
        actor=organiser, cadre=cadre, unit=roster["units"]["b"], title="镇长", start=date(2024, 1, 15)
    )
    entry = last_entry("cadre.move")
    assert entry.before["current_unit"] == "DW01" and entry.before["position"]["end"] is None
    assert entry.after["current_unit"] == "DW02"
    assert entry.after["closed"]["end"] == "2024-01-15"
    assert entry.after["position"] == {
        "unit": "DW02",
        "title": "镇长",
        "principal": False,
        "start": "2024-01-15",
        "end": None,
    }


@pytest.mark.parametrize("start", [date(2021, 3, 1), date(2020, 12, 31)])
def test_cadre_move_refuses_a_start_not_after_the_current_one(organiser, roster, start):
    cadre = roster["cadres"]["a2"]
    with pytest.raises(ValidationError) as refused:
        actions.cadre_move(actor=organiser, cadre=cadre, unit=roster["units"]["b"], title="镇长", start=start)
    assert "必须晚于现任职务的任职时间 2021-03-01" in refused.value.messages[0]
    assert cadre.positions.count() == 1 and cadre.positions.get().end is None
    assert not AuditEntry.objects.filter(action="cadre.move").exists()


def test_cadre_move_of_a_cadre_without_position_just_opens_one(organiser, roster):
    cadre = Cadre.objects.create(code="GB099", name="待分配")
    actions.cadre_move(
        actor=organiser, cadre=cadre, unit=roster["units"]["a"], title="副主任", start=date(2024, 1, 1)
    )
    cadre.refresh_from_db()
    assert cadre.current_unit == roster["units"]["a"] and cadre.positions.count() == 1
    assert last_entry("cadre.move").before["position"] is None


def test_position_update_changes_title_and_principal(organiser, roster):
    cadre = roster["cadres"]["a2"]
    position = cadre.current_position
    actions.position_update(actor=organiser, position=position, title="办事处主任（正科级）", principal=True)
    position = Position.objects.get(pk=position.pk)
    assert (position.title, position.principal) == ("办事处主任（正科级）", True)
    entry = last_entry("position.update")
    assert entry.object_type == "org.cadre" and entry.object_id == str(cadre.pk)
    assert (entry.before["title"], entry.before["principal"]) == ("办事处主任", False)
    assert (entry.after["title"], entry.after["principal"]) == ("办事处主任（正科级）", True)


def test_every_write_leaves_the_audit_chain_whole(organiser, roster):
    category = actions.category_create(actor=organiser, name="党群部门")
    unit = actions.unit_create(actor=organiser, code="DW09", name="宣传部", category=category)
    cadre = actions.cadre_create(actor=organiser, code="GB009", name="周文博", unit=unit, title="部长")
    actions.cadre_move(
        actor=organiser, cadre=cadre, unit=roster["units"]["c"], title="局长", start=date(2024, 1, 1)
    )
    assert AuditEntry.objects.count() == 4
    assert audit_verify() is None
