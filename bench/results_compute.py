"""Benchmark `kaohe results compute` at province scale from the database, and the review page of a 500 pool.

    .venv/bin/python bench/results_compute.py [--reimport] [--check] [--requests 200] [--sqlite PATH]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/results_compute.py

The province cycle is bench/out/province.xlsx of bench/assess_province.py (generated when missing),
imported with kaohe.cycle_workbook.actions.cycle_import into a SQLite file bench/out/results.sqlite3 (or
--sqlite PATH; kept between runs, --reimport starts afresh) and, when DATABASE_URL is set, a fresh
PostgreSQL database <name>_results_bench (--keep-postgres reuses it when it holds the cycle). --no-sqlite
and --no-review leave those out. Then, each in a child process:

- compute: ``actions.compute`` (gather with ``cycle_assessment_input``, the rules engine, the JSON
  document, the canonical inputs compressed and their digest) and ``actions.compute_run_create`` storing the run
  (the document compressed, 55,000 result rows, the quota pools, the audit entry). Target ≤ 60 s.
  With --check, the stored document must equal ``kaohe assess --json`` on the workbook.
- review: GET /cycles/2025/results/review/?pool=team:事业单位 (500 teams) through Django's test client as
  an organiser, DEBUG off, after five warm-ups; wall and CPU (``time.process_time``) per request, the
  page's size and its queries. Target p95 ≤ 300 ms. Alone, on a database that holds a run:
  ``DATABASE_URL=sqlite:///PATH DJANGO_SETTINGS_MODULE=kaohe.settings .venv/bin/python
  bench/results_compute.py --step review 200``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import production

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SQLITE = OUT / "results.sqlite3"
DOCUMENT = OUT / "results-compute.json"
POOL = "team:事业单位"
sys.path.insert(0, str(ROOT / "bench"))

from assess_province import BOOK, generate  # noqa: E402


def _peak() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_import(book: str) -> dict[str, object]:
    import django

    django.setup()
    from kaohe.accounts.actors import CLI
    from kaohe.cycle_workbook import actions as cycle_workbook
    from kaohe.plans.models import AssessmentCycle
    from kaohe.workbook.reader import read_assessment_workbook

    if AssessmentCycle.objects.filter(year=2025).exists():
        return {"skipped": True}
    began = time.perf_counter()
    cycle_workbook.cycle_import(data=read_assessment_workbook(book), actor=CLI, file_name=Path(book).name)
    AssessmentCycle.objects.filter(year=2025).update(phase="evaluation")
    return {"skipped": False, "seconds": time.perf_counter() - began, "peak_mb": _peak()}


def step_compute(dump: str) -> dict[str, object]:
    import django

    django.setup()
    from kaohe.accounts.actors import SystemActor
    from kaohe.bulk import gc_paused
    from kaohe.plans.models import AssessmentCycle
    from kaohe.results import actions, canonical
    from kaohe.results.inputs import cycle_assessment_input
    from kaohe.rules import assess, assessment_document

    cycle = AssessmentCycle.objects.get(year=2025)
    figures: dict[str, object] = {}
    began, cpu = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal began, cpu
        figures[name] = (time.perf_counter() - began, time.process_time() - cpu)
        began, cpu = time.perf_counter(), time.process_time()

    # The same steps as actions.compute, timed one by one.
    with gc_paused():
        data = cycle_assessment_input(cycle)
        lap("gather")
        assessment = assess(data)
        lap("assess")
        document = assessment_document(assessment)
        lap("document")
        rows = canonical.input_rows(data)
        packed, digest = canonical.encode(rows, "sha256")
        lap("digest")
    computed = actions.Computed(data, assessment, document, rows, packed, digest, "sha256")
    run = actions.compute_run_create(actor=SystemActor("bench"), cycle=cycle, note="bench", computed=computed)
    lap("store")
    if dump:
        Path(dump).write_text(json.dumps(document, ensure_ascii=False, indent=2))
    figures.update(version=run.version, results=len(document["results"]), peak_mb=_peak())
    return figures


def step_review(requests: str) -> dict[str, object]:
    import importlib

    import django

    importlib.import_module("kaohe.wsgi")  # set up as a web process is: Django, then start-up objects frozen
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment

    from kaohe.accounts.models import Role, User

    setup_test_environment()
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    override_settings(DEBUG=False, STORAGES={**django.conf.settings.STORAGES, **static}).enable()
    user, _ = User.objects.get_or_create(username="bench-organiser", defaults={"role": Role.ORGANISER})
    client = Client()
    client.force_login(user)
    url = "/cycles/2025/results/review/"
    for _ in range(5):
        response = client.get(url, {"pool": POOL})
        assert response.status_code == 200, response.status_code
    rows = len(response.context["rows"])
    with CaptureQueriesContext(connection) as queries:
        client.get(url, {"pool": POOL})
    count = len(queries)  # now: the next request empties the log
    walls, cpus = [], []
    for _ in range(int(requests)):
        began, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, {"pool": POOL})
        walls.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200

    def pct(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000

    return {
        "rows": rows,
        "bytes": len(response.content),
        "queries": count,
        "p50": pct(walls, 0.5),
        "p95": pct(walls, 0.95),
        "cpu_p50": pct(cpus, 0.5),
        "cpu_p95": pct(cpus, 0.95),
    }


STEPS = {"import": step_import, "compute": step_compute, "review": step_review}


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    began = time.monotonic()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return time.monotonic() - began, done.stdout


def child(step: str, args: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    seconds, output = run([sys.executable, __file__, "--step", step, *args], env)
    return seconds, json.loads(output.splitlines()[-1])


def fresh_postgres(url: str, keep: bool) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_results_bench"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (keep and exists):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def bench(label: str, database_url: str, options: argparse.Namespace) -> None:
    env = production.environment(database_url)
    kaohe = [sys.executable, "-m", "kaohe"]
    seconds, _ = run([*kaohe, "migrate", "--no-input", "-v", "0"], env)
    print(f"\n{label}: migrated in {seconds:.1f} s")
    total, figures = child("import", [str(BOOK)], env)
    if figures["skipped"]:
        print("  province cycle already imported")
    else:
        print(
            f"  imported the province cycle in {figures['seconds']:.1f} s (peak {figures['peak_mb']:.0f} MB)"
        )
    total, figures = child("compute", [str(DOCUMENT) if options.check else ""], env)
    parts = ", ".join(
        f"{name} {figures[name][0]:.1f} s (CPU {figures[name][1]:.1f})"
        for name in ("gather", "assess", "document", "digest", "store")
    )
    work = sum(figures[name][0] for name in ("gather", "assess", "document", "digest", "store"))
    print(
        f"  compute run {figures['version']} ({figures['results']:,} results): {parts}; "
        f"compute {work:.1f} s, child process start to exit {total:.1f} s, peak {figures['peak_mb']:.0f} MB"
    )
    if options.check:
        _, output = run([*kaohe, "assess", str(BOOK), "--json"], env)
        same = json.loads(output) == json.loads(DOCUMENT.read_text())
        print(f"  stored document {'identical to' if same else 'DIFFERENT FROM'} kaohe assess --json")
        if not same:
            sys.exit(1)
    if options.no_review:
        return
    _, figures = child("review", [str(options.requests)], env)
    print(
        f"  review of {POOL} ({figures['rows']} rows, {figures['bytes'] / 1024:.0f} KB, "
        f"{figures['queries']} queries): "
        f"wall p50 {figures['p50']:.0f} ms / p95 {figures['p95']:.0f} ms; "
        f"CPU p50 {figures['cpu_p50']:.0f} ms / p95 {figures['cpu_p95']:.0f} ms ({options.requests} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--reimport", action="store_true", help="start from an empty SQLite file")
    parser.add_argument("--check", action="store_true", help="compare with kaohe assess --json on the book")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sqlite", type=Path, default=SQLITE, help="the SQLite file (default %(default)s)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--no-review", action="store_true", help="the compute only")
    parser.add_argument("--keep-postgres", action="store_true", help="reuse the imported PostgreSQL database")
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        print(json.dumps(STEPS[options.step](*options.args)))
        return
    if not BOOK.exists():
        began = time.monotonic()
        generate(BOOK)
        print(f"generated {BOOK.relative_to(ROOT)} in {time.monotonic() - began:.0f} s")
    sqlite = options.sqlite.resolve()
    if options.reimport:
        for path in (sqlite, Path(f"{sqlite}-wal"), Path(f"{sqlite}-shm")):
            path.unlink(missing_ok=True)
    if not options.no_sqlite:
        bench("SQLite", f"sqlite:///{sqlite}", options)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        bench("PostgreSQL", fresh_postgres(os.environ["DATABASE_URL"], options.keep_postgres), options)


if __name__ == "__main__":
    main()
