"""Loopback load on the ballot page under gunicorn and PostgreSQL, beside the raw insert rate of the same rows.

    .venv/bin/python bench/ballot_load.py [--codes 20000] [--duration 60] [--concurrency 48] [--workers 3]
        [--worker-class sync|gthread|granian] [--threads N] [--app both|kaohe|floor] [--port 8765]

What it does, bounded in count (``--codes``) and time (``--duration``, and a hard stop), only on 127.0.0.1:
1. drops and creates the database of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kaohe_bench),
   migrates it and collects the static files (DEBUG off, as in production);
2. in a child process: a cycle with one unit and ``--cadres`` cadres, an open online session whose ballot asks
   about the unit's leadership team (five aspects and 总体评价) and each cadre (总体评价), and ``--codes``
   one-time codes (written to bench/out/ballot-codes.txt, synthetic); plus an empty session for step 5;
3. starts gunicorn (``--workers`` workers, sync by default: on two cores three sync workers served the most
   ballots, ahead of five and of gthread) on 127.0.0.1:``--port``;
4. a separate load process (pure Python, asyncio streams, ``--concurrency`` connections) submits ballots as a
   phone does: GET /b/<code>/ (the form), then POST /b/ with the choices and an Origin header (and the CSRF
   token and cookie, should the page carry one). A ballot is acknowledged when the answer carries a
   receipt. It records each request's latency; it stops when the codes or the time run out; the CPU a
   ballot is printed for the server (its process group), the PostgreSQL backends of the bench database
   (sampled from /proc) and the load process;
5. closes the app's session with the organiser's opening key (its ballots are sealed while it is open),
   counts the ballots in the database (must equal the acknowledged ones, every receipt found), then
   inserts the same rows (ballots, marks, item answers) straight into PostgreSQL with psycopg: COPY in one
   transaction, and one transaction per ballot (executemany for its marks and answers) over
   ``--concurrency`` / 4 connections; prints both rates and the app's ratio to them;
6. stops gunicorn and drops the database (``--keep`` keeps it).

``--app floor`` serves bench/ballot_floor.py instead: the same SQL with no framework and no sealing, the
floor under the app. ``--app both`` (the default) runs the app, then the floor, on fresh databases, and
prints the app's rate as a share of the floor's measured in the same run. ``--worker-class granian`` serves with granian (WSGI, Rust) if it is installed; it is not a dependency.
Nothing is installed; gunicorn and psycopg are dependencies already.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
CODES = OUT / "ballot-codes.txt"
KEY = OUT / "ballot-key.txt"
STATIC = OUT / "ballot-static"
BIN = ROOT / ".venv" / "bin"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kaohe_bench"
SECRET = "kaohe-bench-secret-key-not-for-production"  # noqa: S105
HARD_STOP = 900  # seconds: the whole run never takes longer


def app_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",  # plain HTTP on loopback
        "STATIC_ROOT": str(STATIC),
        "CRYPTO_KEY_FILE": str(OUT / "ballot-load.key"),  # production mode wants a key made on purpose
        "DJANGO_SETTINGS_MODULE": "kaohe.settings",
        "LOG_LEVEL": "ERROR",
    }


def admin_url(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if parts.hostname not in ("127.0.0.1", "localhost"):
        sys.exit("the benchmark runs only against a PostgreSQL on 127.0.0.1")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate_database(database_url: str, drop_only: bool = False) -> None:
    import psycopg

    url, name = admin_url(database_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- step 2: the session, in a child process ---------------------------------------------------------------


def setup(codes: int, cadres: int) -> dict[str, object]:
    import django

    django.setup()
    from datetime import date

    from kaohe.ballots import actions, selectors
    from kaohe.ballots.models import SessionKind
    from kaohe.org.models import Cadre, LeadershipTeam, Position, Unit, UnitCategory
    from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, AssessmentPlan, Phase

    actor = "bench"
    category = UnitCategory.objects.create(name="乡镇街道", order=1)
    unit = Unit.objects.create(code="DW0001", name="东城街道", category=category)
    LeadershipTeam.objects.create(unit=unit)
    people = []
    for n in range(cadres):
        cadre = Cadre.objects.create(
            code=f"GB{n:04d}", name=f"干部{n}", gender="男", birth_month=date(1980, 1, 1), current_unit=unit
        )
        Position.objects.create(cadre=cadre, unit=unit, title="副主任", start=date(2022, 1, 1))
        people.append(cadre)
    cycle = AssessmentCycle.objects.create(year=2025, name="2025年度考核", phase=Phase.IMPLEMENTATION)
    AssessmentPlan.objects.create(cycle=cycle, settings={"excellent_limit": "20%"})
    AssessedUnit.objects.create(cycle=cycle, unit=unit, category=category)
    for cadre in people:
        AssessedCadre.objects.create(cycle=cycle, cadre=cadre, unit=unit, post="副主任")
    team = selectors.default_template("team")
    ballot = selectors.default_template("cadre")
    targets = [actions.TargetSpec(team, unit=unit)] + [actions.TargetSpec(ballot, cadre=c) for c in people]
    groups = [
        ("上级", codes // 10),
        ("同级", codes * 3 // 10),
        ("下级", codes - codes // 10 - codes * 3 // 10),
    ]
    ids = {}
    for name in ("扫码测评", "直接写入"):
        spec = actions.SessionSpec(name=name, targets=targets, groups=groups, kind=SessionKind.ONLINE)
        ids[name] = actions.session_create(actor=actor, cycle=cycle, spec=spec).pk
    from kaohe.ballots.models import EvaluationSession

    session = EvaluationSession.objects.get(pk=ids["扫码测评"])
    made = []
    left = dict(groups)
    while any(left.values()):
        counts, room = {}, actions.MAX_CODES
        for group, n in left.items():
            take = min(n, room)
            counts[group], room = take, room - take
        left = {g: n - counts[g] for g, n in left.items()}
        made += actions.session_codes_generate(actor=actor, session=session, counts=counts)
    random.shuffle(made)
    # The organiser's opening key: the app seals every ballot to it; it is needed at close (step 5).
    KEY.write_text(actions.session_key_issue(actor=actor, session=session), encoding="utf-8")
    actions.session_open(actor=actor, session=session)
    CODES.write_text("".join(f"{m.group}\t{m.code}\n" for m in made), encoding="utf-8")
    layout = selectors.session_layout(session)
    return {
        "session": ids["扫码测评"],
        "raw_session": ids["直接写入"],
        "codes": len(made),
        "unit": unit.pk,
        "cadres": [c.pk for c in people],
        "team_template": team.pk,
        "items": [item.name for t in layout.targets for item in t.items],
    }


def close(session: int) -> dict[str, object]:
    """Close the session with the organiser's key: its sealed ballots opened, shuffled and stored."""
    import django

    django.setup()
    from kaohe.ballots import actions
    from kaohe.ballots.models import EvaluationSession

    began = time.perf_counter()
    actions.session_close(
        actor="bench",
        session=EvaluationSession.objects.get(pk=session),
        opening_key=KEY.read_text(encoding="utf-8"),
    )
    return {"seconds": time.perf_counter() - began}


