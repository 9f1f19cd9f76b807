"""Concurrent submissions on PostgreSQL: one code, or one device, gives exactly one response.

Each thread is a phone of its own with its own database connection; a barrier releases them together.
PostgreSQL's default of 100 connections leaves room for 40 threads beside the rest of the suite, so the
200 attempts are 40 threads of 5 each.
"""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from kaohe.surveys.models import SurveyCode, SurveyDevice, SurveyResponse
from kaohe.surveys.public_views import DEVICE_COOKIE
from kaohe.surveys.tests.conftest import answer_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS, ATTEMPTS = 40, 5


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (DATABASE_URL=postgres://…)")


def run_together(attempt) -> Counter:
    barrier = threading.Barrier(THREADS)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    errors = []

    def phone() -> None:
        from django.db import connection as own

        try:
            barrier.wait()
            for _ in range(ATTEMPTS):
                outcome = attempt()
                with lock:
                    outcomes[outcome] += 1
        except Exception as error:  # reported below: a thread's failure must fail the test
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=phone) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return outcomes


def outcome_of(response) -> str:
    if response.status_code == 302:
        return "stored"
    page = response.content.decode()
    for message in ("此评议码已使用", "本设备已参加过本次评议"):
        if message in page:
            return message
    return f"{response.status_code}: {page[:200]}"


def test_200_concurrent_submissions_with_one_code_store_exactly_one_response(world):
    survey, code = world["codes_survey"], world["codes"][0]

    def attempt() -> str:
        return outcome_of(Client().post(answer_url(survey), {"choice": "满意", "code": code}))

    outcomes = run_together(attempt)
    assert outcomes == Counter({"stored": 1, "此评议码已使用": THREADS * ATTEMPTS - 1})
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyCode.objects.filter(survey=survey, used=True).count() == 1


def test_200_concurrent_submissions_from_one_device_store_exactly_one_response(world, settings):
    settings.SURVEY_RATE_LIMIT = 1000
    survey = world["open_survey"]
    cookie = Client().get(answer_url(survey)).cookies[DEVICE_COOKIE].value

    def attempt() -> str:
        phone = Client()
        phone.cookies[DEVICE_COOKIE] = cookie
        return outcome_of(phone.post(answer_url(survey), {"choice": "不满意"}))

    outcomes = run_together(attempt)
    assert outcomes == Counter({"stored": 1, "本设备已参加过本次评议": THREADS * ATTEMPTS - 1})
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert SurveyDevice.objects.filter(survey=survey).count() == 1
