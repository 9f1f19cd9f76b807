"""``kaohe results verify YEAR``: recompute a sealed result from its stored inputs and compare everything.

Every digest is recomputed with the algorithm stored beside it (sha256, sm3), whatever CRYPTO_MODE is now.
Checks, in order, each difference named in Chinese: the stored inputs against their digest; the engine's
document recomputed from them against the run's stored document and its result rows; the final results
against the recomputed ones (a grade may differ only by a recorded decision) and against the seal's hash;
the seal against its entry in the audit chain; and, while the seal is current, the cycle's present data
against the sealed inputs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaohe.anonymity import min_group
from kaohe.audit.models import AuditEntry
from kaohe.crypto.modes import Digest
from kaohe.crypto.modes import shown as shown_digest
from kaohe.plans.models import AssessmentCycle
from kaohe.results import canonical, selectors
from kaohe.results.inputs import cycle_assessment_input
from kaohe.results.models import FinalResult, Result
from kaohe.rules import assess, assessment_document
from kaohe.rules.disclosure import disclose_result
from kaohe.rules.errors import InputError

LIMIT = 20  # differences listed per check; the rest are counted


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _capped(found: list[str], what: str) -> list[str]:
    if len(found) <= LIMIT:
        return found
    return [*found[:LIMIT], f"……{what}另有 {len(found) - LIMIT} 处不同"]


def results_verify(cycle: AssessmentCycle, *, check_current: bool = True) -> list[str]:
    """Every difference found; empty when the sealed results are intact."""
    state = selectors.results_state(cycle)
    seal = state.seal
    if seal is None:
        return [f"{cycle.year}年度考核结果尚未定档封存"]
    run = seal.run
    problems: list[str] = []
    rows = canonical.unpack(type(run).objects.values_list("inputs", flat=True).get(pk=run.pk))
    digest = canonical.input_digest(rows, run.input_digest_algorithm)
    if digest != run.input_digest:
        problems.append(
            f"第{run.version}次计算保存的输入数据与其摘要不符"
            f"（保存 {shown_digest(run.input_digest_algorithm, run.input_digest)}，实算 {digest}）"
        )
    try:
        recomputed = assessment_document(assess(canonical.input_from_rows(rows)))
    except InputError as error:
        return [*problems, *(f"按保存的输入数据重新计算出错：{m}" for m in error.messages)]
    stored = selectors.run_document(run)
    expected = {(r["kind"], r["code"]): r for r in recomputed["results"]}
    problems += _capped(_document_differences(stored, recomputed, expected), "结果文档")
    # The rows hold what the app may show (the k rule); the document keeps every group.
    weights = selectors.run_settings(run).rater_group_weights
    shown = {key: disclose_result(r, weights, min_group()) for key, r in expected.items()}
    problems += _capped(_result_row_differences(run, shown), "计算结果")
    problems += _capped(_final_differences(seal, shown), "定档结果")
    finals = list(FinalResult.objects.filter(seal=seal).values(*_FINAL_VALUES))
    form = canonical.final_form(
        cycle.year, run.version, run.input_digest, [_final_row(f) for f in finals], run.input_digest_algorithm
    )
    seal_hash = canonical.final_hash(form, seal.algorithm)
    if seal_hash != seal.hash:
        problems.append(f"定档结果与封存哈希不符（封存 {seal.shown}，实算 {seal_hash}）")
    problems += _audit_differences(seal)
    if check_current and state.finalised:
        try:
            current = canonical.input_digest(
                canonical.input_rows(cycle_assessment_input(cycle)), run.input_digest_algorithm
            )
        except InputError:
            current = "（当前数据有误，无法汇总）"
        if current != run.input_digest:
            problems.append(
                f"定档封存后考核数据有改动（当前输入摘要 {current}，"
                f"封存时 {shown_digest(run.input_digest_algorithm, run.input_digest)}）"
            )
    return problems


def _name(result: dict[str, Any]) -> str:
    return f"{result['name']}（{result['code']}）"


_FIELDS = {
    "name": "名称",
    "unit": "单位",
    "pool": "名额池",
    "democratic": "民主测评",
    "performance": "实绩",
    "composite": "综合得分",
    "rank": "排名",
    "pool_size": "池内人数",
    "grade": "等次",
    "flags": "标记",
}
# Explanations are not compared with a recomputation: their wording is the engine's of the day and may be
# better put in a later release. The sealed text is still held fast by the seal hash (final_form covers it).


def _document_differences(
    stored: dict[str, Any], recomputed: dict[str, Any], expected: dict[Any, Any]
) -> list[str]:
    if _unworded(stored) == _unworded(recomputed):
        return []
    found = []
    kept = {(r["kind"], r["code"]): r for r in stored.get("results", [])}
    for key in kept.keys() - expected.keys():
        found.append(f"保存的结果文档多出「{_name(kept[key])}」")
    for key in expected.keys() - kept.keys():
        found.append(f"保存的结果文档缺少「{_name(expected[key])}」")
    for key in kept.keys() & expected.keys():
        for field, label in _FIELDS.items():
            if kept[key].get(field) != expected[key].get(field):
                found.append(
                    f"保存的结果文档中「{_name(kept[key])}」的{label}与重新计算不同"
                    f"（保存 {kept[key].get(field)}，重算 {expected[key].get(field)}）"
                )
    for part, label in (("quotas", "名额"), ("invalid_ballots", "无效票"), ("year", "年度")):
        if stored.get(part) != recomputed.get(part):
            found.append(f"保存的结果文档中{label}与重新计算不同")
    return found or ["保存的结果文档与重新计算不同"]


def _unworded(document: dict[str, Any]) -> dict[str, Any]:
    results = [{k: v for k, v in r.items() if k != "explanation"} for r in document.get("results", [])]
    return {**document, "results": results}


def _result_row_differences(run: Any, expected: dict[Any, Any]) -> list[str]:
    found = []
    rows = Result.objects.filter(run=run).values(
        "kind", "code", "name", "unit__code", "pool", "democratic", "performance", "composite", "rank",
        "pool_size", "grade", "flags", "explanation",
    )  # fmt: skip
    seen = set()
    for row in rows:
        key = (row["kind"], row["code"])
        seen.add(key)
        want = expected.get(key)
        if want is None:
            found.append(f"第{run.version}次计算结果多出「{row['name']}（{row['code']}）」")
            continue
        have = {
            **row,
            "unit": row["unit__code"],
            "performance": _decimal_text(row["performance"]),
            "composite": _decimal_text(row["composite"]),
        }
        for field, label in _FIELDS.items():
            if have[field] != want[field]:
                found.append(
                    f"第{run.version}次计算结果中「{_name(want)}」的{label}与重新计算不同"
                    f"（保存 {have[field]}，重算 {want[field]}）"
                )
    for key in expected.keys() - seen:
        found.append(f"第{run.version}次计算结果缺少「{_name(expected[key])}」")
    return found


_FINAL_VALUES = (
    "kind", "code", "name", "unit__code", "pool", "composite", "rank", "pool_size", "grade",
    "computed_grade", "flags", "manual", "manual_reason", "explanation",
)  # fmt: skip


def _final_row(f: dict[str, Any]) -> dict[str, Any]:
    return {**f, "unit": f["unit__code"], "composite": _decimal_text(f["composite"])}


def _final_differences(seal: Any, expected: dict[Any, Any]) -> list[str]:
    found = []
    seen = set()
    for f in FinalResult.objects.filter(seal=seal).values(*_FINAL_VALUES):
        f = _final_row(f)
        key = (f["kind"], f["code"])
        seen.add(key)
        want = expected.get(key)
        if want is None:
            found.append(f"定档结果多出「{f['name']}（{f['code']}）」")
            continue
        for field, label in _FIELDS.items():
            if field in ("democratic", "performance", "grade"):
                continue
            if f[field] != want[field]:
                found.append(
                    f"定档结果中「{_name(want)}」的{label}与重新计算不同（定档 {f[field]}，重算 {want[field]}）"
                )
        if f["computed_grade"] != want["grade"]:
            found.append(
                f"定档结果中「{_name(want)}」的计算等次与重新计算不同（定档 {f['computed_grade']}，重算 {want['grade']}）"
            )
        if f["grade"] != f["computed_grade"] and not (f["manual"] and f["manual_reason"]):
            found.append(
                f"定档结果中「{_name(want)}」的等次为{f['grade']}，重新计算为{want['grade']}，且没有领导小组的决定"
            )
    for key in expected.keys() - seen:
        found.append(f"定档结果缺少「{_name(expected[key])}」")
    return found


def _audit_differences(seal: Any) -> list[str]:
    entry = AuditEntry.objects.filter(
        action="result.seal", object_type="results.seal", object_id=str(seal.pk)
    ).first()
    if entry is None:
        return ["审计记录中没有这次定档封存"]
    found = []
    after = entry.after or {}
    if after.get("hash") != seal.hash or after.get("algorithm", Digest.SHA256) != seal.algorithm:
        found.append(f"审计记录 #{entry.seq} 中的封存哈希与保存的不同")
    if entry.compute_hash() != entry.hash:
        found.append(f"审计记录 #{entry.seq} 内容与其哈希不符（记录被修改）")
    return found
