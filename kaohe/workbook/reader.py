"""Read an assessment workbook (format v1, see layout.py) into the rules engine's ``AssessmentInput``.

Every problem is collected, with its sheet, row, column and value, and raised at the end as one
``WorkbookError``; nothing is half-read.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from kaohe.rules.model import (
    CADRE_GRADES,
    TEAM_GRADES,
    UNGRADED,
    Adjustment,
    AdjustmentKind,
    AssessmentInput,
    Cadre,
    Indicator,
    IndicatorScore,
    Mark,
    PriorGrade,
    RuleSettings,
    Sanction,
    Unit,
)
from kaohe.workbook import layout
from kaohe.workbook.sheets import (
    MAX_BYTES,
    Problems,
    Row,
    Sheet,
    Workbook,
    choice,
    open_workbook,
    positive,
    score,
    show,
    text,
    year,
    yes_no,
)


def read_assessment_workbook(
    source: str | os.PathLike[str] | IO[bytes], *, max_bytes: int = MAX_BYTES
) -> AssessmentInput:
    """The workbook's data, checked; raises ``WorkbookError`` listing every problem found."""
    problems = Problems()
    with open_workbook(source, max_bytes=max_bytes) as book:
        reading = _Reading(book, problems)
        data = reading.read()
    problems.check()
    return data


