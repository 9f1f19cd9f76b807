"""The attacks of the secrecy review, kept as tests: on a SQLite file and its log (in a pytest of its own,
sqlite_file_attacks.py), and on PostgreSQL's write-ahead log read with pg_waldump and byte by byte."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from kaohe.ballots import actions, storage
from kaohe.ballots.models import Ballot, BallotToken, Mark
from kaohe.ballots.tests.sqlite_file_attacks import vote

ROOT = Path(__file__).resolve().parents[3]
PG_WALDUMP = Path("/usr/lib/postgresql/15/bin/pg_waldump")


def test_the_sqlite_file_attacks_fail():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_XDIST_WORKER")}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         "kaohe/ballots/tests/sqlite_file_attacks.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "2 passed" in done.stdout


# --- PostgreSQL --------------------------------------------------------------------------------------------


def _lsn() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        return cursor.fetchone()[0]


def _filenodes(*models) -> dict[str, str]:
    with connection.cursor() as cursor:
        found = {}
        for model in models:
            cursor.execute("SELECT pg_relation_filenode(%s)", [model._meta.db_table])
            found[model._meta.db_table] = str(cursor.fetchone()[0])
        return found


def _wal_bytes(start: str, end: str) -> bytes:
    """The log between two positions, read as its files hold it (``pg_read_binary_file``, superuser)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_switch_wal()")  # the segment being written is a file of its own
        cursor.execute("SELECT pg_walfile_name(%s), pg_walfile_name(%s)", [start, end])
        first, last = cursor.fetchone()
        cursor.execute(
            "SELECT name FROM pg_ls_waldir() WHERE name BETWEEN %s AND %s ORDER BY name", [first, last]
        )
        names = [row[0] for row in cursor.fetchall()]
        data = b""
        for name in names:
            cursor.execute("SELECT pg_read_binary_file(%s)", [f"pg_wal/{name}"])
            data += bytes(cursor.fetchone()[0])
        return data


def _writers(start: str, end: str, filenodes: dict[str, str]) -> dict[str, set[str]]:
    """For each table, the transaction ids that wrote to it between two positions (pg_waldump)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('data_directory')")
        wal_dir = Path(cursor.fetchone()[0]) / "pg_wal"
    dump = subprocess.run(  # noqa: S603
        [str(PG_WALDUMP), "-p", str(wal_dir), "-s", start, "-e", end],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dump.stdout, dump.stderr
    writers: dict[str, set[str]] = {table: set() for table in filenodes}
    for line in dump.stdout.splitlines():
        xid = re.search(r"tx:\s+(\d+)", line)
        if (
            xid is None
            or xid.group(1) == "0"
            or not re.search(r"desc: (INSERT|MULTI_INSERT|UPDATE|HOT_UPDATE)", line)
        ):
            continue
        for table, node in filenodes.items():
            if re.search(rf"rel \d+/\d+/{node}\b", line):
                writers[table].add(xid.group(1))
    return writers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_log_links_no_code_to_a_ballot(world):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL log is read on PostgreSQL (DATABASE_URL=postgres://…)")
    assert PG_WALDUMP.exists(), "pg_waldump comes with Debian's postgresql-15"
    nodes = _filenodes(BallotToken, Ballot, Mark)
    start = _lsn()
    receipts, reasons = vote(world)
    before_close = _lsn()
    # While open: not one receipt or reason in the log's bytes.
    assert not [s for s in receipts + reasons if s.encode() in _wal_bytes(start, before_close)]
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    storage.after_close()  # VACUUM (a test transaction's on_commit runs it too; harmless twice)
    end = _lsn()
    writers = _writers(start, end, nodes)
    codes_used = writers[BallotToken._meta.db_table]
    ballots_written = writers[Ballot._meta.db_table] | writers[Mark._meta.db_table]
    # Every readable ballot was written by one transaction, the closing one …
    assert len(ballots_written) == 1, ballots_written
    (closing,) = ballots_written
    # … and each code was used by a transaction of its own that wrote no readable ballot (the closing one
    # only gave every code a fresh row version).
    assert len(codes_used - {closing}) == len(receipts)
    # The attacker does read the opened ballots in the log, all from that one transaction.
    data = _wal_bytes(start, end)
    assert all(s.encode() in data for s in receipts)
    assert Ballot.objects.count() == len(receipts)
