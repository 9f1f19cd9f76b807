"""`kaohe demo` loads a whole year: a finalised 2024 and a 2025 in 评定 with something for every account.

The city demo takes several seconds to load, so it is loaded once for the module, in a transaction that is
rolled back at the end; each test runs inside it.
"""

import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.audit.actions import audit_verify
from kaohe.audit.models import AuditEntry
from kaohe.ballots.models import EvaluationSession, SessionKind, SessionStatus
from kaohe.org.models import Cadre, Unit
from kaohe.performance.models import (
    Adjustment,
    AdjustmentStatus,
    IndicatorScore,
    LeaderRating,
    PriorGrade,
    Sanction,
    SelfEvaluation,
    Verification,
    Veto,
)
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, Indicator, Phase, Target
from kaohe.results import canonical
from kaohe.results.inputs import cycle_assessment_input, missing_indicator_scores
from kaohe.results.models import ComputeRun, FinalResult, Result, Seal
from kaohe.results.selectors import run_document
from kaohe.results.verification import results_verify
from kaohe.rules import assess, assessment_document
from kaohe.surveys.models import PublicSurvey, SurveyResponse


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def cycle(year: int) -> AssessmentCycle:
    return AssessmentCycle.objects.get(year=year)


# ------------------------------------------------------------ 2025


def test_the_2025_cycle_is_in_evaluation_with_every_unit_and_cadre_enrolled(demo):
    current = cycle(2025)
    assert current.phase == Phase.EVALUATION
    assert current.implementation_date and current.evaluation_date
    assert AssessedUnit.objects.filter(cycle=current).count() == Unit.objects.count()
    assert AssessedCadre.objects.filter(cycle=current).count() == Cadre.objects.count()
    assert 1 <= AssessedUnit.objects.filter(cycle=current, advanced=True).count() <= 6
    assert current.plan.settings["rater_group_weights"] == "上级=30,同级=30,下级=40"
    assert "2025年度考核处于评定阶段" in demo


def test_each_category_has_five_to_eight_indicators_weighing_one_hundred(demo):
    indicators = Indicator.objects.filter(cycle=cycle(2025))
    categories = {a.category_id for a in AssessedUnit.objects.filter(cycle=cycle(2025))}
    for category in categories:
        system = indicators.filter(category_id=category)
        assert 5 <= system.count() <= 8
        assert system.aggregate(total=Sum("weight"))["total"] == Decimal(100)
        assert not system.filter(department__isnull=True).exists()
        assert not system.filter(method="").exists()


def test_the_towns_have_targets_and_public_surveys_with_answers(demo):
    current = cycle(2025)
    towns = AssessedUnit.objects.filter(cycle=current, category__name="乡镇街道")
    assert Target.objects.filter(cycle=current, unit__in=towns.values("unit")).count() >= towns.count() * 4
    surveys = PublicSurvey.objects.filter(cycle=current)
    assert surveys.count() == towns.count()
    assert SurveyResponse.objects.filter(survey__in=surveys).count() >= 40 * towns.count()


def test_inputs_are_mostly_there_with_gaps_for_each_account_to_fill(demo):
    current = cycle(2025)
    units = Unit.objects.count()
    evaluated = SelfEvaluation.objects.filter(cycle=current).values("unit").distinct().count()
    assert units - 8 <= evaluated < units
    liaison = User.objects.get(username="demo-liaison")
    own = SelfEvaluation.objects.filter(cycle=current, unit=liaison.unit).count()
    system = Indicator.objects.filter(cycle=current, category__name="乡镇街道").count()
    assert 0 < own < system
    clerk = User.objects.get(username="demo-clerk")
    owned = Indicator.objects.filter(cycle=current, department=clerk.department)
    scored = IndicatorScore.objects.filter(cycle=current, indicator__in=owned).count()
    wanted = sum(AssessedUnit.objects.filter(cycle=current, category=i.category).count() for i in owned)
    assert 0 < scored < wanted
    assert Verification.objects.filter(cycle=current).exclude(reason="").count() > 100
    rated = LeaderRating.objects.filter(cycle=current, leader__username="demo-leader").count()
    assert 0 < rated < units
    # Every gap in the department scores is covered by a verified score, so the results can be computed.
    assert missing_indicator_scores(cycle_assessment_input(current)) == []


def test_the_organiser_has_adjustments_a_veto_sanctions_and_marks_on_cadres(demo):
    current = cycle(2025)
    statuses = Counter(Adjustment.objects.filter(cycle=current).values_list("status", flat=True))
    assert statuses[AdjustmentStatus.APPROVED] >= 3
    assert statuses[AdjustmentStatus.PROPOSED] == 1
    assert Veto.objects.filter(cycle=current).count() == 1
    assert Sanction.objects.filter(year=2025).count() == 2
    marks = AssessedCadre.objects.filter(cycle=current)
    assert marks.filter(probation=True).count() == 2
    assert marks.filter(investigation=True).count() == 1
    assert marks.exclude(priority="").count() == 2
    assert not marks.filter(regular__isnull=True).exists()


