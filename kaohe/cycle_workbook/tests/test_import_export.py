"""Cycle import and export: `kaohe cycle import|export`, and the write functions behind them.

The key property: `kaohe assess` on the export gives exactly the JSON of `kaohe assess` on the original.
"""

import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.ballots import storage
from kaohe.ballots.models import Ballot, EvaluationSession, Mark, SessionKind
from kaohe.cycle_workbook import actions as cycle_workbook
from kaohe.cycle_workbook import export
from kaohe.org.models import Cadre, LeadershipTeam, Position, Unit, UnitCategory
from kaohe.performance.models import (
    Adjustment,
    AdjustmentStatus,
    IndicatorScore,
    PriorGrade,
    Sanction,
    Verification,
    Veto,
)
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentPlan, Indicator, Phase
from kaohe.results.management.commands.assess import Command as Assess
from kaohe.surveys.models import PublicSurvey, SurveyResponse
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.tests.books import small, with_rows, xlsx
from kaohe.workbook.tests.generated import generated_book
from kaohe.workbook.tests.test_worked_examples import example_4, public_examples


def save(sheets, path):
    path.write_bytes(xlsx(sheets).getvalue())
    return path


def run(*args):
    """Runs `kaohe …`; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def assess_json(path):
    status, out, err = run(Assess(), str(path), "--json")
    assert status == 0, err
    return json.loads(out)


def round_trip(sheets, tmp_path, year=2025):
    original = save(sheets, tmp_path / "原始.xlsx")
    status, out, err = run("cycle", "import", str(original))
    assert status == 0, err
    exported = tmp_path / "导出.xlsx"
    status, out, err = run("cycle", "export", str(year), str(exported))
    assert status == 0, err
    return assess_json(original), assess_json(exported)


EXAMPLES = {
    "examples 1, 2, 3, 5": (public_examples(), 2025),
    "example 4 rounding down": (example_4("向下取整"), 2025),
    "example 4 rounding half up": (example_4("四舍五入"), 2025),
    "example 4 rounding up": (example_4("向上取整"), 2025),
    "example 6 in 2024": (public_examples(2024), 2024),
    "example 6 in 2026": (public_examples(2026), 2026),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_assessing_the_export_of_a_worked_example_gives_the_original_results(db, tmp_path, name):
    sheets, year = EXAMPLES[name]
    original, exported = round_trip(sheets, tmp_path, year)
    assert exported == original


@pytest.mark.parametrize("indicators", [True, False], ids=["indicators", "given indicator scores"])
def test_assessing_the_export_of_a_generated_book_gives_the_original_results(db, tmp_path, indicators):
    original, exported = round_trip(generated_book(indicators=indicators), tmp_path)
    assert original["invalid_ballots"] and any(r["flags"] for r in original["results"])
    assert exported == original


@pytest.mark.parametrize("ratio", ["10%", "25%"])
def test_the_bottom_ratio_round_trips_through_the_plan_and_the_cycle_workbook(db, tmp_path, ratio):
    sheets = generated_book(units=6)
    sheets["参数"].append(["末位比例", ratio])
    original, exported = round_trip(sheets, tmp_path)
    assert AssessmentPlan.objects.get(cycle__year=2025).settings["bottom_ratio"] == ratio
    assert any("bottom_rank" in r["flags"] for r in original["results"])
    assert exported == original
    settings = read_assessment_workbook(tmp_path / "导出.xlsx").settings
    assert settings.bottom_ratio == Decimal(ratio[:-1]) / 100


def test_an_unset_bottom_ratio_stays_unset_through_the_cycle_workbook(db, tmp_path):
    original, exported = round_trip(generated_book(units=3), tmp_path)
    assert "bottom_ratio" not in AssessmentPlan.objects.get(cycle__year=2025).settings
    assert read_assessment_workbook(tmp_path / "导出.xlsx").settings.bottom_ratio is None
    assert not any("bottom_rank" in r["flags"] for r in exported["results"])


def test_the_round_trip_holds_on_a_cycle_with_a_roster_already_in_place(cast, tmp_path):
    book = {
        "参数": [["参数", "值"], ["年度", 2025], ["每票优秀上限", 1]],
        "单位": [
            ["单位编码", "单位名称", "单位类别"],
            ["DW01", "东城街道", "乡镇街道"],
            ["DW09", "新区", "新区类"],
        ],
        "干部": [
            ["干部编码", "姓名", "单位编码", "职务", "主要负责人", "平时考核"],
            ["GB001", "张思佳", "DW01", "党工委书记", "是", 91.5],
            ["GB002", "李明", "DW09", "新区主任", "否", 88],
            ["GB900", "孙新", "DW09", "副主任", "否", None],
        ],
        "测评票": [
            ["票号", "评价人类别", "对象编码", "评价"],
            *[[f"P{i}", "上级", "GB001", "优秀"] for i in range(3)],
            ["P3", "下级", "GB002", "优秀"],
            ["P3", "下级", "GB900", "优秀"],  # two 优秀 over the limit of one: void
            ["P4", "同级", "DW09", "良好"],
        ],
    }
    original, exported = round_trip(book, tmp_path)
    assert exported == original
    assert original["invalid_ballots"] == [
        {"ballot": "P3", "reason": exported["invalid_ballots"][0]["reason"]}
    ]


# --- what an import stores ---------------------------------------------------------------------------------


TESTER = SystemActor("测试")


def import_book(sheets, actor=TESTER):
    return cycle_workbook.cycle_import(
        data=read_assessment_workbook(xlsx(sheets)), actor=actor, file_name="考核.xlsx"
    )


def test_an_import_creates_the_cycle_the_roster_it_lacks_and_the_snapshot(db):
    summary = import_book(small())
    cycle = AssessmentCycle.objects.get(year=2025)
    assert (summary.cycle_created, summary.units_created, summary.cadres_created) == (True, 2, 3)
    assert summary.categories_created == ("乡镇街道",)
    assert cycle.name == "2025年度考核" and cycle.phase == Phase.PREPARATION
    assert LeadershipTeam.objects.filter(unit__code__in=["DW01", "DW02"]).count() == 2
    wang = Cadre.objects.get(code="GB03")
    assert wang.current_unit.code == "DW02" and wang.pinyin_initials == "ww"
    assert Position.objects.get(cadre=wang, end=None).title == "党委书记"
    unit = AssessedUnit.objects.get(cycle=cycle, unit__code="DW01")
    assert (unit.advanced, unit.indicator_score, unit.public_survey, unit.leader_rating) == (True, 90, 85, 88)
    cadre = AssessedCadre.objects.get(cycle=cycle, cadre__code="GB01")
    assert (cadre.unit.code, cadre.post, cadre.principal, cadre.regular) == ("DW01", "党委书记", True, 92)
    session = EvaluationSession.objects.get(cycle=cycle)
    assert (session.name, session.kind, session.status) == ("工作簿导入", SessionKind.IMPORTED, "closed")
    assert sorted(Ballot.objects.values_list("number", "rater_group")) == [("P01", "上级"), ("P02", "下级")]
    assert Mark.objects.filter(ballot__session=session).count() == 5
    assert AssessmentPlan.objects.get(cycle=cycle).settings["cadre_excellent_ratio"] == "20%"
    assert "year" not in AssessmentPlan.objects.get(cycle=cycle).settings


def test_an_import_waits_for_the_roster_lock_before_reading_the_roster(db, monkeypatch):
    # The lock itself is shown on PostgreSQL by the roster import's test of two imports at once.
    order: list[str] = []
    monkeypatch.setattr(cycle_workbook, "lock_roster", lambda: order.append("lock"))
    read = cycle_workbook._Import.run
    monkeypatch.setattr(cycle_workbook._Import, "run", lambda self, *a: order.append("run") or read(self, *a))
    import_book(small())
    assert order == ["lock", "run"]


def test_an_existing_unit_or_cadre_is_not_moved_in_the_roster(cast, roster):
    book = small()
    book["单位"][1][:3] = ["DW01", "东城街道（新名）", "新类别"]
    book["单位"][2][1] = "西山镇"
    summary = import_book(book)
    a = Unit.objects.get(code="DW01")
    assert (a.name, a.category.name) == ("东城街道", "乡镇街道")
    assert AssessedUnit.objects.get(unit=a).category.name == "新类别"
    assert summary.renamed == ("单位「DW01」名册中为「东城街道」，工作簿中为「东城街道（新名）」",)
    moved = small()
    moved["干部"].append(["GB002", "李明", "DW02", "挂职副镇长", "否", None, None])
    import_book(moved)
    li = Cadre.objects.get(code="GB002")
    assert li.current_unit.code == "DW01"
    assert Position.objects.get(cadre=li, end=None).title == "办事处主任"
    snapshot = AssessedCadre.objects.get(cadre=li)
    assert (snapshot.unit.code, snapshot.post) == ("DW02", "挂职副镇长")


def test_reimporting_replaces_the_cycle_data_without_doubling_anything(db):
    import_book(generated_book())
    first = (
        AssessedUnit.objects.count(),
        AssessedCadre.objects.count(),
        Mark.objects.count(),
        Veto.objects.count(),
    )
    adjustments, sanctions, priors = (
        Adjustment.objects.count(),
        Sanction.objects.count(),
        PriorGrade.objects.count(),
    )
    summary = import_book(generated_book())
    assert (
        summary.cycle_created,
        summary.units_created,
        summary.scores_changed,
        summary.sanctions_added,
    ) == (
        False,
        0,
        0,
        0,
    )
    again = (
        AssessedUnit.objects.count(),
        AssessedCadre.objects.count(),
        Mark.objects.count(),
        Veto.objects.count(),
    )
    assert again == first
    assert (Adjustment.objects.count(), Sanction.objects.count(), PriorGrade.objects.count()) == (
        adjustments,
        sanctions,
        priors,
    )
    assert EvaluationSession.objects.count() == 1


def test_a_smaller_book_replaces_units_indicators_ballots_and_approved_adjustments(db):
    import_book(generated_book())
    cycle = AssessmentCycle.objects.get(year=2025)
    Adjustment.objects.create(
        cycle=cycle, unit=Unit.objects.get(code="DW001"), kind="加分", points=1, reason="待批"
    )
    book = generated_book(units=3, indicators=False)
    summary = import_book(book)
    assert AssessedUnit.objects.filter(cycle=cycle).count() == 3
    assert summary.indicators_removed == 12 and not Indicator.objects.filter(cycle=cycle).exists()
    assert not IndicatorScore.objects.exists()
    assert Mark.objects.count() == sum(1 for row in book["测评票"][1:])
    statuses = set(Adjustment.objects.values_list("status", flat=True))
    assert statuses == {AdjustmentStatus.APPROVED, AdjustmentStatus.PROPOSED}
    assert Adjustment.objects.filter(status="approved").count() == len(book["加减分"]) - 1


def test_an_indicator_kept_by_the_book_keeps_its_department_and_a_different_score_replaces_a_verification(
    cast, roster
):
    book = generated_book(units=3)
    import_book(book)
    cycle = AssessmentCycle.objects.get(year=2025)
    indicator = Indicator.objects.get(cycle=cycle, category__name="党群部门", code="ZB1")
    indicator.department = roster["department"]
    indicator.save()
    unit = Unit.objects.get(code="DW001")
    score = IndicatorScore.objects.get(unit=unit, indicator=indicator)
    Verification.objects.create(cycle=cycle, unit=unit, indicator=indicator, score=score.score, reason="核实")
    summary = import_book(book)
    assert (summary.scores_changed, summary.verifications_replaced) == (0, 0)  # the counted score agrees
    row = next(r for r in book["指标得分"] if r[:2] == ["DW001", "ZB1"])
    row[2] = 12.5
    summary = import_book(book)
    assert (summary.scores_changed, summary.verifications_replaced) == (1, 1)
    assert not Verification.objects.exists()
    assert IndicatorScore.objects.get(unit=unit, indicator=indicator).score == Decimal("12.5")
    assert Indicator.objects.get(pk=indicator.pk).department == roster["department"]


def test_sanctions_are_added_once_and_earlier_grades_are_set(db):
    book = with_rows(small(), "处分", ["干部编码", "处分", "年度"], ["GB01", "诫勉", 2024])
    book = with_rows(
        book, "往年等次", ["对象编码", "年度", "等次"], ["GB01", 2024, "优秀"], ["DW01", 2024, "良好"]
    )
    import_book(book)
    book["往年等次"][1][2] = "称职"
    summary = import_book(book)
    assert summary.sanctions_added == 0 and Sanction.objects.count() == 1
    assert PriorGrade.objects.get(cadre__code="GB01").grade == "称职"
    assert PriorGrade.objects.get(unit__code="DW01").grade == "良好"


def test_collected_survey_responses_are_kept_and_named_in_the_summary(db):
    import_book(small())
    cycle = AssessmentCycle.objects.get(year=2025)
    survey = PublicSurvey.objects.create(cycle=cycle, unit=Unit.objects.get(code="DW01"), token="t")
    SurveyResponse.objects.create(survey=survey, choice="满意")
    summary = import_book(small())
    assert summary.collected == ("单位「DW01」的公众评议按系统中已收集的数据计为100（工作簿中为85）",)
    assert SurveyResponse.objects.count() == 1


def test_a_ballot_already_counted_in_another_session_is_not_imported_twice(db):
    import_book(small())
    cycle = AssessmentCycle.objects.get(year=2025)
    EvaluationSession.objects.filter(cycle=cycle).update(name="纸质测评", kind=SessionKind.PAPER)
    summary = import_book(small())
    assert (summary.ballots, summary.ballots_already_counted, summary.marks) == (0, 2, 0)
    assert EvaluationSession.objects.count() == 1
    changed = small()
    changed["测评票"][1][3] = "基本称职"
    with pytest.raises(cycle_workbook.WorkbookError) as error:
        import_book(changed)
    assert [str(p) for p in error.value.problems] == [
        "测评票 票号: 票号「P01」已在本年度的测评会中计入，内容与工作簿中的不同；请改用新的票号，或先作废该测评会"
    ]


def test_one_audit_entry_summarises_the_import_with_the_file_digest(cast, tmp_path):
    path = save(small(), tmp_path / "考核.xlsx")
    summary = cycle_workbook.cycle_import_file(source=path, actor=cast["organiser"], file_name="考核.xlsx")
    [entry] = AuditEntry.objects.filter(action="cycle.import")
    assert entry.actor == cast["organiser"]
    assert entry.after["digest"] == summary.digest == cycle_workbook.file_digest(path).value
    assert entry.after["digest_algorithm"] == summary.digest_algorithm == "sha256"
    assert (entry.after["file_name"], entry.after["units"], entry.after["marks"]) == ("考核.xlsx", 2, 5)


def test_a_frozen_cycle_refuses_the_import_and_nothing_is_saved(roster, tmp_path):
    AssessmentCycle.objects.filter(year=2025).update(phase=Phase.EVALUATION)
    status, out, err = run("cycle", "import", str(save(small(), tmp_path / "b.xlsx")))
    assert status == 2
    assert err.splitlines() == ["参数 年度: 2025年度考核已进入评定阶段，考核方案已锁定，不能导入工作簿"]
    assert not Unit.objects.filter(code="DW01", name="城关镇").exists()
    assert not AssessedUnit.objects.exists() and not AuditEntry.objects.filter(action="cycle.import").exists()


# --- errors, as `kaohe assess` reports them ------------------------------------------------------------------


def test_a_bad_book_gets_every_problem_exactly_as_kaohe_assess_and_nothing_is_saved(db, tmp_path):
    book = small()
    book["单位"][2][4] = 180
    book["测评票"].append(["P03", "路人", "GB09", "优"])
    path = save(book, tmp_path / "坏.xlsx")
    status, out, err = run("cycle", "import", str(path))
    assert status == 2 and out == ""
    assessed = run(Assess(), str(path), "--json")
    assert assessed[0] == 2 and err == assessed[2]
    assert len(err.splitlines()) == 3
    assert not AssessmentCycle.objects.exists() and not Unit.objects.exists()


def test_what_the_engine_refuses_is_refused_too(db):
    data = read_assessment_workbook(xlsx(small()))
    data.cadres.append(data.cadres[0])
    with pytest.raises(cycle_workbook.InputError) as error:
        cycle_workbook.cycle_import(data=data, actor=SystemActor("测试"), file_name="x.xlsx")
    assert error.value.messages == ["编码「GB01」重复（单位和干部的编码不能相同）"]
    assert not AssessmentCycle.objects.exists()


def test_text_too_long_for_the_database_is_named(db):
    book = small()
    book["干部"][1][1] = "名" * 51
    with pytest.raises(cycle_workbook.WorkbookError) as error:
        import_book(book)
    assert [str(p) for p in error.value.problems] == ["干部 姓名: 「GB01」的姓名超过50个字"]


def test_a_missing_file_is_reported_in_chinese(db, tmp_path):
    status, _, err = run("cycle", "import", str(tmp_path / "没有.xlsx"))
    assert status == 2 and "没有" in err


# --- export ----------------------------------------------------------------------------------------------


def test_exporting_an_unknown_year_exits_2_with_a_chinese_message(roster, tmp_path):
    status, out, err = run("cycle", "export", "2019", str(tmp_path / "x.xlsx"))
    assert (status, err.strip()) == (2, "没有 2019 年度的考核（已有：2025）")
    assert not (tmp_path / "x.xlsx").exists()


def test_an_export_with_missing_indicator_scores_is_refused_naming_unit_and_indicator(db, tmp_path):
    import_book(generated_book(units=2))
    IndicatorScore.objects.filter(unit__code="DW001", indicator__code__in=["ZB2", "ZB4"]).delete()
    status, out, err = run("cycle", "export", "2025", str(tmp_path / "x.xlsx"))
    assert status == 2
    assert err.splitlines() == [
        "单位「DW001 单位1」缺少指标得分：ZB2 社会事业、ZB4 安全稳定；请先补齐评分再导出"
    ]
    assert not list(tmp_path.iterdir())


def test_cycle_export_gives_the_workbook_bytes(db):
    import_book(small())
    data = read_assessment_workbook(io.BytesIO(export.cycle_export(AssessmentCycle.objects.get(year=2025))))
    assert [u.code for u in data.units] == ["DW01", "DW02"] and len(data.marks) == 5


def test_a_category_created_by_the_import_goes_after_the_existing_ones(roster):
    import_book(
        small() | {"单位": [*small()["单位"], ["DW05", "开发区", "园区", None, 70, None, None, None]]}
    )
    assert UnitCategory.objects.get(name="园区").order == 3


def test_ballot_and_mark_ids_are_random_version_4_uuids():
    ids = storage.random_ids(1000)
    assert len(set(ids)) == 1000
    assert {uuid.UUID(i).version for i in ids} == {4}
    assert {uuid.UUID(i).hex for i in ids} == set(ids)


def test_ballots_and_marks_go_in_in_the_order_of_their_random_ids_not_the_books(db, monkeypatch):
    inserted = {}
    insert = storage._insert_rows  # the one module that stores ballots

    def capture(model, names, rows):
        inserted[model] = rows
        insert(model, names, rows)

    monkeypatch.setattr(storage, "_insert_rows", capture)
    import_book(small())
    ballots, marks = [row[0] for row in inserted[Ballot]], inserted[Mark]
    assert len(ballots) > 1 and ballots == sorted(ballots)
    assert [m[0] for m in marks] == sorted(m[0] for m in marks)
    assert [m[1] for m in marks] == sorted(m[1] for m in marks)
    assert Mark.objects.count() == len(marks)