@dataclass
class _Reading:
    """One pass over a workbook; sheets are read in an order that lets later ones be cross-checked."""

    book: Workbook
    problems: Problems
    settings: RuleSettings = field(default_factory=lambda: RuleSettings(year=0))
    units: dict[str, Unit] = field(default_factory=dict)
    cadres: dict[str, Cadre] = field(default_factory=dict)
    code_rows: dict[str, str] = field(default_factory=dict)  # code → "单位 第3行", for duplicate messages
    # When a sheet cannot be read, checks against it would only repeat that problem; they are skipped.
    units_known: bool = True
    cadres_known: bool = True

    def read(self) -> AssessmentInput:
        self.settings = self.read_settings()
        units_rows = self.read_units()
        cadres = self.read_cadres()
        indicators, scores = self.read_indicators(units_rows)
        return AssessmentInput(
            settings=self.settings,
            units=list(self.units.values()),
            cadres=cadres,
            indicators=indicators,
            indicator_scores=scores,
            sanctions=self.read_sanctions(),
            adjustments=self.read_adjustments(),
            marks=self.read_marks(),
            prior_grades=self.read_prior_grades(),
        )

    def sheet(self, sheet: layout.SheetLayout) -> Sheet | None:
        return self.book.sheet(
            sheet.name,
            self.problems,
            required=sheet.required_columns,
            optional=sheet.optional_columns,
            must_exist=sheet.required,
        )

    # --- 参数 -------------------------------------------------------------------------------------------

    def read_settings(self) -> RuleSettings:
        sheet = self.sheet(layout.SETTINGS_SHEET)
        values: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for row in sheet or ():
            name = row.get("参数", required=True)
            if name is None:
                continue
            name = name.replace("（", "(").replace("）", ")").replace(" ", "")
            setting = layout.SETTINGS_BY_NAME.get(name)
            if setting is None:
                row.problem("参数", f"{show(name)}不是有效的参数名称", name)
            elif name in seen:
                row.problem("参数", f"参数{show(name)}重复（已在第{seen[name]}行）", name)
            else:
                seen[name] = row.number
                # A blank value keeps the default (for the score lines and 每票优秀上限 that means off).
                value = row.get("值", setting.parse)
                if setting.field == "year" and row["值"] is None:
                    row.problem("值", "年度不能为空（必填，如 2025）")
                if value is not None:
                    values[setting.field] = value
        if sheet is not None and "年度" not in seen:
            self.problems.add("参数", None, None, "年度", "缺少参数「年度」（必填）")
        values.setdefault("year", 0)
        return RuleSettings(**values)

    # --- 单位, 干部 --------------------------------------------------------------------------------------

    def claim_code(self, row: Row, column: str, code: str) -> bool:
        """Codes are unique across units and cadres together."""
        where = self.code_rows.get(code)
        if where is not None:
            row.problem(column, f"编码{show(code)}重复（已用于{where}）", code)
            return False
        self.code_rows[code] = f"{row.sheet} 第{row.number}行"
        return True

    def read_units(self) -> dict[str, int]:
        """Reads 单位; returns the row number of each unit, for later messages."""
        sheet = self.sheet(layout.UNITS_SHEET)
        self.units_known = sheet is not None
        rows: dict[str, int] = {}
        for row in sheet or ():
            code = row.get("单位编码", required=True)
            name = row.get("单位名称", required=True)
            category = row.get("单位类别", required=True)
            unit = Unit(
                code=code or "",
                name=name or "",
                category=category or "",
                advanced=row.get("先进单位", yes_no, default=False),
                indicator_score=row.get("指标考评", score),
                public_survey=row.get("公众评议", score),
                leader_rating=row.get("领导评价", score),
                veto=row.get("一票否决"),
            )
            if code is not None and self.claim_code(row, "单位编码", code):
                self.units[code] = unit
                rows[code] = row.number
        return rows

    def read_cadres(self) -> list[Cadre]:
        sheet = self.sheet(layout.CADRES_SHEET)
        self.cadres_known = sheet is not None
        for row in sheet or ():
            code = row.get("干部编码", required=True)
            unit = row.get("单位编码", required=True)
            if unit is not None and self.units_known and unit not in self.units:
                row.problem("单位编码", f"{show(unit)}不是「单位」工作表中的单位", unit)
            cadre = Cadre(
                code=code or "",
                name=row.get("姓名", required=True) or "",
                unit=unit or "",
                post=row.get("职务", default=""),
                principal=row.get("主要负责人", yes_no, default=False),
                regular=row.get("平时考核", score),
                leader_rating=row.get("领导评价", score),
                probation=row.get("试用期", yes_no, default=False),
                investigation=row.get("立案未结", yes_no, default=False),
                veto=row.get("一票否决"),
                priority=row.get("表现突出"),
            )
            if code is not None and self.claim_code(row, "干部编码", code):
                self.cadres[code] = cadre
        return list(self.cadres.values())

    def unknown_unit(self, row: Row, column: str, code: str) -> bool:
        if self.units_known and code not in self.units:
            row.problem(column, f"{show(code)}不是「单位」工作表中的单位", code)
            return True
        return False

    def unknown_cadre(self, row: Row, column: str, code: str) -> bool:
        if self.cadres_known and code not in self.cadres:
            row.problem(column, f"{show(code)}不是「干部」工作表中的干部", code)
            return True
        return False

    def unknown_target(self, row: Row, column: str, code: str) -> bool:
        known = self.units_known and self.cadres_known
        if known and code not in self.units and code not in self.cadres:
            row.problem(column, f"{show(code)}不是已有的单位编码或干部编码", code)
            return True
        return False

    # --- 指标, 指标得分 ----------------------------------------------------------------------------------

    def read_indicators(self, unit_rows: dict[str, int]) -> tuple[list[Indicator], list[IndicatorScore]]:
        categories = {unit.category for unit in self.units.values()}
        indicators: dict[tuple[str, str], Indicator] = {}
        first_rows: dict[str, int] = {}
        kept = False  # 指标 has rows: the indicator component is computed, never given
        for row in self.sheet(layout.INDICATORS_SHEET) or ():
            kept = True
            category = row.get("单位类别", required=True)
            code = row.get("指标编码", required=True)
            name = row.get("指标名称", required=True)
            weight = row.get("权重", positive, required=True)
            if category is None or code is None:
                continue
            if self.units_known and category not in categories:
                row.problem("单位类别", f"{show(category)}不是「单位」工作表中出现的单位类别", category)
            if (category, code) in indicators:
                row.problem("指标编码", f"指标编码{show(code)}在类别{show(category)}中重复", code)
                continue
            first_rows.setdefault(category, row.number)
            indicators[(category, code)] = Indicator(category, code, name or "", weight or Decimal(0))
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for indicator in indicators.values():
            totals[indicator.category] += indicator.weight
        for category, total in totals.items():
            if total != 100:
                self.problems.add(
                    "指标",
                    first_rows[category],
                    "权重",
                    total,
                    f"单位类别{show(category)}的指标权重合计为{layout.display_setting(total)}，应为100",
                )

        if kept:
            for code, unit in self.units.items():
                if unit.indicator_score is not None:
                    self.problems.add(
                        "单位",
                        unit_rows[code],
                        "指标考评",
                        unit.indicator_score,
                        "已有「指标」工作表，指标考评由指标得分计算，此处应留空",
                    )

        scores: dict[tuple[str, str], IndicatorScore] = {}
        score_sheet = self.sheet(layout.INDICATOR_SCORES_SHEET)
        for row in score_sheet or ():
            unit_code = row.get("单位编码", required=True)
            code = row.get("指标编码", required=True)
            value = row.get("得分", score, required=True)
            if unit_code is None or code is None or self.unknown_unit(row, "单位编码", unit_code):
                continue
            if not kept:
                row.problem(None, "没有「指标」工作表（或其中没有指标），指标得分无从计算")
                break
            scored = self.units.get(unit_code)
            if scored is not None and (scored.category, code) not in indicators:
                row.problem("指标编码", f"{show(code)}不是单位类别{show(scored.category)}的指标", code)
            elif (unit_code, code) in scores:
                row.problem("指标编码", f"单位{show(unit_code)}的指标{show(code)}得分重复", code)
            elif value is not None:
                scores[(unit_code, code)] = IndicatorScore(unit_code, code, value)

        if indicators and (score_sheet is not None or not self.book.has("指标得分")):
            by_category: dict[str, list[str]] = defaultdict(list)
            for category, code in indicators:
                by_category[category].append(code)
            for unit_code, unit in self.units.items():
                missing = [c for c in by_category.get(unit.category, ()) if (unit_code, c) not in scores]
                if missing:
                    self.problems.add(
                        "指标得分",
                        None,
                        "指标编码",
                        unit_code,
                        f"单位{show(unit_code)}缺少指标{'、'.join(missing)}的得分",
                    )
        return list(indicators.values()), list(scores.values())

    # --- 处分, 加减分, 往年等次 ---------------------------------------------------------------------------

    def read_sanctions(self) -> list[Sanction]:
        sanctions = []
        parse_name = choice(self.settings.sanction_effects)
        for row in self.sheet(layout.SANCTIONS_SHEET) or ():
            cadre = row.get("干部编码", required=True)
            name = row.get("处分", parse_name, required=True)
            effective = row.get("年度", year, required=True)
            if cadre is not None:
                self.unknown_cadre(row, "干部编码", cadre)
            if cadre and name and effective:
                sanctions.append(Sanction(cadre, name, effective))
        return sanctions

    def read_adjustments(self) -> list[Adjustment]:
        adjustments = []
        parse_kind = choice(member.value for member in AdjustmentKind)
        for row in self.sheet(layout.ADJUSTMENTS_SHEET) or ():
            target = row.get("对象编码", required=True)
            kind = row.get("类型", parse_kind, required=True)
            points = row.get("分值", positive, required=True)
            reason = row.get("原因")
            if reason is None:
                row.problem("原因", f"{kind or '加减分'}原因不能为空")
            if target is not None:
                self.unknown_target(row, "对象编码", target)
            if target and kind and points and reason:
                adjustments.append(Adjustment(target, AdjustmentKind(kind), points, reason))
        return adjustments

    def read_prior_grades(self) -> list[PriorGrade]:
        grades: dict[tuple[str, int], PriorGrade] = {}
        this_year = self.settings.year
        for row in self.sheet(layout.PRIOR_GRADES_SHEET) or ():
            target = row.get("对象编码", required=True)
            earlier = row.get("年度", year, required=True)
            grade = row.get("等次", required=True)
            if target is None or target not in self.cadres and target not in self.units:
                continue  # someone no longer assessed: their history has no bearing on this year
            scale = CADRE_GRADES if target in self.cadres else TEAM_GRADES
            if grade is not None and grade not in (*scale, UNGRADED):
                row.problem("等次", f"{show(grade)}不是有效的等次（{'、'.join((*scale, UNGRADED))}）", grade)
                continue
            if earlier is not None and this_year and earlier >= this_year:
                row.problem("年度", f"{show(earlier)}应早于考核年度{this_year}", earlier)
                continue
            if earlier is None or grade is None:
                continue
            if (target, earlier) in grades and grades[(target, earlier)].grade != grade:
                row.problem(
                    "等次", f"{show(target)}{earlier}年已有等次「{grades[(target, earlier)].grade}」", grade
                )
                continue
            grades[(target, earlier)] = PriorGrade(target, earlier, grade)
        return list(grades.values())

    # --- 测评票 ------------------------------------------------------------------------------------------

    def read_marks(self) -> list[Mark]:
        """The longest sheets by far (a province has millions of marks): read on the fast path.

        Excel holds at most 1,048,576 rows in a sheet, so marks may go on in 测评票2, 测评票3 ….
        """
        settings = self.settings
        cadre_scale = tuple(settings.cadre_choice_values)
        team_scale = tuple(settings.team_choice_values)
        # Canonical strings, so that a million marks share a few hundred thousand string objects.
        scales: dict[str, tuple[str, ...]] = dict.fromkeys(self.units, team_scale)
        scales.update(dict.fromkeys(self.cadres, cadre_scale))
        targets = {code: code for code in scales}
        choices = {c: c for c in (*cadre_scale, *team_scale)}
        groups = {g: g for g in settings.rater_group_weights}
        known = self.units_known and self.cadres_known
        # ballot → itself, its rater group, and where it first appears
        ballots: dict[str, tuple[str, str, str, int]] = {}
        marks: list[Mark] = []
        columns = layout.BALLOTS_SHEET.required_columns
        for name in layout.ballot_sheet_names(self.book.sheet_names):
            sheet = self.book.sheet(name, self.problems, required=columns)
            if sheet is not None:
                self.read_ballot_sheet(sheet, ballots, marks, scales, targets, choices, groups, known)
        return marks

    def read_ballot_sheet(
        self,
        sheet: Sheet,
        ballots: dict[str, tuple[str, str, str, int]],
        marks: list[Mark],
        scales: dict[str, tuple[str, ...]],
        targets: dict[str, str],
        choices: dict[str, str],
        groups: dict[str, str],
        known: bool,
    ) -> None:
        columns = layout.BALLOTS_SHEET.required_columns
        for number, cells in sheet.tuples(columns):
            ballot, group, target, picked = cells
            # Fast path: every cell already the exact text of a known name.
            first = ballots.get(ballot)
            if (
                first is None
                and group in groups
                and type(ballot) is str
                and ballot
                and ballot == ballot.strip()
            ):
                first = ballots[ballot] = (ballot, groups[group], sheet.name, number)
            canonical_target = targets.get(target)
            if (
                first is not None
                and first[1] == group
                and canonical_target is not None
                and picked in scales[canonical_target]
            ):
                marks.append(Mark(first[0], first[1], canonical_target, choices[picked]))
                continue

            if None in cells:
                for column, value in zip(columns, cells, strict=True):
                    if value is None:
                        sheet.problem(number, column, "不能为空")
                continue
            ok = True
            ballot, group, target, picked = (text(cell) for cell in cells)
            if group in groups:
                group = groups[group]
            else:
                ok = False
                sheet.problem(
                    number,
                    "评价人类别",
                    f"{show(group)}没有设置权重（评价人权重：{'、'.join(groups) or '无'}）",
                    group,
                )
            scale = scales.get(target)
            if scale is None:
                ok = False
                if known:
                    sheet.problem(number, "对象编码", f"{show(target)}不是已有的单位编码或干部编码", target)
            elif picked not in scale:
                ok = False
                sheet.problem(number, "评价", f"{show(picked)}不是有效的选项（{'、'.join(scale)}）", picked)
            first = ballots.setdefault(ballot, (ballot, group, sheet.name, number))
            if first[1] != group:
                ok = False
                where = f"第{first[3]}行" if first[2] == sheet.name else f"{first[2]} 第{first[3]}行"
                sheet.problem(
                    number,
                    "评价人类别",
                    f"票号{show(ballot)}在{where}为{show(first[1])}，一张票只能有一个评价人类别",
                    group,
                )
            if ok:
                marks.append(Mark(first[0], group, targets[target], choices[picked]))
