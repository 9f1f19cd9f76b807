"""PostgreSQL killed mid-sitting keeps every acknowledged ballot, on a cluster of the test's own.

The machine's shared PostgreSQL is never touched: this test makes a cluster in a temporary directory on a
free port (kaohe/tests/private_postgres.py; fsync and synchronous_commit on) and runs database_crash.py in
a pytest of its own against it, since the database a pytest uses is fixed when it starts. Self-contained,
it runs once, in the SQLite pass (marked standalone). Without PostgreSQL's server binaries it skips on
a developer's machine and fails in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaohe.tests.private_postgres import Cluster, require_bindir

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.standalone


def test_a_database_crash_mid_sitting_keeps_every_acknowledged_ballot(tmp_path):
    bindir = require_bindir()
    cluster = Cluster.create(bindir)
    figures = tmp_path / "figures.json"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_XDIST_WORKER")}
    env |= {
        "DATABASE_URL": cluster.url(),
        "KAOHE_PRIVATE_POSTGRES": cluster.describe(),
        "KAOHE_CRASH_FIGURES": str(figures),
    }
    try:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--reuse-db",
             "kaohe/ballots/tests/database_crash.py"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    finally:
        cluster.remove()
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout
    found = json.loads(figures.read_text())
    sys.stdout.write(f"database crash: {found}\n")  # the figures: pytest -rP shows them
    assert found["found_after_recovery"] == found["acked_before_crash"] >= 1
    assert not cluster.root.exists()
