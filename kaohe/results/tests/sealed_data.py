"""A finalised 2025 for the feedback, dossier and 审定表 tests, made through the results actions.

On top of the results conftest's ``world``: the tie of 张思佳 (GB001) and 李明 (GB002) resolved (GB001 优秀,
GB002 称职), 钱伟 (GB005) overridden to 基本称职 with a reason, 公示 for five working days, finalised.
Earlier years: 李明 and 东城街道's team have 往年等次 for 2023 and 2024.
"""

import datetime

from kaohe.accounts.actors import SystemActor
from kaohe.performance.models import PriorGrade
from kaohe.results import actions
from kaohe.results.models import Result

MONDAY = datetime.date(2026, 1, 5)
AFTER_NOTICE = datetime.date(2026, 1, 12)
OVERRIDE_REASON = "年度内发生安全生产责任事故"


def result(run, code, kind="cadre"):
    return Result.objects.get(run=run, kind=kind, code=code)


def decide(cast, cycle, run):
    committee = cast["committee"]
    actions.decision_record(
        actor=committee,
        cycle=cycle,
        run=run,
        result=result(run, "GB001"),
        decision="resolve",
        grade="优秀",
        reason="",
    )
    actions.decision_record(
        actor=committee,
        cycle=cycle,
        run=run,
        result=result(run, "GB002"),
        decision="resolve",
        grade="称职",
        reason="",
    )
    actions.decision_record(
        actor=committee,
        cycle=cycle,
        run=run,
        result=result(run, "GB005"),
        decision="override",
        grade="基本称职",
        reason=OVERRIDE_REASON,
    )


def seal_cycle(cast, cycle):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=cycle)
    decide(cast, cycle, run)
    actions.notice_publish(actor=cast["organiser"], cycle=cycle, run=run, starts_on=MONDAY, working_days=5)
    return actions.results_seal(actor=cast["organiser"], cycle=cycle, run=run, today=AFTER_NOTICE)


def sealed_world(world, cast, roster):
    """The world's 2025, finalised, with earlier years' grades; returns the seal. Test modules wrap it in
    their own ``sealed`` fixture."""
    cadres, units = roster["cadres"], roster["units"]
    PriorGrade.objects.create(cadre=cadres["a2"], year=2023, grade="称职")
    PriorGrade.objects.create(cadre=cadres["a2"], year=2024, grade="优秀")
    PriorGrade.objects.create(unit=units["a"], year=2024, grade="良好")
    return seal_cycle(cast, world)
