"""A PostgreSQL crash mid-sitting keeps every acknowledged ballot (run by test_database_crash.py).

Run in a pytest of its own against a cluster of its own (kaohe/tests/private_postgres.py), which
test_database_crash.py makes and hands over in KAOHE_PRIVATE_POSTGRES; DATABASE_URL names it. pytest-django
migrates Kaohe into it, the ballots' test world makes an open online session, gunicorn serves the ballot
pages on 127.0.0.1 (as in test_server_killed.py), raters cast ballots concurrently over HTTP, and the
postmaster and every backend are killed with SIGKILL while ballots are in flight. The cluster starts again
(crash recovery), the app (never restarted) serves the codes again: each acknowledged code must be refused
as used, each other code either counted now or refused as used (its transaction committed but the rater
never saw the receipt). The session is closed and tallied: every receipt shown is counted, and the count
is the receipts shown plus the codes that committed without one; no code is both unused and counted.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from kaohe import checks
from kaohe.ballots import actions, selectors, storage
from kaohe.ballots.models import Ballot, BallotToken, SessionStatus
from kaohe.ballots.tests.test_server_killed import GUNICORN, RATERS, drive, free_port, kill, start, submit
from kaohe.tests.private_postgres import Cluster

pytestmark = pytest.mark.postgres

ENV = "KAOHE_PRIVATE_POSTGRES"
CODES = 160
BEFORE_CRASH = 30  # receipts shown before the database is killed
OUTAGE = 1.0  # seconds the raters keep trying while it is down
USED = "used"
_USED_TEXT = actions.refusal_used().message


@pytest.fixture(scope="session")
def private_cluster():
    if not os.environ.get(ENV):
        pytest.fail(f"test_database_crash.py runs this file with the cluster it made ({ENV})")
    cluster = Cluster.attach(os.environ[ENV])
    db = connections["default"].settings_dict
    assert connections["default"].vendor == "postgresql"
    assert int(db["PORT"]) == cluster.port, "DATABASE_URL must name the private cluster, never port 5432"
    cluster.init()
    cluster.start()
    yield cluster
    cluster.crash()


# The test's own connection sets up (migrate, the world, the codes) without waiting for the log's flush at
# each commit: that is not what is tested, and it makes migrate slower by two thirds (55 s against 32 s on
# a loaded machine). The cluster keeps synchronous_commit on; the sitting's connections (gunicorn's, and
# this one from the sitting on) use it.
SETUP_OPTIONS = "-c synchronous_commit=off"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(private_cluster):
    """The cluster runs before pytest-django creates and migrates the test database in it."""
    connections["default"].settings_dict["OPTIONS"]["options"] = SETUP_OPTIONS


@pytest.fixture
def db(django_db_setup, django_db_blocker):
    """The database as a server sees it: every write commits (gunicorn reads it), and nothing is flushed
    afterwards, as a transactional test would: the cluster is thrown away."""
    with django_db_blocker.unblock():
        yield


def durable_from_here() -> None:
    """The test's connection from here on as the app's: the cluster's settings, commits flushed to disk."""
    assert connection.settings_dict["OPTIONS"].pop("options") == SETUP_OPTIONS
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("SHOW fsync")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("CHECKPOINT")  # the sitting starts on a checkpointed database, as a server's would
    assert checks.durable_commits(None, databases=["default"]) == []


def settle(port: int, code: str) -> str | None:
    """A receipt, USED when the code is refused as used, or None when the attempt failed."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/b/{code}/")
        response = conn.getresponse()
        if response.status == 200 and _USED_TEXT in response.read().decode():
            return USED
    except (OSError, http.client.HTTPException):
        return None
    return submit(port, code)


def settle_all(port: int, codes: list[str], deadline: float) -> dict[str, str]:
    """Each code's outcome, RATERS raters at once; failed attempts are tried again until the deadline."""
    outcomes: dict[str, str] = {}
    lock = threading.Lock()
    pending = list(codes)

    def rater(queue: Iterator[str]) -> None:
        while True:
            with lock:
                code = next(queue, None)
            if code is None:
                return
            outcome = settle(port, code)
            if outcome is not None:
                with lock:
                    outcomes[code] = outcome

    while pending and time.monotonic() < deadline:
        queue = iter(pending)
        threads = [threading.Thread(target=rater, args=(queue,)) for _ in range(RATERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1, deadline - time.monotonic()))
        pending = [code for code in pending if code not in outcomes]
    return outcomes


