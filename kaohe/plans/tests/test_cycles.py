"""The cycle pages: who may open which page, the overview, creating a cycle (and copying last year's),
moving through the phases and editing the timeline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.plans import actions
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentPlan,
    Indicator,
    Phase,
    Target,
)

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")
READERS = ("organiser", "committee", "leader")


def expected(readers=READERS):
    return {role: 200 if role in readers else 403 for role in ROLES}


@pytest.fixture
def full_cycle(roster, cast):
    """The 2025 cycle with a participant, an indicator, a target and the conftest's group."""
    cycle = AssessmentCycle.objects.get(year=2025)
    a = roster["units"]["a"]
    item = AssessedUnit.objects.create(cycle=cycle, unit=a, category=a.category)
    cadre = AssessedCadre.objects.create(cycle=cycle, cadre=roster["cadres"]["a1"], unit=a, post="党工委书记")
    indicator = Indicator.objects.create(
        cycle=cycle, category=a.category, code="A01", name="经济发展", weight=Decimal(100)
    )
    Target.objects.create(cycle=cycle, unit=a, indicator=indicator, content="GDP 增长 6%")
    return {"cycle": cycle, "unit": item, "cadre": cadre, "indicator": indicator, "group": roster["group"]}


def pages(f):
    """(name, url, readers) for every GET page; readers None means the organiser only."""
    y = f["cycle"].year
    a = f["unit"].unit_id
    return [
        ("cycle list", reverse("plans:cycle_list"), READERS),
        ("cycle create", reverse("plans:cycle_create"), ("organiser",)),
        ("cycle detail", reverse("plans:cycle_detail", args=[y]), READERS),
        ("cycle edit", reverse("plans:cycle_edit", args=[y]), ("organiser",)),
        ("plan detail", reverse("plans:plan_detail", args=[y]), READERS),
        ("plan edit", reverse("plans:plan_edit", args=[y]), ("organiser",)),
        ("unit list", reverse("plans:unit_list", args=[y]), READERS),
        ("cadre list", reverse("plans:cadre_list", args=[y]), READERS),
        ("cadre edit", reverse("plans:cadre_edit", args=[y, f["cadre"].pk]), ("organiser",)),
        ("indicator list", reverse("plans:indicator_list", args=[y]), READERS),
        ("indicator create", reverse("plans:indicator_create", args=[y]), ("organiser",)),
        ("indicator edit", reverse("plans:indicator_edit", args=[y, f["indicator"].pk]), ("organiser",)),
        ("indicator import", reverse("plans:indicator_import", args=[y]), ("organiser",)),
        ("indicator export", reverse("plans:indicator_export", args=[y]), READERS),
        ("target grid", reverse("plans:target_grid", args=[y]), READERS),
        ("target edit", reverse("plans:target_edit", args=[y, a, f["indicator"].pk]), ("organiser",)),
        ("target import", reverse("plans:target_import", args=[y]), ("organiser",)),
        ("target export", reverse("plans:target_export", args=[y]), READERS),
        ("group list", reverse("plans:group_list", args=[y]), READERS),
        ("group create", reverse("plans:group_create", args=[y]), ("organiser",)),
        ("group edit", reverse("plans:group_edit", args=[y, f["group"].pk]), ("organiser",)),
    ]


def post_endpoints(f):
    y = f["cycle"].year
    return [
        reverse("plans:cycle_advance", args=[y]),
        reverse("plans:participants_enrol", args=[y]),
        reverse("plans:unit_mark", args=[y, f["unit"].pk]),
        reverse("plans:unit_remove", args=[y, f["unit"].pk]),
        reverse("plans:cadre_remove", args=[y, f["cadre"].pk]),
        reverse("plans:indicator_delete", args=[y, f["indicator"].pk]),
        reverse("plans:group_delete", args=[y, f["group"].pk]),
    ]


def test_every_page_answers_each_role_as_the_matrix_says(full_cycle, client_for):
    failures = []
    for name, url, readers in pages(full_cycle):
        for role, status in expected(readers).items():
            got = client_for(role).get(url).status_code
            if got != status:
                failures.append(f"{name} as {role}: {got}, expected {status}")
    assert not failures, "\n".join(failures)


