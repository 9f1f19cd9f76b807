"""Benchmark `kaohe roster import` on the province roster: 5,000 units and 50,000 cadres.

    .venv/bin/python bench/roster_import.py [--regenerate]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/roster_import.py

Generates bench/out/roster.xlsx once (reused afterwards), then for each database — a fresh SQLite file
bench/out/roster.sqlite3, and, when DATABASE_URL is set, a fresh PostgreSQL database named after it with
the suffix _roster_bench — runs in child processes: migrate; the first import (everything created); the
same file again (everything unchanged); a file in which one cadre in ten has moved (5,000 moves). Each
line gives the wall time, the child's CPU time (user + system: what the wall time would be on an idle
machine, less the database server's share on PostgreSQL) and its own peak memory (ru_maxrss, from wait4).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import production

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BOOK = OUT / "roster.xlsx"
MOVES = OUT / "roster-moves.xlsx"
SQLITE = OUT / "roster.sqlite3"

COUNTIES = 100
# Per county: its government (the parent of the rest, written last to test forward references), then
TOWNS, PARTY, GOVERNMENT, INSTITUTIONS = 15, 10, 19, 5  # 1 + 49 = 50 units a county, 5,000 in all
CADRES_PER_UNIT = 10

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文辉斌宇浩凯鹏飞亮成俊峰海波晨阳"
    "思佳梦婷雪琳欣怡子涵雨萱博文子轩浩然宇航嘉怡晓东春梅秋菊冬梅立新卫东建华建军永刚永红振华国庆德明"
)
PLACES = "安平宁清河东西南北山川阳城江湖丰泰康和兴隆永福长乐华新民顺昌盛云龙凤台水源青石金玉"
TOWN_TITLES = (
    "党委书记",
    "镇长",
    "党委副书记",
    "副镇长",
    "副镇长",
    "副镇长",
    "人大主席",
    "纪委书记",
    "武装部长",
    "组织委员",
)
OFFICE_TITLES = (
    "局长",
    "党组书记",
    "副局长",
    "副局长",
    "副局长",
    "纪检组长",
    "总工程师",
    "办公室主任",
    "科长",
    "科长",
)
PARTY_UNITS = ("纪委监委", "组织部", "宣传部", "统战部", "政法委", "编办", "党校", "档案馆", "总工会", "团委")
GOVERNMENT_UNITS = (
    "发展改革局", "教育局", "科技局", "公安局", "民政局", "司法局", "财政局", "人社局", "自然资源局", "生态环境局",
    "住建局", "交通运输局", "水利局", "农业农村局", "商务局", "文旅局", "卫健委", "应急管理局", "审计局",
)  # fmt: skip
INSTITUTIONS_UNITS = ("融媒体中心", "疾控中心", "人民医院", "职业中学", "规划设计院")


def person(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def county_names(rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < COUNTIES:
        names.add(rng.choice(PLACES) + rng.choice(PLACES))
    return sorted(names)


def generate(path: Path, *, moved_share: float = 0.0) -> None:
    """The province roster; with ``moved_share``, that share of cadres in another unit from 2025-03-01."""
    from openpyxl import Workbook

    rng = random.Random(2025)
    movers = random.Random(7)  # its own stream, so the moved file differs from the first in moves only
    book = Workbook(write_only=True)
    units = book.create_sheet("单位")
    units.append(["单位编码", "单位名称", "单位类别", "上级单位编码", "先进单位"])
    cadres = book.create_sheet("干部")
    cadres.append(["干部编码", "姓名", "性别", "出生年月", "单位编码", "职务", "主要负责人", "任职时间"])
    all_units: list[str] = []
    rows: list[tuple[str, str, str]] = []  # unit code, unit name, title list kind
    for c, county in enumerate(county_names(rng)):
        head = f"DW{c:03d}00"
        members: list[tuple[str, str, str, str | None]] = []
        towns = [rng.choice(PLACES) + rng.choice(PLACES) + ("街道" if i < 3 else "镇") for i in range(TOWNS)]
        for i, name in enumerate(towns, start=1):
            members.append((f"DW{c:03d}{i:02d}", f"{county}县{name}", "乡镇街道", head))
        for i, name in enumerate(PARTY_UNITS, start=TOWNS + 1):
            members.append((f"DW{c:03d}{i:02d}", f"{county}县{name}", "党群部门", head))
        for i, name in enumerate(GOVERNMENT_UNITS, start=TOWNS + PARTY + 1):
            members.append((f"DW{c:03d}{i:02d}", f"{county}县{name}", "政府部门", head))
        health = f"DW{c:03d}{TOWNS + PARTY + 17:02d}"  # the county's 卫健委
        for i, name in enumerate(INSTITUTIONS_UNITS, start=TOWNS + PARTY + GOVERNMENT + 1):
            members.append((f"DW{c:03d}{i:02d}", f"{county}县{name}", "事业单位", health))
        members.append((head, f"{county}县人民政府", "政府部门", None))
        for code, name, category, parent in members:
            units.append([code, name, category, parent, "是" if rng.random() < 0.1 else None])
            all_units.append(code)
            rows.append((code, name, "town" if category == "乡镇街道" else "office"))
    for code, _, kind in rows:
        titles = TOWN_TITLES if kind == "town" else OFFICE_TITLES
        for i in range(CADRES_PER_UNIT):
            cadre = f"GB{code[2:]}{i:02d}"
            born = datetime.date(rng.randint(1963, 1996), rng.randint(1, 12), 1)
            start = datetime.datetime(rng.randint(2012, 2024), rng.randint(1, 12), rng.randint(1, 28))  # noqa: DTZ001
            unit, title = code, titles[i]
            if moved_share and movers.random() < moved_share and i > 0:
                unit, start = movers.choice(all_units), datetime.datetime(2025, 3, 1)  # noqa: DTZ001
            cadres.append([
                cadre, person(rng), rng.choice("男男女"),
                born.strftime("%Y.%m") if rng.random() < 0.5 else datetime.datetime(born.year, born.month, 1),  # noqa: DTZ001
                unit, title, "是" if i == 0 else "否", start,
            ])  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    book.save(path)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run a child; its wall seconds, CPU seconds, its own peak memory in MB, and its output."""
    began = time.monotonic()
    child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert child.stdout is not None
    output = child.stdout.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - began
    if child.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({child.returncode}):\n{output}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def fresh_postgres(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_roster_bench"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def bench(label: str, database_url: str) -> None:
    env = production.environment(database_url)
    kaohe = [sys.executable, "-m", "kaohe"]
    seconds, _, _, _ = run([*kaohe, "migrate", "--no-input", "-v", "0"], env)
    print(f"\n{label}: migrated in {seconds:.1f} s")
    for step, path in (("first import", BOOK), ("re-import, unchanged", BOOK), ("import with moves", MOVES)):
        seconds, cpu, peak, output = run([*kaohe, "roster", "import", str(path)], env)
        counts = " / ".join(line for line in output.splitlines() if line.startswith(("单位", "干部", "职务")))
        print(f"  {step:<22} {seconds:6.1f} s (CPU {cpu:5.1f} s)  peak {peak:4.0f} MB   {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regenerate", action="store_true")
    options = parser.parse_args()
    if options.regenerate or not BOOK.exists() or not MOVES.exists():
        began = time.monotonic()
        generate(BOOK)
        generate(MOVES, moved_share=0.1)
        print(f"generated {BOOK.relative_to(ROOT)} and {MOVES.name} in {time.monotonic() - began:.1f} s")
    print(f"{BOOK.relative_to(ROOT)}: {BOOK.stat().st_size / 1048576:.1f} MB")
    SQLITE.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
    bench("SQLite", f"sqlite:///{SQLITE}")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        bench("PostgreSQL", fresh_postgres(os.environ["DATABASE_URL"]))


if __name__ == "__main__":
    main()
