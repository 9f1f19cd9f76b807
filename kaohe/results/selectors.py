"""Reading a cycle's results: runs, results with the committee's decisions applied, pools, notices, seals.

Who may read is decided in the views (``RESULT_READERS``); everything here takes an already checked
cycle. The heavy columns of a run (``inputs``, ``document``) are never loaded by the list queries.
"""

from __future__ import annotations

import datetime
import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from kaohe.anonymity import min_group
from kaohe.ballots.selectors import principal_item_tallies
from kaohe.org.models import Cadre, Unit, without_nul
from kaohe.plans import calendar
from kaohe.plans.models import AssessedCadre, AssessmentCycle
from kaohe.results import canonical, clearance
from kaohe.results.models import (
    ComputeRun,
    Decision,
    DecisionKind,
    DecisionStatus,
    FinalResult,
    Kind,
    Objection,
    PublicNotice,
    Quota,
    QuotaApproval,
    Result,
    ResultVoid,
    Seal,
)
from kaohe.rules.disclosure import OTHER, ItemTally
from kaohe.rules.model import CADRE_GRADES, PENDING, TEAM_GRADES, UNGRADED, AssessmentInput, RuleSettings
from kaohe.workbook.writer import FLAG_LABELS

HEAVY = ("inputs", "document")
EXCELLENT = "优秀"
GRADES = {Kind.CADRE: CADRE_GRADES, Kind.TEAM: TEAM_GRADES}
KIND_LABELS = {Kind.TEAM: "领导班子", Kind.CADRE: "干部"}
VOID_LABEL = "无效，待重新考核"


# --- runs -------------------------------------------------------------------------------------------------


def runs(cycle: AssessmentCycle) -> QuerySet[ComputeRun]:
    return (
        ComputeRun.objects.filter(cycle=cycle).defer(*HEAVY).select_related("created_by").order_by("-version")
    )


def current_run(cycle: AssessmentCycle) -> ComputeRun | None:
    return runs(cycle).first()


def get_run(cycle: AssessmentCycle, version: int) -> ComputeRun:
    return get_object_or_404(runs(cycle), version=version)


def run_document(run: ComputeRun) -> dict[str, Any]:
    """The run's JSON document, keys in the order ``kaohe assess --json`` prints them."""
    blob = ComputeRun.objects.values_list("document", flat=True).get(pk=run.pk)
    return json.loads(zlib.decompress(bytes(blob)))


def run_inputs(run: ComputeRun) -> AssessmentInput:
    blob = ComputeRun.objects.values_list("inputs", flat=True).get(pk=run.pk)
    return canonical.input_from_rows(canonical.unpack(blob))


def run_settings(run: ComputeRun) -> RuleSettings:
    return canonical.settings_from_texts(run.settings)


# --- the state of a cycle's results -----------------------------------------------------------------------


@dataclass
class ResultsState:
    cycle: AssessmentCycle
    run: ComputeRun | None
    seal: Seal | None  # the latest
    pending_voids: list[ResultVoid]

    @property
    def finalised(self) -> bool:
        """The current run is sealed and no void waits for a new run."""
        return (
            self.seal is not None
            and self.run is not None
            and self.seal.run_id == self.run.id
            and not self.pending_voids
        )

    @property
    def voided(self) -> set[tuple[str, str]]:
        return {(kind, code) for void in self.pending_voids for kind, code in void.codes}


def results_state(cycle: AssessmentCycle) -> ResultsState:
    run = current_run(cycle)
    seal = Seal.objects.filter(cycle=cycle).select_related("created_by").order_by("-id").first()
    pending = list(ResultVoid.objects.filter(run=run).select_related("unit", "cadre")) if run else []
    return ResultsState(cycle, run, seal, pending)


def active_decisions(cycle: AssessmentCycle) -> dict[tuple[str, str], Decision]:
    rows = Decision.objects.filter(cycle=cycle, status=DecisionStatus.ACTIVE).select_related("created_by")
    return {(d.kind, d.code): d for d in rows}


def decision_history(cycle: AssessmentCycle) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(cycle=cycle)
        .select_related("created_by", "run")
        .order_by("-created_at", "-id")
    )


def active_approvals(cycle: AssessmentCycle) -> dict[tuple[str, str], QuotaApproval]:
    rows = QuotaApproval.objects.filter(cycle=cycle, status=DecisionStatus.ACTIVE).select_related(
        "created_by"
    )
    return {(a.kind, a.pool): a for a in rows}