def test_every_post_endpoint_refuses_every_role_but_the_organiser(full_cycle, client_for):
    failures = []
    for url in post_endpoints(full_cycle):
        for role in ROLES:
            if role == "organiser":
                continue
            got = client_for(role).post(url).status_code
            if got != 403:
                failures.append(f"{url} as {role}: {got}")
    assert not failures, "\n".join(failures)
    # Nothing changed on the way.
    assert AssessedUnit.objects.count() == 1 and Indicator.objects.count() == 1
    assert AssessmentCycle.objects.get(year=2025).phase == Phase.PREPARATION


CONFIRMED = ("advance/", "remove/", "delete/")  # irreversible: a GET or a bare POST asks first


def test_post_endpoints_refuse_a_get_or_ask_to_confirm(full_cycle, client_for):
    client = client_for("organiser")
    for url in post_endpoints(full_cycle):
        if url.endswith(CONFIRMED):
            for response in (client.get(url), client.post(url)):
                assert 'name="confirm" value="yes"' in response.content.decode(), url
        else:
            assert client.get(url).status_code == 405, url
    # Asking wrote nothing.
    assert AssessedUnit.objects.count() == 1 and Indicator.objects.count() == 1
    assert AssessmentCycle.objects.get(year=2025).phase == Phase.PREPARATION


def test_moving_the_phase_forward_says_what_it_closes(roster, cast, client_for):
    url = reverse("plans:cycle_advance", args=[2025])
    page = client_for("organiser").post(url, {"from_phase": "implementation"}).content.decode()
    assert "进入「实施」阶段后不能退回" in page and 'name="from_phase" value="implementation"' in page
    assert AssessmentCycle.objects.get(year=2025).phase == Phase.PREPARATION


def test_anonymous_visitors_are_sent_to_the_login_page(full_cycle, client_for):
    client = client_for(None)
    for _name, url, _readers in pages(full_cycle):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    for url in post_endpoints(full_cycle):
        assert client.post(url).status_code == 302, url


def test_a_year_without_a_cycle_is_not_found_on_every_page(full_cycle, client_for):
    client = client_for("organiser")
    for name, url, _readers in pages(full_cycle):
        if "/2025/" in url:
            assert client.get(url.replace("/2025/", "/2019/")).status_code == 404, name
    for url in post_endpoints(full_cycle):
        assert client.post(url.replace("/2025/", "/2019/")).status_code == 404, url


def test_objects_of_another_cycle_are_not_found_under_this_years_address(full_cycle, client_for):
    other = actions.cycle_create(
        actor=SystemActor("test"), year=2026, name="2026年度考核", copy_indicators=True, copy_groups=True
    )
    indicator = other.indicators.get()
    group = other.groups.get()
    client = client_for("organiser")
    assert client.get(reverse("plans:indicator_edit", args=[2025, indicator.pk])).status_code == 404
    assert client.post(reverse("plans:indicator_delete", args=[2025, indicator.pk])).status_code == 404
    assert client.get(reverse("plans:group_edit", args=[2025, group.pk])).status_code == 404
    item = AssessedUnit.objects.create(
        cycle=other, unit=full_cycle["unit"].unit, category=full_cycle["unit"].category
    )
    assert client.post(reverse("plans:unit_remove", args=[2025, item.pk])).status_code == 404
    # A unit not enrolled in the cycle has no target page.
    b = AssessedUnit.objects.filter(cycle=full_cycle["cycle"]).values_list("unit_id", flat=True)
    assert list(b) == [full_cycle["unit"].unit_id]
    c = full_cycle["unit"].unit_id + 1
    assert (
        client.get(reverse("plans:target_edit", args=[2025, c, full_cycle["indicator"].pk])).status_code
        == 404
    )


def test_the_cycle_list_shows_each_cycle_with_its_counts(full_cycle, client_for):
    response = client_for("committee").get(reverse("plans:cycle_list"))
    html = response.content.decode()
    assert "2025年度考核" in html and "准备" in html
    assert "新建年度考核" not in html  # the committee reads only


