"""Benchmark a cadre's profile, a team's profile, a timeline and a category comparison at province scale
with five years of records: p50/p95 as an organiser.

    .venv/bin/python bench/profiles.py [--requests 50] [--regenerate] [--sqlite PATH]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/profiles.py

The first run (or --regenerate) builds its own database — bench/out/profiles.sqlite3, or the PostgreSQL
database <name>_profiles_bench — by `kaohe migrate` and `kaohe demo --scale province` (5,000 units, 50,000
cadres), then writes five finalised years (2021–2025) with bulk_create: every unit assessed each year in its
category, a compute run, a 公示 and a seal per year, a Result and a FinalResult for every team and cadre
(55,000 a year, 550,000 rows; cadres pooled by category, so the profiled cadre's pool has thousands of
members), democratic figures with rater groups, decisions for 2% of the targets; and for the 200 cadres and
teams of the first county a closed evaluation session a year with 25 ballots in three rater groups, each
answering 德能勤绩廉 (or the team's five aspects) about them, and the groups' 应到. Requests go through
Django's test client in this process, DEBUG off. Target: p95 ≤ 300 ms for a cadre's profile and a category
comparison.
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
import zlib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import production

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "bench" / "out" / "profiles.sqlite3"
SUFFIX = "_profiles_bench"
BATCH = 5000
YEARS = (2021, 2022, 2023, 2024, 2025)
GROUPS = (("上级", 8, 10), ("同级", 10, 14), ("下级", 7, 12))  # name, ballots, expected


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
            row = connection.execute("SELECT count(*) FROM results_finalresult").fetchone()
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


def democratic(rng: random.Random, kind: str) -> dict:
    groups = {}
    valid = 0
    for name, ballots, _ in GROUPS:
        groups[name] = {"score": f"{rng.uniform(75, 100):.2f}", "valid": ballots}
        valid += ballots
    top = rng.uniform(0.3, 0.9)
    second = "称职及以上" if kind == "cadre" else "良好及以上"
    return {
        "score": f"{rng.uniform(80, 98):.2f}",
        "valid": valid,
        "groups": groups,
        "shares": {"优秀": f"{top:.4f}", second: "1.0000"},
    }


def generate(seed: int = 2025) -> None:
    from datetime import UTC, date, datetime, timedelta
    from decimal import Decimal

    from django.db import transaction

    from kaohe.accounts.models import User
    from kaohe.ballots.models import (
        Ballot,
        BallotItemAnswer,
        BallotTemplate,
        EvaluationSession,
        SessionRaterGroup,
        SessionStatus,
        SessionTarget,
    )
    from kaohe.ballots.templates_seed import CADRE_ASPECTS, TEAM_ASPECTS
    from kaohe.org.models import Position, Unit
    from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, Phase
    from kaohe.results.models import ComputeRun, Decision, FinalResult, PublicNotice, Result, Seal

    rng = random.Random(seed)
    began = time.monotonic()
    organiser = User.objects.get(username="demo-organiser")
    units = list(
        Unit.objects.order_by("code").values_list(
            "id", "code", "name", "category__name", "category_id", "parent_id"
        )
    )
    cadres = list(
        Position.objects.filter(end__isnull=True)
        .order_by("cadre__code")
        .values_list("cadre_id", "cadre__code", "cadre__name", "unit_id", "title", "principal")
    )
    unit_of = {u[0]: u for u in units}
    county = next(u for u in units if u[5] is not None)[5]  # the first unit with a parent: its county
    sample_units = [u[0] for u in units if u[5] == county][:20]
    sample_cadres = [c for c in cadres if c[3] in set(sample_units)][:200]
    cadre_template = BallotTemplate.objects.filter(kind="cadre").exclude(items=[]).first()
    team_template = BallotTemplate.objects.filter(kind="team").exclude(items=[]).first()
    choices = ["好"] * 6 + ["较好"] * 3 + ["一般"]
    empty = zlib.compress(b"{}")
    for year in YEARS:
        with transaction.atomic():
            cycle, _ = AssessmentCycle.objects.get_or_create(year=year, defaults={"name": f"{year}年度考核"})
            AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.COMPLETED)
            if not AssessedUnit.objects.filter(cycle=cycle).exists():
                AssessedUnit.objects.bulk_create(
                    [AssessedUnit(cycle=cycle, unit_id=u[0], category_id=u[4]) for u in units],
                    batch_size=BATCH,
                )
                AssessedCadre.objects.bulk_create(
                    [
                        AssessedCadre(cycle=cycle, cadre_id=c[0], unit_id=c[3], post=c[4], principal=c[5])
                        for c in cadres
                    ],
                    batch_size=BATCH,
                )
            now = datetime(year + 1, 1, 10, 1, tzinfo=UTC)
            run = ComputeRun.objects.create(
                cycle=cycle,
                version=1,
                created_by_name="bench",
                created_at=now,
                input_digest="0" * 64,
                inputs=empty,
                document=empty,
            )
            results = []
            for i, u in enumerate(units):
                results.append(
                    Result(
                        run=run,
                        position=i,
                        kind="team",
                        code=u[1],
                        name=f"{u[2]}领导班子",
                        unit_id=u[0],
                        pool=u[3],
                        democratic=democratic(rng, "team"),
                        composite=Decimal(f"{rng.uniform(70, 98):.2f}"),
                        pool_size=1,
                        grade="良好",
                        explanation="民主测评得分…",
                        flags=[],
                    )
                )
            for i, c in enumerate(cadres):
                results.append(
                    Result(
                        run=run,
                        position=len(units) + i,
                        kind="cadre",
                        code=c[1],
                        name=c[2],
                        unit_id=c[3],
                        cadre_id=c[0],
                        pool=unit_of[c[3]][3],
                        democratic=democratic(rng, "cadre"),
                        composite=Decimal(f"{rng.uniform(70, 98):.2f}"),
                        pool_size=1,
                        grade=rng.choice(["优秀", "称职", "称职", "称职"]),
                        explanation="民主测评得分…",
                        flags=[],
                    )
                )
            Result.objects.bulk_create(results, batch_size=BATCH)
            notice = PublicNotice.objects.create(
                cycle=cycle,
                run=run,
                working_days=5,
                starts_on=date(year + 1, 1, 12),
                ends_on=date(year + 1, 1, 16),
                excellent=[],
                created_by=organiser,
                created_at=now,
            )
            seal = Seal.objects.create(
                cycle=cycle,
                run=run,
                notice=notice,
                hash="0" * 64,
                created_by=organiser,
                created_at=now + timedelta(days=10),
            )
            finals = [
                FinalResult(
                    seal=seal,
                    cycle=cycle,
                    result_id=r.pk,
                    kind=r.kind,
                    code=r.code,
                    name=r.name,
                    unit_id=r.unit_id,
                    cadre_id=r.cadre_id,
                    pool=r.pool,
                    composite=r.composite,
                    rank=None,
                    pool_size=r.pool_size,
                    grade=r.grade,
                    computed_grade=r.grade,
                    flags=[],
                    explanation=r.explanation,
                )
                for r in Result.objects.filter(run=run).only(
                    "pk",
                    "kind",
                    "code",
                    "name",
                    "unit_id",
                    "cadre_id",
                    "pool",
                    "composite",
                    "pool_size",
                    "grade",
                    "explanation",
                )
            ]
            FinalResult.objects.bulk_create(finals, batch_size=BATCH)
            decisions = [
                Decision(
                    cycle=cycle,
                    kind="cadre",
                    code=c[1],
                    name=c[2],
                    decision="override",
                    grade="基本称职",
                    reason="基准测试",
                    run=run,
                    pool=unit_of[c[3]][3],
                    computed_grade="称职",
                    created_by=organiser,
                    created_at=now,
                )
                for c in rng.sample(cadres, len(cadres) // 50)
            ]
            Decision.objects.bulk_create(decisions, batch_size=BATCH)
            session = EvaluationSession.objects.create(
                cycle=cycle, name=f"{year}测评", status=SessionStatus.CLOSED
            )
            SessionRaterGroup.objects.bulk_create(
                [
                    SessionRaterGroup(
                        session=session, name=name, expected=expected * len(sample_units), order=i
                    )
                    for i, (name, _, expected) in enumerate(GROUPS)
                ]
            )
            SessionTarget.objects.bulk_create(
                [SessionTarget(session=session, template=team_template, unit_id=u) for u in sample_units]
                + [
                    SessionTarget(session=session, template=cadre_template, cadre_id=c[0])
                    for c in sample_cadres
                ]
            )
            ballots = [
                Ballot(session=session, number=f"{year}-{name}-{n}", rater_group=name)
                for name, count, _ in GROUPS
                for n in range(count)
            ]
            Ballot.objects.bulk_create(ballots)
            answers = []
            for ballot in ballots:
                for c in sample_cadres:
                    answers += [
                        BallotItemAnswer(
                            ballot=ballot,
                            cadre_id=c[0],
                            template=cadre_template,
                            item=item,
                            choice=rng.choice(choices),
                        )
                        for item in CADRE_ASPECTS
                    ]
                for u in sample_units:
                    answers += [
                        BallotItemAnswer(
                            ballot=ballot,
                            unit_id=u,
                            template=team_template,
                            item=item,
                            choice=rng.choice(choices),
                        )
                        for item in TEAM_ASPECTS
                    ]
            BallotItemAnswer.objects.bulk_create(answers, batch_size=BATCH)
        print(
            f"  {year}: {len(results)} results and finals, {len(answers)} aspect answers ({time.monotonic() - began:.1f} s)"
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


def report(label: str, wall: list[float], cpu: list[float], size: int) -> None:
    print(
        f"{label:<40} {size // 1024:>4} KB  wall p50 {statistics.median(wall):5.0f} ms  p95 {percentile(wall, 0.95):5.0f} ms"
        f"   CPU p50 {statistics.median(cpu):5.0f} ms  p95 {percentile(cpu, 0.95):5.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
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

    warnings.filterwarnings("ignore", "No directory at")

    importlib.import_module("kaohe.wsgi")
    if fresh:
        generate()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from kaohe.accounts.models import User
    from kaohe.ballots.models import BallotItemAnswer
    from kaohe.org.models import UnitCategory
    from kaohe.plans.models import AssessedUnit
    from kaohe.results.models import FinalResult

    cadre_id = BallotItemAnswer.objects.filter(cadre__isnull=False).values_list("cadre_id", flat=True).first()
    unit_id = BallotItemAnswer.objects.filter(unit__isnull=False).values_list("unit_id", flat=True).first()
    biggest = (
        AssessedUnit.objects.filter(cycle__year=2025)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    category = UnitCategory.objects.get(pk=biggest["category"])
    print(
        f"{url.split('?')[0]}: {FinalResult.objects.count()} final results over {len(YEARS)} years; "
        f"category {category.name} with {biggest['n']} units; load average {os.getloadavg()[0]:.1f}"
    )
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    # The second factor and a pending password change are the middleware's business, not the pages' cost.
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1"],
        STORAGES={**settings.STORAGES, **static},
        SECOND_FACTOR_ROLES=[],
        PASSWORD_MAX_AGE_DAYS=0,
    ):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username="demo-organiser"))
        pages = [
            ("cadre profile (page)", reverse("profiles:cadre", args=[cadre_id])),
            ("cadre profile (API)", f"/api/profiles/cadres/{cadre_id}"),
            ("category comparison (page)", reverse("profiles:category_comparison", args=[category.pk, 2025])),
            ("category comparison (API)", f"/api/profiles/compare/{category.pk}/2025"),
            ("team profile (page)", reverse("profiles:team", args=[unit_id])),
            ("cadre timeline (page)", reverse("profiles:cadre_timeline", args=[cadre_id])),
        ]
        from django.core.cache import cache

        for label, page in pages:
            cache.clear()  # the pools' spreads are cached per run: the first reader pays for them
            cold, cold_cpu, _ = measure(client, page, 1)
            print(
                f"{label:<40} first request after a cache clear: wall {cold[0]:.0f} ms, CPU {cold_cpu[0]:.0f} ms"
            )
            measure(client, page, 2)
            report(label, *measure(client, page, options.requests))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
