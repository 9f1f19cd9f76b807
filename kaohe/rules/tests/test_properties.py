"""Invariants of the rules, checked on many small random assessments (hypothesis)."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kaohe.rules import assess, assessment_document
from kaohe.rules.arithmetic import round_count
from kaohe.rules.model import (
    CADRE_GRADES,
    TEAM_GRADES,
    Adjustment,
    AdjustmentKind,
    AssessmentInput,
    Cadre,
    CadrePool,
    Kind,
    Mark,
    PriorGrade,
    PriorityMode,
    Rounding,
    RuleSettings,
    Sanction,
    TieHandling,
    Unit,
)

GROUPS = ("上级", "同级", "下级")
SCORES = [Decimal(s) for s in ("70", "80", "85", "85", "90", "95", "95", "100")]


@st.composite
def worlds(draw: st.DrawFn) -> AssessmentInput:
    rules = RuleSettings(
        year=2025,
        cadre_excellent_ratio=draw(st.sampled_from([Decimal("0.2"), Decimal("0.3"), Decimal("0.5")])),
        team_excellent_ratio=draw(st.sampled_from([Decimal("0.2"), Decimal("0.5")])),
        quota_rounding=draw(st.sampled_from(list(Rounding))),
        cadre_pool=draw(st.sampled_from(list(CadrePool))),
        tie_handling=draw(st.sampled_from(list(TieHandling))),
        priority_mode=draw(st.sampled_from(list(PriorityMode))),
    )
    units = []
    cadres = []
    for u in range(draw(st.integers(1, 3))):
        code = f"DW{u}"
        units.append(
            Unit(
                code,
                f"单位{u}",
                draw(st.sampled_from(["乡镇", "部门"])),
                advanced=draw(st.booleans()),
                indicator_score=draw(st.none() | st.sampled_from(SCORES)),
                veto=draw(st.sampled_from([None, None, None, "安全"])),
            )
        )
        for c in range(draw(st.integers(0, 6))):
            cadres.append(
                Cadre(
                    f"GB{u}{c}",
                    f"干部{u}{c}",
                    code,
                    principal=c == 0,
                    regular=draw(st.none() | st.sampled_from(SCORES)),
                    probation=draw(st.integers(0, 9)) == 0,
                    priority=draw(st.sampled_from([None, None, "抗洪"])),
                )
            )
    sanctions = [
        Sanction(c.code, draw(st.sampled_from(["政务警告", "政务记过", "撤销党内职务"])), 2025)
        for c in cadres
        if draw(st.integers(0, 9)) == 0
    ]
    codes = [u.code for u in units] + [c.code for c in cadres]
    adjustments = [
        Adjustment(
            code, draw(st.sampled_from(list(AdjustmentKind))), draw(st.sampled_from(SCORES[:2])) / 10, reason
        )
        for code in codes
        for reason in draw(st.lists(st.sampled_from(["创新", "督查", "表彰"]), max_size=2))
    ]
    prior_grades = [
        PriorGrade(c.code, year, draw(st.sampled_from(CADRE_GRADES)))
        for c in cadres
        for year in (2023, 2024)
        if draw(st.booleans())
    ]
    targets = [(u.code, TEAM_GRADES) for u in units] + [(c.code, CADRE_GRADES) for c in cadres]
    marks = []
    for b in range(draw(st.integers(0, 12))):
        group = draw(st.sampled_from(GROUPS))
        for code, scale in targets:
            if draw(st.booleans()):
                marks.append(Mark(f"P{b:03d}", group, code, draw(st.sampled_from(scale))))
    return AssessmentInput(
        rules,
        units,
        cadres,
        sanctions=sanctions,
        adjustments=adjustments,
        marks=marks,
        prior_grades=prior_grades,
    )


quick = settings(max_examples=50, deadline=None)


@quick
@given(worlds())
def test_excellent_never_exceeds_the_quota_unless_over_quota_is_allowed(world: AssessmentInput) -> None:
    a = assess(world)
    excellent: dict[tuple[str, str], int] = defaultdict(int)
    within: dict[tuple[str, str], int] = defaultdict(int)
    for r in a.results:
        if r.grade == "优秀":
            excellent[(r.kind, r.pool)] += 1
            within[(r.kind, r.pool)] += "over_quota" not in r.flags
    for pool in a.quotas:
        key = (pool.kind, pool.pool)
        assert pool.excellent == excellent[key]
        assert within[key] <= pool.quota
        if world.settings.tie_handling is TieHandling.COMMITTEE:
            assert excellent[key] <= pool.quota


@quick
@given(worlds(), st.randoms(use_true_random=False))
def test_row_order_never_changes_a_result(world: AssessmentInput, rnd: random.Random) -> None:
    shuffled = AssessmentInput(
        world.settings,
        rnd.sample(world.units, len(world.units)),
        rnd.sample(world.cadres, len(world.cadres)),
        sanctions=rnd.sample(world.sanctions, len(world.sanctions)),
        adjustments=rnd.sample(world.adjustments, len(world.adjustments)),
        marks=rnd.sample(world.marks, len(world.marks)),
        prior_grades=rnd.sample(world.prior_grades, len(world.prior_grades)),
    )
    before = json.dumps(assessment_document(assess(world)), ensure_ascii=False)
    after = json.dumps(assessment_document(assess(shuffled)), ensure_ascii=False)
    assert before == after


@quick
@given(worlds())
def test_an_ungraded_target_never_counts_in_a_quota(world: AssessmentInput) -> None:
    a = assess(world)
    ranked: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    advanced = {u.code for u in world.units if u.advanced}
    for r in a.results:
        if r.grade == "不定等次":
            assert r.rank is None
        if r.rank is not None:
            s = world.settings
            if r.kind is Kind.TEAM:
                ratio = s.team_excellent_ratio
            else:
                ratio = s.cadre_excellent_ratio_advanced if r.unit in advanced else s.cadre_excellent_ratio
            ranked[(r.kind, r.pool)].append(ratio)
    for pool in a.quotas:
        ratios = ranked[(pool.kind, pool.pool)]
        assert pool.size == len(ratios)
        assert pool.theoretical == sum(ratios, Decimal(0))


@quick
@given(worlds(), st.sampled_from(GROUPS))
def test_an_all_excellent_ballot_never_lowers_a_democratic_score(world: AssessmentInput, group: str) -> None:
    before = {r.code: r.democratic for r in assess(world).results}
    extra = [Mark("PNEW", group, u.code, "优秀") for u in world.units]
    extra += [Mark("PNEW", group, c.code, "优秀") for c in world.cadres]
    after = assess(
        AssessmentInput(
            world.settings, world.units, world.cadres, sanctions=world.sanctions, marks=world.marks + extra
        )
    )
    for r in after.results:
        old = before[r.code]
        assert r.democratic is not None
        if old is not None:
            assert r.democratic.score >= old.score


@quick
@given(worlds(), st.sampled_from([Decimal(0), Decimal("0.1"), Decimal("0.25"), Decimal("0.5"), Decimal(1)]))
def test_bottom_rank_changes_nothing_else_and_flags_exactly_those_with_fewer_below(
    world: AssessmentInput, ratio: Decimal
) -> None:
    s = world.settings
    plain = assess(world)
    flagged = assess(
        AssessmentInput(
            replace(s, bottom_ratio=ratio),
            world.units,
            world.cadres,
            sanctions=world.sanctions,
            adjustments=world.adjustments,
            marks=world.marks,
            prior_grades=world.prior_grades,
        )
    )
    composites: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for r in flagged.results:
        if r.rank is not None:
            assert r.composite is not None
            composites[(r.kind, r.pool)].append(r.composite)
    for before, after in zip(plain.results, flagged.results, strict=True):
        assert (after.code, after.grade, after.rank) == (before.code, before.grade, before.rank)
        assert [f for f in after.flags if f != "bottom_rank"] == before.flags
        if after.rank is None:
            assert "bottom_rank" not in after.flags
            continue
        pool = composites[(after.kind, after.pool)]
        places = round_count(len(pool) * ratio, s.quota_rounding)
        lower = sum(1 for c in pool if after.composite is not None and c < after.composite)
        assert ("bottom_rank" in after.flags) == (lower < places)