def default_grade(kind: str, composite: Decimal | None, settings: RuleSettings) -> str:
    """What a graded target gets when it is not 优秀: 称职/良好, or a score band's grade (rules §6)."""
    if kind == Kind.CADRE:
        lines = ((settings.cadre_unfit_line, "不称职"), (settings.cadre_basic_line, "基本称职"))
        grade = "称职"
    else:
        lines = ((settings.team_poor_line, "较差"), (settings.team_fair_line, "一般"))
        grade = "良好"
    for line, banded in lines:
        if line is not None and composite is not None and composite < line:
            return banded
    return grade


def final_grade(grade: str, decision: Decision | None) -> str:
    return decision.grade if decision is not None else grade


def decision_label(decision: Decision) -> str:
    return "领导小组决定" if decision.decision == DecisionKind.RESOLVE else "人工调整"


# --- pools ------------------------------------------------------------------------------------------------


@dataclass
class PoolState:
    kind: str
    pool: str
    label: str
    size: int
    theoretical: Decimal
    quota: int
    excellent: int  # with the decisions applied
    pending: int
    computed_excellent: int
    approval: QuotaApproval | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[Kind(self.kind)]

    @property
    def over(self) -> int:
        return max(0, self.excellent - self.quota)

    @property
    def approved(self) -> bool:
        return not self.over or (self.approval is not None and self.approval.excellent >= self.excellent)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pool}"


def pool_labels(pools: Iterable[str]) -> dict[str, str]:
    """A unit's code names a cadre pool by 单位: show the unit's name beside it."""
    pools = set(pools)
    names = dict(Unit.objects.filter(code__in=pools).values_list("code", "name"))
    return {pool: f"{names[pool]}（{pool}）" if pool in names else pool for pool in pools}


def pool_states(
    cycle: AssessmentCycle,
    run: ComputeRun,
    *,
    kind: str | None = None,
    pool: str | None = None,
    decisions: dict[tuple[str, str], Decision] | None = None,
) -> list[PoolState]:
    """Every quota pool of ``run`` (or one), its 优秀 and 待定 counted after the active decisions.

    ``decisions``: the cycle's active decisions when the caller has them already.
    """
    quotas = Quota.objects.filter(run=run)
    if kind is not None:
        quotas = quotas.filter(kind=kind)
    if pool is not None:
        quotas = quotas.filter(pool=pool)
    quotas = list(quotas.order_by("kind", "pool"))
    quotas.sort(key=lambda q: (q.kind != Kind.TEAM, q.pool))
    if decisions is None:
        decisions = active_decisions(cycle)
    shift: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    if decisions:
        decided = Result.objects.filter(run=run, code__in={code for _, code in decisions}).values_list(
            "kind", "code", "pool", "grade"
        )
        for r_kind, code, r_pool, grade in decided:
            decision = decisions.get((r_kind, code))
            if decision is None:
                continue
            counts = shift[(r_kind, r_pool)]
            counts[grade] -= 1
            counts[decision.grade] += 1
    approvals = active_approvals(cycle)
    labels = pool_labels(q.pool for q in quotas if q.kind == Kind.CADRE)
    states = []
    for q in quotas:
        counts = shift.get((q.kind, q.pool), Counter())
        states.append(
            PoolState(
                kind=q.kind,
                pool=q.pool,
                label=labels.get(q.pool, q.pool) if q.kind == Kind.CADRE else q.pool,
                size=q.size,
                theoretical=q.theoretical,
                quota=q.quota,
                excellent=q.excellent + counts[EXCELLENT],
                pending=q.pending + counts[PENDING],
                computed_excellent=q.excellent,
                approval=approvals.get((q.kind, q.pool)),
            )
        )
    return states


# --- results of a run, decided ----------------------------------------------------------------------------


@dataclass
class Decided:
    """A result of the current run with the committee's decision (if any) applied."""

    result: Result
    decision: Decision | None
    void: bool
    grade: str = field(init=False)

    def __post_init__(self) -> None:
        self.grade = final_grade(self.result.grade, self.decision)

    @property
    def manual(self) -> bool:
        return self.decision is not None

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS.get(flag, flag) for flag in self.result.flags]


def decided_results(
    cycle: AssessmentCycle, results: Iterable[Result], voided: set[tuple[str, str]]
) -> list[Decided]:
    decisions = active_decisions(cycle)
    return [Decided(r, decisions.get((r.kind, r.code)), (r.kind, r.code) in voided) for r in results]


