"""Demo data for 述职述廉 and 一报告两评议 in 2025: every assessed team and cadre asked for its reports by
20 December, most on time, some late and some still awaited (the demo liaison's unit owes one, so its
home page lists it); and a 一报告两评议 sitting in six units of the demo assessor's group, one with a new
promoted cadre whom more than a third did not endorse (flagged 需核查 and handled), one whose selection work
fell under the plan's 70% (flagged, waiting for the organiser).

Called by `kaohe demo` after the groups' work plan. The report files are one small Word document per kind,
written through the file store like any upload; rows are bulk-inserted and summed up in one audit entry.
Drawn from `random.Random(seed)`, so the same seed gives the same data."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.audit.actions import audit_record
from kaohe.demo import roster as roster_demo
from kaohe.dutyreports.models import DutyReport, DutyReportSetting, ReportKind, report_path
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentGroup

DEADLINE = date(roster_demo.CYCLE_YEAR, 12, 20)
ON_TIME, LATE = 0.78, 0.14  # the rest is still awaited
REVIEWED_UNITS = 6
TEAM_SUMMARIES = (
    "一年来，班子坚持把政治建设摆在首位，全年完成主要目标任务，重点项目按期推进；不足是创新举措还不多。",
    "班子围绕年度目标抓落实，经济指标稳中有进，民生实事全部完成；基层基础工作仍需加强。",
    "班子落实全面从严治党主体责任，整改巡察反馈问题，队伍作风明显好转；个别工作进度偏慢。",
)
CADRE_SUMMARIES = (
    "本人认真履行岗位职责，分管工作完成年度任务，牵头推进两项重点工作；调查研究还不够深入。",
    "本人坚持学习，分管领域目标任务全面完成，带头落实一岗双责；统筹协调能力有待提高。",
    "本人履职尽责，分管工作有序推进，群众满意度有所提升；工作方法还需改进。",
)
INTEGRITY_SUMMARIES = (
    "严格遵守中央八项规定精神，落实一岗双责，本人及家属无违规违纪问题。",
    "认真履行党风廉政建设责任，按规定报告个人有关事项，未发现违反廉洁纪律的情况。",
)
SELECTION_SUMMARIES = (
    "本年度提拔任用科级干部若干名，均按程序动议、民主推荐、考察、讨论决定和任前公示，未发现违规用人问题。",
    "本年度干部选拔任用严格执行《干部任用条例》，坚持事业为上、人岗相适，新提拔干部任前均经民主推荐。",
)
TITLES = {
    ReportKind.DUTY: "述职报告",
    ReportKind.INTEGRITY: "述责述廉报告",
    ReportKind.SELECTION: "选人用人工作情况报告",
}


def _docx(title: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(f"{roster_demo.CYCLE_YEAR}年度{title}（示例）", level=1)
    document.add_paragraph("本文件为演示数据，由 kaohe demo 生成。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60))))


def demo_dutyreports_load(*, seed: int = 2025) -> tuple[int, int]:
    """Returns (reports handed in, 一报告两评议 sittings)."""
    rng = random.Random(seed + 19)
    cycle = AssessmentCycle.objects.filter(year=roster_demo.CYCLE_YEAR).first()
    if cycle is None:
        return 0, 0
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["demo-organiser", "demo-liaison", "demo-cadre"])
    }
    organiser = users.get("demo-organiser")
    liaison, cadre_user = users.get("demo-liaison"), users.get("demo-cadre")
    blobs = {kind: _docx(title) for kind, title in TITLES.items()}
    with transaction.atomic():
        DutyReportSetting.objects.update_or_create(
            cycle=cycle,
            defaults={"deadline": DEADLINE, "integrity_required": True, "selection_required": True},
        )
        reports: list[DutyReport] = []
        states = {"on_time": 0, "late": 0, "missing": 0}

        def hand_in(kind: str, summary: str, by: Any, state: str | None = None, **target: Any) -> None:
            draw = rng.random()
            state = state or ("on_time" if draw < ON_TIME else "late" if draw < ON_TIME + LATE else "missing")
            states[state] += 1
            if state == "missing":
                return
            day = (
                DEADLINE - timedelta(days=rng.randrange(15))
                if state == "on_time"
                else DEADLINE + timedelta(days=1 + rng.randrange(10))
            )
            name = f"{TITLES[kind]}.docx"
            stored = default_storage.save(report_path(None, name), ContentFile(blobs[kind]))
            moment = _moment(day, rng)
            reports.append(
                DutyReport(
                    cycle=cycle,
                    kind=kind,
                    file=stored,
                    file_name=name,
                    size=len(blobs[kind]),
                    summary=summary,
                    submitted_by=by,
                    first_submitted_at=moment,
                    submitted_at=moment,
                    **target,
                )
            )

        for assessed in (
            AssessedUnit.objects.filter(cycle=cycle).select_related("unit").order_by("unit__code")
        ):
            unit = assessed.unit
            own = liaison is not None and liaison.unit_id == unit.pk
            hand_in(
                ReportKind.DUTY,
                rng.choice(TEAM_SUMMARIES),
                liaison if own else organiser,
                "on_time" if own else None,
                unit=unit,
            )
            hand_in(
                ReportKind.INTEGRITY,
                rng.choice(INTEGRITY_SUMMARIES),
                organiser,
                "missing" if own else None,
                unit=unit,
            )
            hand_in(
                ReportKind.SELECTION,
                rng.choice(SELECTION_SUMMARIES),
                organiser,
                "late" if own else None,
                unit=unit,
            )
        for item in AssessedCadre.objects.filter(cycle=cycle).order_by("cadre__code"):
            own = cadre_user is not None and cadre_user.cadre_id == item.cadre_id
            by = cadre_user if own else organiser
            state = "on_time" if own else None
            hand_in(ReportKind.DUTY, rng.choice(CADRE_SUMMARIES), by, state, cadre_id=item.cadre_id)
            hand_in(ReportKind.INTEGRITY, rng.choice(INTEGRITY_SUMMARIES), by, state, cadre_id=item.cadre_id)
        DutyReport.objects.filter(cycle=cycle).delete()
        DutyReport.objects.bulk_create(reports, batch_size=500)
        audit_record(
            actor=organiser or roster_demo.DEMO,
            action="duty_report.demo",
            obj=cycle,
            after={"reports": len(reports), **states, "deadline": DEADLINE},
        )
        sittings = _reviews(cycle, organiser, rng)
        sittings += _special(cycle, organiser, rng)
    return len(reports), sittings


def _reviews(cycle: Any, organiser: Any, rng: random.Random) -> int:
    """一报告两评议 in the first units of the demo assessor's group: a paper sitting each, closed and sealed."""
    from kaohe.ballots import actions as ballot_actions
    from kaohe.ballots import storage
    from kaohe.ballots.codes import new_receipt
    from kaohe.ballots.models import BallotTemplate, SessionKind
    from kaohe.demo.cycles import RATER_GROUPS
    from kaohe.reviews.actions import review_outcome_record
    from kaohe.reviews.models import Outcome, ReviewSetting
    from kaohe.reviews.selectors import get_row

    if organiser is None:
        return 0
    ReviewSetting.objects.update_or_create(
        cycle=cycle,
        defaults={"selection_good_min": "70%", "promoted_agree_min": "", "promoted_disagree_max": "1/3"},
    )
    selection_form = BallotTemplate.objects.get(name="选人用人工作评议表")
    promoted_form = BallotTemplate.objects.get(name="新提拔干部评议表")
    selection_item = selection_form.items[0]["name"]
    promoted_item = promoted_form.items[0]["name"]
    group = AssessmentGroup.objects.filter(cycle=cycle).order_by("name").first()
    if group is None:
        return 0
    units = list(group.units.order_by("code")[:REVIEWED_UNITS])
    flagged_cadre = None
    for index, unit in enumerate(units):
        promoted = (
            AssessedCadre.objects.filter(cycle=cycle, unit=unit, principal=False)
            .order_by("-cadre__code")
            .first()
        )
        targets = [ballot_actions.TargetSpec(template=selection_form, unit=unit)]
        if promoted is not None:
            targets.append(ballot_actions.TargetSpec(template=promoted_form, cadre=promoted.cadre))
        session = ballot_actions.session_create(
            actor=organiser,
            cycle=cycle,
            spec=ballot_actions.SessionSpec(
                name=f"{unit.name}一报告两评议",
                targets=targets,
                groups=list(RATER_GROUPS),
                kind=SessionKind.PAPER,
                assessment_group=group,
            ),
        )
        ballot_actions.session_open(actor=organiser, session=session)
        weak_selection, doubted = index == 1, index == 2
        ballots = []
        for rater_group, size in RATER_GROUPS:
            for _ in range(size):
                draw = rng.random()
                good = ("好", "较好", "一般", "差")
                pick = (
                    good[0 if draw < 0.5 else 1 if draw < 0.85 else 2]
                    if not weak_selection
                    else good[0 if draw < 0.25 else 1 if draw < 0.5 else 2 if draw < 0.85 else 3]
                )
                answers: list[tuple[Any, ...]] = [
                    (unit.pk, None, selection_form.pk, selection_item, pick, "")
                ]
                if promoted is not None:
                    view = rng.random()
                    if doubted:
                        choice = (
                            "认同"
                            if view < 0.3
                            else "基本认同"
                            if view < 0.45
                            else "不认同"
                            if view < 0.85
                            else "不了解"
                        )
                    else:
                        choice = (
                            "认同"
                            if view < 0.6
                            else "基本认同"
                            if view < 0.8
                            else "不认同"
                            if view < 0.85
                            else "不了解"
                        )
                    reason = "群众基础一般，任职资历偏浅" if choice == "不认同" else ""
                    answers.append((None, promoted.cadre_id, promoted_form.pk, promoted_item, choice, reason))
                # a receipt of its own: a paper 票号 like "0001" would also name another sitting's ballot
                ballots.append(storage.OpenBallot(new_receipt(), rater_group, (), answers))
        storage.ballots_store(session.pk, ballots)
        ballot_actions.session_close(actor=organiser, session=session)
        ballot_actions.session_archive(actor=organiser, session=session)
        if doubted and promoted is not None:
            flagged_cadre = promoted.cadre_id
    if flagged_cadre is not None and get_row(organiser, cycle, "promoted", flagged_cadre).flagged:
        review_outcome_record(
            actor=organiser,
            cycle=cycle,
            kind="promoted",
            target_id=flagged_cadre,
            outcome=Outcome.EXPLAINED,
            note="经核查，该同志选拔程序符合规定；已与所在单位主要负责人谈话，要求其加强与干部群众的沟通。",
        )
    return len(units)


