"""Concurrent confirmations on PostgreSQL: a cadre who submits 本人意见 from several tabs at once gets one
acknowledgement, the others a refusal. Each thread has its own connection; a barrier releases them together."""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kaohe.audit.actions import audit_verify
from kaohe.audit.models import AuditEntry
from kaohe.results import actions, feedback
from kaohe.results.models import FinalResult
from kaohe.results.tests.sealed_data import sealed_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (DATABASE_URL=postgres://…)")


@pytest.fixture
def sealed(world, cast, roster):
    return sealed_world(world, cast, roster)


def test_concurrent_confirmations_of_one_result_store_exactly_one(sealed, cast):
    final = FinalResult.objects.get(seal=sealed, kind="cadre", code="GB002")
    barrier = threading.Barrier(THREADS)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    errors = []

    def tab(n: int) -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            try:
                actions.result_acknowledge(
                    actor=cast["cadre"], final=final, opinion="agree", text=f"第{n}个窗口"
                )
                outcome = "stored"
            except ValidationError as refusal:
                outcome = refusal.messages[0]
            with lock:
                outcomes[outcome] += 1
        except Exception as error:  # a thread's failure must fail the test
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert outcomes == Counter({"stored": 1, "2025年度的考核结果已经确认过，不能重复确认。": THREADS - 1})
    assert AuditEntry.objects.filter(action=feedback.ACK_ACTION).count() == 1
    assert audit_verify() is None