def pool_results(run: ComputeRun, kind: str, pool: str) -> QuerySet[Result]:
    return Result.objects.filter(run=run, kind=kind, pool=pool).select_related("unit").order_by("position")


def _text(value: Any) -> str:
    return "—" if value is None else str(value)


class ReviewRow(TypedDict):
    """A row of the review table, its text ready for the template: a page shows up to 500.

    A dict, which the template language reads without first trying and failing an item lookup. The
    explanation is not here: the page fetches it on demand (``get_explanation``).
    """

    pk: int
    code: str
    name: str
    unit: str
    composite: Decimal | None
    groups: tuple[tuple[str, Decimal], ...]  # the rater groups' scores that may be shown
    computed: str  # the grade as computed
    grade: str  # with the decision applied
    flags: tuple[str, ...]
    decision: Decision | None
    void: bool
    options: tuple[str, ...]  # what a 待定 may be resolved to
    rank_text: str
    democratic_text: str
    performance_text: str
    composite_text: str
    flag_text: str


REVIEW_FIELDS = (
    "pk",
    "code",
    "name",
    "unit__name",
    "democratic",
    "performance",
    "composite",
    "rank",
    "grade",
    "flags",
)


def review_rows(
    run: ComputeRun,
    kind: str,
    pool: str,
    *,
    decisions: dict[tuple[str, str], Decision],
    voided: set[tuple[str, str]],
) -> list[ReviewRow]:
    """The pool's results in ranking order with the active decisions applied, in one query of plain values."""
    settings = run_settings(run)
    values = (
        Result.objects.filter(run=run, kind=kind, pool=pool).order_by("position").values_list(*REVIEW_FIELDS)
    )
    rows = []
    for pk, code, name, unit, democratic, performance, composite, rank, grade, flags in values:
        decision = decisions.get((kind, code))
        rows.append(
            ReviewRow(
                pk=pk,
                code=code,
                name=name,
                unit=unit,
                composite=composite,
                groups=tuple(shown_groups(democratic).items()),
                computed=grade,
                grade=final_grade(grade, decision),
                flags=tuple(flags),
                decision=decision,
                void=(kind, code) in voided,
                options=(EXCELLENT, default_grade(kind, composite, settings)) if grade == PENDING else (),
                rank_text=_text(rank),
                democratic_text=_text(None if democratic is None else democratic["score"]),
                performance_text=_text(performance),
                composite_text=_text(composite),
                flag_text="、".join(FLAG_LABELS.get(flag, flag) for flag in flags),
            )
        )
    return rows


@dataclass(frozen=True)
class Match:
    """A result a search found, in whichever pool it is."""

    pk: int
    kind: str
    code: str
    name: str
    pool: str
    grade: str

    @property
    def pool_key(self) -> str:
        return f"{self.kind}:{self.pool}"


def matching_results(run: ComputeRun, q: str) -> QuerySet[Result]:
    """``run``'s results whose cadre or team matches ``q`` by name, code or pinyin initials (zsj → 张思佳),
    in every pool: the roster's own search, so a name is found the way it is on the roster's pages."""
    q = without_nul(q)
    if not q:
        return Result.objects.none()
    return Result.objects.filter(run=run).filter(
        Q(kind=Kind.CADRE, cadre__in=Cadre.objects.search(q).values("pk"))
        | Q(kind=Kind.TEAM, unit__in=Unit.objects.search(q).values("pk"))
        | Q(name__contains=q)
        | Q(code__iexact=q)
    )


def search_matches(run: ComputeRun, q: str, *, limit: int = 50) -> tuple[list[Match], int]:
    """The first ``limit`` matches across all pools, teams first, in ranking order; and how many in all."""
    found = matching_results(run, q)
    fields = ("pk", "kind", "code", "name", "pool", "grade")
    first = [Match(*row) for row in found.order_by("position").values_list(*fields)[:limit]]
    first.sort(key=lambda m: m.kind != Kind.TEAM)
    return first, found.count() if len(first) == limit else len(first)


def principal_items(
    cycle: AssessmentCycle, run: ComputeRun, kind: str, pool: str
) -> dict[str, list[ItemTally]]:
    """The principal's own items (抓班子带队伍、执行民主集中制、发挥表率作用) of a pool's cadres, by code, under the k
    rule (ballots.selectors); none in a team pool. One query for any pool."""
    members = Result.objects.filter(run=run, kind=kind, pool=pool, cadre__isnull=False).values("cadre_id")
    return principal_item_tallies(cycle, members)


