"""Attacks on the ballots API: tallies under k or before the end, sessions out of scope, answers or logs that
would carry a ballot, codes shown twice."""

from __future__ import annotations

import json
import logging

import pytest

from kaohe.audit.models import AuditEntry
from kaohe.ballots import actions
from kaohe.ballots.models import Ballot, EvaluationSession, Mark
from kaohe.ballots.tests.api_world import S, paper_body, send, signed_in, type_both
from kaohe.ballots.tests.conftest import make_spec
from kaohe.plans.models import AssessmentCycle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def k_is_three(settings):
    settings.MIN_GROUP_SIZE = 3


def commit_and_close(world) -> dict:
    organiser, pk = world["a"], world["pk"]
    assert send(organiser, "post", f"{S}/{pk}/paper/commit").status_code == 200
    assert send(organiser, "post", f"{S}/{pk}/close", {"confirm": True}).status_code == 200
    return organiser.get(f"{S}/{pk}/tally").json()


def test_a_tally_before_the_session_ends_answers_409_with_no_figure(paper_api):
    type_both(paper_api, "P1", "上级")
    send(paper_api["a"], "post", f"{S}/{paper_api['pk']}/paper/commit")
    answer = paper_api["a"].get(f"{S}/{paper_api['pk']}/tally")
    assert answer.status_code == 409
    assert set(answer.json()) == {"detail"} and "结束后才能查看统计" in answer.json()["detail"]
    assert not AuditEntry.objects.filter(action="read.ballot_session.tally").exists()


def test_fewer_than_k_ballots_in_all_give_no_figure_at_all(paper_api):
    type_both(paper_api, "P1", "上级")
    type_both(paper_api, "P2", "下级")
    tally = commit_and_close(paper_api)
    assert tally["groups"] is None
    for target in tally["targets"]:
        assert target["groups"] == {} and target["total"] == {}
        assert all(item["groups"] == {} and item["total"] == {} for item in target["items"])
    assert AuditEntry.objects.filter(action="read.ballot_session.tally").count() == 1


def test_a_group_under_k_is_never_shown_nor_derivable_from_the_others(paper_api):
    for n in range(3):
        type_both(paper_api, f"P{n}", "上级")
    type_both(paper_api, "Q1", "下级")
    tally = commit_and_close(paper_api)
    # 下级 alone (1 ballot) cannot be hidden in 其他 beside a shown 上级: both go to 其他.
    assert tally["groups"] == {"其他": 4}
    text = json.dumps(tally, ensure_ascii=False)
    assert "下级" not in text and "上级" not in text


def test_a_session_of_another_cycle_or_kind_is_not_found(paper_api, roster, cast, client_for):
    other = AssessmentCycle.objects.create(year=2024, name="2024年度考核", phase="implementation")
    session = EvaluationSession.objects.create(cycle=other, name="去年", kind="paper", status="open")
    organiser = paper_api["a"]
    for path in ("", "/tally", "/seal", "/turnout", "/paper", "/paper/conflicts"):
        assert organiser.get(f"{S}/{session.pk}{path}").status_code == 404, path
    assert send(organiser, "post", f"{S}/{session.pk}/open").status_code == 404
    assert send(organiser, "post", f"{S}/{session.pk}/close", {"confirm": True}).status_code == 404
    # An online session has no paper to type.
    online = actions.session_create(
        actor=cast["organiser"], cycle=roster["group"].cycle, spec=make_spec(roster)
    )
    body = {"number": "P1", "values": {}}
    assert send(organiser, "post", f"{S}/{online.pk}/paper/a/entries", body).status_code == 404


def test_no_answer_carries_a_ballots_id_number_or_content_order(paper_api, cast):
    numbers = [f"SECRET-{n}" for n in range(4)]
    for number in numbers:
        type_both(paper_api, number, "上级")
    pk, organiser = paper_api["pk"], paper_api["a"]
    reads = [organiser.get(f"{S}/{pk}/paper/conflicts"), organiser.get(f"{S}/{pk}/paper")]
    commit_and_close(paper_api)
    for path in ("", "/tally", "/seal", "/turnout", "/paper"):
        reads.append(organiser.get(f"{S}{path}" if path == "" else f"{S}/{pk}{path}"))
    reads.append(organiser.get(f"{S}/{pk}"))
    reads.append(signed_in(cast["assessor"]).get("/api/ballots/2025/turnout"))
    secrets_ = [str(b) for b in Ballot.objects.values_list("id", flat=True)]
    secrets_ += [str(m) for m in Mark.objects.values_list("id", flat=True)] + numbers
    for answer in reads:
        assert answer.status_code == 200
        text = answer.content.decode()
        assert not [s for s in secrets_ if s in text], answer.request["PATH_INFO"]


def test_typing_and_committing_log_no_ballot(paper_api, caplog):
    caplog.set_level(logging.DEBUG)
    type_both(paper_api, "SECRET-77", "上级")
    wrong = send(
        paper_api["a"],
        "post",
        f"{S}/{paper_api['pk']}/paper/a/entries",
        {"number": "SECRET-78", "values": {"group": "路人"}},
    )
    assert wrong.status_code == 422
    send(paper_api["a"], "post", f"{S}/{paper_api['pk']}/paper/commit")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "SECRET-7" not in logged and "路人" not in logged


def test_codes_are_handed_over_once_and_never_kept(cycle, client_for):
    organiser = client_for("organiser")
    pk = send(organiser, "post", S, paper_body(kind="online")).json()["id"]
    made = send(organiser, "post", f"{S}/{pk}/codes", {"counts": {"上级": 2}, "format": "csv"})
    assert made["Cache-Control"] == "no-store" and made["X-Codes-Count"] == "2"
    rows = made.content.decode("utf-8-sig").splitlines()
    codes = [row.split(",")[1] for row in rows]
    assert len(codes) == 2
    audit = json.dumps(list(AuditEntry.objects.values("before", "after")), ensure_ascii=False, default=str)
    detail = organiser.get(f"{S}/{pk}").content.decode()
    for code in codes:
        assert code not in audit and code not in detail
    assert organiser.get(f"{S}/{pk}").json()["codes"] == 2
