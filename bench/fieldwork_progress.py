"""Benchmark the assessment groups' progress page (kaohe/fieldwork) over a province: ≈5,000 units visited.

    .venv/bin/python bench/fieldwork_progress.py [--requests 100] [--regenerate]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/fieldwork_progress.py

The first run (or --regenerate) builds its own database — bench/out/fieldwork.sqlite3, or the PostgreSQL
database <name>_fieldwork_bench — by `kaohe migrate`, then bulk-inserts: 5,000 units in 5 categories, each
with its leadership team and two cadres; the 2025 cycle with 100 assessment groups of 4 assessors and 50
units each; a visit per unit with every date set around 2025-12-01; 60% of the manual items marked done;
a sealed session for 70% of the units (its team and cadres as targets, 3 rater groups, ≈30 ballots each,
≈105,000 ballots in all) and a submitted team analysis report for 40% of them. Requests go through Django's
test client in this process with DEBUG off, logged in as the organiser (every group, late ones first, page
1 and a far page) and as an assessor (one group). Target: p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import production

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "bench" / "out" / "fieldwork.sqlite3"
SUFFIX = "_fieldwork_bench"
UNITS = 5000
PER_GROUP = 50
BATCH = 5000


def database_url(sqlite: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=parts.path + SUFFIX))
    return f"sqlite:///{sqlite}"


def fresh_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def loaded(url: str) -> bool:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).exists()
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM fieldwork_visit").fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def generate(seed: int = 2025) -> None:
    from django.db import transaction
    from django.utils import timezone

    from kaohe.accounts.models import Role, User
    from kaohe.ballots.models import (
        Ballot,
        BallotTemplate,
        EvaluationSession,
        SessionRaterGroup,
        SessionTarget,
    )
    from kaohe.fieldwork.models import Visit
    from kaohe.org.models import Cadre, LeadershipTeam, Unit, UnitCategory
    from kaohe.plans.models import AssessmentCycle, AssessmentGroup, Phase
    from kaohe.reports.models import AnalysisReport

    rng = random.Random(seed)
    began = time.monotonic()
    with transaction.atomic():
        categories = [UnitCategory.objects.create(name=f"类别{i}", order=i) for i in range(5)]
        Unit.objects.bulk_create(
            [Unit(code=f"DW{n:05d}", name=f"单位{n:05d}", category=categories[n % 5]) for n in range(UNITS)],
            batch_size=BATCH,
        )
        units = list(Unit.objects.order_by("code").values_list("id", flat=True))
        LeadershipTeam.objects.bulk_create([LeadershipTeam(unit_id=u) for u in units], batch_size=BATCH)
        Cadre.objects.bulk_create(
            [
                Cadre(code=f"GB{n:06d}", name=f"干部{n}", current_unit_id=units[n // 2])
                for n in range(2 * UNITS)
            ],
            batch_size=BATCH,
        )
        cadres = list(Cadre.objects.order_by("code").values_list("id", "current_unit_id"))
        cycle = AssessmentCycle.objects.create(year=2025, name="2025年度考核", phase=Phase.IMPLEMENTATION)
        User.objects.create_user(username="bench-organiser", password="x", role=Role.ORGANISER)  # noqa: S106
        groups, visits = [], []
        User.objects.bulk_create(
            [User(username=f"bench-assessor{n}", role=Role.ASSESSOR) for n in range(4 * UNITS // PER_GROUP)]
        )
        assessors = list(User.objects.filter(role=Role.ASSESSOR).order_by("username"))
        for g in range(UNITS // PER_GROUP):
            group = AssessmentGroup.objects.create(cycle=cycle, name=f"第{g + 1:03d}考核组")
            group.members.add(*assessors[4 * g : 4 * g + 4])
            group.units.add(*units[g * PER_GROUP : (g + 1) * PER_GROUP])
            groups.append(group)
        start = date(2025, 11, 20)
        for i, unit in enumerate(units):
            entry = start + timedelta(days=rng.randint(0, 25))
            done = {f: (entry if rng.random() < 0.6 else None) for f in ("d", "i", "m", "v")}
            visits.append(
                Visit(
                    cycle=cycle,
                    group=groups[i // PER_GROUP],
                    unit_id=unit,
                    entry_on=entry,
                    entry_place="会议室",
                    duty_report_on=entry,
                    evaluation_on=entry,
                    interviews_from=entry,
                    interviews_until=entry + timedelta(days=2),
                    documents_on=entry + timedelta(days=1),
                    verification_on=entry + timedelta(days=2),
                    analysis_due=entry + timedelta(days=10),
                    duty_report_done=done["d"],
                    interviews_done=done["i"],
                    documents_done=done["m"],
                    verification_done=done["v"],
                )
            )
        Visit.objects.bulk_create(visits, batch_size=BATCH)
        team = BallotTemplate.objects.get_or_create(name="bench班子", kind="team", defaults={"items": []})[0]
        cadre = BallotTemplate.objects.get_or_create(name="bench干部", kind="cadre", defaults={"items": []})[
            0
        ]
        evaluated = [u for u in units if rng.random() < 0.7]
        sessions = EvaluationSession.objects.bulk_create(
            [EvaluationSession(cycle=cycle, name=f"测评会{u}", status="sealed") for u in evaluated],
            batch_size=BATCH,
        )
        sessions = list(EvaluationSession.objects.filter(cycle=cycle).order_by("pk"))
        cadres_of: dict[int, list[int]] = {}
        for cadre_id, unit in cadres:
            cadres_of.setdefault(unit, []).append(cadre_id)
        targets, raters, ballots = [], [], []
        for session, unit in zip(sessions, evaluated, strict=True):
            targets.append(SessionTarget(session=session, template=team, unit_id=unit))
            targets += [SessionTarget(session=session, template=cadre, cadre_id=c) for c in cadres_of[unit]]
            for order, (name, expected) in enumerate((("上级", 5), ("同级", 10), ("下级", 20))):
                raters.append(SessionRaterGroup(session=session, name=name, expected=expected, order=order))
                ballots += [
                    Ballot(session=session, number=f"{name}{n}", rater_group=name)
                    for n in range(expected - rng.randint(0, 3))
                ]
        SessionTarget.objects.bulk_create(targets, batch_size=BATCH)
        SessionRaterGroup.objects.bulk_create(raters, batch_size=BATCH)
        Ballot.objects.bulk_create(ballots, batch_size=BATCH)
        now = timezone.now()
        AnalysisReport.objects.bulk_create(
            [
                AnalysisReport(
                    cycle=cycle, kind="team", unit_id=u, status="submitted", created_at=now, updated_at=now
                )
                for u in units
                if rng.random() < 0.4
            ],
            batch_size=BATCH,
        )
    print(
        f"  generated in {time.monotonic() - began:.1f} s: {len(units)} units, {len(groups)} groups, "
        f"{len(visits)} visits, {len(sessions)} sessions, {len(ballots)} ballots"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(client, url: str, n: int) -> tuple[list[float], list[float], int]:
    wall, cpu, size = [], [], 0
    for _ in range(n):
        began, cpu_began = time.perf_counter(), time.process_time()
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code} {response.get('Location', '')}")
        size = len(response.content)
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - cpu_began) * 1000)
    return wall, cpu, size


def report(label: str, wall: list[float], cpu: list[float]) -> None:
    print(
        f"{label:<40} n={len(wall):<3} wall p50 {statistics.median(wall):5.0f} ms  "
        f"p95 {percentile(wall, 0.95):5.0f} ms   CPU p50 {statistics.median(cpu):5.0f} ms  "
        f"p95 {percentile(cpu, 0.95):5.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--regenerate", action="store_true")
    options = parser.parse_args()
    url = database_url(SQLITE.resolve())
    fresh = options.regenerate or not loaded(url)
    if fresh:
        print(f"building {url}")
        fresh_database(url)
        env = production.environment(url)
        subprocess.run(
            [sys.executable, "-m", "kaohe", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
        )
    production.use_here(url)
    import warnings

    warnings.filterwarnings("ignore", "No directory at")
    importlib.import_module("kaohe.wsgi")
    if fresh:
        generate()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from kaohe.accounts.models import User
    from kaohe.fieldwork.models import Visit

    client = Client(HTTP_HOST="127.0.0.1")
    page = reverse("fieldwork:progress", args=[2025])
    print(f"{url.split('?')[0]}: {Visit.objects.count()} visits; GET {page}")
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # The bench's accounts have no second factor enrolled: the page is measured, not the login.
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1"],
        STORAGES={**settings.STORAGES, **static},
        SECOND_FACTOR_ROLES=[],
    ):
        client.force_login(User.objects.get(username="bench-organiser"))
        measure(client, page, 5)
        wall, cpu, size = measure(client, page, options.requests)
        report(f"organiser, late first ({size // 1024} KB)", wall, cpu)
        report("organiser, page 60 of 100", *measure(client, f"{page}?page=60", 20)[:2])
        report("organiser, API progress", *measure(client, "/api/fieldwork/2025/progress?page=2", 20)[:2])
        report("organiser, schedule .xlsx (all 5,000)", *measure(client, f"{page}schedule.xlsx", 3)[:2])
        client.force_login(User.objects.get(username="bench-assessor0"))
        measure(client, page, 2)
        report("assessor (one group of 50)", *measure(client, page, 20)[:2])


if __name__ == "__main__":
    main()