SPECIAL_GROUPS = (("两代表一委员", 8), ("服务对象", 24))


def _special(cycle: Any, organiser: Any, rng: random.Random) -> int:
    """服务质量评议 of two departments by 两代表一委员 and service users, and a 重点项目评议 of one: closed and
    sealed, their scores shown for the organiser to feed into 公众评议 (left to the organiser: the stored run
    was computed on the 公众评议 as it is)."""
    from kaohe.ballots import actions as ballot_actions
    from kaohe.ballots import storage
    from kaohe.ballots.codes import new_receipt
    from kaohe.ballots.models import BallotTemplate, SessionKind

    if organiser is None:
        return 0
    units = [
        a.unit
        for a in AssessedUnit.objects.filter(cycle=cycle)
        .exclude(category__name=roster_demo.TOWN)
        .select_related("unit")
        .order_by("unit__code")[:3]
    ]
    plan = [("服务质量评议表", units[:2]), ("重点项目评议表", units[2:3])]
    made = 0
    for form_name, chosen in plan:
        form = BallotTemplate.objects.get(name=form_name)
        item, choices = form.items[0]["name"], form.items[0]["choices"]
        for unit in chosen:
            session = ballot_actions.session_create(
                actor=organiser,
                cycle=cycle,
                spec=ballot_actions.SessionSpec(
                    name=f"{unit.name}{form_name.removesuffix('表')}",
                    targets=[ballot_actions.TargetSpec(template=form, unit=unit)],
                    groups=list(SPECIAL_GROUPS),
                    kind=SessionKind.PAPER,
                ),
            )
            ballot_actions.session_open(actor=organiser, session=session)
            ballots = []
            for rater_group, size in SPECIAL_GROUPS:
                for _ in range(size - rng.randrange(3)):
                    draw = rng.random()
                    pick = choices[0 if draw < 0.55 else 1 if draw < 0.85 else 2 if draw < 0.95 else 3]
                    answers = [(unit.pk, None, form.pk, item, pick, "")]
                    ballots.append(storage.OpenBallot(new_receipt(), rater_group, (), answers))
            storage.ballots_store(session.pk, ballots)
            ballot_actions.session_close(actor=organiser, session=session)
            ballot_actions.session_archive(actor=organiser, session=session)
            made += 1
    return made
