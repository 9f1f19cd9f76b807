"""A small cycle for the results tests: the shared roster's units and cadres, imported as 2025's data.

Cadres are in one pool (全部) with a quota of 1: 张思佳 (GB001) and 李明 (GB002) tie at the top, so both
are 待定; teams are in one pool with a quota of 1, 东城街道 (DW01) first.
"""

import datetime
import functools
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kaohe.accounts.actors import SystemActor
from kaohe.cycle_workbook import actions as cycle_workbook
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.results import actions
from kaohe.rules.model import AssessmentInput, Cadre, CadrePool, Mark, RuleSettings, TeamPool, Unit

YEAR = 2025
# The tests' runs are computed on Friday 2 January 2026, so their 公示 may start on the Monday after.
RUN_AT = datetime.datetime(2026, 1, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def runs_dated_before_their_notices(monkeypatch):
    monkeypatch.setattr(
        actions, "compute_run_create", functools.partial(actions.compute_run_create, at=RUN_AT)
    )


def world_input(**changes) -> AssessmentInput:
    settings = RuleSettings(
        year=YEAR,
        cadre_pool=CadrePool.ALL,
        team_pool=TeamPool.ALL,
        team_excellent_ratio=Decimal("0.4"),
    )
    units = [
        Unit("DW01", "东城街道", "乡镇街道", leader_rating=Decimal(90)),
        Unit("DW02", "西山镇", "乡镇街道", leader_rating=Decimal(85)),
        Unit("DW03", "市财政局", "政府部门", leader_rating=Decimal(80)),
    ]
    regular = changes.pop("regular", {"GB001": 95, "GB002": 95, "GB003": 90, "GB004": 85, "GB005": 80})
    cadres = [
        Cadre("GB001", "张思佳", "DW01", "党工委书记", principal=True, regular=Decimal(regular["GB001"])),
        Cadre("GB002", "李明", "DW01", "办事处主任", regular=Decimal(regular["GB002"])),
        Cadre("GB003", "王建国", "DW02", "镇党委书记", principal=True, regular=Decimal(regular["GB003"])),
        Cadre("GB004", "赵丽", "DW03", "局长", principal=True, regular=Decimal(regular["GB004"])),
        Cadre("GB005", "钱伟", "DW03", "副局长", regular=Decimal(regular["GB005"])),
    ]
    marks = []
    for target in ("GB001", "GB002"):
        marks += [Mark(f"S{n}", "上级", target, "优秀") for n in range(3)]
        marks += [Mark(f"T{n}", "同级", target, "称职") for n in range(2)]
    marks += [Mark(f"S{n}", "上级", "DW01", "优秀") for n in range(3)]
    fields = {"settings": settings, "units": units, "cadres": cadres, "marks": marks, **changes}
    return AssessmentInput(**fields)


def import_world(data: AssessmentInput) -> AssessmentCycle:
    cycle_workbook.cycle_import(data=data, actor=SystemActor("测试"), file_name="world.xlsx")
    return AssessmentCycle.objects.get(year=data.settings.year)


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def world(cast):
    """The roster's cycle with the world's data, in 评定."""
    cycle = import_world(world_input())
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.EVALUATION)
    cycle.refresh_from_db()
    return cycle
