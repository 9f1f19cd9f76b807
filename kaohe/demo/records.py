"""Demo data for the year's records: a whole 2025 of the four lists, 一线考察 visits and quarterly grades.

Most units file every month and their lines are verified; about a quarter are late — months not filed,
tasks past their due date, lines left unverified, months without a visit — so the gap list and the
to-do pages have something to show. Each cadre's four quarterly grades are those whose score comes
nearest to the 平时考核 the demo typed for them, so the derived scores tell the same story.

Drawn from ``random.Random(seed)`` over the roster in code order; bulk-inserted (about 20,000 lines) and
summed up in one audit entry.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations_with_replacement

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.actors import SystemActor
from kaohe.audit.actions import audit_record
from kaohe.demo import roster as roster_demo
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentGroup
from kaohe.records.models import ListItem, ListKind, QuarterlyGrade, RecordsRule, Visit, VisitMethod
from kaohe.rules.regular import GradeScores, QuarterGrade

TASKS = (
    "完成老旧小区改造{n}个",
    "新增就业岗位{n}0个",
    "办结群众信访件{n}件",
    "推进重点项目{n}个开工",
    "开展安全检查{n}次",
)
PROGRESS = ("已完成年度任务的{n}0%", "第{n}批项目已开工", "已办结{n}件，其余在办", "完成调研报告{n}篇")
PROBLEMS = ("台账资料不完整", "部分任务进度滞后", "群众反映办事效率不高", "整改措施落实不到位")
FINDERS = ("考核组", "纪检监察组", "群众来信", "单位自查")
ACHIEVEMENTS = ("获评省级示范单位", "经验做法被市委简报刊发", "群众满意度测评居全市前列", "重点项目提前完工")
FINDINGS = {
    VisitMethod.SITE: "现场查看项目进度，与清单所报基本一致。",
    VisitMethod.SIT_IN: "列席党组会，议事规则执行规范。",
    VisitMethod.UNANNOUNCED: "暗访服务窗口，发现个别人员脱岗。",
    VisitMethod.SERVICE_USERS: "走访服务对象，反映办事效率有提升。",
    VisitMethod.TALKS: "个别谈话，班子成员对重点任务认识一致。",
}
REASONS = ("本季度重点任务推进滞后", "被市委督查室通报", "清单多次逾期未报", "群众投诉未及时处理")


@dataclass(frozen=True)
class RecordsSummary:
    items: int
    visits: int
    grades: int
    late_units: int


def _grade_sets(scores: GradeScores) -> list[tuple[Decimal, tuple[QuarterGrade, ...]]]:
    grades = list(QuarterGrade)
    return [(scores.annual(combo) or Decimal(0), combo) for combo in combinations_with_replacement(grades, 4)]


def _nearest(target: Decimal | None, sets, rng: random.Random) -> list[QuarterGrade]:
    if target is None:
        return [QuarterGrade.FAIRLY_GOOD] * 4
    _, combo = min(sets, key=lambda pair: (abs(pair[0] - target), pair[0]))
    quarters = list(combo)
    rng.shuffle(quarters)
    return quarters


def demo_records_load(*, seed: int = roster_demo.DEFAULT_SEED, today: date | None = None) -> RecordsSummary:
    """Load 2025's records on the demo (``demo_cycles_load`` calls it before computing 2025's run)."""
    from kaohe.accounts.models import User

    cycle = AssessmentCycle.objects.get(year=roster_demo.CYCLE_YEAR)
    year = cycle.year
    today = today or timezone.localdate()
    rng = random.Random(seed * 7919 + 20)
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    organiser, assessor = users.get("demo-organiser"), users.get("demo-assessor")
    now = timezone.now()
    with transaction.atomic():
        rule = RecordsRule.objects.create(cycle=cycle)
        units = list(
            AssessedUnit.objects.filter(cycle=cycle).order_by("unit__code").values_list("unit_id", flat=True)
        )
        liaison = users.get("demo-liaison")
        # The demo liaison's unit is diligent but leaves this year's last month for the account to fill.
        late = {u for u in units if rng.random() < 0.25} - {getattr(liaison, "unit_id", None)}
        cadres: dict[int, list[int]] = {}
        for cadre_id, unit_id in AssessedCadre.objects.filter(cycle=cycle).values_list("cadre_id", "unit_id"):
            cadres.setdefault(unit_id, []).append(cadre_id)
        items: list[ListItem] = []
        for unit_id in units:
            slack = unit_id in late
            skipped = set(rng.sample(range(2, 12), rng.randint(2, 4))) if slack else set()
            for month in range(1, 13):
                if month in skipped or (month == 12 and unit_id == getattr(liaison, "unit_id", None)):
                    continue
                items += _unit_month(rng, year, unit_id, None, month, slack, today, now)
                for cadre_id in cadres.get(unit_id, ()):
                    items += _unit_month(rng, year, unit_id, cadre_id, month, slack, today, now, cadre=True)
        for item in items:
            item.cycle = cycle
            item.entered_by = organiser if item.cadre_id else liaison
            if item.verified_at is not None:
                item.verified_by = assessor
        ListItem.objects.bulk_create(items, batch_size=2000)
        visits = _visits(rng, cycle, units, late, assessor)
        grades = _grades(rng, cycle, rule, assessor)
        audit_record(
            actor=SystemActor("demo"),
            action="records.demo_load",
            object_type="plans.assessmentcycle",
            object_id=str(cycle.pk),
            object_repr=f"{year}年度平时考核演示数据",
            after={"items": len(items), "visits": visits, "grades": grades, "late_units": len(late)},
        )
    return RecordsSummary(len(items), visits, grades, len(late))


def _unit_month(
    rng: random.Random,
    year: int,
    unit_id: int,
    cadre_id: int | None,
    month: int,
    slack: bool,
    today: date,
    now,
    cadre: bool = False,
) -> list[ListItem]:
    lines: list[tuple[str, str, date | None, date | None, str]] = []
    due = date(year, month, 28) + timedelta(days=rng.choice((0, 30, 60)))
    task_done = (
        None if (slack and rng.random() < 0.5) or due > today else due - timedelta(days=rng.randint(0, 5))
    )
    lines.append((ListKind.TASK, rng.choice(TASKS).format(n=rng.randint(2, 9)), due, task_done, ""))
    lines.append((ListKind.PROGRESS, rng.choice(PROGRESS).format(n=rng.randint(2, 9)), None, None, ""))
    if not cadre and rng.random() < 0.4:
        lines.append((ListKind.PROBLEM, rng.choice(PROBLEMS), None, None, rng.choice(FINDERS)))
    if not cadre and rng.random() < (0.2 if slack else 0.4):
        lines.append((ListKind.ACHIEVEMENT, rng.choice(ACHIEVEMENTS), None, date(year, month, 20), ""))
    month_end = date(year, month, 28)
    verified = month_end + timedelta(days=20) < today and rng.random() < (0.5 if slack else 0.95)
    return [
        ListItem(
            unit_id=unit_id,
            cadre_id=cadre_id,
            month=month,
            kind=kind,
            content=content,
            due=line_due,
            completed=completed,
            found_by=found_by,
            entered_at=now,
            verified_at=now if verified else None,
            verification_note="已现场核实" if verified and rng.random() < 0.3 else "",
        )
        for kind, content, line_due, completed, found_by in lines
    ]


def _visits(rng: random.Random, cycle, units: Sequence[int], late: set[int], assessor) -> int:
    grouped = set(AssessmentGroup.objects.filter(cycle=cycle).values_list("units", flat=True))
    methods = list(FINDINGS)
    visits = []
    for unit_id in units:
        for month in range(1, 13):
            chance = 0.6 if unit_id in late else (0.97 if unit_id in grouped else 0.9)
            if rng.random() < chance:
                method = rng.choice(methods)
                visits.append(
                    Visit(
                        cycle=cycle,
                        unit_id=unit_id,
                        date=date(cycle.year, month, rng.randint(3, 26)),
                        method=method,
                        members="考核组 张组长、刘干事",
                        findings=FINDINGS[method],
                        entered_by=assessor,
                    )
                )
    Visit.objects.bulk_create(visits, batch_size=2000)
    return len(visits)


def _grades(rng: random.Random, cycle, rule: RecordsRule, assessor) -> int:
    from kaohe.records.regular import grade_scores

    sets = _grade_sets(grade_scores(rule))
    grades = []
    for cadre_id, typed in (
        AssessedCadre.objects.filter(cycle=cycle).order_by("cadre__code").values_list("cadre_id", "regular")
    ):
        for quarter, grade in enumerate(_nearest(typed, sets, rng), start=1):
            reason = rng.choice(REASONS) if grade in (QuarterGrade.AVERAGE, QuarterGrade.POOR) else ""
            grades.append(
                QuarterlyGrade(
                    cycle=cycle,
                    cadre_id=cadre_id,
                    quarter=quarter,
                    grade=grade.value,
                    reason=reason,
                    given_by=assessor,
                )
            )
    QuarterlyGrade.objects.bulk_create(grades, batch_size=2000)
    return len(grades)
