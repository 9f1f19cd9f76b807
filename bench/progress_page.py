"""Benchmark the cycle's progress page at province scale: p50/p95 over 100 requests as an organiser.

    .venv/bin/python bench/progress_page.py [--requests 100] [--regenerate] [--sqlite PATH]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/progress_page.py

The first run (or --regenerate) builds its own database — bench/out/progress.sqlite3, or the PostgreSQL
database <name>_progress_bench when DATABASE_URL is set — by `kaohe migrate` and `kaohe demo --scale province`
(5,000 units, 50,000 cadres, the 2025 cycle), then generates the cycle's inputs with bulk_create: every unit
assessed, 10 indicators per category owned by the demo's departments, department scores for 85% of the cells,
self-evaluations for 90%, verifications for 25%, 1–3 leader ratings for 80% of the units and a public survey
with 10–30 responses for 70% of them (on PostgreSQL, then ANALYZE, as autovacuum would). Requests go through Django's test client in this process, logged in as
an organiser (who sees everything), with DEBUG off. Target: p95 ≤ 300 ms.
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
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import production

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "bench" / "out" / "progress.sqlite3"
SUFFIX = "_progress_bench"
INDICATORS_PER_CATEGORY = 10
BATCH = 5000


def database_url(sqlite: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=parts.path + SUFFIX))
    return f"sqlite:///{sqlite}"


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def fresh_database(url: str) -> None:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
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
        return sqlite_path(url).exists()
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT count(*) FROM plans_indicator").fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def kaohe(url: str, *args: str) -> None:
    env = production.environment(url)
    began = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "kaohe", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    print(f"  kaohe {' '.join(args)}: {time.monotonic() - began:.1f} s")


def generate(seed: int = 2025) -> None:
    """The cycle's inputs, in bulk: see the module's docstring for the shares."""
    from decimal import Decimal

    from django.db import transaction

    from kaohe.accounts.models import Role, User
    from kaohe.org.models import ScoringDepartment, Unit, UnitCategory
    from kaohe.performance.models import (
        Adjustment,
        AdjustmentStatus,
        IndicatorScore,
        LeaderRating,
        SelfEvaluation,
        Verification,
    )
    from kaohe.plans.models import AssessedUnit, AssessmentCycle, Indicator, Phase
    from kaohe.surveys.models import PublicSurvey, Satisfaction, SurveyResponse

    rng = random.Random(seed)
    began = time.monotonic()
    with transaction.atomic():
        cycle = AssessmentCycle.objects.get(year=2025)
        cycle.phase = Phase.IMPLEMENTATION
        cycle.save()
        units = list(Unit.objects.order_by("code").values_list("id", "category_id"))
        AssessedUnit.objects.bulk_create(
            [AssessedUnit(cycle=cycle, unit_id=unit, category_id=category) for unit, category in units],
            batch_size=BATCH,
        )
        departments = list(ScoringDepartment.objects.order_by("code").values_list("id", flat=True))
        indicators = []
        for c, category in enumerate(UnitCategory.objects.order_by("order")):
            for i in range(INDICATORS_PER_CATEGORY):
                indicators.append(
                    Indicator(
                        cycle=cycle,
                        category=category,
                        code=f"ZB{i + 1:02d}",
                        name=f"{category.name}指标{i + 1}",
                        weight=Decimal(100 // INDICATORS_PER_CATEGORY),
                        department_id=departments[(c * 3 + i) % len(departments)],
                    )
                )
        Indicator.objects.bulk_create(indicators)
        by_category: dict[int, list[int]] = {}
        for indicator_id, category_id in Indicator.objects.filter(cycle=cycle).values_list(
            "id", "category_id"
        ):
            by_category.setdefault(category_id, []).append(indicator_id)
        scores, claims, checks = [], [], []
        for unit, category in units:
            for indicator in by_category.get(category, []):
                value = Decimal(rng.randint(600, 1000)) / 10
                if rng.random() < 0.85:
                    scores.append(
                        IndicatorScore(cycle=cycle, unit_id=unit, indicator_id=indicator, score=value)
                    )
                if rng.random() < 0.90:
                    claims.append(
                        SelfEvaluation(cycle=cycle, unit_id=unit, indicator_id=indicator, claimed=value)
                    )
                if rng.random() < 0.25:
                    checks.append(
                        Verification(
                            cycle=cycle, unit_id=unit, indicator_id=indicator, score=value, reason="核验"
                        )
                    )
        IndicatorScore.objects.bulk_create(scores, batch_size=BATCH)
        SelfEvaluation.objects.bulk_create(claims, batch_size=BATCH)
        Verification.objects.bulk_create(checks, batch_size=BATCH)
        leaders = []
        for i in range(3):
            leader, _ = User.objects.get_or_create(
                username=f"bench-leader-{i}", defaults={"role": Role.LEADER, "full_name": f"领导{i}"}
            )
            leaders.append(leader)
        ratings, surveys = [], []
        for unit, _ in units:
            if rng.random() < 0.8:
                for leader in rng.sample(leaders, rng.randint(1, 3)):
                    ratings.append(
                        LeaderRating(cycle=cycle, unit_id=unit, leader=leader, score=rng.randint(60, 100))
                    )
            if rng.random() < 0.7:
                surveys.append(PublicSurvey(cycle=cycle, unit_id=unit, token=f"bench{unit}"))
        LeaderRating.objects.bulk_create(ratings, batch_size=BATCH)
        PublicSurvey.objects.bulk_create(surveys, batch_size=BATCH)
        choices = [Satisfaction.SATISFIED] * 6 + [Satisfaction.BASIC] * 3 + [Satisfaction.UNSATISFIED]
        responses = [
            SurveyResponse(survey_id=survey, choice=rng.choice(choices))
            for survey in PublicSurvey.objects.filter(cycle=cycle).values_list("id", flat=True)
            for _ in range(rng.randint(10, 30))
        ]
        SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
        adjustments = [
            Adjustment(
                cycle=cycle,
                unit_id=unit,
                kind=rng.choice(["加分", "扣分"]),
                points=rng.randint(1, 3),
                reason="基准测试",
                status=rng.choice([AdjustmentStatus.APPROVED, AdjustmentStatus.PROPOSED]),
            )
            for unit, _ in rng.sample(units, 300)
        ]
        Adjustment.objects.bulk_create(adjustments, batch_size=BATCH)
    print(
        f"  generated in {time.monotonic() - began:.1f} s: {len(units)} units, {len(indicators)} indicators, "
        f"{len(scores)} scores, {len(claims)} self-evaluations, {len(checks)} verifications, "
        f"{len(ratings)} leader ratings, {len(surveys)} surveys with {len(responses)} responses"
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
            sys.exit(f"{url} answered {response.status_code}")
        size = len(response.content) if hasattr(response, "content") else size
        wall.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - cpu_began) * 1000)
    return wall, cpu, size


def report(label: str, wall: list[float], cpu: list[float]) -> None:
    print(
        f"{label:<44} n={len(wall):<3} wall p50 {statistics.median(wall):5.0f} ms  p95 {percentile(wall, 0.95):5.0f} ms"
        f"   CPU p50 {statistics.median(cpu):5.0f} ms  p95 {percentile(cpu, 0.95):5.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--sqlite", type=Path, default=SQLITE, help="the SQLite file (default: %(default)s)")
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

    warnings.filterwarnings("ignore", "No directory at")  # whitenoise without collectstatic

    importlib.import_module("kaohe.wsgi")  # set up as a web process is: Django, then start-up objects frozen
    if fresh:
        generate()
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh bulk inserts have no planner statistics yet; autovacuum would gather them soon after a real
        # import. Without them PostgreSQL estimates one row per table and loops over indexes for seconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from kaohe.accounts.models import User
    from kaohe.org.models import UnitCategory
    from kaohe.plans.models import AssessedUnit

    client = Client(HTTP_HOST="127.0.0.1")
    page = reverse("performance:progress", args=[2025])
    towns = UnitCategory.objects.get(name="乡镇街道").pk
    print(f"{url.split('?')[0]}: {AssessedUnit.objects.count()} assessed units; GET {page}")
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(
        DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"], STORAGES={**settings.STORAGES, **static}
    ):
        client.force_login(User.objects.get(username="demo-organiser"))
        measure(client, page, 5)  # warm-up: templates, connections
        wall, cpu, size = measure(client, page, options.requests)
        report(f"organiser, no filter ({size // 1024} KB)", wall, cpu)
        report("organiser, only units with missing items", *measure(client, f"{page}?show=missing", 20)[:2])
        report("organiser, category 乡镇街道", *measure(client, f"{page}?category={towns}", 20)[:2])
        report("organiser, list to chase as .xlsx", *measure(client, f"{page}chase.xlsx", 5)[:2])
        report("organiser, live preview", *measure(client, reverse("results:preview", args=[2025]), 5)[:2])
        for username, label in (
            ("demo-assessor", "assessor (第一考核组)"),
            ("demo-clerk", "clerk (市发改委)"),
        ):
            client.force_login(User.objects.get(username=username))
            measure(client, page, 2)
            report(label, *measure(client, page, 20)[:2])


if __name__ == "__main__":
    main()