# --- step 4: the load process ------------------------------------------------------------------------------

_COOKIE = re.compile(rb"csrftoken=([^;]+)", re.I)
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_RADIO = re.compile(rb'type="radio" name="(t\d+(?:_\d+)?)" value="([^"]+)"')
_RECEIPT = re.compile(rb'id="receipt">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')


async def _request(port: int, raw: bytes) -> tuple[int, dict[bytes, bytes], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        headers: dict[bytes, bytes] = {}
        cookies = []
        for line in lines[1:]:
            if b":" in line:
                key, value = line.split(b":", 1)
                key = key.strip().lower()
                if key == b"set-cookie":
                    cookies.append(value.strip())
                headers[key] = value.strip()
        headers[b"set-cookie"] = b"; ".join(cookies)
        if b"content-length" in headers:
            body = await reader.readexactly(int(headers[b"content-length"]))
        else:
            body = await reader.read()
        return status, headers, body
    finally:
        writer.close()


def _choose(page: bytes, rng: random.Random) -> dict[str, str]:
    """A choice for every question of the form: anything but 优秀 (so the 优秀 limit never refuses one)."""
    options: dict[str, list[str]] = {}
    for name, value in _RADIO.findall(page):
        options.setdefault(name.decode(), []).append(value.decode())
    return {name: rng.choice([v for v in values if v != "优秀"]) for name, values in options.items()}


async def _rater(port, codes, deadline, results, rng) -> None:
    host = f"127.0.0.1:{port}".encode()
    while time.monotonic() < deadline:
        try:
            code = next(codes)
        except StopIteration:
            return
        began = time.perf_counter()
        try:
            get = b"GET /b/%s/ HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (code.encode(), host)
            status, headers, page = await _request(port, get)
            got = time.perf_counter()
            if status != 200:
                results["errors"].append(f"GET {status}")
                continue
            form = {"code": code, "submit": "1", **_choose(page, rng)}
            cookie = b""
            token = _TOKEN.search(page)
            if token is not None:  # a page with Django's CSRF token (before the lean /b/ path)
                form["csrfmiddlewaretoken"] = token.group(1).decode()
                cookie = b"Cookie: csrftoken=%s\r\n" % _COOKIE.search(headers[b"set-cookie"]).group(1)
            body = urlencode(form).encode()
            post = (
                b"POST /b/ HTTP/1.1\r\nHost: %s\r\nOrigin: http://%s\r\n%s"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n"
                b"Connection: close\r\n\r\n%s" % (host, host, cookie, len(body), body)
            )
            status, _, done = await _request(port, post)
            ended = time.perf_counter()
            found = _RECEIPT.search(done) if status == 200 else None
            if found is None:
                results["errors"].append(f"POST {status}")
                continue
            results["receipts"].append(found.group(1).decode().replace("-", ""))
            results["get"].append(got - began)
            results["post"].append(ended - got)
            results["both"].append(ended - began)
            results["at"].append(ended)
        except (OSError, asyncio.IncompleteReadError, AttributeError, ValueError, IndexError) as error:
            results["errors"].append(f"{type(error).__name__}: {error}"[:120])


def load(port: int, concurrency: int, duration: float) -> dict[str, object]:
    codes = [line.split("\t")[1] for line in CODES.read_text(encoding="utf-8").splitlines()]
    results: dict[str, list] = {"get": [], "post": [], "both": [], "at": [], "receipts": [], "errors": []}

    async def main() -> float:
        began = time.perf_counter()
        deadline = time.monotonic() + duration
        iterator = iter(codes)
        await asyncio.gather(
            *(_rater(port, iterator, deadline, results, random.Random(n)) for n in range(concurrency))
        )
        return began

    cpu = time.process_time()
    began = asyncio.run(main())
    ended = max(results["at"], default=began)
    (OUT / "ballot-receipts.txt").write_text("\n".join(results["receipts"]), encoding="utf-8")
    return {
        "began": began,
        "elapsed": ended - began,
        "acknowledged": len(results["receipts"]),
        "errors": len(results["errors"]),
        "error_kinds": sorted(set(results["errors"]))[:10],
        "client_cpu": time.process_time() - cpu,
        "latency": {k: _percentiles(results[k]) for k in ("get", "post", "both")},
        "per_second": _per_second(results["at"], began),
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(1000 * ordered[-1], 1)}


def _per_second(stamps: list[float], began: float) -> list[int]:
    if not stamps:
        return []
    seconds = [0] * (int(max(stamps) - began) + 1)
    for stamp in stamps:
        seconds[int(stamp - began)] += 1
    return seconds


# --- step 5: the raw insert rate ------------------------------------------------------------------------


def raw_rows(info: dict, n: int, seed: int = 1):
    """n ballots shaped like the app's: the team's 总体评价 and five aspects, each cadre's 总体评价."""
    rng = random.Random(seed)
    session, unit, template = info["raw_session"], info["unit"], info["team_template"]
    for index in range(n):
        ballot = uuid.uuid4()
        marks = [(uuid.uuid4(), ballot, unit, None, rng.choice(("良好", "一般", "较差")))]
        marks += [(uuid.uuid4(), ballot, None, c, rng.choice(("称职", "基本称职"))) for c in info["cadres"]]
        answers = [
            (uuid.uuid4(), ballot, unit, None, template, item, rng.choice(("好", "较好", "一般")), "")
            for item in info["items"]
        ]
        yield (ballot, session, f"R{seed}-{index:08d}", "下级"), marks, answers


def raw_copy(database_url: str, info: dict, n: int) -> float:
    import psycopg

    rows = list(raw_rows(info, n, seed=1))
    began = time.perf_counter()
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        with cur.copy("COPY ballots_ballot (id, session_id, number, rater_group) FROM STDIN") as copy:
            for ballot, _, _ in rows:
                copy.write_row(ballot)
        with cur.copy("COPY ballots_mark (id, ballot_id, unit_id, cadre_id, choice) FROM STDIN") as copy:
            for _, marks, _ in rows:
                for mark in marks:
                    copy.write_row(mark)
        with cur.copy(
            "COPY ballots_ballotitemanswer (id, ballot_id, unit_id, cadre_id, template_id, item, choice, reason)"
            " FROM STDIN"
        ) as copy:
            for _, _, answers in rows:
                for answer in answers:
                    copy.write_row(answer)
        conn.commit()
    return time.perf_counter() - began


def raw_transactions(database_url: str, info: dict, n: int, threads: int) -> float:
    """One transaction per ballot, as the app does: INSERT the ballot, executemany its marks and answers."""
    import psycopg

    chunks = [list(raw_rows(info, n // threads, seed=10 + t)) for t in range(threads)]
    errors = []

    def work(rows) -> None:
        try:
            with psycopg.connect(database_url) as conn:
                for ballot, marks, answers in rows:
                    with conn.transaction(), conn.cursor() as cur:
                        cur.execute(
                            "INSERT INTO ballots_ballot (id, session_id, number, rater_group) VALUES (%s,%s,%s,%s)",
                            ballot,
                        )
                        cur.executemany(
                            "INSERT INTO ballots_mark (id, ballot_id, unit_id, cadre_id, choice) VALUES (%s,%s,%s,%s,%s)",
                            marks,
                        )
                        cur.executemany(
                            "INSERT INTO ballots_ballotitemanswer (id, ballot_id, unit_id, cadre_id, template_id,"
                            " item, choice, reason) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                            answers,
                        )
        except Exception as error:  # reported, and the figures then not trusted
            errors.append(error)

    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise RuntimeError(errors[0])
    return time.perf_counter() - began


def db_count(database_url: str, session: int, receipts: list[str]) -> tuple[int, int, int]:
    import psycopg

    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        total = cur.execute(
            "SELECT count(*) FROM ballots_ballot WHERE session_id = %s", [session]
        ).fetchone()[0]
        used = cur.execute(
            "SELECT count(*) FROM ballots_ballottoken WHERE session_id = %s AND used", [session]
        ).fetchone()[0]
        found = cur.execute(
            "SELECT count(*) FROM ballots_ballot WHERE session_id = %s AND number = ANY(%s)",
            [session, receipts],
        ).fetchone()[0]
    return total, used, found


# --- the run ------------------------------------------------------------------------------------------------


def child(mode: str, args: list[str], env: dict[str, str], timeout: float) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, f"--child={mode}", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if out.returncode != 0:
        sys.exit(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


APPS = {"kaohe": "kaohe.wsgi", "floor": "bench.ballot_floor:application"}


def start_server(
    env: dict[str, str],
    port: int,
    workers: int,
    worker_class: str = "sync",
    threads: int = 1,
    app: str = "kaohe",
) -> subprocess.Popen:
    if worker_class == "granian":  # not a dependency: pip install granian to compare
        if not (BIN / "granian").exists():
            sys.exit("--worker-class granian: granian is not installed in .venv (pip install granian)")
        command = [
            str(BIN / "granian"),
            "--interface=wsgi",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--workers={workers}",
            f"--blocking-threads={threads}",
            "--backlog=2048",
            "--log-level=warning",
            APPS[app].replace("application", "").rstrip(":") + ":application",
        ]
    else:
        command = [
            str(BIN / "gunicorn"),
            APPS[app],
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
            "--preload",  # the app is loaded once, before the workers fork
            "--backlog=2048",
            "--timeout=60",
            "--log-level=warning",
        ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
    import http.client

    ready = 0
    for _ in range(600):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/b/")
            ready += conn.getresponse().status == 200
            conn.close()
            if ready >= 4 * workers:  # warm: every worker has answered a few times
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    sys.exit("the server did not start")


def server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds (user + system) of gunicorn's master and workers so far, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == server.pid:  # the process group gunicorn leads
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _cpu_of(pid: str) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCPU:
    """CPU seconds of the PostgreSQL backends serving ``database`` (found by their process titles), sampled
    twice a second from /proc while the load runs: a backend that ends between two samples loses at most
    half a second of its figure. Background processes (WAL writer, checkpointer) are not counted."""

    def __init__(self, database: str) -> None:
        self.title = f" {database} ".encode()
        self.start: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.stop = threading.Event()
        self.sample(self.start)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self, into: dict[str, float]) -> None:
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                title = cmdline.read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and self.title in title:
                cpu = _cpu_of(cmdline.parent.name)
                if cpu is not None:
                    into[cmdline.parent.name] = cpu

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.sample(self.last)

    def total(self) -> float:
        self.stop.set()
        self.thread.join()
        self.sample(self.last)
        return sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items())


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--codes", type=int, default=20_000)
    parser.add_argument("--cadres", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load at most")
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread", "granian"))
    parser.add_argument("--threads", type=int, default=1, help="threads a gthread worker")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--app",
        default="both",
        choices=(*APPS, "both"),
        help="floor: bench/ballot_floor.py, the same SQL bare; both (default): the app, then the floor",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--info", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "setup":
        print(json.dumps(setup(args.codes, args.cadres)))
        return
    if args.child == "load":
        print(json.dumps(load(args.port, args.concurrency, args.duration)))
        return
    if args.child == "close":
        print(json.dumps(close(int(args.info))))
        return

    signal.alarm(HARD_STOP)  # the whole run is bounded, whatever happens
    OUT.mkdir(exist_ok=True)
    apps = ["kaohe", "floor"] if args.app == "both" else [args.app]
    summary = {}
    for app in apps:
        args.app = app
        summary[app] = run_one(args)
    if len(summary) == 2:
        app, floor = summary["kaohe"], summary["floor"]
        print(
            f"\nsame run: app {app['rate']:.0f} ballots/s (p99 GET + POST {app['p99']} ms), floor "
            f"{floor['rate']:.0f} ballots/s (p99 {floor['p99']} ms): app = {app['rate'] / floor['rate']:.2f} of "
            f"the floor; errors {app['errors']} + {floor['errors']}, lost {app['lost']} + {floor['lost']}"
        )


def run_one(args: argparse.Namespace) -> dict[str, float]:
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    env = app_env(database_url)
    print(
        f"database {database_url}; app {args.app}; {args.codes} codes; {args.workers} gunicorn {args.worker_class} workers"
        f"{f' × {args.threads} threads' if args.worker_class == 'gthread' else ''}; "
        f"{args.concurrency} connections; at most {args.duration:.0f} s"
    )
    recreate_database(database_url)
    server = None
    try:
        made_key = [] if Path(env["CRYPTO_KEY_FILE"]).exists() else [["crypto", "init-key"]]
        for command in (*made_key, ["migrate", "--no-input"], ["collectstatic", "--no-input", "--clear"]):
            subprocess.run(
                [str(BIN / "kaohe"), *command], env=env, check=True, capture_output=True, timeout=600
            )
        began = time.perf_counter()
        info = child("setup", [f"--codes={args.codes}", f"--cadres={args.cadres}"], env, 600)
        print(
            f"session {info['session']}: {info['codes']} codes, {1 + args.cadres} targets "
            f"(setup {time.perf_counter() - began:.1f} s)"
        )
        server = start_server(env, args.port, args.workers, args.worker_class, args.threads, args.app)
        cpu_before = server_cpu(server)
        backends = BackendCPU(admin_url(database_url)[1])
        figures = child(
            "load",
            [f"--port={args.port}", f"--concurrency={args.concurrency}", f"--duration={args.duration}"],
            {**os.environ},
            args.duration + 120,
        )
        app_cpu = server_cpu(server) - cpu_before
        db_cpu = backends.total()
        stop_server(server)
        server = None
        receipts = (OUT / "ballot-receipts.txt").read_text(encoding="utf-8").split()
        if args.app == "kaohe":  # sealed until the organiser closes the session with the key
            opened = child("close", [f"--info={info['session']}"], env, 600)
            print(f"closing with the key opened and stored the ballots in {opened['seconds']:.1f} s")
        total, used, found = db_count(database_url, info["session"], receipts)
        acknowledged = figures["acknowledged"]
        rate = acknowledged / figures["elapsed"] if figures["elapsed"] else 0.0
        steady = figures["per_second"][1:-1] or figures["per_second"]
        print(
            f"app: {acknowledged} ballots acknowledged in {figures['elapsed']:.1f} s = {rate:.0f} ballots/s "
            f"(per second: median {statistics.median(steady) if steady else 0:.0f}, "
            f"min {min(steady) if steady else 0}, max {max(steady) if steady else 0}); "
            f"errors {figures['errors']} {figures['error_kinds']}"
        )
        for name, label in (("get", "GET form"), ("post", "POST ballot"), ("both", "GET + POST")):
            print(f"  latency {label}: {figures['latency'][name]} ms")
        ms = 1000 / max(acknowledged, 1)
        all_cpu = app_cpu + db_cpu + figures["client_cpu"]
        print(
            f"  CPU a ballot (GET + POST): server {app_cpu * ms:.2f} ms, PostgreSQL backends {db_cpu * ms:.2f} ms, "
            f"load client {figures['client_cpu'] * ms:.2f} ms; all three {all_cpu * ms:.2f} ms, so at most "
            f"{os.cpu_count() * 1000 / (all_cpu * ms):.0f} ballots/s on {os.cpu_count()} idle cores "
            f"({os.cpu_count() * 1000 / (app_cpu * ms):.0f} for the server alone); load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"database: {total} ballots in the session, {used} codes used, {found} of {len(receipts)} "
            f"receipts found; lost {acknowledged - found}"
        )
        n = max(acknowledged, 1000)
        copy_s = raw_copy(database_url, info, n)
        threads = max(1, args.concurrency // 4)
        tx_n = n // threads * threads
        tx_s = raw_transactions(database_url, info, tx_n, threads)
        marks = 1 + args.cadres
        print(
            f"raw PostgreSQL, same rows ({marks} marks and {len(info['items'])} answers a ballot): "
            f"COPY {n / copy_s:.0f} ballots/s; one transaction per ballot over {threads} connections "
            f"{tx_n / tx_s:.0f} ballots/s"
        )
        print(
            f"ratio app / raw: {rate / (n / copy_s):.3f} of COPY, {rate / (tx_n / tx_s):.3f} of per-ballot "
            f"transactions"
        )
        ok = figures["errors"] == 0 and found == acknowledged == total == used
        print("zero errors and zero lost ballots" if ok else "ERRORS OR LOST BALLOTS: see above")
        return {
            "rate": rate,
            "p99": figures["latency"]["both"].get("p99", 0.0),
            "errors": figures["errors"],
            "lost": acknowledged - found,
        }
    finally:
        if server is not None:
            stop_server(server)
        if not args.keep:
            recreate_database(database_url, drop_only=True)
        CODES.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
