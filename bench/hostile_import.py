"""Benchmark the refusal of hostile workbooks, and the cost of looking inside honest ones.

    .venv/bin/python bench/hostile_import.py [PROVINCE.xlsx]

1. Writes bench/out/hostile-roster.xlsx: a roster whose 干部 sheet repeats one row 500,000 times (a few
   hundred KB that inflate to about 100 MB), then runs `kaohe roster import` on it in a child process
   against a fresh SQLite file, printing the wall time, the child's CPU time and its peak memory
   (ru_maxrss, from wait4). Target (issue 13): refused in ≤ 10 s with a peak ≤ 300 MB, nothing saved.
2. Times ``kaohe.workbook.archive.scan`` (the inflate-and-count pass every import now makes, with its
   formula search) on the same file under the cycle workbook's limits, and on PROVINCE.xlsx when given
   (bench/assess_province.py writes one: 1.5 M ballot marks), in this process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import production

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BOOK = OUT / "hostile-roster.xlsx"
SQLITE = OUT / "hostile.sqlite3"
COPIES = 500_000

sys.path.insert(0, str(ROOT))


def write_book() -> None:
    from kaohe.workbook.tests.hostile import book, repeated

    # The roster's columns (kaohe.org.roster.UNIT_COLUMNS, CADRE_COLUMNS), here without importing Django.
    unit_columns = ("单位编码", "单位名称", "单位类别", "上级单位编码")
    cadre_columns = (
        "干部编码",
        "姓名",
        "性别",
        "出生年月",
        "单位编码",
        "职务",
        "主要负责人",
        "任职时间",
        "离任时间",
    )
    cadre = ("GB900", "周海", "男", "1980-05", "DW01", "科员", "否", "2024-01-01", None)
    data = book(
        {
            "单位": [unit_columns, ("DW01", "东城街道", "乡镇街道", None)],
            "干部": repeated(cadre_columns, cadre, COPIES),
        }
    )
    OUT.mkdir(exist_ok=True)
    BOOK.write_bytes(data)


def run(args: list[str], env: dict[str, str]) -> tuple[int, float, float, float, str]:
    """Run a child: its exit code, wall seconds, CPU seconds, its own peak memory in MB, and its output."""
    began = time.monotonic()
    child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: S603
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.monotonic() - began
    return (
        os.waitstatus_to_exitcode(status),
        elapsed,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        output,
    )


def time_scan(path: Path) -> None:
    import io

    from kaohe.workbook.archive import scan
    from kaohe.workbook.sheets import LIMITS

    data = path.read_bytes()
    began, cpu = time.perf_counter(), time.process_time()
    try:
        found = scan(io.BytesIO(data), LIMITS)
        outcome = f"{sum(found.rows.values()):,} rows, {found.expanded_bytes / 1048576:,.0f} MB inflated"
    except ValueError as error:
        outcome = f"refused: {error}"
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    size = len(data) / 1048576
    print(f"  scan {path.name} ({size:.1f} MB): {wall:.2f} s (CPU {cpu:.2f} s) — {outcome}")


def main() -> None:
    write_book()
    print(f"{BOOK.name}: {BOOK.stat().st_size / 1024:,.0f} KB, 干部 sheet of {COPIES:,} identical rows")
    SQLITE.unlink(missing_ok=True)
    env = production.environment(f"sqlite:///{SQLITE}")
    kaohe = [sys.executable, "-m", "kaohe"]
    code, *_ = run([*kaohe, "migrate", "--no-input", "-v", "0"], env)
    assert code == 0
    code, wall, cpu, peak, output = run([*kaohe, "roster", "import", str(BOOK)], env)
    print(f"  kaohe roster import: exit {code}, {wall:.1f} s (CPU {cpu:.1f} s), peak {peak:.0f} MB")
    for line in output.strip().splitlines()[-3:]:
        print(f"    {line}")
    time_scan(BOOK)
    for extra in sys.argv[1:]:
        time_scan(Path(extra))


if __name__ == "__main__":
    main()
