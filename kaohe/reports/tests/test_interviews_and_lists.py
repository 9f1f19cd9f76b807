"""The drafts' interview and four-list sentences: counts from a summary that may be shown, never a word of a
record; the year's achievements, problems and overdue tasks in the sections they speak to."""

from datetime import date

import pytest

from kaohe.interviews.tests.conftest import MARKER, complete_unit
from kaohe.interviews.tests.conftest import world as interviews_world  # noqa: F401 (its fixture)
from kaohe.plans.models import AssessedCadre, AssessedUnit
from kaohe.records.models import ListItem, ListKind
from kaohe.reports import drafting, selectors
from kaohe.reports.models import ReportKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard_unit(interviews_world, settings):  # noqa: F811
    """Unit A's interviews complete: four heard (李明 graded 优秀, 优秀, 称职, 称职), 丙 and 李明 excused."""
    settings.MIN_GROUP_SIZE = 3
    w = interviews_world
    AssessedUnit.objects.create(cycle=w["cycle"], unit=w["unit"], category=w["roster"]["categories"]["towns"])
    for key in ("a1", "a2"):
        AssessedCadre.objects.create(cycle=w["cycle"], cadre=w["roster"]["cadres"][key], unit=w["unit"])
    complete_unit(w, ["优秀", "优秀", "称职", "称职"])
    return w


def text_of(d: drafting.DraftInput) -> str:
    return "".join(drafting.draft(d).values())


def test_a_team_draft_counts_the_headings_and_a_cadres_the_grades_never_a_word(heard_unit):
    w = heard_unit
    team = selectors.draft_inputs(w["cycle"], ReportKind.TEAM, only={w["unit"].pk})[w["unit"].pk]
    assert team.interviews is not None and team.interviews.heard == 4
    assert "个别谈话4人次，反映较多的问题：形式主义官僚主义4人次" in text_of(team)
    a2 = w["roster"]["cadres"]["a2"]
    cadre = selectors.draft_inputs(w["cycle"], ReportKind.CADRE, only={a2.pk})[a2.pk]
    assert "等次意见：优秀2人次、称职2人次" in text_of(cadre)
    for d in (team, cadre):
        assert MARKER not in text_of(d) and "作风霸道" not in text_of(d)


def test_below_k_or_incomplete_the_drafts_say_nothing_of_interviews(heard_unit, settings):
    w = heard_unit
    settings.MIN_GROUP_SIZE = 5
    team = selectors.draft_inputs(w["cycle"], ReportKind.TEAM, only={w["unit"].pk})[w["unit"].pk]
    assert team.interviews is None and "谈话" not in text_of(team)


def test_the_four_lists_go_to_the_sections_they_speak_to(heard_unit):
    w = heard_unit
    unit, a1 = w["unit"], w["roster"]["cadres"]["a1"]

    def item(kind, content, cadre=None, **dates):
        ListItem.objects.create(
            cycle=w["cycle"], unit=unit, cadre=cadre, month=6, kind=kind, content=content, **dates
        )

    item(ListKind.ACHIEVEMENT, "建成便民服务中心")
    item(ListKind.PROBLEM, "招商引资不足")
    item(ListKind.TASK, "修缮道路", due=date(2025, 9, 30))  # never completed: overdue
    item(ListKind.TASK, "完成普查", due=date(2025, 9, 30), completed=date(2025, 9, 1))  # on time
    item(ListKind.ACHIEVEMENT, "个人获评先进", cadre=a1)
    sections = drafting.draft(selectors.draft_inputs(w["cycle"], ReportKind.TEAM, only={unit.pk})[unit.pk])
    assert "成绩清单：建成便民服务中心" in sections["主要成绩"]
    assert "问题清单：招商引资不足" in sections["存在不足"]
    assert "逾期未完成的任务：修缮道路" in sections["存在不足"] and "完成普查" not in "".join(
        sections.values()
    )
    assert "个人获评先进" not in "".join(sections.values())  # the cadre's own list is the cadre's
    assert "逐项整改" in sections["意见建议"]
    cadre = drafting.draft(selectors.draft_inputs(w["cycle"], ReportKind.CADRE, only={a1.pk})[a1.pk])
    assert "成绩清单：个人获评先进" in cadre["主要成绩"]


def test_a_long_list_is_cut_to_its_first_items_and_counted():
    d = drafting.DraftInput(
        kind="team", year=2025, name="甲局领导班子", unit="甲局", lists={"问题清单": list("ABCDEFG")}
    )
    assert "问题清单：A；B；C；D；E等7项。" in drafting.draft(d)["存在不足"]
