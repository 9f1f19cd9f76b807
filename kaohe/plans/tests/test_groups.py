"""Assessment groups (考核组): name, members (assessor accounts), units visited; a unit in one group only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from kaohe.accounts.models import Role
from kaohe.audit.models import AuditEntry
from kaohe.org.selectors import visible_units
from kaohe.plans import actions
from kaohe.plans.models import AssessmentCycle, AssessmentGroup


@pytest.fixture
def organiser(client_for):
    return client_for("organiser")


@pytest.fixture
def cycle(roster):
    return AssessmentCycle.objects.get(year=2025)


def test_the_group_list_shows_members_and_units_to_readers(roster, cast, client_for):
    for role in ("organiser", "committee", "leader"):
        html = client_for(role).get(reverse("plans:group_list", args=[2025])).content.decode()
        assert "第一考核组" in html and "东城街道" in html and "assessor" in html
        assert (reverse("plans:group_create", args=[2025]) in html) == (role == "organiser")


def test_the_form_offers_only_active_assessor_accounts(roster, cast, organiser):
    make_user("retired", Role.ASSESSOR).__class__.objects.filter(username="retired").update(is_active=False)
    html = organiser.get(reverse("plans:group_create", args=[2025])).content.decode()
    assert f'value="{cast["assessor"].pk}"' in html
    assert "retired" not in html and f'value="{cast["clerk"].pk}"' not in html


def test_creating_a_group_gives_its_members_sight_of_its_units(roster, cycle, cast, organiser):
    second = make_user("assessor2", Role.ASSESSOR)
    response = organiser.post(
        reverse("plans:group_create", args=[2025]),
        {"name": "第二考核组", "members": [second.pk], "units": "DW02，DW03\n"},
    )
    assert response.status_code == 302
    group = AssessmentGroup.objects.get(cycle=cycle, name="第二考核组")
    assert set(group.units.values_list("code", flat=True)) == {"DW02", "DW03"}
    assert set(visible_units(second).values_list("code", flat=True)) == {"DW02", "DW03"}
    entry = AuditEntry.objects.get(action="group.create")
    assert entry.after == {"name": "第二考核组", "members": ["assessor2"], "units": ["DW02", "DW03"]}


def test_a_unit_may_be_in_only_one_group_of_a_cycle(roster, cycle, cast, organiser):
    response = organiser.post(
        reverse("plans:group_create", args=[2025]), {"name": "第二考核组", "units": "DW01 DW02"}
    )
    assert "单位「东城街道」（DW01）已在「第一考核组」中" in response.content.decode()
    assert not AssessmentGroup.objects.filter(name="第二考核组").exists()
    with pytest.raises(ValidationError, match="已在「第一考核组」中"):
        actions.group_create(
            actor=cast["organiser"], cycle=cycle, name="第二考核组", members=[], units=[roster["units"]["a"]]
        )
    # In another year's cycle the same unit is free.
    other = actions.cycle_create(actor=cast["organiser"], year=2026, name="2026")
    actions.group_create(
        actor=cast["organiser"], cycle=other, name="第一考核组", members=[], units=[roster["units"]["a"]]
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"name": "第一考核组", "units": ""}, "考核组「第一考核组」已存在"),
        ({"name": "第二考核组", "units": "DW02 DW98 DW99"}, "单位编码 DW98、DW99 不存在"),
        ({"name": "", "units": ""}, "这个字段是必填项"),
    ],
)
def test_bad_group_input_is_refused(roster, cast, organiser, payload, message):
    response = organiser.post(reverse("plans:group_create", args=[2025]), payload)
    assert message in response.content.decode()
    assert AssessmentGroup.objects.count() == 1


def test_editing_a_group_keeps_its_own_units_and_is_audited(roster, cycle, cast, organiser):
    group = roster["group"]
    url = reverse("plans:group_edit", args=[2025, group.pk])
    html = organiser.get(url).content.decode()
    assert "DW01" in html
    response = organiser.post(url, {"name": "第一组", "members": [cast["assessor"].pk], "units": "DW01 DW02"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "第一组" and set(group.units.values_list("code", flat=True)) == {"DW01", "DW02"}
    entry = AuditEntry.objects.get(action="group.update")
    assert entry.before["units"] == ["DW01"] and entry.after["units"] == ["DW01", "DW02"]
    assert entry.before["name"] == "第一考核组"


def test_deleting_a_group_takes_its_units_from_its_members_sight(roster, cast, organiser):
    group = roster["group"]
    organiser.post(reverse("plans:group_delete", args=[2025, group.pk]), {"confirm": "yes"})
    assert not AssessmentGroup.objects.exists()
    assert not visible_units(cast["assessor"]).exists()
    assert AuditEntry.objects.get(action="group.delete").before["units"] == ["DW01"]