def test_a_database_crash_mid_sitting_keeps_every_acknowledged_ballot(world, private_cluster):
    assert GUNICORN.exists(), "gunicorn is a dependency of Kaohe (pyproject.toml)"
    began = time.monotonic()
    session = world["session"]
    made = actions.session_codes_generate(actor=world["organiser"], session=session, counts={"下级": CODES})
    codes = [new.code for new in made]
    durable_from_here()
    first, second = codes[: CODES // 2], codes[CODES // 2 :]
    port = free_port()
    server = start(port)
    try:
        # 1. Ballots in flight: the database is killed once BEFORE_CRASH receipts have been shown.
        receipts: list[str] = []
        acked: dict[str, str] = {}
        stop = threading.Event()
        threads = drive(port, first, receipts, stop, acked)
        while len(receipts) < BEFORE_CRASH and time.monotonic() - began < 20:
            time.sleep(0.01)
        crashed_at = len(receipts)
        kill_seconds = private_cluster.crash()
        time.sleep(OUTAGE)  # raters keep submitting to the app while its database is down
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
        acked_before_crash = dict(acked)
        assert len(acked_before_crash) >= crashed_at >= 1
        # 2. Crash recovery; the test's own connection died with the server.
        connection.close()
        restarted = time.monotonic()
        private_cluster.start()
        recovery_seconds = time.monotonic() - restarted
        stored = storage.envelopes_count(session)
        used = BallotToken.objects.filter(session=session, used=True).count()
        assert stored == used >= len(acked_before_crash)
        # 3. The app, never restarted, serves every code again.
        outcomes = settle_all(port, codes, deadline=began + 50)
    finally:
        kill(server)
    assert set(outcomes) == set(codes), f"{len(codes) - len(outcomes)} codes never settled"
    # An acknowledged code is used: its ballot cannot be cast twice.
    assert {code: outcomes[code] for code in acked_before_crash} == dict.fromkeys(acked_before_crash, USED)
    in_flight = [code for code in first if code not in acked_before_crash and outcomes[code] == USED]
    shown = list(acked_before_crash.values()) + [r for r in outcomes.values() if r != USED]
    assert [code for code in second if outcomes[code] == USED] == []  # nobody had them before the crash
    assert len(set(shown)) == len(shown) == CODES - len(in_flight)
    # 4. Close and tally: every receipt shown is counted; the in-flight commits are counted too.
    closed = actions.session_close(
        actor=world["organiser"], session=session, opening_key=world["opening_key"]
    )
    missing = [
        receipt
        for receipt in acked_before_crash.values()
        if [(f.status, f.counted) for f in selectors.receipt_lookup(receipt)] != [("已结束", True)]
    ]
    assert missing == []
    counted = set(Ballot.objects.filter(session=session).values_list("number", flat=True))
    assert set(shown) <= counted
    assert closed.status == SessionStatus.CLOSED
    tally = selectors.session_tally(closed)
    assert tally.ballots == len(counted) == len(shown) + len(in_flight) == CODES
    # No code both unused and counted: one ballot per used code, and the session's other codes unused.
    assert BallotToken.objects.filter(session=session, used=True).count() == len(counted)
    assert BallotToken.objects.filter(session=session, used=False).count() == len(world["all_codes"])
    figures = {
        "acked_before_crash": len(acked_before_crash),
        "found_after_recovery": len(acked_before_crash) - len(missing),
        "stored_at_recovery": stored,
        "committed_without_ack": len(in_flight),
        "tallied": tally.ballots,
        "kill_seconds": round(kill_seconds, 3),
        "recovery_seconds": round(recovery_seconds, 2),
        "seconds": round(time.monotonic() - began, 1),
    }
    if os.environ.get("KAOHE_CRASH_FIGURES"):
        Path(os.environ["KAOHE_CRASH_FIGURES"]).write_text(json.dumps(figures))
    assert time.monotonic() - began < 60
