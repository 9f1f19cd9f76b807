"""A server killed mid-load keeps every acknowledged ballot (PostgreSQL, gunicorn on 127.0.0.1).

gunicorn serves the test database; raters submit ballots over loopback (GET the form, POST it); the whole
server (master and workers) is killed with SIGKILL while ballots are in flight, then started again and the
remaining codes submitted. Every receipt a rater was shown must be counted, and every code used must have
its ballot (the code's use and the ballot are one transaction). Bounded: a minute at most.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from kaohe.ballots import actions
from kaohe.ballots.models import Ballot, BallotToken

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CODES = 300
RATERS = 8
_RADIO = re.compile(r'type="radio" name="(t\d+(?:_\d+)?)" value="([^"]+)"')
_RECEIPT = re.compile(r'id="receipt">([0-9A-Z-]+)<')


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the server is killed on PostgreSQL (DATABASE_URL=postgres://…)")
    if not GUNICORN.exists():
        pytest.skip("gunicorn is not installed in this environment")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY,  # the codes' hashes are keyed with it
        "DEBUG": "true",
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "CRITICAL",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(GUNICORN),
            "kaohe.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--preload",
            "--log-level=critical",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/b/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    kill(server)
    pytest.fail("gunicorn did not start")


def kill(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)  # master and workers, no chance to finish anything
        server.wait(timeout=10)


def submit(port: int, code: str) -> str | None:
    """The receipt the rater is shown, or None when the submission failed (server gone, refused …)."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/b/{code}/")
        response = conn.getresponse()
        page = response.read().decode()
        if response.status != 200 or _RADIO.search(page) is None:
            return None
        form = {"code": code, "submit": "1"}
        for name, value in _RADIO.findall(page):
            form.setdefault(name, value)
            if form[name] == "优秀":
                form[name] = value
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(
            "POST",
            "/b/",
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{port}",
            },
        )
        response = conn.getresponse()
        found = _RECEIPT.search(response.read().decode())
        return found.group(1).replace("-", "") if response.status == 200 and found else None
    except (OSError, http.client.HTTPException):
        return None


def drive(
    port: int,
    codes: list[str],
    receipts: list[str],
    stop: threading.Event,
    acked: dict[str, str] | None = None,
) -> list[threading.Thread]:
    """RATERS threads submitting `codes` until `stop`; each receipt shown goes to `receipts` (and `acked`,
    keyed by its code, when given)."""
    lock = threading.Lock()
    queue = iter(codes)

    def rater() -> None:
        while not stop.is_set():
            with lock:
                code = next(queue, None)
            if code is None:
                return
            receipt = submit(port, code)
            if receipt is not None:
                with lock:
                    receipts.append(receipt)
                    if acked is not None:
                        acked[code] = receipt

    threads = [threading.Thread(target=rater) for _ in range(RATERS)]
    for thread in threads:
        thread.start()
    return threads


def test_a_server_killed_mid_load_keeps_every_acknowledged_ballot(world):
    session = world["session"]
    made = actions.session_codes_generate(actor=world["organiser"], session=session, counts={"下级": CODES})
    codes = [new.code for new in made]
    port = free_port()
    receipts: list[str] = []
    began = time.monotonic()
    server = start(port)
    try:
        stop = threading.Event()
        threads = drive(port, codes[: CODES // 2], receipts, stop)
        while len(receipts) < 40 and time.monotonic() - began < 30:
            time.sleep(0.05)
        kill(server)  # mid-load: raters are between GET and POST, or inside a transaction
        for thread in threads:
            thread.join(timeout=15)
        before_restart = len(receipts)
        assert before_restart >= 1
        server = start(port)
        stop = threading.Event()
        threads = drive(port, codes[CODES // 2 :], receipts, stop)
        for thread in threads:
            thread.join(timeout=max(1, 55 - (time.monotonic() - began)))
        stop.set()
    finally:
        kill(server)
    assert len(receipts) > before_restart
    # Sealed while open: the organiser's key opens every envelope stored, the server's death or not.
    actions.session_close(actor=world["organiser"], session=session, opening_key=world["opening_key"])
    counted = set(
        Ballot.objects.filter(session=session, number__in=receipts).values_list("number", flat=True)
    )
    assert counted == set(receipts)  # every acknowledged ballot survived
    ballots = Ballot.objects.filter(session=session).count()
    assert ballots == BallotToken.objects.filter(session=session, used=True).count()
    assert time.monotonic() - began < 60
