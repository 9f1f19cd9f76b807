"""Benchmark `kaohe cycle import` on a province workbook, then check the export assesses identically.

    .venv/bin/python bench/cycle_import.py [--sqlite PATH] [--import-only] [--no-sqlite]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/cycle_import.py

Uses bench/out/province.xlsx from bench/assess_province.py (its generator makes it when missing: 5,000
units, 50,000 cadres, 40 indicators, about 1.5 million ballot marks, sanctions, adjustments, vetoes and
earlier grades). For each database — a fresh SQLite file (bench/out/cycle.sqlite3 unless --sqlite says
otherwise; none with --no-sqlite) and, when DATABASE_URL is set, a fresh PostgreSQL database named after it
with the suffix _cycle_bench — in child processes: migrate; import (reading the workbook, then storing it in
one transaction), with the child's peak memory and, on PostgreSQL, the server's CPU time over the import;
unless --import-only, export the cycle next to the SQLite file and run `kaohe assess --json` on the original
and on the export, whose documents must be identical. Target: import ≤ 120 s including reading.
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
SQLITE = OUT / "cycle.sqlite3"
sys.path.insert(0, str(ROOT / "bench"))

from assess_province import BOOK, generate  # noqa: E402


def step_import(book: str) -> dict[str, object]:
    import resource

    import django

    django.setup()
    from kaohe.accounts.actors import CLI
    from kaohe.cycle_workbook import actions as cycle_workbook
    from kaohe.workbook.reader import read_assessment_workbook

    began, cpu = time.perf_counter(), time.process_time()
    digest = cycle_workbook.file_digest(book)
    data = read_assessment_workbook(book)
    read, read_cpu = time.perf_counter() - began, time.process_time() - cpu
    server, wal = server_cpu(), wal_position()
    began, cpu = time.perf_counter(), time.process_time()
    summary = cycle_workbook.cycle_import(data=data, actor=CLI, file_name=Path(book).name, digest=digest)
    stored, store_cpu = time.perf_counter() - began, time.process_time() - cpu
    return {
        "read": read,
        "read_cpu": read_cpu,
        "store": stored,
        "store_cpu": store_cpu,
        "server_cpu": server_cpu() - server,
        "wal_mb": (wal_position() - wal) / 1048576,
        "marks": summary.marks,
        "ballots": summary.ballots,
        "cadres": summary.cadres,
        "units": summary.units,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def step_export(year: str, target: str) -> dict[str, object]:
    import resource

    import django

    django.setup()
    from kaohe.cycle_workbook import export
    from kaohe.plans.models import AssessmentCycle
    from kaohe.results import inputs
    from kaohe.workbook.book_writer import write_assessment_workbook

    cycle = AssessmentCycle.objects.get(year=int(year))
    began, cpu = time.perf_counter(), time.process_time()
    data = inputs.cycle_assessment_input(cycle)
    gathered, gather_cpu = time.perf_counter() - began, time.process_time() - cpu
    assert not export.export_problems(data)
    began, cpu = time.perf_counter(), time.process_time()
    write_assessment_workbook(data, target, check=False)
    return {
        "gather": gathered,
        "gather_cpu": gather_cpu,
        "write": time.perf_counter() - began,
        "write_cpu": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def server_cpu() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (a local server); 0 on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def wal_position() -> int:
    """The server's write-ahead log position in bytes (what the import writes to it, other work aside)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'")
        return int(cursor.fetchone()[0])


STEPS = {"import": step_import, "export": step_export}


def run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    began = time.monotonic()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return time.monotonic() - began, done.stdout


def child(step: str, args: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    seconds, output = run([sys.executable, __file__, "--step", step, *args], env)
    return seconds, json.loads(output.splitlines()[-1])


def fresh_postgres(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_cycle_bench"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def bench(label: str, database_url: str, export: Path | None) -> None:
    env = production.environment(database_url)
    kaohe = [sys.executable, "-m", "kaohe"]
    seconds, _ = run([*kaohe, "migrate", "--no-input", "-v", "0"], env)
    print(f"\n{label}: migrated in {seconds:.1f} s")
    total, figures = child("import", [str(BOOK)], env)
    print(
        f"  import: read {figures['read']:.1f} s (CPU {figures['read_cpu']:.1f}) + store {figures['store']:.1f} s "
        f"(CPU {figures['store_cpu']:.1f}, server {figures['server_cpu']:.1f}, WAL {figures['wal_mb']:.0f} MB); "
        f"child process start to exit {total:.1f} s; peak {figures['peak_mb']:.0f} MB "
        f"({figures['units']:,} units, {figures['cadres']:,} cadres, {figures['ballots']:,} ballots, "
        f"{figures['marks']:,} marks)"
    )
    if export is None:
        return
    total, figures = child("export", ["2025", str(export)], env)
    print(
        f"  export: gather {figures['gather']:.1f} s (CPU {figures['gather_cpu']:.1f}) + write "
        f"{figures['write']:.1f} s (CPU {figures['write_cpu']:.1f}); "
        f"child process {total:.1f} s; peak {figures['peak_mb']:.0f} MB"
    )
    documents = []
    for book in (BOOK, export):
        seconds, output = run([*kaohe, "assess", str(book), "--json"], env)
        documents.append(json.loads(output))
        print(f"  kaohe assess {book.name}: {seconds:.1f} s")
    same = documents[0] == documents[1]
    print(f"  results of the export {'identical to' if same else 'DIFFERENT FROM'} the original's")
    if not same:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--sqlite", type=Path, default=SQLITE, help="the SQLite file (default: %(default)s)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--import-only", action="store_true", help="no export and no comparison")
    options = parser.parse_args()
    if options.step:
        print(json.dumps(STEPS[options.step](*options.args)))
        return
    if not BOOK.exists():
        began = time.monotonic()
        generate(BOOK)
        print(f"generated {BOOK.relative_to(ROOT)} in {time.monotonic() - began:.0f} s")
    print(f"{BOOK.relative_to(ROOT)}: {BOOK.stat().st_size / 1048576:.1f} MB")
    sqlite = options.sqlite.resolve()
    export = None if options.import_only else sqlite.with_name(f"{sqlite.stem}-export.xlsx")
    if not options.no_sqlite:
        for path in (sqlite, Path(f"{sqlite}-wal"), Path(f"{sqlite}-shm")):
            path.unlink(missing_ok=True)
        bench("SQLite", f"sqlite:///{sqlite}", export)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        bench("PostgreSQL", fresh_postgres(os.environ["DATABASE_URL"]), export)


if __name__ == "__main__":
    main()
