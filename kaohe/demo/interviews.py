"""The demo's interviews in the 2025 cycle: the first group has heard most of its units (one leader
excused, 出差), has listed the leaders of its last two units without hearing them all, and the other groups
have not begun. Records are typed in by the 考核办 from the groups' handwritten forms, through the same
write functions as the pages, so they are sealed like any other."""

from __future__ import annotations

import random
from datetime import date, timedelta

from kaohe.accounts.models import User
from kaohe.demo import roster as roster_demo
from kaohe.interviews import actions, selectors
from kaohe.interviews.models import Interviewee, Kind
from kaohe.interviews.record import ASPECTS, GRADES, PROBLEM_TAGS, QUALITIES, CadreEvaluation, InterviewRecord
from kaohe.plans.models import AssessmentCycle, AssessmentGroup

TEAM_COMMENTS = {
    "政治思想建设": ("理论学习抓得紧", "学习较多停留在读文件", "重大事项能及时请示报告"),
    "领导能力": ("决策比较民主", "统筹协调能力较强", "抓落实的办法不够多"),
    "工作实绩": ("重点任务完成较好", "年度目标基本完成", "部分指标进度偏慢"),
    "党风廉政建设": ("两个责任落实较好", "廉政风险点排查还不够细"),
    "作风建设": ("深入基层较多", "会议文件偏多", "服务意识有提升"),
}
QUALITY_COMMENTS = ("好", "较好", "一般", "突出", "有待加强")
PROBLEMS = ("基层反映检查考核偏多", "年轻干部培养力度不够", "个别项目推进慢", "为民办事的效率有待提高")
SUGGESTIONS = ("加强干部交流", "减少不必要的会议", "加大对基层的支持")
MIDDLE_POSTS = ("办公室主任", "党政办主任")
STAFF_NAMES = ("陈晓", "刘芳", "黄磊", "周婷", "吴军", "郑洁")


def _grade(rng: random.Random) -> str:
    return rng.choices(GRADES, weights=(30, 62, 6, 2))[0]


def _record(
    rng: random.Random, person: Interviewee, team, interviewers: list[str], day: date
) -> InterviewRecord:
    return InterviewRecord(
        held_on=day,
        interviewers=interviewers,
        interviewee_name=person.name,
        interviewee_post=person.post,
        team={a: rng.choice(TEAM_COMMENTS[a]) for a in ASPECTS},
        cadres=[
            CadreEvaluation(pk, name, {q: rng.choice(QUALITY_COMMENTS) for q in QUALITIES[:3]}, _grade(rng))
            for pk, name, _post in team
            if pk != person.cadre_id
        ],
        problems="；".join(rng.sample(PROBLEMS, 2)),
        problem_tags=rng.sample(PROBLEM_TAGS[:5], rng.randint(0, 2)),
        suggestions=rng.choice(SUGGESTIONS),
        source="handwritten",
    )


def demo_interviews_load(*, seed: int = roster_demo.DEFAULT_SEED) -> int:
    """Load the 2025 interviews (after the cycles); how many records were written."""
    cycle = AssessmentCycle.objects.filter(year=roster_demo.CYCLE_YEAR).first()
    group = AssessmentGroup.objects.filter(cycle=cycle, name=roster_demo.GROUP_NAMES[0]).first()
    if cycle is None or group is None:
        return 0
    rng = random.Random(seed * 104729 + 18)
    organiser = User.objects.get(username="demo-organiser")
    members = [str(m) for m in group.members.order_by("username")]
    interviewers = [*members, "考核办 王明", "考核办 李华"][:2]  # a demo group may have one account only
    current = selectors.settings_of(cycle)
    actions.interview_settings_update(
        actor=organiser,
        cycle=cycle,
        staff=3,
        service_users=0,
        deputies=0,
        recommend=False,
        pledge=current.pledge,
    )
    units = list(group.units.order_by("code"))
    written = 0
    for index, unit in enumerate(units):
        actions.interviewees_prepare(actor=organiser, cycle=cycle, unit=unit)
        visited = index < len(units) - 2
        if visited:
            actions.interviewee_add(
                actor=organiser,
                cycle=cycle,
                unit=unit,
                kind=Kind.MIDDLE,
                name=rng.choice(STAFF_NAMES) + "甲",
                post=rng.choice(MIDDLE_POSTS),
            )
            for name in rng.sample(STAFF_NAMES, 3):
                actions.interviewee_add(
                    actor=organiser, cycle=cycle, unit=unit, kind=Kind.STAFF, name=name, post="干部"
                )
        team = selectors.team_cadres(cycle, unit)
        day = date(cycle.year, 12, 1) + timedelta(days=index % 10)
        people = list(Interviewee.objects.filter(cycle=cycle, unit=unit).order_by("kind", "pk"))
        for n, person in enumerate(people):
            if not visited and n > 0:
                break  # the last two units: one leader heard so far
            if index == 0 and person.kind == Kind.LEADER and n == len(team) - 1 and len(team) > 1:
                actions.interviewee_excuse(actor=organiser, interviewee=person, reason="出差（省委党校学习）")
                continue
            record = _record(rng, person, team, interviewers, day)
            actions.interview_save(actor=organiser, interviewee=person, record=record)
            written += 1
    return written
