"""Benchmark the year's records at province scale: a month's import and the organiser's gap list.

    .venv/bin/python bench/records_year.py [--requests 30] [--regenerate] [--sqlite PATH]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/records_year.py

The first run (or --regenerate) builds its own database — bench/out/records.sqlite3, or the PostgreSQL
database <name>_records_bench — by `kaohe migrate` and `kaohe demo --scale province` (5,000 units, 50,000
cadres), then enrols every unit and cadre in the 2025 cycle and writes eleven months of lists as plain
tuples: each cadre 4 lines a month (task, progress, and a problem or a result), each unit 4 — about 2.4
million lines, 85% verified, one task in ten left open past its due date — and 0–2 visits a unit a month.
It writes December's file, bench/out/records-12.xlsx (≈ 220,000 lines, every unit and cadre), and then
measures, in this process:
- the import of that month (new lines), then the same file again (every line matched, nothing changed);
- the organiser's gap list page for November (`GET /records/2025/?month=11`, 5,000 units), p50/p95 over
  ``--requests`` requests through Django's test client with DEBUG off.
Targets: the import ≤ 60 s; the gap list p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import random
import statistics
import sys
import time
from pathlib import Path

import production

sys.path.insert(0, str(Path(__file__).resolve().parent))
from progress_page import database_url as _database_url  # noqa: E402
from progress_page import fresh_database, kaohe, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "bench" / "out" / "records.sqlite3"
BOOK = ROOT / "bench" / "out" / "records-12.xlsx"
KINDS = ("task", "progress", "problem", "achievement")
LABELS = {"task": "任务清单", "progress": "进度清单", "problem": "问题清单", "achievement": "成绩清单"}


def database_url(sqlite: Path) -> str:
    return _database_url(sqlite).replace("_progress_bench", "_records_bench")


def loaded(url: str) -> bool:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).exists()
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM records_listitem").fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def lines_of(rng: random.Random, month: int):
    """(kind, content, due, completed, found_by) × 4 for one owner and month."""
    due = datetime.date(2025, month, 28)
    done = None if rng.random() < 0.1 else due
    third = "problem" if rng.random() < 0.5 else "achievement"
    return [
        ("task", f"{month}月任务：完成重点工作{rng.randint(1, 9)}项", due, done, ""),
        ("progress", f"{month}月进度：已完成{rng.randint(1, 9)}0%", None, None, ""),
        (
            third,
            f"{month}月{LABELS[third]}事项{rng.randint(1, 99)}",
            None,
            None,
            "考核组" if third == "problem" else "",
        ),
        ("progress", f"{month}月进度：第{rng.randint(1, 9)}批", None, None, ""),
    ]


def generate(seed: int = 2025) -> None:
    from django.db import transaction
    from django.utils import timezone

    from kaohe.accounts.models import User
    from kaohe.bulk import insert_rows
    from kaohe.bulk import large_sqlite_cache as _large_cache
    from kaohe.org.models import Position, Unit
    from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, Phase
    from kaohe.records.models import ListItem, Visit

    rng = random.Random(seed)
    began = time.monotonic()
    organiser = User.objects.filter(role="organiser").first()
    now = timezone.now()
    with _large_cache(), transaction.atomic():
        cycle = AssessmentCycle.objects.get(year=2025)
        cycle.phase = Phase.IMPLEMENTATION
        cycle.save()
        units = list(Unit.objects.order_by("code").values_list("id", "category_id"))
        AssessedUnit.objects.bulk_create(
            [AssessedUnit(cycle=cycle, unit_id=u, category_id=c) for u, c in units], batch_size=5000
        )
        cadres = list(
            Position.objects.filter(end__isnull=True)
            .order_by("cadre_id")
            .values_list("cadre_id", "unit_id", "title")
        )
        seen = set()
        enrolled = []
        for cadre_id, unit_id, title in cadres:
            if cadre_id not in seen:
                seen.add(cadre_id)
                enrolled.append(AssessedCadre(cycle=cycle, cadre_id=cadre_id, unit_id=unit_id, post=title))
        AssessedCadre.objects.bulk_create(enrolled, batch_size=5000)
        owners = [(u, None) for u, _ in units] + [(c.unit_id, c.cadre_id) for c in enrolled]
        columns = (
            "cycle", "unit", "cadre", "month", "kind", "content", "due", "completed", "found_by",
            "entered_by", "entered_at", "verified_at", "verification_note",
        )  # fmt: skip
        total = 0
        for month in range(1, 12):
            rows = []
            for unit_id, cadre_id in owners:
                for kind, content, due, done, who in lines_of(rng, month):
                    verified = now if rng.random() < 0.85 else None
                    rows.append(
                        (cycle.pk, unit_id, cadre_id, month, kind, content, due, done, who,
                         organiser.pk, now, verified, "")
                    )  # fmt: skip
            insert_rows(ListItem, columns, rows)
            total += len(rows)
        visits = [
            Visit(
                cycle=cycle,
                unit_id=unit_id,
                date=datetime.date(2025, month, rng.randint(1, 28)),
                method=rng.choice(["site", "unannounced", "sit_in"]),
                members="考核组",
                findings="基准测试",
            )
            for unit_id, _ in units
            for month in range(1, 12)
            for _ in range(rng.choice((0, 1, 1, 2)))
        ]
        Visit.objects.bulk_create(visits, batch_size=5000)
    print(
        f"  generated in {time.monotonic() - began:.1f} s: {len(units)} units, {len(enrolled)} cadres, "
        f"{total} lines, {len(visits)} visits"
    )


def write_book() -> int:
    import xlsxwriter

    from kaohe.plans.models import AssessedCadre, AssessedUnit
    from kaohe.records.workbook import COLUMNS

    rng = random.Random(12)
    owners = [
        (code, None)
        for code in AssessedUnit.objects.filter(cycle__year=2025).values_list("unit__code", flat=True)
    ]
    owners += list(AssessedCadre.objects.filter(cycle__year=2025).values_list("unit__code", "cadre__code"))
    book = xlsxwriter.Workbook(str(BOOK), {"constant_memory": True})
    sheet = book.add_worksheet("清单")
    sheet.write_row(0, 0, COLUMNS)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    row = 1
    for unit_code, cadre_code in owners:
        for kind, content, due, done, who in lines_of(rng, 12):
            sheet.write_row(row, 0, (unit_code, cadre_code or "", 12, LABELS[kind], content))
            if due:
                sheet.write_datetime(row, 5, datetime.datetime.combine(due, datetime.time()), dates)
            if done:
                sheet.write_datetime(row, 6, datetime.datetime.combine(done, datetime.time()), dates)
            if who:
                sheet.write(row, 7, who)
            row += 1
    book.close()
    return row - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--sqlite", type=Path, default=SQLITE)
    parser.add_argument("--gaps-only", action="store_true", help="measure the gap list only, not the import")
    options = parser.parse_args()
    url = database_url(options.sqlite.resolve())
    fresh = options.regenerate or not loaded(url)
    if fresh:
        print(f"building {url}")
        fresh_database(url)
        kaohe(url, "migrate", "--no-input", "-v", "0")
        kaohe(url, "demo", "--scale", "province")
    production.use_here(url)
    import warnings

    warnings.filterwarnings("ignore", "No directory at")
    importlib.import_module("kaohe.wsgi")
    if fresh:
        generate()
    from django.db import connection

    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk insert: statistics, and the visibility map that lets the gap
        # list's counts read only the partial indexes.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE records_listitem")
            cursor.execute("ANALYZE")
    from kaohe.accounts.models import User
    from kaohe.plans.models import AssessmentCycle
    from kaohe.records.actions import list_items_import
    from kaohe.records.models import ListItem

    cycle = AssessmentCycle.objects.get(year=2025)
    organiser = User.objects.filter(role="organiser").first()
    print(f"{ListItem.objects.filter(cycle=cycle).count()} lines stored before the import")
    began = time.monotonic()
    if options.gaps_only:
        rows = 0
    else:
        rows = write_book()
    print(
        f"wrote {BOOK.name}: {rows} lines, {BOOK.stat().st_size / 1e6:.1f} MB in {time.monotonic() - began:.1f} s"
    )
    data = BOOK.read_bytes() if rows else b""
    for label in (
        () if options.gaps_only else ("import December (new lines)", "import December again (unchanged)")
    ):
        began, cpu = time.monotonic(), time.process_time()
        summary = list_items_import(actor=organiser, cycle=cycle, month=12, data=data)
        print(
            f"{label:<36} {time.monotonic() - began:6.1f} s wall, {time.process_time() - cpu:6.1f} s CPU: "
            f"{summary.created} new, {summary.updated} updated, {summary.unchanged} unchanged"
        )
    ListItem.objects.filter(cycle=cycle, month=12).delete()  # the next run imports the month afresh

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # The organiser's second factor is the login's business, not the page's: measured without it.
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1"],
        STORAGES={**settings.STORAGES, **static},
        SECOND_FACTOR_ROLES=[],
    ):
        client.force_login(organiser)
        for month in (11, 6):
            url_ = f"/records/2025/?month={month}"
            client.get(url_)  # warm
            wall, cpu = [], []
            for _ in range(options.requests):
                began, cpu_began = time.perf_counter(), time.process_time()
                response = client.get(url_)
                assert response.status_code == 200, response.status_code
                wall.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - cpu_began) * 1000)
            print(
                f"gap list {url_:<26} n={len(wall)} wall p50 {statistics.median(wall):5.0f} ms  "
                f"p95 {percentile(wall, 0.95):5.0f} ms   CPU p50 {statistics.median(cpu):5.0f} ms  "
                f"p95 {percentile(cpu, 0.95):5.0f} ms  ({len(response.content) // 1024} KB)"
            )


if __name__ == "__main__":
    main()