def test_the_overview_shows_the_phase_timeline_counts_and_links(full_cycle, client_for):
    cycle = full_cycle["cycle"]
    cycle.implementation_date = datetime.date(2025, 12, 1)
    cycle.save()
    html = client_for("leader").get(reverse("plans:cycle_detail", args=[2025])).content.decode()
    assert "2025-12-01" in html
    assert 'id="count-units">1<' in html and 'id="count-cadres">1<' in html
    assert 'id="count-indicators">1<' in html and 'id="count-groups">1<' in html
    for name in ("plan_detail", "unit_list", "cadre_list", "indicator_list", "target_grid", "group_list"):
        assert reverse(f"plans:{name}", args=[2025]) in html
    assert "进入「实施」阶段" not in html  # only the organiser moves the cycle on
    organiser_html = client_for("organiser").get(reverse("plans:cycle_detail", args=[2025])).content.decode()
    assert "进入「实施」阶段" in organiser_html


def test_the_overview_warns_while_a_categorys_weights_do_not_sum_to_100(full_cycle, client_for):
    full_cycle["indicator"].weight = Decimal(90)
    full_cycle["indicator"].save()
    html = client_for("organiser").get(reverse("plans:cycle_detail", args=[2025])).content.decode()
    assert "「乡镇街道」的指标权重合计为 90，应为 100" in html


# --- creating a cycle ---------------------------------------------------------------------------------


def test_the_organiser_creates_a_cycle_with_a_default_name(cast, client_for):
    response = client_for("organiser").post(reverse("plans:cycle_create"), {"year": 2026, "name": ""})
    assert response.status_code == 302
    cycle = AssessmentCycle.objects.get(year=2026)
    assert cycle.name == "2026年度考核" and cycle.phase == Phase.PREPARATION
    assert AssessmentPlan.objects.get(cycle=cycle).settings == {}
    entry = AuditEntry.objects.get(action="cycle.create")
    assert entry.actor == cast["organiser"] and entry.after["year"] == 2026


def test_a_cycle_year_can_be_created_only_once(cast, client_for):
    response = client_for("organiser").post(reverse("plans:cycle_create"), {"year": 2025, "name": "再来一次"})
    assert response.status_code == 200
    assert "2025 年度的考核已存在" in response.content.decode()
    assert AssessmentCycle.objects.count() == 1


def test_copying_needs_an_earlier_cycle(cast, client_for):
    response = client_for("organiser").post(reverse("plans:cycle_create"), {"year": 2020, "copy_plan": "on"})
    assert "没有早于 2020 年度的考核，无可复制" in response.content.decode()
    assert not AssessmentCycle.objects.filter(year=2020).exists()


def test_a_new_cycle_copies_last_years_plan_indicators_and_groups(roster, cast, client_for):
    last = AssessmentCycle.objects.get(year=2025)
    AssessmentPlan.objects.create(
        cycle=last, settings={"cadre_excellent_ratio": "15%", "year": "2025"}, notes="依据某文件"
    )
    towns, depts = roster["categories"]["towns"], roster["categories"]["depts"]
    Indicator.objects.create(
        cycle=last,
        category=towns,
        code="A01",
        name="经济发展",
        weight=Decimal("60.5"),
        method="按完成率",
        department=roster["department"],
    )
    Indicator.objects.create(cycle=last, category=towns, code="A02", name="社会治理", weight=Decimal("39.5"))
    Indicator.objects.create(cycle=last, category=depts, code="B01", name="服务质量", weight=Decimal(100))
    roster["group"].units.add(roster["units"]["b"])
    AssessedUnit.objects.create(cycle=last, unit=roster["units"]["a"], category=towns)

    response = client_for("organiser").post(
        reverse("plans:cycle_create"),
        {
            "year": 2026,
            "name": "2026年度综合考核",
            "copy_plan": "on",
            "copy_indicators": "on",
            "copy_groups": "on",
        },
    )
    assert response.status_code == 302
    new = AssessmentCycle.objects.get(year=2026)
    assert new.plan.settings == {"cadre_excellent_ratio": "15%"} and new.plan.notes == "依据某文件"
    copied = {(i.category.name, i.code): i for i in new.indicators.all()}
    assert set(copied) == {("乡镇街道", "A01"), ("乡镇街道", "A02"), ("政府部门", "B01")}
    a01 = copied[("乡镇街道", "A01")]
    assert (a01.weight, a01.method, a01.department) == (Decimal("60.5"), "按完成率", roster["department"])
    group = new.groups.get()
    assert group.name == "第一考核组"
    assert set(group.members.all()) == {cast["assessor"]}
    assert set(group.units.all()) == {roster["units"]["a"], roster["units"]["b"]}
    # Participants are enrolled from the roster of the new year, not copied.
    assert not new.assessed_units.exists()
    # Last year's cycle is untouched.
    assert last.indicators.count() == 3 and last.groups.get().units.count() == 2
    entry = AuditEntry.objects.get(action="cycle.create", object_id=str(new.pk))
    assert entry.after["copied_from"] == 2025 and entry.after["copied"] == {
        "plan": True,
        "indicators": 3,
        "groups": 1,
    }


