"""Two app nodes against one PostgreSQL and one S3-compatible store (moto's server): a roster uploaded on
node A is read by node B's task worker and its job page, files reach the store sealed, and a session and the
login throttle made on one node hold on the other. Each node has its own var/ and media directory, so
nothing local is shared.

It runs in the PostgreSQL pass (DATABASE_URL=postgres://…), in a database of its own beside the test one.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import psycopg
import pytest
import requests
from django.db import connection
from moto.server import ThreadedMotoServer

from kaohe.filestore.cipher import MAGIC
from kaohe.org.tests.test_roster_books import new_roster

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two nodes share a PostgreSQL (the PostgreSQL pass runs it)"
)

PASSWORD = "correct-horse-battery"  # noqa: S105
BUCKET = "kaohe-nodes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kaohe(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kaohe", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    s = connection.settings_dict
    name = f"{s['NAME']}_nodes"
    server = dict(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"] or "postgres")
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def store() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def node_env(tmp: Path, name: str, database: str, store: str, key: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    return {
        **clean,
        "DEBUG": "true",
        "DATABASE_URL": database,
        "KAOHE_VAR_DIR": str(tmp / name),
        "SECOND_FACTOR_ROLES": "",  # the test signs in with a password alone, as the cast does (conftest.py)
        "MEDIA_ROOT": str(tmp / name / "media"),
        "FILE_STORAGE": "s3",
        "FILE_KEY_FILE": str(key),
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": store,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY": "test",
        "S3_SECRET_KEY": "test",
        "LOGIN_THROTTLE_LIMIT": "3",
    }


@pytest.fixture(scope="module")
def nodes(tmp_path_factory, database, store) -> Iterator[dict[str, tuple[str, dict[str, str]]]]:
    tmp = tmp_path_factory.mktemp("nodes")
    key = tmp / "file.key"
    key.write_text(os.urandom(32).hex())
    envs = {name: node_env(tmp, name, database, store, key) for name in ("a", "b")}
    kaohe(envs["a"], "migrate", "--no-input")
    kaohe(
        envs["a"],
        "shell",
        "-c",
        "from kaohe.accounts.models import User; "
        f"User.objects.create_user(username='organiser', password='{PASSWORD}', role='organiser', full_name='组织者')",
    )
    running: dict[str, tuple[str, dict[str, str]]] = {}
    processes = []
    for name, env in envs.items():
        port = free_port()
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "kaohe.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(tmp / f"{name}.log").open("w"),
            )
        )
        running[name] = (f"http://127.0.0.1:{port}", env)
    try:
        for url, _ in running.values():
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(f"{url}/login/", timeout=30)
                    break
                except (requests.ConnectionError, requests.Timeout):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
        yield running
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def log_in(session: requests.Session, url: str, username: str, password: str) -> requests.Response:
    session.get(f"{url}/login/", timeout=10)
    return session.post(
        f"{url}/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{url}/login/"},
        timeout=10,
    )


def test_an_upload_on_one_node_is_read_on_the_other(nodes, store):
    (a, env_a), (b, env_b) = nodes["a"], nodes["b"]
    browser = requests.Session()
    assert log_in(browser, a, "organiser", PASSWORD).url.rstrip("/") == a  # to the home page
    browser.get(f"{a}/org/roster/import/", timeout=10)
    response = browser.post(
        f"{a}/org/roster/import/",
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        files={"file": ("名册.xlsx", new_roster())},
        headers={"Referer": f"{a}/org/roster/import/"},
        timeout=30,
    )
    job = re.search(r"/jobs/([0-9a-f-]{36})/", response.url)
    assert job, response.text[:500]
    # The upload sits in the shared store, sealed; neither node's own media directory has it.
    s3 = boto3.client(
        "s3",
        endpoint_url=store,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    stored = s3.get_object(Bucket=BUCKET, Key=f"imports/{job.group(1)}.xlsx")["Body"].read()
    assert stored.startswith(MAGIC) and b"PK" not in stored[:64]
    assert "城东片区管委会".encode() not in stored
    for env in (env_a, env_b):
        assert not list(Path(env["MEDIA_ROOT"]).glob("**/*.xlsx"))
    # Node B's worker reads it from the store and imports it; node B's pages show the outcome to the
    # session opened on node A.
    kaohe(env_b, "db_worker", "--batch", "--no-startup-delay", "--no-reload")
    page = browser.get(f"{b}/jobs/{job.group(1)}/", timeout=10)
    assert page.status_code == 200 and "已完成" in page.text, page.text[:1000]
    units = browser.get(f"{b}/org/units/?q=城东", timeout=10)
    assert "城东片区管委会" in units.text


def test_the_login_throttle_holds_across_nodes(nodes):
    (a, _), (b, _) = nodes["a"], nodes["b"]
    for _ in range(3):
        assert "/login/" in log_in(requests.Session(), a, "organiser", "wrong-password-0").url
    refused = log_in(requests.Session(), b, "organiser", PASSWORD)
    assert "/login/" in refused.url and "分钟" in refused.text
