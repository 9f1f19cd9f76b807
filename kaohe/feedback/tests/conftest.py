"""The feedback tests' world: 2025 sealed (results' ``sealed_world``), its reports accepted with text that
names its sources, and an account for unit A's 主要负责人 (张思佳, GB001)."""

import pytest

from conftest import make_user
from kaohe.accounts.models import Role
from kaohe.plans.models import AssessmentGroup
from kaohe.reports import actions as report_actions
from kaohe.reports.models import AnalysisReport, ReportStatus
from kaohe.results.tests.conftest import (  # noqa: F401 (the results tests' cycle, its runs dated before their 公示)
    runs_dated_before_their_notices,
    world,
)
from kaohe.results.tests.sealed_data import sealed_world

# Sentences an analysis report may hold that must never reach a letter, and the ones that should.
SOURCED = [
    "各评价人类别的测评得分为：上级95.00分（3票），同级80.00分（2票）。",
    "「同级」的评价低于「上级」15.00分，不同层面的认可度存在差异。",
    "个别谈话反映：班子成员之间沟通不够。",
    "有 4 人提出会议过多。",
]
PLAIN_PROBLEMS = ["基层调研不够深入。", "重点项目推进偏慢。"]
PLAIN_SUGGESTIONS = ["加强调查研究，改进工作作风。"]


@pytest.fixture
def accepted(world, cast, roster):  # noqa: F811
    """2025 sealed; every report accepted, each section mixing sourced sentences with plain ones."""
    seal = sealed_world(world, cast, roster)
    report_actions.reports_draft(actor=cast["organiser"], cycle=world, kind="team")
    report_actions.reports_draft(actor=cast["organiser"], cycle=world, kind="cadre")
    sections = {
        "主要成绩": "工作扎实。" + SOURCED[0],
        "存在不足": SOURCED[1] + PLAIN_PROBLEMS[0] + SOURCED[2] + PLAIN_PROBLEMS[1] + SOURCED[3],
        "意见建议": "注重听取同级的意见，改进工作方式。" + PLAIN_SUGGESTIONS[0],
        "评定等次建议": "建议评定为优秀。",
    }
    AnalysisReport.objects.filter(cycle=world).update(sections=sections, status=ReportStatus.ACCEPTED)
    return seal


@pytest.fixture
def principal(cast, roster):
    """The account of unit A's 主要负责人 (a cadre's account)."""
    return make_user("principal", Role.CADRE, cadre=roster["cadres"]["a1"])


@pytest.fixture
def other_assessor(cast, roster, world):  # noqa: F811
    """An assessor of another group (unit B's)."""
    user = make_user("assessor2", Role.ASSESSOR)
    group = AssessmentGroup.objects.create(cycle=world, name="第二考核组")
    group.units.add(roster["units"]["b"])
    group.members.add(user)
    return user