def test_a_new_cycle_copies_only_what_was_asked(roster, cast):
    last = AssessmentCycle.objects.get(year=2025)
    Indicator.objects.create(
        cycle=last, category=roster["categories"]["towns"], code="A01", name="x", weight=100
    )
    new = actions.cycle_create(actor=cast["organiser"], year=2026, name="2026", copy_indicators=True)
    assert new.indicators.count() == 1 and not new.groups.exists()


# --- phases and the timeline --------------------------------------------------------------------------


def test_the_organiser_moves_the_cycle_forward_through_every_phase(roster, cast, client_for):
    client = client_for("organiser")
    url = reverse("plans:cycle_advance", args=[2025])
    seen = []
    for phase in ("preparation", "implementation", "evaluation", "public_notice"):
        response = client.post(url, {"from_phase": phase, "confirm": "yes"}, follow=True)
        assert response.status_code == 200
        seen.append(AssessmentCycle.objects.get(year=2025).phase)
    assert seen == ["implementation", "evaluation", "public_notice", "completed"]
    cycle = AssessmentCycle.objects.get(year=2025)
    from django.utils import timezone

    today = timezone.localdate()
    assert (cycle.implementation_date, cycle.evaluation_date) == (today, today)
    assert (cycle.public_notice_date, cycle.completion_date) == (today, today)
    entries = AuditEntry.objects.filter(action="cycle.advance").order_by("seq")
    assert [(e.before["phase"], e.after["phase"]) for e in entries] == [
        ("preparation", "implementation"),
        ("implementation", "evaluation"),
        ("evaluation", "public_notice"),
        ("public_notice", "completed"),
    ]
    assert entries[0].after["implementation_date"] == today.isoformat()
    # There is no phase after 完成.
    response = client.post(url, {"from_phase": "completed", "confirm": "yes"}, follow=True)
    assert "考核已完成，没有下一阶段" in response.content.decode()


def test_a_stale_page_cannot_skip_a_phase_nor_move_the_cycle_back(roster, cast, client_for):
    client = client_for("organiser")
    url = reverse("plans:cycle_advance", args=[2025])
    client.post(url, {"from_phase": "preparation", "confirm": "yes"})
    response = client.post(
        url, {"from_phase": "preparation", "confirm": "yes"}, follow=True
    )  # a second click
    assert "考核已处于「实施」阶段，页面已过期" in response.content.decode()
    assert AssessmentCycle.objects.get(year=2025).phase == "implementation"
    assert AuditEntry.objects.filter(action="cycle.advance").count() == 1


def test_the_timeline_dates_are_edited_in_order_and_audited(roster, cast, client_for):
    client = client_for("organiser")
    url = reverse("plans:cycle_edit", args=[2025])
    bad = client.post(
        url,
        {"name": "2025年度考核", "implementation_date": "2025-12-10", "evaluation_date": "2025-12-01"},
    )
    assert "评定开始（2025-12-01）不能早于实施开始（2025-12-10）" in bad.content.decode()
    assert AssessmentCycle.objects.get(year=2025).evaluation_date is None
    good = client.post(
        url,
        {
            "name": "2025年度考核",
            "implementation_date": "2025-12-01",
            "evaluation_date": "2026-01-05",
            "public_notice_date": "2026-01-20",
            "completion_date": "2026-02-01",
        },
    )
    assert good.status_code == 302
    cycle = AssessmentCycle.objects.get(year=2025)
    assert cycle.evaluation_date == datetime.date(2026, 1, 5) and cycle.phase == "preparation"
    entry = AuditEntry.objects.get(action="cycle.update")
    assert entry.before["evaluation_date"] is None and entry.after["evaluation_date"] == "2026-01-05"


def test_the_overview_links_the_organiser_to_the_input_pages_of_the_cycle(full_cycle, client_for):
    html = client_for("organiser").get(reverse("plans:cycle_detail", args=[2025])).content.decode()
    assert reverse("surveys:survey_list", args=[2025]) in html
