"""The attacks of the secrecy review on a SQLite database file and its write-ahead log.

Run by test_secrecy_attacks.py in a pytest of its own, with the test database in a file (an in-memory
database has no log to read): ``pytest kaohe/ballots/tests/sqlite_file_attacks.py``. Each ballot carries
a reason nobody else wrote, so the attacker knows what to look for; the receipts are known too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from kaohe.ballots import actions, codes, storage
from kaohe.ballots.models import Ballot, BallotEnvelope, BallotToken
from kaohe.ballots.tests.attacks import first_commit, order_in, sqlite_wal_commits
from kaohe.ballots.tests.conftest import field_of, filled

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    from django.db import connections

    assert connections["default"].vendor == "sqlite"
    connections["default"].settings_dict["TEST"]["NAME"] = str(
        tmp_path_factory.mktemp("attack") / "kaohe.sqlite3"
    )


def files() -> tuple[Path, Path]:
    path = Path(connection.settings_dict["NAME"])
    assert path.exists(), "the attacks read a database file"
    return path, Path(f"{path}-wal")


def vote(world) -> tuple[list[str], list[str]]:
    """Every code of the session used, in the order of the codes file; (receipts, reasons) in that order."""
    session = world["session"]
    receipts, reasons = [], []
    for index, code in enumerate(world["all_codes"]):
        data = filled(session)
        key = field_of(session, "钱伟", item=0)
        reasons.append(f"理由第{index:02d}号QZX")
        data[key], data[f"{key}_r"] = "不认同", reasons[-1]
        receipts.append(actions.ballot_submit(code=code, data=data))
    return receipts, reasons


def test_the_files_of_an_open_session_hold_no_ballot_and_no_order(world):
    path, wal = files()
    assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    receipts, reasons = vote(world)
    data = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert wal.exists() and len(data) > 0
    # Nothing readable: not a receipt, not a reason, not a choice of any ballot.
    assert order_in(data, receipts + reasons) == []
    # Every envelope is as long as every other: the length of a reason does not show.
    assert len({len(bytes(s)) for s in BallotEnvelope.objects.values_list("sealed", flat=True)}) == 1
    # The envelopes' table has no rowid: its rows lie in the order of their random ids.
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'ballots_ballotenvelope'")
        assert cursor.fetchone()[0].endswith("WITHOUT ROWID")
        cursor.execute("SELECT id FROM ballots_ballotenvelope")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored == sorted(stored)
    # A code's row does not follow its place in the codes file (nor on the slips printed from it).
    ids = [BallotToken.objects.get(hash=codes.code_hash(code)).pk for code in world["all_codes"]]
    assert ids != sorted(ids)


def test_after_closing_no_commit_of_the_log_links_a_code_to_a_ballot(world, monkeypatch):
    path, wal = files()
    # The attacker copies the log before the checkpoint after closing would cut it.
    monkeypatch.setattr(storage, "after_close", lambda: None)
    receipts, reasons = vote(world)
    sealed = [bytes(s)[:48] for s in BallotEnvelope.objects.values_list("sealed", flat=True)]
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    commits = sqlite_wal_commits(wal)
    first = first_commit(commits, receipts + reasons)
    # Every receipt and reason first appears in one commit — the closing one — and in no commit before it,
    # so no commit that used a code holds a readable ballot.
    assert set(first.values()) == {len(commits) - 1}, first
    # The rows, and their bytes in the log, are in an order of their own.
    by_rowid = list(Ballot.objects.order_by("pk").values_list("number", flat=True))  # random ids
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM ballots_ballot ORDER BY rowid")
        in_rowid_order = [row[0] for row in cursor.fetchall()]
    assert sorted(in_rowid_order) == sorted(receipts) and in_rowid_order != receipts
    assert in_rowid_order == by_rowid  # written in the order of their random ids
    assert order_in(commits[-1], receipts) != receipts
    # The envelopes were deleted with secure_delete: their bytes are not left in the file's free pages.
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    assert not any(blob in data for blob in sealed)
    assert not BallotEnvelope.objects.exists()
