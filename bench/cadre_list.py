"""Benchmark the cadre list page on the province roster: p50/p95 of a category filter with a search.

    .venv/bin/python bench/cadre_list.py [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/cadre_list.py

Uses the database that bench/roster_import.py loaded (bench/out/roster.sqlite3, or the PostgreSQL
database <name>_roster_bench when DATABASE_URL is set), importing bench/out/roster.xlsx first if it is
empty. Requests go through Django's test client in this process, logged in as an organiser (who sees
every cadre), with DEBUG off; the target is p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import production

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SQLITE = OUT / "roster.sqlite3"
BOOK = OUT / "roster.xlsx"
SEARCHES = ("王", "李明", "zh", "liu", "wjg", "GB04203")  # characters, pinyin, initials, a code prefix
CATEGORIES = ("乡镇街道", "政府部门", "党群部门")


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=parts.path + "_roster_bench"))
    return f"sqlite:///{SQLITE}"


def ensure_roster(url: str) -> None:
    if url.startswith("sqlite") and SQLITE.exists():
        return
    if not BOOK.exists() or url.startswith("sqlite"):
        print("no roster loaded yet: running bench/roster_import.py first")
        subprocess.run([sys.executable, str(ROOT / "bench" / "roster_import.py")], check=True, cwd=ROOT)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    options = parser.parse_args()
    url = database_url()
    ensure_roster(url)
    production.use_here(url)

    import warnings

    warnings.filterwarnings("ignore", "No directory at")  # whitenoise without collectstatic
    import django

    importlib.import_module("kaohe.wsgi")  # set up as a web process is: Django, then start-up objects frozen
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from kaohe.accounts.models import Role, User
    from kaohe.org.models import Cadre, UnitCategory

    cadres = Cadre.objects.count()
    if cadres == 0:
        sys.exit(f"the database {url} holds no cadres: run bench/roster_import.py first")
    organiser, _ = User.objects.get_or_create(
        username="bench-organiser", defaults={"role": Role.ORGANISER, "full_name": "基准测试"}
    )
    categories = dict(UnitCategory.objects.filter(name__in=CATEGORIES).values_list("name", "id"))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(organiser)
    page = reverse("org:cadre_list")
    queries = [
        {"category": categories[name], "q": search}
        for search in SEARCHES
        for name in CATEGORIES
        if name in categories
    ]
    print(f"{url.split('?')[0]}: {cadres} cadres; GET {page}?category=…&q=… ({len(queries)} combinations)")
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(DEBUG=False, STORAGES={**django.conf.settings.STORAGES, **static}):
        for query in queries[:5]:  # warm-up: templates, connections
            client.get(page, query)
        timings: list[float] = []
        cpu: list[
            float
        ] = []  # this process's CPU time: the wall time on an idle machine, bar the database server
        by_search: dict[str, list[float]] = {search: [] for search in SEARCHES}
        rows: list[int] = []
        for i in range(options.requests):
            query = queries[i % len(queries)]
            began, cpu_began = time.perf_counter(), time.process_time()
            response = client.get(f"{page}?{urlencode(query)}")
            timings.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - cpu_began) * 1000)
            by_search[query["q"]].append(timings[-1])
            if response.status_code != 200:
                sys.exit(f"{page}?{urlencode(query)} answered {response.status_code}")
            rows.append(response.content.count(b"<tr"))
        plain: list[float] = []
        for _ in range(50):
            began = time.perf_counter()
            client.get(page)
            plain.append((time.perf_counter() - began) * 1000)
    print(
        f"category + search: {options.requests} requests  p50 {statistics.median(timings):.0f} ms"
        f"  p95 {percentile(timings, 0.95):.0f} ms  max {max(timings):.0f} ms"
        f"  (table rows per page: {min(rows)}–{max(rows)})"
    )
    print(
        f"  CPU time in this process: p50 {statistics.median(cpu):.0f} ms  p95 {percentile(cpu, 0.95):.0f} ms"
    )
    for search, values in by_search.items():
        print(
            f"  q={search:<8} p50 {statistics.median(values):4.0f} ms  p95 {percentile(values, 0.95):4.0f} ms"
        )
    print(
        f"no filter, first page: 50 requests  p50 {statistics.median(plain):.0f} ms"
        f"  p95 {percentile(plain, 0.95):.0f} ms"
    )


if __name__ == "__main__":
    main()
