"""Benchmark `kaohe assess` on a province: 5,000 units, 50,000 cadres, about 1.5 million ballot marks.

    .venv/bin/python bench/assess_province.py [--regenerate]

Generates bench/out/province.xlsx once (reused afterwards), then measures in fresh child processes, so
each peak memory (ru_maxrss) is that step's own: reading the workbook, computing, writing the results
workbook; and, for the choice of reader, python-calamine against openpyxl's read-only mode on the
测评票 sheets (测评票 and 测评票2: Excel holds at most 1,048,576 rows a sheet).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BOOK = OUT / "province.xlsx"

CATEGORIES = {"乡镇街道": 1500, "党群部门": 1000, "政府部门": 2000, "事业单位": 500}
CADRES_PER_UNIT = 10
INDICATORS_PER_CATEGORY = 10
BALLOTS_PER_UNIT = {"上级": 5, "同级": 11, "下级": 11}  # each marks the team and its 10 cadres
CADRE_CHOICES = ("优秀", "称职", "基本称职", "不称职")
TEAM_CHOICES = ("优秀", "良好", "一般", "较差")
SHEET_ROWS = 1_000_000


def generate(path: Path) -> None:
    from openpyxl import Workbook

    rng = random.Random(2025)
    book = Workbook(write_only=True)

    def sheet(name: str, header: list[str]):  # noqa: ANN202
        ws = book.create_sheet(name)
        ws.append(header)
        return ws

    settings = sheet("参数", ["参数", "值"])
    for row in (("年度", 2025), ("干部名额池", "单位类别"), ("每票优秀上限", "40%"), ("最少有效票", 10)):
        settings.append(row)

    units = sheet(
        "单位", ["单位编码", "单位名称", "单位类别", "先进单位", "公众评议", "领导评价", "一票否决"]
    )
    unit_codes: list[tuple[str, str]] = []
    for category, count in CATEGORIES.items():
        for _ in range(count):
            code = f"DW{len(unit_codes) + 1:05d}"
            unit_codes.append((code, category))
            veto = "安全生产" if rng.random() < 0.002 else None
            advanced = "是" if rng.random() < 0.1 else None
            units.append(
                [code, f"单位{code}", category, advanced, rng.randint(70, 99), rng.randint(70, 99), veto]
            )

    indicators = sheet("指标", ["单位类别", "指标编码", "指标名称", "权重"])
    for category in CATEGORIES:
        for i in range(INDICATORS_PER_CATEGORY):
            indicators.append([category, f"ZB{i + 1:02d}", f"指标{i + 1}", 10])
    scores = sheet("指标得分", ["单位编码", "指标编码", "得分"])
    for code, _ in unit_codes:
        for i in range(INDICATORS_PER_CATEGORY):
            scores.append([code, f"ZB{i + 1:02d}", round(rng.uniform(60, 100), 1)])

    cadres = sheet(
        "干部",
        [
            "干部编码",
            "姓名",
            "单位编码",
            "职务",
            "主要负责人",
            "平时考核",
            "领导评价",
            "试用期",
            "立案未结",
            "表现突出",
        ],
    )
    cadre_codes: dict[str, list[str]] = {}
    for code, _ in unit_codes:
        members = cadre_codes[code] = []
        for i in range(CADRES_PER_UNIT):
            cadre = f"GB{code[2:]}{i:02d}"
            members.append(cadre)
            cadres.append(
                [
                    cadre,
                    f"干部{cadre}",
                    code,
                    "书记" if i == 0 else "科员",
                    "是" if i == 0 else None,
                    rng.randint(70, 99),
                    rng.randint(70, 99),
                    "是" if rng.random() < 0.01 else None,
                    "是" if rng.random() < 0.002 else None,
                    "抗洪抢险" if rng.random() < 0.01 else None,
                ]
            )

    sanctions = sheet("处分", ["干部编码", "处分", "年度"])
    adjustments = sheet("加减分", ["对象编码", "类型", "分值", "原因"])
    priors = sheet("往年等次", ["对象编码", "年度", "等次"])
    for code, _ in unit_codes:
        for cadre in cadre_codes[code]:
            if rng.random() < 0.005:
                sanctions.append(
                    [cadre, rng.choice(("党内警告", "政务记过", "政务记大过")), rng.choice((2024, 2025))]
                )
            if rng.random() < 0.05:
                adjustments.append([cadre, rng.choice(("加分", "扣分")), rng.choice((0.5, 1, 2)), "专项工作"])
            if rng.random() < 0.3:
                priors.append([cadre, 2024, rng.choice(CADRE_CHOICES)])
                priors.append([cadre, 2023, rng.choice(CADRE_CHOICES)])
        if rng.random() < 0.2:
            adjustments.append([code, rng.choice(("加分", "扣分")), rng.choice((1, 2, 3)), "督查通报"])

    ballot_header = ["票号", "评价人类别", "对象编码", "评价"]
    ballots = sheet("测评票", ballot_header)
    rows, sheets = 1, 1
    cadre_weights = (30, 55, 12, 3)
    team_weights = (35, 50, 12, 3)
    for code, _ in unit_codes:
        number = 0
        for group, count in BALLOTS_PER_UNIT.items():
            for _ in range(count):
                number += 1
                ballot = f"{code}-{number:02d}"
                if rows > SHEET_ROWS:  # Excel's limit is 1,048,576 rows: go on in 测评票2
                    sheets += 1
                    ballots, rows = sheet(f"测评票{sheets}", ballot_header), 1
                ballots.append([ballot, group, code, rng.choices(TEAM_CHOICES, team_weights)[0]])
                for cadre in cadre_codes[code]:
                    ballots.append([ballot, group, cadre, rng.choices(CADRE_CHOICES, cadre_weights)[0]])
                rows += 1 + CADRES_PER_UNIT

    OUT.mkdir(parents=True, exist_ok=True)
    book.save(path)


# --- steps, each run in a child process ---------------------------------------------------------------


def step_assess(book: str, results: str) -> dict[str, object]:
    import resource

    from kaohe.workbook.reader import read_assessment_workbook

    figures: dict[str, object] = {}

    def timed(name: str, work, *args):  # noqa: ANN001, ANN202
        wall, cpu = time.perf_counter(), time.process_time()
        value = work(*args)
        figures[name] = (time.perf_counter() - wall, time.process_time() - cpu)
        return value

    data = timed("read", read_assessment_workbook, book)
    figures["marks"], figures["cadres"] = len(data.marks), len(data.cadres)
    try:
        from kaohe.rules import assess, assessment_document
        from kaohe.workbook.writer import write_results
    except ImportError as error:
        figures["skipped"] = str(error)
    else:
        assessment = timed("compute", assess, data)
        figures["results"] = len(assessment.results)
        timed("write", write_results, assessment, results)
        timed("json", lambda a: json.dumps(assessment_document(a), ensure_ascii=False, indent=2), assessment)
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def step_calamine(book: str) -> dict[str, object]:
    import resource

    import python_calamine

    started = time.perf_counter()
    workbook = python_calamine.CalamineWorkbook.from_path(book)
    names = [name for name in workbook.sheet_names if name.startswith("测评票")]
    rows = sum(1 for name in names for _ in workbook.get_sheet_by_name(name).iter_rows())
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time(),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def step_openpyxl(book: str) -> dict[str, object]:
    import resource

    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(book, read_only=True, data_only=True)
    names = [name for name in workbook.sheetnames if name.startswith("测评票")]
    rows = sum(1 for name in names for _ in workbook[name].iter_rows(values_only=True))
    return {
        "rows": rows,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time(),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


STEPS = {"assess": step_assess, "calamine": step_calamine, "openpyxl": step_openpyxl}


def run_child(step: str, *args: str) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, __file__, "--step", step, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(output.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(STEPS[options.step](*options.args)))
        return

    if options.regenerate or not BOOK.exists():
        started = time.perf_counter()
        generate(BOOK)
        print(f"generated {BOOK.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")
    print(f"workbook: {BOOK.stat().st_size / 1048576:.1f} MB")

    started = time.perf_counter()
    figures = run_child("assess", str(BOOK), str(OUT / "province-results.xlsx"))
    total = time.perf_counter() - started
    print(f"{figures['marks']:,} marks, {figures['cadres']:,} cadres; seconds as wall (CPU):")
    for step in ("read", "compute", "write", "json"):
        if step in figures:
            wall, cpu = figures[step]
            print(f"  {step}: {wall:.1f} ({cpu:.1f})")
    if "skipped" in figures:
        print(f"  compute and write skipped: {figures['skipped']}")
    print(f"  total, child process start to exit: {total:.1f}; peak memory {figures['peak_mb']:.0f} MB")

    for step in ("calamine", "openpyxl"):
        reading = run_child(step, str(BOOK))
        print(
            f"{step}: 测评票 sheets, {reading['rows']:,} rows in {reading['seconds']:.1f} s (CPU {reading['cpu']:.1f}), "
            f"peak {reading['peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