def test_every_unit_held_a_sealed_evaluation_session(demo):
    # Besides the three further sittings kaohe.integrity.demo plants for the integrity page.
    sessions = (
        EvaluationSession.objects.filter(cycle=cycle(2025))
        .exclude(name__endswith="（补充测评）")
        .exclude(name__endswith="一报告两评议")
        .exclude(name__endswith="评议")  # the 专项评议 (服务质量评议, 重点项目评议)
    )
    assert sessions.count() == Unit.objects.count()
    assert set(sessions.values_list("status", flat=True)) == {SessionStatus.SEALED}
    assert sessions.filter(kind=SessionKind.ONLINE).count() == Unit.objects.count() - 1
    assert all(len(s.seal) == 64 for s in sessions)
    groups = set(sessions.first().ballots.values_list("rater_group", flat=True))
    assert groups == {"上级", "同级", "下级"}


def test_the_compute_run_has_a_tie_for_the_committee_and_the_over_limit_ballots_are_invalid(demo):
    run = ComputeRun.objects.get(cycle=cycle(2025))
    results = Result.objects.filter(run=run)
    assert results.filter(kind="team").count() == Unit.objects.count()
    pending = list(results.filter(grade="待定"))
    assert len(pending) >= 2
    assert all("tie" in r.flags for r in pending)
    by_pool: dict[str, set] = {}
    for r in pending:
        by_pool.setdefault(r.pool, set()).add(r.composite)
    assert all(len(composites) == 1 for composites in by_pool.values())  # each a tie at its quota line
    grades = Counter(results.filter(kind="cadre").values_list("grade", flat=True))
    assert grades["称职"] > grades["优秀"] > 0
    document = run_document(run)
    assert len(document["invalid_ballots"]) == 2
    assert all("每票优秀上限" in b["reason"] for b in document["invalid_ballots"])
    flags = Counter(f for r in results for f in r.flags)
    assert flags["veto"] and flags["sanction"] and flags["probation"] and flags["priority"]


def test_the_2025_run_is_what_the_engine_gives_on_the_data_the_demo_leaves(demo):
    """The run is computed after the year's records, whose quarterly grades make the 平时考核 it reads."""
    current = cycle(2025)
    run = ComputeRun.objects.get(cycle=current)
    rows = canonical.input_rows(cycle_assessment_input(current))
    assert canonical.input_digest(rows, run.input_digest_algorithm) == run.input_digest
    assert assessment_document(assess(canonical.input_from_rows(rows))) == run_document(run)


def test_the_2024_notice_starts_after_its_run(demo):
    notice = Seal.objects.get(cycle=cycle(2024)).notice
    assert notice.starts_on >= timezone.localdate(notice.run.created_at)


# ------------------------------------------------------------ 2024 and earlier years


def test_the_2024_cycle_is_finalised_and_its_seal_verifies(demo):
    previous = cycle(2024)
    assert previous.phase == Phase.COMPLETED
    seal = Seal.objects.get(cycle=previous)
    assert FinalResult.objects.filter(seal=seal).count() == Result.objects.filter(run=seal.run).count()
    assert results_verify(previous) == []
    assert EvaluationSession.objects.get(cycle=previous).status == SessionStatus.SEALED
    assert seal.notice.objections.filter(handled_at__isnull=False).exists()


def test_earlier_grades_give_the_2024_results_their_flags(demo):
    assert PriorGrade.objects.filter(year__in=(2022, 2023)).count() >= 10
    finals = FinalResult.objects.filter(cycle=cycle(2024))
    flags = Counter(f for r in finals for f in r.flags)
    assert flags["third_class_merit"] >= 1
    assert flags["dismissal"] == 1
    assert flags["leader_review"] >= 1


def test_the_audit_chain_holds_and_records_the_load(demo):
    assert AuditEntry.objects.filter(action="demo.load").count() == 1
    assert AuditEntry.objects.filter(action="demo.cycles_load").count() == 1
    assert AuditEntry.objects.filter(action="result.seal").count() == 1
    assert audit_verify() is None


# ------------------------------------------------------------ each account's landing page


LANDINGS = [
    ("demo-organiser", "/cycles/2025/", "评定"),
    ("demo-organiser", "/cycles/2025/progress/", "东城区"),
    ("demo-organiser", "/cycles/2025/adjustments/", "待审批"),
    ("demo-committee", "/cycles/2025/results/review/", "待定"),
    ("demo-committee", "/cycles/2024/results/", "2024"),
    ("demo-assessor", "/inputs/", "/cycles/2025/verification/"),
    ("demo-assessor", "/cycles/2025/verification/", "街道"),
    ("demo-clerk", "/inputs/", "市发改委"),
    ("demo-clerk", "/cycles/2025/scores/", "项目建设"),
    ("demo-liaison", "/inputs/", "松岭街道"),
    ("demo-liaison", "/cycles/2025/self-evaluation/", "经济发展"),
    ("demo-leader", "/inputs/", "2025年度考核"),
    ("demo-leader", "/cycles/2025/ratings/", "街道"),
    ("demo-cadre", "/results/mine/", "2024"),
]


