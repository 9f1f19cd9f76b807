"""Bench: every team and cadre 综合分析报告 of a cycle, and the cycle's analysis report, timed.

    DATABASE_URL=sqlite:////tmp/kaohe-bench.sqlite3 .venv/bin/kaohe demo   # the city demo (80 units)
    DATABASE_URL=sqlite:////tmp/kaohe-bench.sqlite3 .venv/bin/python bench/reports.py 2025

    # the cycle report at province scale, on the database bench/results_compute.py leaves:
    .venv/bin/python bench/results_compute.py --no-review
    DATABASE_URL=sqlite:///bench/out/results.sqlite3 .venv/bin/python bench/reports.py 2025 --cycle-only

Prints the seconds for: gathering and rendering all team reports, all cadre reports (sandboxed children,
100 documents each, two at a time), and the cycle report with its charts; and the load average.
"""

import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")

import django  # noqa: E402

django.setup()

from kaohe.plans.models import AssessmentCycle  # noqa: E402
from kaohe.reports import documents  # noqa: E402
from kaohe.reports.models import AnalysisReport  # noqa: E402


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    year = int(args[0]) if args else 2025
    cycle = AssessmentCycle.objects.get(year=year)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    total = 0.0
    for kind in () if "--cycle-only" in sys.argv else ("team", "cadre"):
        reports = list(
            AnalysisReport.objects.filter(cycle=cycle, kind=kind).select_related("cycle", "unit", "cadre")
        )
        began, cpu = time.perf_counter(), _cpu()
        out = documents.reports_docx(cycle, kind, reports)
        spent = time.perf_counter() - began
        total += spent
        print(
            f"{kind}: {len(out)} reports in {spent:.1f} s, CPU {_cpu() - cpu:.1f} s with the sandboxed children "
            f"({sum(map(len, out)) // 1024} KB)"
        )
    if total:
        print(f"all team and cadre reports: {total:.1f} s")
    began, cpu = time.perf_counter(), _cpu()
    content = documents.cycle_docx(cycle)
    print(
        f"cycle report: {time.perf_counter() - began:.1f} s, CPU {_cpu() - cpu:.1f} s ({len(content) // 1024} KB)"
    )


if __name__ == "__main__":
    main()
