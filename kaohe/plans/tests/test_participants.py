"""Participants: units and cadres enrolled from the current roster with this year's category, unit, post
and principal flag; removing one; 先进单位; the organiser's marks on a cadre; all locked from 评定."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_cadre
from kaohe.audit.models import AuditEntry
from kaohe.plans import actions
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, Indicator, Phase, Target

ENROL = "plans:participants_enrol"


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


@pytest.fixture
def cycle(roster):
    return AssessmentCycle.objects.get(year=2025)


def enrolled(cycle):
    units = {i.unit.code: i.category.name for i in AssessedUnit.objects.filter(cycle=cycle)}
    cadres = {
        c.cadre.code: (c.unit.code, c.post, c.principal) for c in AssessedCadre.objects.filter(cycle=cycle)
    }
    return units, cadres


def test_enrolling_everyone_takes_each_units_category_and_each_cadres_current_post(cycle, cast, organiser):
    response = organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"}, follow=True)
    assert "已加入 3 个单位、5 名干部" in response.content.decode()
    units, cadres = enrolled(cycle)
    assert units == {"DW01": "乡镇街道", "DW02": "乡镇街道", "DW03": "政府部门"}
    assert cadres["GB001"] == ("DW01", "党工委书记", True)
    assert cadres["GB002"] == ("DW01", "办事处主任", False)
    assert len(cadres) == 5
    entry = AuditEntry.objects.get(action="cycle.enrol")
    assert entry.actor == cast["organiser"]
    assert entry.after == {
        "units": ["DW01", "DW02", "DW03"],
        "cadres": ["GB001", "GB002", "GB003", "GB004", "GB005"],
    }


def test_enrolling_by_category_and_without_cadres(roster, cycle, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {"category": roster["categories"]["depts"].pk})
    units, cadres = enrolled(cycle)
    assert units == {"DW03": "政府部门"} and cadres == {}


def test_enrolling_one_unit_by_code(roster, cycle, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {"unit_code": "DW02", "with_cadres": "on"})
    units, cadres = enrolled(cycle)
    assert units == {"DW02": "乡镇街道"} and set(cadres) == {"GB003"}
    response = organiser.post(reverse(ENROL, args=[2025]), {"unit_code": "DW99"}, follow=True)
    assert "单位编码 DW99 不存在" in response.content.decode()


def test_enrolling_again_adds_only_the_newcomers_and_keeps_earlier_snapshots(roster, cycle, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    AssessedUnit.objects.filter(cycle=cycle, unit__code="DW01").update(advanced=True)
    make_cadre("GB006", "孙涛", roster["units"]["b"], "副镇长")
    response = organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"}, follow=True)
    assert "已加入 0 个单位、1 名干部" in response.content.decode()
    assert AssessedUnit.objects.get(cycle=cycle, unit__code="DW01").advanced
    assert AssessedCadre.objects.filter(cycle=cycle).count() == 6
    # Nothing new, nothing audited.
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    assert AuditEntry.objects.filter(action="cycle.enrol").count() == 2


def test_the_unit_and_cadre_lists_show_the_participants_to_readers(cycle, organiser, client_for):
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    for role in ("organiser", "committee", "leader"):
        client = client_for(role)
        units = client.get(reverse("plans:unit_list", args=[2025])).content.decode()
        assert "东城街道" in units and "市财政局" in units
        cadres = client.get(reverse("plans:cadre_list", args=[2025])).content.decode()
        assert "张思佳" in cadres and "党工委书记" in cadres
        editing = reverse("plans:participants_enrol", args=[2025]) in units
        assert editing == (role == "organiser")


def test_the_participant_lists_filter_by_category_and_search(roster, cycle, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    depts = roster["categories"]["depts"].pk
    html = organiser.get(reverse("plans:unit_list", args=[2025]), {"category": depts}).content.decode()
    assert "市财政局" in html and "东城街道" not in html
    html = organiser.get(reverse("plans:cadre_list", args=[2025]), {"q": "zl"}).content.decode()
    assert "赵丽" in html and "张思佳" not in html


def test_marking_an_advanced_unit_toggles_and_answers_htmx_with_the_row(cycle, cast, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {})
    item = AssessedUnit.objects.get(cycle=cycle, unit__code="DW01")
    url = reverse("plans:unit_mark", args=[2025, item.pk])
    response = organiser.post(url, {"advanced": "on"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.startswith("<tr") and f'id="assessed-unit-{item.pk}"' in html
    item.refresh_from_db()
    assert item.advanced
    entry = AuditEntry.objects.get(action="cycle.unit_update")
    assert entry.before["advanced"] is False and entry.after["advanced"] is True
    organiser.post(url, {})
    item.refresh_from_db()
    assert not item.advanced


def test_removing_a_unit_takes_its_cadres_and_targets_out_too(roster, cycle, cast, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    a = roster["units"]["a"]
    indicator = Indicator.objects.create(cycle=cycle, category=a.category, code="A01", name="x", weight=100)
    Target.objects.create(cycle=cycle, unit=a, indicator=indicator, content="目标")
    item = AssessedUnit.objects.get(cycle=cycle, unit=a)
    response = organiser.post(
        reverse("plans:unit_remove", args=[2025, item.pk]), {"confirm": "yes"}, follow=True
    )
    assert "已将「东城街道」移出本年度考核（同时移出 2 名干部）" in response.content.decode()
    units, cadres = enrolled(cycle)
    assert "DW01" not in units and "GB001" not in cadres and "GB003" in cadres
    assert not Target.objects.exists()
    entry = AuditEntry.objects.get(action="cycle.unit_remove")
    assert entry.before["cadres"] == ["GB001", "GB002"] and entry.before["targets"] == 1


def test_removing_one_cadre(cycle, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    item = AssessedCadre.objects.get(cycle=cycle, cadre__code="GB002")
    organiser.post(reverse("plans:cadre_remove", args=[2025, item.pk]), {"confirm": "yes"})
    assert not AssessedCadre.objects.filter(pk=item.pk).exists()
    assert AuditEntry.objects.get(action="cycle.cadre_remove").before["cadre"] == "GB002"


def test_the_organiser_sets_a_cadres_marks(cycle, cast, organiser):
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    item = AssessedCadre.objects.get(cycle=cycle, cadre__code="GB002")
    url = reverse("plans:cadre_edit", args=[2025, item.pk])
    bad = organiser.post(url, {"regular": "101"})
    assert "确保该值小于或等于100" in bad.content.decode()
    response = organiser.post(
        url, {"regular": "88.5", "probation": "on", "investigation": "", "priority": " 抗洪抢险表现突出 "}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.regular, item.probation, item.investigation, item.priority) == (
        Decimal("88.5"),
        True,
        False,
        "抗洪抢险表现突出",
    )
    entry = AuditEntry.objects.get(action="cycle.cadre_update")
    assert entry.before["regular"] is None and entry.after["regular"] == "88.5"
    assert entry.after["priority"] == "抗洪抢险表现突出"


@pytest.mark.parametrize("phase", [Phase.EVALUATION, Phase.COMPLETED])
def test_participants_are_locked_from_evaluation_on(roster, cycle, cast, organiser, phase):
    organiser.post(
        reverse(ENROL, args=[2025]), {"category": roster["categories"]["towns"].pk, "with_cadres": "on"}
    )
    cycle.phase = phase
    cycle.save()
    before = enrolled(cycle)
    item = AssessedUnit.objects.get(cycle=cycle, unit__code="DW01")
    cadre = AssessedCadre.objects.get(cycle=cycle, cadre__code="GB002")
    for url, data in (
        (reverse(ENROL, args=[2025]), {"with_cadres": "on"}),
        (reverse("plans:unit_remove", args=[2025, item.pk]), {"confirm": "yes"}),
        (reverse("plans:unit_mark", args=[2025, item.pk]), {"advanced": "on"}),
        (reverse("plans:cadre_remove", args=[2025, cadre.pk]), {"confirm": "yes"}),
        (reverse("plans:cadre_edit", args=[2025, cadre.pk]), {"regular": "90"}),
    ):
        response = organiser.post(url, data, follow=True)
        assert "已进入评定阶段，考核方案已锁定" in response.content.decode(), url
    assert enrolled(cycle) == before
    item.refresh_from_db()
    cadre.refresh_from_db()
    assert not item.advanced and cadre.regular is None
    with pytest.raises(ValidationError, match="考核方案已锁定"):
        actions.participants_enrol(
            actor=cast["organiser"], cycle=cycle, units=roster["units"]["c"].__class__.objects.all()
        )
    assert not AuditEntry.objects.filter(action__startswith="cycle.").exclude(action="cycle.enrol").exists()


def test_the_participant_lists_cost_the_same_queries_for_many_rows_as_for_few(roster, cycle, organiser):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import make_unit

    def queries(name):
        url = reverse(name) if name == "plans:cycle_list" else reverse(name, args=[2025])
        with CaptureQueriesContext(connection) as context:
            assert organiser.get(url).status_code == 200
        return len(context)

    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    few = {name: queries(name) for name in ("plans:unit_list", "plans:cadre_list", "plans:cycle_list")}
    towns = roster["categories"]["towns"]
    for n in range(10):
        unit = make_unit(f"DX{n:02}", f"新单位{n}", towns)
        make_cadre(f"GX{n:02}", f"新干部{n}", unit, "主任", principal=True)
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    assert AssessedUnit.objects.filter(cycle=cycle).count() == 13
    many = {name: queries(name) for name in few}
    assert many == few


def test_the_enrol_form_is_open_while_no_unit_is_enrolled(cycle, cast, organiser):
    url = reverse("plans:unit_list", args=[2025])
    empty = organiser.get(url).content.decode()
    assert '<details class="card mb-3" id="enrol-panel" open>' in empty
    assert "还没有参加考核的单位，请在上方「从名册加入单位和干部」中加入" in empty
    organiser.post(reverse(ENROL, args=[2025]), {"with_cadres": "on"})
    full = organiser.get(url).content.decode()
    assert '<details class="card mb-3" id="enrol-panel">' in full
    assert "还没有参加考核的单位" not in organiser.get(url, {"q": "不存在的单位"}).content.decode()
