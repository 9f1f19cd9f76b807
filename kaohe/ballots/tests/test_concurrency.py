"""Concurrent submissions on PostgreSQL: one code gives exactly one ballot; 10,000 codes give 10,000.

Each thread has its own database connection; a barrier releases them together. PostgreSQL's default of
100 connections leaves room for 40 threads beside the rest of the suite.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from kaohe.ballots import actions, selectors
from kaohe.ballots.models import Ballot, BallotEnvelope, BallotToken, Mark
from kaohe.ballots.tests.conftest import filled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS, ATTEMPTS = 40, 5
WORKERS = 16


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (DATABASE_URL=postgres://…)")


def submit(code: str, data: dict, layout) -> str:
    from django.db import connection as own

    try:
        actions.ballot_submit(code=code, data=data, layout=layout)
        return "stored"
    except actions.BallotRefused as refusal:
        return refusal.message
    finally:
        own.close()


def test_200_concurrent_submissions_with_one_code_store_exactly_one_ballot(world):
    session, code = world["session"], world["codes"]["下级"][0]
    data, layout = filled(session), selectors.session_layout(session)
    barrier = threading.Barrier(THREADS)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    errors = []

    def rater() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            for _ in range(ATTEMPTS):
                try:
                    actions.ballot_submit(code=code, data=data, layout=layout)
                    outcome = "stored"
                except actions.BallotRefused as refusal:
                    outcome = refusal.message
                with lock:
                    outcomes[outcome] += 1
        except Exception as error:  # a thread's failure must fail the test
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=rater) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert outcomes == Counter({"stored": 1, "此测评码已使用": THREADS * ATTEMPTS - 1})
    actions.session_close(actor=world["organiser"], session=session, opening_key=world["opening_key"])
    assert Ballot.objects.count() == 1 and Mark.objects.count() == 4
    assert BallotToken.objects.filter(used=True).count() == 1


def test_10000_codes_submitted_concurrently_store_exactly_10000_ballots(world):
    session = world["session"]
    made = actions.session_codes_generate(actor=world["organiser"], session=session, counts={"下级": 5000})
    made += actions.session_codes_generate(actor=world["organiser"], session=session, counts={"同级": 5000})
    data, layout = filled(session), selectors.session_layout(session)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def worker(share) -> None:
        from django.db import connection as own

        try:
            found = Counter()
            for new in share:
                try:
                    actions.ballot_submit(code=new.code, data=data, layout=layout)
                    found["stored"] += 1
                except actions.BallotRefused as refusal:
                    found[refusal.message] += 1
            with lock:
                outcomes.update(found)
        finally:
            own.close()

    threads = [threading.Thread(target=worker, args=(made[i::WORKERS],)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == Counter({"stored": 10_000})
    assert BallotEnvelope.objects.filter(session=session).count() == 10_000
    actions.session_close(actor=world["organiser"], session=session, opening_key=world["opening_key"])
    assert Ballot.objects.filter(session=session).count() == 10_000
    assert Mark.objects.filter(ballot__session=session).count() == 40_000
    assert BallotToken.objects.filter(session=session, used=True).count() == 10_000
    assert len(set(Ballot.objects.values_list("number", flat=True))) == 10_000


def test_closing_while_ballots_arrive_seals_exactly_the_ballots_stored(world):
    from kaohe.ballots.digest import session_digest

    session = world["session"]
    made = actions.session_codes_generate(actor=world["organiser"], session=session, counts={"下级": 400})
    data, layout = filled(session), selectors.session_layout(session)

    def close_midway() -> None:
        from django.db import connection as own

        try:
            actions.session_close(actor=world["organiser"], session=session, opening_key=world["opening_key"])
        finally:
            own.close()

    with ThreadPoolExecutor(max_workers=9) as pool:
        futures = [pool.submit(submit, new.code, data, layout) for new in made[:200]]
        closer = pool.submit(close_midway)
        futures += [pool.submit(submit, new.code, data, layout) for new in made[200:]]
        outcomes = Counter(f.result() for f in futures)
        closer.result()
    stored = outcomes["stored"]
    assert set(outcomes) <= {"stored", "本次测评已结束"}
    assert Ballot.objects.filter(session=session).count() == stored
    assert BallotToken.objects.filter(session=session, used=True).count() == stored
    sealed = actions.session_archive(actor=world["organiser"], session=session)
    assert sealed.seal == session_digest(session.pk, "sha256") and sealed.seal_algorithm == "sha256"