def get_explanation(run: ComputeRun, pk: int) -> Result:
    """A result of ``run`` with only what its explanation needs; 404 for another run's."""
    return get_object_or_404(
        Result.objects.only("pk", "kind", "code", "name", "pool", "explanation"), run=run, pk=pk
    )


def get_result(run: ComputeRun, pk: int) -> Result:
    return get_object_or_404(Result.objects.select_related("unit", "cadre"), run=run, pk=pk)


def get_result_by_code(run: ComputeRun, kind: str, code: str) -> Result:
    """A result of ``run`` by its target (as the API names it); 404 for a target not in the run."""
    return get_object_or_404(Result.objects.select_related("unit", "cadre"), run=run, kind=kind, code=code)


def get_decision(cycle: AssessmentCycle, pk: int) -> Decision:
    return get_object_or_404(Decision.objects.select_related("run", "created_by"), cycle=cycle, pk=pk)


def unresolved(cycle: AssessmentCycle, run: ComputeRun) -> list[tuple[str, str, str, str]]:
    """(kind, pool, code, name) of every 待定 without an active decision."""
    decided = set(active_decisions(cycle))
    rows = Result.objects.filter(run=run, grade=PENDING).values_list("kind", "pool", "code", "name")
    return [row for row in rows.order_by("kind", "pool", "position") if (row[0], row[2]) not in decided]


def proposed_excellent(cycle: AssessmentCycle, run: ComputeRun) -> list[dict[str, Any]]:
    """The proposed 优秀 list: computed 优秀 without a contrary decision, and those a decision made 优秀."""
    decisions = active_decisions(cycle)
    decided_codes = {code for _, code in decisions}
    rows = Result.objects.filter(run=run).filter(grade=EXCELLENT) | Result.objects.filter(
        run=run, code__in=decided_codes
    )
    # Each cadre's post in the same query: a province proposes 10,000, too many to look up by their codes.
    post = AssessedCadre.objects.filter(cycle=cycle, cadre=OuterRef("cadre")).values("post")[:1]
    found = []
    for kind, code, name, unit_code, unit_name, pool, grade, cadre_post in (
        rows.annotate(post=Subquery(post))
        .order_by("position")
        .values_list("kind", "code", "name", "unit__code", "unit__name", "pool", "grade", "post")
    ):
        decision = decisions.get((kind, code))
        if final_grade(grade, decision) != EXCELLENT:
            continue
        entry = {
            "kind": kind,
            "code": code,
            "name": name,
            "unit": unit_code,
            "unit_name": unit_name,
            "pool": pool,
            "manual": decision is not None,
        }
        found.append(entry if kind != Kind.CADRE else {**entry, "post": cadre_post or ""})
    return found


