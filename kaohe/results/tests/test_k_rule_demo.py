"""The k rule over the demo: no surface that shows results shows a rater group of fewer than k ballots.

The demo's ballots leave 152 rater groups of fewer than 3 ballots in 2025 (two superiors, say). Each
surface is read as its user reads it — rows, the results API, the results workbook, the review, detail and
explanation pages, the cadre's own feedback, the dossiers — and every group figure on it is counted.
The organiser's JSON document keeps every group (rules §9). Loaded once for the module (several seconds).
"""

from __future__ import annotations

import re
from io import BytesIO, StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.accounts.models import User
from kaohe.org.models import Cadre
from kaohe.results import selectors
from kaohe.results.exports import run_assessment
from kaohe.results.models import FinalResult, Result

pytestmark = pytest.mark.django_db
# "上级92.50分（2张，权重30）": a group's score and its ballot count, as explanations write it.
_GROUP_IN_TEXT = re.compile(r"分（(\d+)张，权重")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def small_groups(value: Any, k: int) -> list[Any]:
    """Every {"groups": {name: {"valid": n}}} in a JSON value with some n < k."""
    found = []
    if isinstance(value, dict):
        groups = value.get("groups")
        if isinstance(groups, dict):
            found += [
                (name, g) for name, g in groups.items() if isinstance(g, dict) and g.get("valid", k) < k
            ]
        for item in value.values():
            found += small_groups(item, k)
    elif isinstance(value, list):
        for item in value:
            found += small_groups(item, k)
    return found


def small_in_text(text: str, k: int) -> list[str]:
    return [n for n in _GROUP_IN_TEXT.findall(text) if int(n) < k]


def test_the_organisers_document_keeps_every_group_and_has_small_ones(demo):
    run = Result.objects.filter(run__cycle__year=2025).latest("run__version").run
    document = selectors.run_document(run)
    assert len(small_groups(document, settings.MIN_GROUP_SIZE)) > 100
    assert any(small_in_text(r["explanation"], settings.MIN_GROUP_SIZE) for r in document["results"])


def test_no_stored_row_shows_a_small_group(demo):
    k = settings.MIN_GROUP_SIZE
    rows = list(Result.objects.values_list("democratic", "explanation"))
    assert rows
    assert sum(len(small_groups(d, k)) for d, _ in rows) == 0
    assert sum(len(small_in_text(e, k)) for _, e in rows) == 0
    assert (
        sum(len(small_in_text(e, k)) for e in FinalResult.objects.values_list("explanation", flat=True)) == 0
    )
    # Merged groups are there, and say so.
    assert any("合并为「其他」" in e for _, e in rows)


def test_no_page_api_answer_or_workbook_shows_a_small_group(demo, client):
    k = settings.MIN_GROUP_SIZE
    organiser = User.objects.get(username="demo-organiser")
    client.force_login(organiser)
    found = 0
    for year in (2024, 2025):
        run = Result.objects.filter(run__cycle__year=year).latest("run__version").run
        for pool in client.get(f"/api/results/{year}/pools").json():
            answer = client.get(f"/api/results/{year}/pools/{pool['kind']}/{pool['pool']}").json()
            found += len(small_groups(answer, k))
            found += sum(len(small_in_text(r["explanation"], k)) for r in answer)
        assessment = run_assessment(run)
        found += sum(
            1 for r in assessment.results if r.democratic for g in r.democratic.groups.values() if g.valid < k
        )
        found += sum(len(small_in_text(r.explanation, k)) for r in assessment.results)
        book = client.get(reverse("results:export", args=[year, run.version]))
        if book.status_code == 200:
            sheet = load_workbook(BytesIO(b"".join(book.streaming_content)), read_only=True).worksheets[0]
            found += sum(
                len(small_in_text(str(c), k)) for row in sheet.iter_rows(values_only=True) for c in row if c
            )
        review = client.get(reverse("results:review", args=[year]), {"pool": "cadre:全部"})
        found += len(small_in_text(review.content.decode(), k))
        for result in Result.objects.filter(run=run).order_by("position")[:60]:
            for name in ("results:result_detail", "results:result_explanation"):
                page = client.get(reverse(name, args=[year, run.version, result.pk])).content.decode()
                found += len(small_in_text(page, k))
    for cadre in Cadre.objects.all()[:40]:
        page = client.get(reverse("results:cadre_dossier", args=[cadre.pk]))
        found += len(small_in_text(page.content.decode(), k))
    assert found == 0


def test_the_cadre_sees_their_explanation_without_a_small_group(demo, client):
    user = User.objects.get(username="demo-cadre")
    client.force_login(user)
    page = client.get(reverse("results:feedback_mine"))
    assert page.status_code == 200
    assert small_in_text(page.content.decode(), settings.MIN_GROUP_SIZE) == []