@pytest.mark.parametrize(("username", "url", "text"), LANDINGS)
def test_each_demo_account_finds_real_content(demo, client, username, url, text):
    client.force_login(User.objects.get(username=username))
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


# ------------------------------------------------------------ each account's to-do on its home page

TODO_ACCOUNTS = [  # (account, an item its home must list: the item's key and a words of its label)
    ("demo-organiser", "results-blocked", "定档前尚需处理的事项"),
    ("demo-committee", "results-pending", "待定结果须领导小组决定"),
    ("demo-clerk", "inputs-clerk", "本部门尚未评分齐全的单位"),
    ("demo-liaison", "inputs-liaison", "本单位自评尚未填写的指标"),
    ("demo-liaison", "results-acknowledge-2024", "领导班子考核结果已确定"),
    ("demo-assessor", "inputs-assessor", "尚待现场核验的指标得分"),
    ("demo-assessor", "interviews", "个别谈话尚缺"),
    ("demo-leader", "inputs-leader", "尚未评价的单位"),
    ("demo-cadre", "results-acknowledge-2024", "本人考核结果已确定"),
    ("demo-jijian", "results-clearance", "征求党风廉政意见"),
]


@pytest.mark.parametrize(("username", "key", "label"), TODO_ACCOUNTS)
def test_each_demo_account_has_a_truthful_to_do_whose_links_work(demo, client, username, key, label):
    client.force_login(User.objects.get(username=username))
    page = client.get("/").content.decode()
    assert f'id="todo-{key}"' in page and label in page and 'id="todo-empty"' not in page
    links = re.findall(r'<li class="list-group-item[^"]*" id="todo-[^"]+">.*?<a href="([^"]+)"', page, re.S)
    assert links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_committee_is_told_how_many_await_it(demo, client):
    from kaohe.results.selectors import unresolved

    run = ComputeRun.objects.get(cycle=cycle(2025))
    client.force_login(User.objects.get(username="demo-committee"))
    page = client.get("/").content.decode()
    pending = len(unresolved(cycle(2025), run))
    assert pending > 0 and f'id="todo-results-pending-count">{pending}<' in page


def test_the_cadres_home_shows_no_roster_figures_and_the_sealed_result_to_acknowledge(demo, client):
    client.force_login(User.objects.get(username="demo-cadre"))
    page = client.get("/").content.decode()
    assert "stat-value" not in page and "单位类别" not in page  # no "0 单位 / 1 干部" over an empty table
    assert "公示结束、正式确定后" not in page  # 2024 is sealed: the result is there to see
    final = FinalResult.objects.get(cycle=cycle(2024), cadre=User.objects.get(username="demo-cadre").cadre)
    assert f"等次：{final.grade}" in page


def test_the_committee_resolves_the_tie_from_the_review_page(demo, client):
    from kaohe.results.models import Decision
    from kaohe.results.selectors import unresolved

    current = cycle(2025)
    run = ComputeRun.objects.get(cycle=current)
    pending = list(Result.objects.filter(run=run, grade="待定").order_by("pool", "code"))
    client.force_login(User.objects.get(username="demo-committee"))
    pools_seen: set[str] = set()
    for result in pending:
        grade = "称职" if result.pool in pools_seen else "优秀"
        pools_seen.add(result.pool)
        response = client.post(
            f"/cycles/2025/results/runs/{run.version}/{result.pk}/decide/",
            {"decision": "resolve", "grade": grade, "reason": "经领导小组会议研究决定。"},
        )
        assert response.status_code == 302
    assert Decision.objects.filter(cycle=current, status="active").count() == len(pending)
    assert list(unresolved(current, run)) == []


def test_targets_agreed_up_and_down_some_agreed_some_returned_some_late(demo):
    from kaohe.plans.models import TargetAgreement, TargetMode, TargetStep

    current = cycle(2025)
    assert current.plan.target_mode == TargetMode.AGREED and current.plan.targets_due is not None
    statuses = list(TargetAgreement.objects.filter(cycle=current).values_list("status", flat=True))
    assert statuses.count("returned") == 3 and statuses.count("agreed") >= Unit.objects.count() - 7
    assert len(statuses) == Unit.objects.count() - 3  # three units never proposed: late
    liaison = User.objects.get(username="demo-liaison")
    own = TargetAgreement.objects.get(cycle=current, unit=liaison.unit)
    assert (own.status, own.round) == ("agreed", 2)
    steps = TargetStep.objects.filter(agreement=own).order_by("at", "id")
    assert [s.kind for s in steps] == ["propose", "return", "propose", "concur", "agree"]
    assert steps[2].changes and steps[1].role == "clerk"
