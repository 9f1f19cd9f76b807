"""Building each document: its plain context (JSON data only), its template, the rendered .docx.

Context builders take objects already checked by the caller (views, API and commands check access); what
they return is cut to the document's schema and crosses into the sandboxed renderer as JSON.
"""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from kaohe.anonymity import min_group
from kaohe.ballots.models import Ballot, SessionRaterGroup
from kaohe.ballots.selectors import counted_sessions
from kaohe.integrity import selectors as integrity_selectors
from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle
from kaohe.reports import charts, drafting, templating
from kaohe.reports.defaults import KINDS, SCHEMAS, default_template
from kaohe.reports.models import AnalysisReport, DocumentTemplate, Register, ReportKind
from kaohe.reports.selectors import draft_inputs, group_names
from kaohe.results import selectors as results_selectors
from kaohe.results.feedback import acknowledgements, latest_seal
from kaohe.results.models import FinalResult, Kind, Quota, Result
from kaohe.rules.model import CADRE_GRADES, PENDING, TEAM_GRADES, UNGRADED

ORGANISATION = "考核工作领导小组办公室"
MAX_ROWS = 60  # pools listed one by one up to this many; beyond, one row sums them


def lines(text: str) -> list[str]:
    """A text's non-empty lines: one paragraph each in Word (a newline inside a run shows as a space)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def template_for(kind: str) -> bytes:
    uploaded = DocumentTemplate.objects.filter(kind=kind, active=True).order_by("-uploaded_at", "-id").first()
    return bytes(uploaded.content) if uploaded is not None else default_template(kind)


def render(kind: str, contexts: list[dict[str, Any]], template: bytes | None = None) -> list[bytes]:
    return templating.render_many(template or template_for(kind), SCHEMAS[kind], contexts)


# --- 综合分析报告 ------------------------------------------------------------------------------------------


def _n(value: Decimal | None) -> str:
    return "" if value is None else f"{value.quantize(Decimal('0.01'))}"


def analysis_context(
    report: AnalysisReport, draft_input: drafting.DraftInput | None = None, group: str = ""
) -> dict[str, Any]:
    if draft_input is None:
        key = report.unit_id if report.kind == ReportKind.TEAM else report.cadre_id
        draft_input = draft_inputs(report.cycle, report.kind, only={key}).get(key)
    d = draft_input
    discussion = report.discussions.order_by("-created_at", "-id").first() if report.pk else None
    sections = report.sections or {}
    groups = d.rater_groups if d else None
    return {
        "year": report.cycle.year,
        "title": f"{report.cycle.year}年度{str(report).split('年度', 1)[1]}",
        "name": d.name if d else str(report.cadre or report.unit),
        "unit": report.unit.name,
        "post": d.post if d else "",
        "pool": d.pool if d else "",
        "grade": d.grade if d else "",
        "composite": _n(d.composite) if d else "",
        "rank": d.rank if d and d.rank is not None else "",
        "pool_size": d.pool_size if d and d.pool_size is not None else "",
        "democratic": _n(d.democratic) if d else "",
        "performance": _n(d.performance) if d else "",
        "rater_groups": [{"name": g.name, "ballots": g.ballots, "score": _n(g.score)} for g in groups or []],
        "rater_groups_note": ""
        if groups
        else f"按评价人类别的得分不单列（有的类别有效票少于 {min_group()} 张，或无测评数据）。",
        "aspects": [
            {"name": a.name, "summary": "，".join(f"{c} {n} 票" for c, n in a.counts.items())}
            for a in (d.aspects if d else [])
        ],
        "sections": [
            {"title": t, "text": sections.get(t, ""), "paragraphs": lines(sections.get(t, ""))}
            for t in drafting.SECTIONS
        ],
        "achievements": sections.get("主要成绩", ""),
        "shortcomings": sections.get("存在不足", ""),
        "suggestions": sections.get("意见建议", ""),
        "grade_advice": sections.get("评定等次建议", ""),
        "discussion": {
            "date": discussion.held_on.isoformat() if discussion else "",
            "attendees": discussion.attendees if discussion else "",
            "conclusion": discussion.conclusion if discussion else "",
        },
        "status": report.get_status_display(),
        "version": report.version,
        "group": group or group_names(report.cycle).get(report.unit_id, ""),
    }


def report_docx(report: AnalysisReport) -> bytes:
    return render(report.kind, [analysis_context(report)])[0]


def reports_docx(cycle: AssessmentCycle, kind: str, reports: list[AnalysisReport]) -> list[bytes]:
    """Many reports of one kind in one sandboxed run (the drafting data gathered once)."""
    inputs = draft_inputs(cycle, kind)
    groups = group_names(cycle)
    contexts = [
        analysis_context(
            r, inputs.get(r.unit_id if kind == ReportKind.TEAM else r.cadre_id), groups.get(r.unit_id, "")
        )
        for r in reports
    ]
    return render(kind, contexts)


# --- the cycle's analysis report ---------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{Decimal(part * 100) / whole:.1f}%" if whole else "—"


def cycle_context(cycle: AssessmentCycle) -> dict[str, Any]:
    seal = latest_seal(cycle)
    run = seal.run if seal else results_selectors.current_run(cycle)
    units = AssessedUnit.objects.filter(cycle=cycle).count()
    cadres = AssessedCadre.objects.filter(cycle=cycle).count()
    sessions = counted_sessions(cycle)
    expected = dict(
        SessionRaterGroup.objects.filter(session__in=sessions)
        .values_list("session")
        .annotate(n=Sum("expected"))
        .values_list("session", "n")
    )
    ballots = dict(
        Ballot.objects.filter(session__in=sessions)
        .order_by()
        .values_list("session")
        .annotate(n=Count("pk"))
        .values_list("session", "n")
    )
    turnout = [
        {
            "session": s.name,
            "expected": expected.get(s.pk) or 0,
            "ballots": ballots.get(s.pk, 0),
            "rate": _pct(ballots.get(s.pk, 0), expected.get(s.pk) or 0),
        }
        for s in sessions.order_by("name")
    ]
    all_expected, all_ballots = sum(t["expected"] for t in turnout), sum(t["ballots"] for t in turnout)
    sessions_count = len(turnout)
    low = [t["session"] for t in turnout if t["expected"] and t["ballots"] * 100 < t["expected"] * 80]
    if sessions_count > MAX_ROWS:  # the sittings with the lowest turnout, then one row for the rest
        turnout.sort(key=lambda t: (t["ballots"] / t["expected"]) if t["expected"] else 1.0)
        rest = turnout[MAX_ROWS:]
        rest_expected, rest_ballots = sum(t["expected"] for t in rest), sum(t["ballots"] for t in rest)
        turnout = turnout[:MAX_ROWS] + [
            {
                "session": f"其余 {len(rest)} 场",
                "expected": rest_expected,
                "ballots": rest_ballots,
                "rate": _pct(rest_ballots, rest_expected),
            }
        ]
    participation = [
        {"name": "参加考核单位（领导班子）", "value": units},
        {"name": "参加考核领导干部", "value": cadres},
        {"name": "民主测评会", "value": sessions_count},
        {"name": "应参加测评人数", "value": all_expected},
        {"name": "有效测评票", "value": all_ballots},
        {"name": "总体参与率", "value": _pct(all_ballots, all_expected)},
    ]
    grades_rows: list[dict[str, Any]] = []
    charts_out: list[dict[str, Any]] = []
    quotas: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    if run is not None:
        if seal is not None:
            rows = list(
                FinalResult.objects.filter(seal=seal).values_list(
                    "kind", "pool", "grade", "code", "unit__category__name"
                )
            )
        else:
            decisions = results_selectors.active_decisions(cycle)
            rows = [
                (
                    kind,
                    pool,
                    results_selectors.final_grade(grade, decisions.get((kind, code))),
                    code,
                    category,
                )
                for kind, pool, grade, code, category in Result.objects.filter(run=run).values_list(
                    "kind", "pool", "grade", "code", "unit__category__name"
                )
            ]
        for kind, scale in ((Kind.TEAM, TEAM_GRADES), (Kind.CADRE, CADRE_GRADES)):
            series = [*scale, UNGRADED, PENDING]
            label = "领导班子" if kind == Kind.TEAM else "领导干部"
            for grouping, index in (("单位类别", 4), ("名额池", 1)):
                table: dict[str, Counter[str]] = defaultdict(Counter)
                for row in rows:
                    if row[0] == kind:
                        table[row[index] or "—"][row[2]] += 1
                if len(table) > MAX_ROWS:  # a pool per unit, province-wide: one row for them all
                    total: Counter[str] = Counter()
                    for counter in table.values():
                        total.update(counter)
                    table_rows = [(f"{len(table)} 个{grouping}合计", total)]
                else:
                    table_rows = sorted(table.items())
                for group, counter in table_rows:
                    grades_rows.append(
                        {
                            "kind": f"{label}（{grouping}）",
                            "group": group,
                            "counts": "、".join(f"{g} {counter[g]}" for g in series if counter[g]),
                            "total": sum(counter.values()),
                        }
                    )
                if grouping == "单位类别" and table:
                    png = charts.stacked_bars(
                        f"{cycle.year}年度{label}等次分布（按单位类别）",
                        table,
                        [g for g in series if any(c[g] for c in table.values())],
                    )
                    charts_out.append(
                        {
                            "title": f"{label}等次分布（按单位类别）",
                            "image": {templating.IMAGE_KEY: base64.b64encode(png).decode()},
                        }
                    )
        pools = list(Quota.objects.filter(run=run).order_by("kind", "pool"))
        labels = results_selectors.pool_labels(q.pool for q in pools)
        for kind in (Kind.TEAM, Kind.CADRE):
            of_kind = [q for q in pools if q.kind == kind]
            if len(of_kind) > MAX_ROWS:
                size, quota, excellent = (
                    sum(getattr(q, f) for q in of_kind) for f in ("size", "quota", "excellent")
                )
                label = f"{len(of_kind)} 个名额池合计"
                quotas.append(
                    {
                        "kind": str(Kind(kind).label),
                        "pool": label,
                        "size": size,
                        "quota": quota,
                        "excellent": excellent,
                        "use": _pct(excellent, quota),
                    }
                )
            else:
                quotas += [
                    {
                        "kind": q.get_kind_display(),
                        "pool": labels[q.pool],
                        "size": q.size,
                        "quota": q.quota,
                        "excellent": q.excellent,
                        "use": _pct(q.excellent, q.quota),
                    }
                    for q in of_kind
                ]
        over = [q for q in pools if q.excellent > q.quota]
        for q in over[:MAX_ROWS]:
            problems.append(
                {"text": f"名额池「{labels[q.pool]}」优秀 {q.excellent} 个，超出名额 {q.quota} 个。"}
            )
        if len(over) > MAX_ROWS:
            problems.append({"text": f"另有 {len(over) - MAX_ROWS} 个名额池优秀超出名额。"})
        poor = Counter(row[2] for row in rows if row[2] in ("基本称职", "不称职", "一般", "较差"))
        for grade, n in poor.items():
            problems.append({"text": f"评为「{grade}」的考核对象 {n} 个，需跟踪整改。"})
        if low:
            problems.append(
                {
                    "text": f"{len(low)} 个测评会参与率低于 80%："
                    + "、".join(low[:10])
                    + ("等" if len(low) > 10 else "")
                    + "。"
                }
            )
        changes = _changes(cycle, rows)
    if not problems:
        problems.append({"text": "本年度考核数据中未发现共性问题。"})
    summary = (
        f"{cycle.year}年度共有 {units} 个单位领导班子、{cadres} 名领导干部参加考核，"
        f"组织民主测评会 {sessions_count} 场，收到有效测评票 {all_ballots} 张。"
        + (
            "考核结果已审定。"
            if seal
            else "考核结果尚未审定，以下等次为当前计算结果。"
            if run
            else "考核结果尚未计算。"
        )
    )
    return {
        "year": cycle.year,
        "title": f"{cycle.year}年度考核工作分析报告",
        "organisation": ORGANISATION,
        "participation": participation,
        "turnout": turnout,
        "grades": grades_rows,
        "quotas": quotas,
        "changes": changes,
        "problems": problems,
        "integrity": integrity_section(cycle),
        "charts": charts_out,
        "summary": summary,
    }


def integrity_section(cycle: AssessmentCycle) -> list[dict[str, Any]]:
    """七、数据质量分析: the cycle's latest integrity analysis as paragraphs — when and on what it ran, the
    findings by check, each finding with what to do and whether it was 已核查, and how the tests were held
    to their false-discovery rate. The findings show no figure from fewer than k ballots (the analysis
    left them out); the readers of this report are those of the analysis (organisers and the committee)."""
    analysis = integrity_selectors.latest_analysis(cycle)
    if analysis is None:
        return [{"text": "本年度尚未进行数据质量分析（可在“数据质量”页面或用 kaohe analyse 命令运行）。"}]
    report = analysis.report
    findings = report.get("findings", [])
    reviewed = integrity_selectors.reviews(cycle)
    by_check = Counter(f["check_label"] for f in findings)
    done = sum(1 for f in findings if f["key"] in reviewed)
    out = [
        {
            "text": f"{analysis.created_at:%Y年%m月%d日}对 {report['sessions']} 个测评会的 {report['ballots']} 张有效票"
            f"（{report['marks']} 个评价）和最新一次计算结果做了数据质量分析，"
            + (
                f"发现 {len(findings)} 项（"
                + "、".join(f"{label} {n} 项" for label, n in by_check.items())
                + f"），已核查 {done} 项。"
                if findings
                else "未发现需要核查的问题。"
            )
        }
    ]
    for f in findings[:MAX_ROWS]:
        state = "，已核查" if f["key"] in reviewed else ""
        out.append({"text": f"【{f['check_label']}】{f['label']}：{f['sentence']}（{f['action']}{state}）"})
    if len(findings) > MAX_ROWS:
        out.append({"text": f"另有 {len(findings) - MAX_ROWS} 项，见“数据质量”页面。"})
    out += [{"text": f"说明：{note}"} for note in report.get("notes", [])]
    return out


def _changes(cycle: AssessmentCycle, rows: list[tuple]) -> list[dict[str, Any]]:
    previous = AssessmentCycle.objects.filter(year=cycle.year - 1).first()
    seal = latest_seal(previous) if previous else None
    if seal is None:
        return [{"text": f"{cycle.year - 1}年度无已审定的考核结果可比较。"}]
    before = dict(
        ((k, c), g) for k, c, g in FinalResult.objects.filter(seal=seal).values_list("kind", "code", "grade")
    )
    now = {(row[0], row[3]): row[2] for row in rows}
    out = []
    for kind, label in ((Kind.TEAM, "领导班子"), (Kind.CADRE, "领导干部")):
        this = Counter(g for (k, _), g in now.items() if k == kind)
        last = Counter(g for (k, _), g in before.items() if k == kind)
        for grade in ("优秀",):
            out.append(
                {
                    "text": f"{label}评为「{grade}」：{cycle.year - 1}年度 {last[grade]} 个，本年度 {this[grade]} 个。"
                }
            )
        moved = sum(1 for key, g in now.items() if key[0] == kind and key in before and before[key] != g)
        out.append({"text": f"{label}中等次与上年不同的 {moved} 个。"})
    return out


def cycle_docx(cycle: AssessmentCycle) -> bytes:
    return render("cycle", [cycle_context(cycle)])[0]


# --- 年度考核登记表 -----------------------------------------------------------------------------------------


def register_rows(cycle: AssessmentCycle, cadre_ids: list[int]) -> list[dict[str, Any]]:
    assessed = {
        a.cadre_id: a
        for a in AssessedCadre.objects.filter(cycle=cycle, cadre_id__in=cadre_ids).select_related(
            "cadre", "unit"
        )
    }
    registers = {r.cadre_id: r for r in Register.objects.filter(cycle=cycle, cadre_id__in=cadre_ids)}
    seal = latest_seal(cycle)
    finals = (
        {
            f.cadre_id: f
            for f in FinalResult.objects.filter(seal=seal, kind=Kind.CADRE, cadre_id__in=cadre_ids)
        }
        if seal
        else {}
    )
    acks = acknowledgements([f.pk for f in finals.values()])
    rows = []
    for cadre_id in cadre_ids:
        a = assessed[cadre_id]
        r = registers.get(cadre_id)
        final = finals.get(cadre_id)
        ack = acks.get(final.pk) if final else None
        rows.append(
            {
                "name": a.cadre.name,
                "gender": a.cadre.gender,
                "birth": a.cadre.birth_month.strftime("%Y.%m") if a.cadre.birth_month else "",
                "unit": a.unit.name,
                "post": a.post,
                "summary": r.summary if r else "",
                "summary_paragraphs": lines(r.summary if r else ""),
                "leader_comment": (r.leader_comment + (f"（{r.leader_name}）" if r.leader_name else ""))
                if r and r.leader_comment
                else "",
                "grade": final.grade if final else "（考核结果尚未确定）",
                "opinion": f"{ack.opinion_label}{'：' + ack.text if ack.text else ''}" if ack else "",
                "stamp": f"{ORGANISATION}（盖章）",
                "last": "",
            }
        )
    return rows


def registers_docx(cycle: AssessmentCycle, cadre_ids: list[int]) -> bytes:
    """The 登记表 of the given cadres in one document, one per page."""
    return render(
        "register",
        [{"year": cycle.year, "organisation": ORGANISATION, "registers": register_rows(cycle, cadre_ids)}],
    )[0]


def preview_context(kind: str) -> dict[str, Any]:
    """Made-up, clearly marked sample data for previewing a template (never shown as real)."""
    sample = "【示例】"
    if kind in (ReportKind.TEAM, ReportKind.CADRE):
        return {
            "year": 2025,
            "title": f"{sample}{KINDS[kind]}",
            "name": f"{sample}示例对象 & <测试>",
            "unit": f"{sample}示例单位",
            "post": "示例职务",
            "pool": "示例名额池",
            "grade": "称职",
            "composite": "88.50",
            "rank": 3,
            "pool_size": 20,
            "democratic": "90.10",
            "performance": "86.00",
            "rater_groups": [{"name": "示例类别", "ballots": 12, "score": "90.10"}],
            "rater_groups_note": "",
            "aspects": [{"name": "德", "summary": "好 10 票，较好 2 票"}],
            "sections": [
                {"title": t, "text": f"{sample}{t}的示例文字。", "paragraphs": [f"{sample}{t}的示例文字。"]}
                for t in drafting.SECTIONS
            ],
            "achievements": "示例",
            "shortcomings": "示例",
            "suggestions": "示例",
            "grade_advice": "示例",
            "discussion": {"date": "2025-12-01", "attendees": "示例成员甲、示例成员乙", "conclusion": "同意"},
            "status": "草稿",
            "version": 1,
            "group": "示例考核组",
        }
    if kind == "cycle":
        return {
            "year": 2025,
            "title": f"{sample}年度考核工作分析报告",
            "organisation": ORGANISATION,
            "summary": f"{sample}总体情况",
            "participation": [{"name": "参加考核单位", "value": 10}],
            "turnout": [],
            "grades": [],
            "quotas": [],
            "changes": [{"text": "示例"}],
            "problems": [{"text": "示例"}],
            "charts": [],
        }
    if kind == "feedback":
        return {
            "year": 2025,
            "title": f"{sample}考核结果反馈意见书",
            "organisation": ORGANISATION,
            "recipient": f"{sample}示例单位主要负责人",
            "subject": f"{sample}示例单位领导班子",
            "unit": "示例单位",
            "grade": "好",
            "achievements": [f"{sample}主要成绩的示例文字。"],
            "problems": [{"number": 1, "text": f"{sample}存在问题的示例文字。"}],
            "suggestions": [f"{sample}意见建议的示例文字。"],
            "requirement": "示例整改要求",
            "date": "2025年12月31日",
        }
    return {
        "year": 2025,
        "organisation": ORGANISATION,
        "registers": [
            {
                "name": f"{sample}示例干部",
                "gender": "男",
                "birth": "1980.01",
                "unit": "示例单位",
                "post": "示例职务",
                "summary": "示例总结",
                "summary_paragraphs": ["示例总结"],
                "leader_comment": "示例评语",
                "grade": "称职",
                "opinion": "同意",
                "stamp": f"{ORGANISATION}（盖章）",
                "last": "",
            }
        ],
    }