def with_posts(cycle: AssessmentCycle, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of a 优秀 list with each cadre's post that year (``post``), as the 公示 shows them; notices
    published before the post was recorded get it from the cycle's roster."""
    missing = [e["code"] for e in entries if e["kind"] == Kind.CADRE and "post" not in e]
    posts = dict(
        AssessedCadre.objects.filter(cycle=cycle, cadre__code__in=missing).values_list("cadre__code", "post")
    )
    return [
        e if e["kind"] != Kind.CADRE or "post" in e else {**e, "post": posts.get(e["code"], "")}
        for e in entries
    ]


def grading_problems(cycle: AssessmentCycle, state: ResultsState) -> list[str]:
    """What stops publishing and finalising: no run, voids waiting, 待定 left, quotas exceeded unapproved."""
    run = state.run
    if run is None:
        return ["尚未计算考核结果"]
    problems = []
    if state.pending_voids:
        names = "、".join(str(v.cadre or v.unit or "全部结果") for v in state.pending_voids)
        problems.append(f"{names}的考核结果已宣布无效，须重新计算后才能公示或定档")
    by_pool: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, pool, _code, name in unresolved(cycle, run):
        by_pool[(kind, pool)].append(name)
    labels = pool_labels(pool for kind, pool in by_pool if kind == Kind.CADRE)
    for (kind, pool), names in by_pool.items():
        label = labels.get(pool, pool)
        problems.append(
            f"名额池「{label}」（{KIND_LABELS[Kind(kind)]}）仍有待定 {len(names)} 个：{'、'.join(names)}，须由领导小组决定"
        )
    for p in pool_states(cycle, run):
        if not p.approved:
            problems.append(
                f"名额池「{p.label}」（{p.kind_label}）优秀 {p.excellent} 个，超过优秀名额 {p.quota} 个"
                f"（理论名额 {p.theoretical}），未经领导小组批准超额"
            )
    problems += clearance.problems(cycle, lambda: proposed_excellent(cycle, run))
    return problems


# --- 公示 and seals ---------------------------------------------------------------------------------------


def latest_notice(cycle: AssessmentCycle, run: ComputeRun | None = None) -> PublicNotice | None:
    notices = PublicNotice.objects.filter(cycle=cycle).select_related("run", "created_by")
    if run is not None:
        notices = notices.filter(run=run)
    return notices.order_by("-created_at", "-id").first()


def notices(cycle: AssessmentCycle) -> QuerySet[PublicNotice]:
    return (
        PublicNotice.objects.filter(cycle=cycle)
        .select_related("run", "created_by")
        .order_by("-created_at", "-id")
    )


def get_notice(cycle: AssessmentCycle, pk: int) -> PublicNotice:
    return get_object_or_404(PublicNotice.objects.select_related("run"), cycle=cycle, pk=pk)


def get_objection(cycle: AssessmentCycle, pk: int) -> Objection:
    return get_object_or_404(
        Objection.objects.select_related("notice__cycle", "handled_by"), notice__cycle=cycle, pk=pk
    )


def notice_end(notice: PublicNotice) -> datetime.date:
    """The last day of a 公示 on today's calendar: a holiday recorded after publishing lengthens the
    period, never shortens it."""
    return max(notice.ends_on, calendar.working_days_end(notice.starts_on, notice.working_days))


def final_results(seal: Seal) -> QuerySet[FinalResult]:
    return (
        FinalResult.objects.filter(seal=seal)
        .select_related("unit", "cadre")
        .order_by("kind", "pool", "rank", "code")
    )


def voids(cycle: AssessmentCycle) -> QuerySet[ResultVoid]:
    return ResultVoid.objects.filter(cycle=cycle).select_related("run", "seal", "unit", "cadre", "created_by")


def voided_in(run: ComputeRun) -> set[tuple[str, str]]:
    """Targets whose result of ``run`` was declared 无效."""
    return {
        (kind, code)
        for codes in ResultVoid.objects.filter(run=run).values_list("codes", flat=True)
        for kind, code in codes
    }


# --- comparing runs ---------------------------------------------------------------------------------------

COMPARED = (
    "kind",
    "code",
    "name",
    "pool",
    "democratic",
    "performance",
    "composite",
    "rank",
    "grade",
    "flags",
)


@dataclass
class Move:
    kind: str
    code: str
    name: str
    pool: str
    old_grade: str | None
    new_grade: str | None
    old_rank: int | None
    new_rank: int | None
    reasons: list[str]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[Kind(self.kind)]


def _score(value: Any) -> str:
    return "—" if value is None else str(value)


def _democratic(value: dict[str, Any] | None) -> str | None:
    return None if value is None else value["score"]


def compare_runs(old: ComputeRun, new: ComputeRun) -> list[Move]:
    """Who moved from ``old`` to ``new`` (grade or rank changed, added or gone), and which inputs changed."""
    before = {(r["kind"], r["code"]): r for r in Result.objects.filter(run=old).values(*COMPARED)}
    after = {(r["kind"], r["code"]): r for r in Result.objects.filter(run=new).values(*COMPARED, "position")}
    moves = []
    for key, b in before.items():
        if key not in after:
            moves.append(
                Move(*key, b["name"], b["pool"], b["grade"], None, b["rank"], None, ["不在新的计算结果中"])
            )
    for key, a in sorted(after.items(), key=lambda item: item[1]["position"]):
        b = before.get(key)
        if b is None:
            moves.append(
                Move(*key, a["name"], a["pool"], None, a["grade"], None, a["rank"], ["新增的考核对象"])
            )
            continue
        if a["grade"] == b["grade"] and a["rank"] == b["rank"]:
            continue
        reasons = []
        if a["pool"] != b["pool"]:
            reasons.append(f"名额池 {b['pool']} → {a['pool']}")
        for label, old_value, new_value in (
            ("民主测评", _democratic(b["democratic"]), _democratic(a["democratic"])),
            ("实绩", b["performance"], a["performance"]),
            ("综合得分", b["composite"], a["composite"]),
        ):
            if old_value != new_value:
                reasons.append(f"{label} {_score(old_value)} → {_score(new_value)}")
        added = [FLAG_LABELS.get(f, f) for f in a["flags"] if f not in b["flags"]]
        gone = [FLAG_LABELS.get(f, f) for f in b["flags"] if f not in a["flags"]]
        if added:
            reasons.append("新增标记：" + "、".join(added))
        if gone:
            reasons.append("去掉标记：" + "、".join(gone))
        if not reasons:
            reasons.append("本人各项得分未变，名额池内其他对象的得分或名额有变化")
        moves.append(Move(*key, a["name"], a["pool"], b["grade"], a["grade"], b["rank"], a["rank"], reasons))
    return moves


# --- charts -----------------------------------------------------------------------------------------------


def shown_groups(democratic: dict[str, Any] | None) -> dict[str, Decimal]:
    """The rater groups' scores as a result row holds them: already under the k rule (small groups merged
    into 其他 when the run was stored, rules/disclosure.py). A row with any group under k — stored before
    the rule, or k raised since — shows no group at all rather than some."""
    if not democratic:
        return {}
    groups = democratic["groups"]
    if any(values["valid"] < min_group() for values in groups.values()):
        return {}
    return {group: Decimal(values["score"]) for group, values in groups.items()}


def merged_groups(democratic: dict[str, Any] | None) -> list[str]:
    """The rater groups merged into 其他 in a result row (names only)."""
    other = (democratic or {}).get("groups", {}).get(OTHER) or {}
    return list(other.get("members", []))


GRADES_ALL = (*CADRE_GRADES, *TEAM_GRADES[1:], UNGRADED, PENDING)


# --- the seal: what stops it, and what it covers ---------------------------------------------------------

FINALISED_MESSAGE = "本年度考核结果已定档封存；如需重新考核，请先宣布有关结果无效"


def finalisation_problems(cycle: AssessmentCycle, state: ResultsState, today: datetime.date) -> list[str]:
    """Everything that stops finalising, each naming what and the numbers; empty when it may go ahead."""
    if state.finalised:
        return [FINALISED_MESSAGE]
    problems = grading_problems(cycle, state)
    if state.run is None:
        return problems
    notice = latest_notice(cycle, state.run)
    if notice is None:
        problems.append(f"第{state.run.version}次计算的拟定优秀名单尚未公示")
        return problems
    ends_on = notice_end(notice)
    if today <= ends_on:
        problems.append(
            f"公示期至 {ends_on} 结束，尚未期满（{notice.working_days} 个工作日），{ends_on} 之后才能定档"
        )
    open_objections = notice.objections.filter(handled_at__isnull=True).count()
    if open_objections:
        problems.append(f"公示期间收到的反映还有 {open_objections} 条尚未处理")
    published = [(e["kind"], e["code"]) for e in notice.excellent]
    proposed = [(e["kind"], e["code"]) for e in proposed_excellent(cycle, state.run)]
    if set(published) != set(proposed):
        problems.append("公示后拟定优秀名单有变化（领导小组的决定有改动），请重新公示")
    return problems


def final_rows(cycle: AssessmentCycle, run: ComputeRun) -> list[dict[str, Any]]:
    """The current run's results with the active decisions applied: what a seal covers."""
    decisions = active_decisions(cycle)
    rows = []
    for r in Result.objects.filter(run=run).order_by("position").values(
        "id", "kind", "code", "name", "unit_id", "unit__code", "cadre_id", "pool", "composite", "rank",
        "pool_size", "grade", "flags", "explanation",
    ):  # fmt: skip
        decision = decisions.get((r["kind"], r["code"]))
        rows.append(
            {
                "result_id": r["id"],
                "unit_id": r["unit_id"],
                "cadre_id": r["cadre_id"],
                "kind": r["kind"],
                "code": r["code"],
                "name": r["name"],
                "unit": r["unit__code"],
                "pool": r["pool"],
                "composite": None if r["composite"] is None else f"{r['composite']:.2f}",
                "rank": r["rank"],
                "pool_size": r["pool_size"],
                "grade": final_grade(r["grade"], decision),
                "computed_grade": r["grade"],
                "flags": r["flags"],
                "manual": decision is not None,
                "manual_reason": ""
                if decision is None
                else f"{decision_label(decision)}：{decision.reason}".rstrip("："),
                "explanation": r["explanation"],
            }
        )
    return rows
