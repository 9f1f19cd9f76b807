"""The demo data: `kaohe demo` loads the fictional 示例市 and its accounts."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q
from django.urls import reverse

from kaohe.accounts.models import Role, User
from kaohe.audit.actions import audit_verify
from kaohe.audit.models import AuditEntry
from kaohe.demo import roster as demo
from kaohe.demo.roster import DEMO_PASSWORD, build_roster
from kaohe.org.models import Cadre, LeadershipTeam, Position, ScoringDepartment, Unit, pinyin_initials
from kaohe.org.selectors import visible_cadres, visible_units
from kaohe.plans.models import AssessmentCycle, AssessmentGroup


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    # The roster and accounts only: the cycles' data is tested in kaohe/plans/tests/test_demo_cycle.py.
    return run_demo("--roster-only")


# ------------------------------------------------------------ the generator, without a database


def test_the_same_seed_gives_the_same_names():
    first, second = build_roster("city", 7), build_roster("city", 7)
    assert [c.name for c in first.cadres] == [c.name for c in second.cadres]
    assert [u.name for u in first.units] == [u.name for u in second.units]
    assert first.cadres == second.cadres


def test_another_seed_gives_other_names():
    assert [c.name for c in build_roster("city", 1).cadres] != [
        c.name for c in build_roster("city", 2).cadres
    ]


def test_city_roster_has_about_eighty_units_and_six_hundred_cadres():
    roster = build_roster("city")
    assert 75 <= len(roster.units) <= 90
    assert 550 <= len(roster.cadres) <= 650
    names = {u.name for u in roster.units}
    assert {
        "中共示例市委组织部",
        "示例市财政局",
        "示例市第一人民医院",
        "示例市城市建设投资集团有限公司",
    } <= names


def test_province_roster_has_about_five_thousand_units_and_fifty_thousand_cadres():
    roster = build_roster("province")
    assert 4500 <= len(roster.units) <= 5500
    assert 45000 <= len(roster.cadres) <= 55000
    assert len({u.code for u in roster.units}) == len(roster.units)
    assert len({c.code for c in roster.cadres}) == len(roster.cadres)


def test_every_parent_is_a_unit_listed_before_its_children():
    roster = build_roster("city")
    seen: set[str] = set()
    for unit in roster.units:
        assert unit.parent_code is None or unit.parent_code in seen
        seen.add(unit.code)


def test_cadres_are_of_both_genders_born_between_1965_and_1992():
    cadres = build_roster("city").cadres
    assert {c.gender for c in cadres} == {"男", "女"}
    assert all(1965 <= c.birth_month.year <= 1992 and c.birth_month.day == 1 for c in cadres)


def test_a_history_ends_the_day_before_the_current_post_in_another_unit():
    with_history = [c for c in build_roster("city").cadres if len(c.positions) > 1]
    assert len(with_history) >= 20
    for cadre in with_history:
        previous, current = cadre.positions
        assert previous.unit_code != current.unit_code
        assert previous.start < previous.end < current.start
        assert current.end is None


def test_unknown_scale_is_refused_in_chinese():
    with pytest.raises(ValueError, match="未知的规模"):
        build_roster("country")


def test_accounts_table_lines_up_chinese_text():
    table = demo.accounts_table(
        [demo.AccountLine("demo-a", "考核办", "全部"), demo.AccountLine("demo-bb", "领导小组成员", "只读")]
    )
    header, _, first, second = table.splitlines()
    columns = [demo._width(line[: line.index(scope)]) for line, scope in ((first, "全部"), (second, "只读"))]
    assert columns[0] == columns[1] == demo._width(header[: header.index("范围")])


# ------------------------------------------------------------ loading


def test_city_scale_creates_about_eighty_units_and_six_hundred_cadres(loaded):
    assert 75 <= Unit.objects.count() <= 90
    assert 550 <= Cadre.objects.count() <= 650
    assert "已载入演示数据" in loaded


def test_every_unit_has_a_team_and_one_or_two_principal_cadres(loaded):
    assert LeadershipTeam.objects.count() == Unit.objects.count()
    units = Unit.objects.annotate(
        principals=Count("positions", filter=Q(positions__principal=True, positions__end__isnull=True))
    )
    assert all(1 <= unit.principals <= 2 for unit in units), [
        u.name for u in units if not 1 <= u.principals <= 2
    ]


def test_each_cadre_holds_one_current_post_in_their_current_unit(loaded):
    current = Position.objects.filter(end__isnull=True).select_related("cadre")
    assert current.count() == Cadre.objects.count()
    assert all(p.unit_id == p.cadre.current_unit_id for p in current)
    assert Position.objects.filter(end__isnull=False).count() >= 20


def test_names_carry_their_pinyin_although_bulk_inserts_skip_save(loaded):
    cadre = Cadre.objects.order_by("code").first()
    assert cadre.pinyin_initials == pinyin_initials(cadre.name)
    assert cadre.pinyin
    assert Unit.objects.get(name="示例市财政局").pinyin_initials == "slsczj"


def test_towns_sit_under_their_district(loaded):
    town = Unit.objects.filter(category__name="乡镇街道").select_related("parent__category").first()
    assert town.parent.category.name == "县（市、区）"
    assert town.name.startswith(town.parent.name.removeprefix("示例市"))


def test_the_loaded_names_are_those_of_the_seed(db):
    run_demo("--seed", "7")
    expected = [c.name for c in build_roster("city", 7).cadres]
    assert list(Cadre.objects.order_by("code").values_list("name", flat=True)) == expected


def test_scoring_departments_are_linked_to_their_units(loaded):
    department = ScoringDepartment.objects.get(name="市发改委")
    assert department.unit.name == "示例市发展和改革委员会"
    assert ScoringDepartment.objects.filter(unit__isnull=True).count() == 0
    assert ScoringDepartment.objects.count() >= 3


def test_the_2025_cycle_has_three_groups_visiting_every_unit_once(loaded):
    cycle = AssessmentCycle.objects.get(year=2025)
    assert cycle.name == "2025年度考核"
    groups = AssessmentGroup.objects.filter(cycle=cycle)
    assert sorted(groups.values_list("name", flat=True)) == sorted(["第一考核组", "第二考核组", "第三考核组"])
    assert all(group.units.exists() for group in groups)
    visits = Unit.objects.annotate(n=Count("assessment_groups"))
    assert set(visits.values_list("n", flat=True)) == {1}


def test_loading_is_recorded_once_in_the_audit_log(loaded):
    entry = AuditEntry.objects.get(action="demo.load")
    assert entry.after["units"] == Unit.objects.count()
    assert entry.after["seed"] == demo.DEFAULT_SEED
    assert audit_verify() is None


def test_a_failure_halfway_leaves_nothing_behind(db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("kaohe.audit.actions.audit_record", broken)
    with pytest.raises(RuntimeError):
        run_demo()
    assert not Unit.objects.exists()
    assert not Cadre.objects.exists()
    assert not User.objects.exists()


# ------------------------------------------------------------ the accounts


@pytest.mark.parametrize("username", [a.username for a in demo.DEMO_ACCOUNTS])
def test_each_demo_account_logs_in_with_the_demo_password(client, loaded, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_demo_accounts_have_their_roles(loaded):
    roles = dict(User.objects.filter(username__startswith="demo-").values_list("username", "role"))
    assert roles == {
        "demo-organiser": Role.ORGANISER,
        "demo-committee": Role.COMMITTEE,
        "demo-assessor": Role.ASSESSOR,
        "demo-clerk": Role.CLERK,
        "demo-liaison": Role.LIAISON,
        "demo-leader": Role.LEADER,
        "demo-cadre": Role.CADRE,
        "demo-sysadmin": Role.SYSADMIN,
        "demo-secadmin": Role.SECADMIN,
        "demo-auditadmin": Role.AUDITADMIN,
        "demo-jijian": Role.DISCIPLINE,
    }


def test_the_assessor_sees_the_units_of_the_first_group(loaded):
    assessor = User.objects.get(username="demo-assessor")
    group = AssessmentGroup.objects.get(name="第一考核组")
    assert set(visible_units(assessor)) == set(group.units.all())
    assert 0 < visible_units(assessor).count() < Unit.objects.count()


def test_the_clerk_belongs_to_the_development_and_reform_commission(loaded):
    assert User.objects.get(username="demo-clerk").department.name == "市发改委"


def test_the_liaison_sees_one_town_and_the_cadre_works_there(loaded):
    liaison = User.objects.get(username="demo-liaison")
    cadre_account = User.objects.get(username="demo-cadre")
    assert liaison.unit.category.name == "乡镇街道"
    assert list(visible_units(liaison)) == [liaison.unit]
    assert cadre_account.cadre.current_unit == liaison.unit
    assert list(visible_cadres(cadre_account)) == [cadre_account.cadre]
    assert cadre_account.full_name == cadre_account.cadre.name


def test_organiser_committee_and_leader_see_the_whole_roster(loaded):
    for username in ("demo-organiser", "demo-committee", "demo-leader"):
        user = User.objects.get(username=username)
        assert visible_units(user).count() == Unit.objects.count()


def test_the_command_ends_with_the_table_of_accounts(loaded):
    assert "kaohe-demo" in loaded
    for line in demo.demo_accounts():
        assert line.username in loaded
    assert "考核办" in loaded and "第一考核组" in loaded and "市发改委" in loaded


# ------------------------------------------------------------ --if-empty


def test_if_empty_leaves_an_existing_database_alone(roster):
    before = (Unit.objects.count(), Cadre.objects.count(), AuditEntry.objects.count())
    out = run_demo("--if-empty")
    assert (Unit.objects.count(), Cadre.objects.count(), AuditEntry.objects.count()) == before
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert "未载入演示数据" in out
    assert "demo-organiser" not in out


def test_if_empty_still_prints_the_accounts_after_an_earlier_load(loaded):
    units = Unit.objects.count()
    out = run_demo("--if-empty")
    assert Unit.objects.count() == units
    assert "demo-organiser" in out and "kaohe-demo" in out
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


def test_loading_into_a_roster_that_has_units_is_refused(roster):
    with pytest.raises(CommandError, match="已有单位"):
        run_demo()
    assert Unit.objects.count() == 3
