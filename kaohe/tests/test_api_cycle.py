"""A small cycle from plan to finalisation through the JSON API alone, checked against `kaohe assess`.

Scripts hold bearer tokens (accounts/tokens.py): the organiser's, a second organiser's (the second typist of
the paper ballots) and a committee-scoped one; the leader, whose role a token may not carry, signs in. On the
shared roster (conftest: three units, five cadres) the organiser creates the 2024 cycle and its plan, enrols
everyone, records 平时考核, runs a paper evaluation typed twice, moves the phases, computes (a job), lets the
committee try a decision and withdraw it, publishes the 公示, records and handles an objection, and seals.
Then the cycle is exported as an assessment workbook through the API and `kaohe assess --json` is run on it
in-process: its document must equal the sealed run's document as the API gives it, and the sealed grades
must be the document's.

Every operation the test calls is named in ``OPERATIONS``; one the API lacks fails the test at the start,
naming it, rather than halfway through with a 404.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import make_user
from kaohe.accounts.models import Role
from kaohe.accounts.tokens import token_create
from kaohe.plans.models import AssessmentCycle, Phase
from kaohe.results import actions
from kaohe.tests import role_matrix

pytestmark = pytest.mark.django_db

YEAR = 2024
# Runs are dated Friday 3 January 2025 (a compute is "now" otherwise): the 公示 starts on the Monday after,
# lasts five working days, and has ended by the day the test runs, so the seal may follow at once.
RUN_AT = datetime.datetime(2025, 1, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MONDAY = "2025-01-06"

OPERATIONS = [
    # i11p: the cycle, its plan and participants; the phases; the cycle workbook
    "POST /api/cycles/",
    "PATCH /api/cycles/{year}/plan",
    "POST /api/cycles/{year}/units",
    "GET /api/cycles/{year}/cadres",
    "PATCH /api/cycles/{year}/cadres/{item_id}",
    "POST /api/cycles/{year}/advance",
    "GET /api/cycles/{year}/workbook",
    # i11i: the leaders' ratings of the units
    "PUT /api/performance/{year}/ratings/{unit_code}",
    # i11b2: a paper evaluation session, typed twice
    "GET /api/ballots/templates",
    "POST /api/ballots/{year}/sessions",
    "POST /api/ballots/{year}/sessions/{pk}/open",
    "GET /api/ballots/{year}/sessions/{pk}/paper",
    "POST /api/ballots/{year}/sessions/{pk}/paper/{slot}/entries",
    "POST /api/ballots/{year}/sessions/{pk}/paper/commit",
    "POST /api/ballots/{year}/sessions/{pk}/close",
    # i11r: compute (a job), decisions, 公示 and objections, the seal, documents
    "POST /api/results/{year}/runs",
    "GET /api/jobs/{job_id}",
    "GET /api/results/{year}/pools",
    "POST /api/results/{year}/runs/{version}/decisions",
    "POST /api/results/{year}/decisions/{pk}/withdraw",
    "POST /api/results/{year}/notices",
    "POST /api/results/{year}/notices/{pk}/objections",
    "POST /api/results/{year}/objections/{pk}/handle",
    "GET /api/results/{year}/finalisation",
    "POST /api/results/{year}/runs/{version}/finalise",
    "GET /api/results/{year}/final",
    "GET /api/results/{year}/runs/{version}/document",
    "GET /api/results/{year}/approval-sheets/{unit_id}/docx",
]

# The paper ballots: three 上级 raters (k = 3, so the document shows the group as `kaohe assess` does), each
# ballot's 总体评价 of every target. Distinct scores: no tie on a quota line, nothing for the committee to decide.
BALLOTS = {
    "东城街道": ["优秀", "优秀", "优秀"],
    "西山镇": ["良好", "良好", "良好"],
    "市财政局": ["良好", "良好", "一般"],
    "张思佳": ["优秀", "优秀", "优秀"],
    "李明": ["优秀", "称职", "称职"],
    "王建国": ["称职", "称职", "称职"],
    "赵丽": ["称职", "称职", "基本称职"],
    "钱伟": ["基本称职", "基本称职", "基本称职"],
}
REGULAR = {"GB001": 95, "GB002": 90, "GB003": 85, "GB004": 80, "GB005": 75}
LEADER_RATINGS = {"DW01": 95, "DW02": 88, "DW03": 82}


@pytest.fixture(autouse=True)
def runs_dated_before_their_notice(monkeypatch):
    # The compute job calls actions.compute_run_create through the package, as results/tests/conftest.py does.
    monkeypatch.setattr(
        actions, "compute_run_create", functools.partial(actions.compute_run_create, at=RUN_AT)
    )


class Api:
    """A script's view of the API: one credential, JSON in and out, every answer checked as it comes."""

    def __init__(self, who: str, client: Client, secret: str | None = None) -> None:
        self.who, self.client = who, client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

    def call(self, method: str, path: str, body=None, expect: int = 200, **query):
        send = getattr(self.client, method)
        if method == "get":
            response = send(path, query, **self.headers)
        else:
            response = send(path, body or {}, content_type="application/json", **self.headers)
        if response.status_code != expect:
            content = b"".join(response.streaming_content) if response.streaming else response.content
            pytest.fail(
                f"{self.who}: {method.upper()} {path} answered {response.status_code}, expected {expect}: "
                f"{content.decode(errors='replace')[:600]}",
                pytrace=False,
            )
        return response

    def get(self, path, expect=200, **query):
        response = self.call("get", path, expect=expect, **query)
        return (
            response.json() if response.get("Content-Type", "").startswith("application/json") else response
        )

    def post(self, path, body=None, expect=200):
        return self.call("post", path, body, expect).json()

    def put(self, path, body=None, expect=200):
        return self.call("put", path, body, expect).json()

    def patch(self, path, body=None, expect=200):
        return self.call("patch", path, body, expect).json()

    def file(self, path) -> bytes:
        response = self.call("get", path)
        return b"".join(response.streaming_content) if response.streaming else response.content


def missing_operations() -> list[str]:
    return [op for op in OPERATIONS if op not in role_matrix.operations()]


@pytest.fixture
def scripts(cast):
    """The organiser's token, a second organiser's (the second typist), the committee's; the leader's session."""
    expires = timezone.now() + timedelta(days=1)
    typist = make_user("typist", Role.ORGANISER)

    def token(owner, role, name):
        return token_create(actor=owner, name=name, role=role, expires_at=expires).secret

    leader = Client()
    leader.force_login(cast["leader"])
    return {
        "organiser": Api("organiser", Client(), token(cast["organiser"], Role.ORGANISER, "考核脚本")),
        "typist": Api("typist", Client(), token(typist, Role.ORGANISER, "录入脚本")),
        "committee": Api("committee", Client(), token(cast["organiser"], Role.COMMITTEE, "领导小组脚本")),
        "leader": Api("leader", leader),
    }


def paper_values(fields: list[dict], ballot: int) -> dict:
    """One paper ballot as a typist reads it: the rater group, each target's 总体评价 from BALLOTS, and the
    first choice of every other question (the aspects of a team's ballot)."""
    values: dict = {}
    for field in fields:
        if not field["choices"]:
            continue  # a written reason: none on these ballots
        if field["key"] == "group":
            values["group"] = ["上级"]
        elif field["question"] == "总体评价":
            # A target's label opens with its name: a cadre's, or a unit's before 领导班子.
            [name] = [name for name in BALLOTS if field["target"].startswith(name)]
            values[field["key"]] = [BALLOTS[name][ballot]]
        else:
            values[field["key"]] = [field["choices"][0]]
    return values


def test_a_cycle_from_plan_to_seal_through_the_api_gives_kaohe_assess_results(scripts, roster, tmp_path):
    missing = missing_operations()
    assert not missing, f"the end-to-end cycle needs these API operations, not (yet) in the API: {missing}"
    org, typist, committee, leader = (scripts[k] for k in ("organiser", "typist", "committee", "leader"))
    y = f"{YEAR}"

    # --- the plan -----------------------------------------------------------------------------------------
    org.post("/api/cycles/", {"year": YEAR, "name": "2024年度考核"}, expect=201)
    org.patch(
        f"/api/cycles/{y}/plan",
        {"settings": {"干部名额池": "全部", "班子名额池": "全部", "班子优秀比例": "40%"}},
    )
    enrolled = org.post(f"/api/cycles/{y}/units", {}, expect=200)
    assert (enrolled["units"], enrolled["cadres"]) == (3, 5)
    cadres = org.get(f"/api/cycles/{y}/cadres")["items"]
    for item in cadres:
        org.patch(f"/api/cycles/{y}/cadres/{item['id']}", {"regular": REGULAR[item["cadre_code"]]})
    assert (
        org.post(f"/api/cycles/{y}/advance", {"from_phase": Phase.PREPARATION})["phase"]
        == Phase.IMPLEMENTATION
    )

    # --- inputs: the leaders' ratings, the paper evaluation typed twice -----------------------------------
    for code, score in LEADER_RATINGS.items():
        leader.put(f"/api/performance/{y}/ratings/{code}", {"score": score})
    templates = org.get("/api/ballots/templates")
    team = next(t["id"] for t in templates if t["kind"] == "team" and t["builtin"])
    cadre = next(t["id"] for t in templates if t["kind"] == "cadre" and t["builtin"] and not t["items"])
    session = org.post(
        f"/api/ballots/{y}/sessions",
        {
            "name": "2024年度民主测评（上级）",
            "kind": "paper",
            "groups": [{"name": "上级", "expected": 3}],
            "targets": [{"template_id": team, "unit_code": code} for code in LEADER_RATINGS]
            + [{"template_id": cadre, "cadre_code": code} for code in REGULAR],
        },
        expect=201,
    )
    s = f"/api/ballots/{y}/sessions/{session['id']}"
    org.post(f"{s}/open")
    fields = org.get(f"{s}/paper")["fields"]
    for number in range(3):
        values = paper_values(fields, number)
        org.post(f"{s}/paper/a/entries", {"number": f"{number + 1:03d}", "values": values}, expect=201)
        typist.post(f"{s}/paper/b/entries", {"number": f"{number + 1:03d}", "values": values}, expect=201)
    assert org.post(f"{s}/paper/commit")["ballots"] == 3
    org.post(f"{s}/close", {"confirm": True})
    assert (
        org.post(f"/api/cycles/{y}/advance", {"from_phase": Phase.IMPLEMENTATION})["phase"]
        == Phase.EVALUATION
    )

    # --- compute: a job to follow -------------------------------------------------------------------------
    started = org.call("post", f"/api/results/{y}/runs", {"note": "第一次计算"}, expect=202)
    job = org.get(started["Location"])
    assert (job["state"], job["summary"]) == ("done", {"version": 1}), job
    pools = org.get(f"/api/results/{y}/pools")
    assert {(p["kind"], p["pool"]): (p["quota"], p["excellent"], p["pending"]) for p in pools} == {
        ("team", "全部"): (1, 1, 0),
        ("cadre", "全部"): (1, 1, 0),
    }

    # --- the committee: a refused override, one recorded and withdrawn -------------------------------------
    decisions = f"/api/results/{y}/runs/1/decisions"
    body = {"kind": "cadre", "code": "GB005", "decision": "override", "grade": "不称职", "reason": ""}
    refused = committee.call("post", decisions, body, expect=422).json()
    assert refused["errors"] == {"reason": ["调整「钱伟」的等次必须填写理由"]}
    decision = committee.post(decisions, {**body, "reason": "年内受到通报批评"}, expect=201)
    committee.post(f"/api/results/{y}/decisions/{decision['id']}/withdraw")
    # The committee's token may decide, not publish.
    committee.call("post", f"/api/results/{y}/notices", {"starts_on": MONDAY}, expect=403)

    # --- 公示, an objection, the seal ---------------------------------------------------------------------
    notice = org.post(f"/api/results/{y}/notices", {"starts_on": MONDAY, "working_days": 5}, expect=201)
    assert notice["ends_on"] == "2025-01-10"
    assert [e["code"] for e in notice["excellent"]] == ["DW01", "GB001"]
    objection = org.post(
        f"/api/results/{y}/notices/{notice['id']}/objections",
        {"received_on": "2025-01-07", "subject": "张思佳", "content": "反映其考勤问题"},
        expect=201,
    )
    assert org.get(f"/api/results/{y}/finalisation")["problems"] == ["公示期间收到的反映还有 1 条尚未处理"]
    org.post(f"/api/results/{y}/objections/{objection['id']}/handle", {"handling": "经核实，反映不属实"})
    seal = org.post(f"/api/results/{y}/runs/1/finalise", expect=201)
    assert AssessmentCycle.objects.get(year=YEAR).phase == Phase.COMPLETED
    final = org.get(f"/api/results/{y}/final")
    assert final["seal"]["hash"] == seal["hash"]

    # --- the same data through `kaohe assess` ---------------------------------------------------------------
    book = tmp_path / "2024.xlsx"
    book.write_bytes(org.file(f"/api/cycles/{y}/workbook"))
    out, err = io.StringIO(), io.StringIO()
    call_command("assess", str(book), "--json", stdout=out, stderr=err)
    assessed = json.loads(out.getvalue())
    document = org.get(f"/api/results/{y}/runs/1/document")
    assert document == assessed
    grades = {(r["kind"], r["code"]): r["grade"] for r in document["results"]}
    assert {(r["kind"], r["code"]): r["grade"] for r in final["results"]} == grades
    assert grades[("team", "DW01")] == grades[("cadre", "GB001")] == "优秀"
    assert not any(r["manual"] for r in final["results"])

    # --- the 审定表 of the sealed results ----------------------------------------------------------------
    sheet = org.file(f"/api/results/{y}/approval-sheets/{roster['units']['a'].pk}/docx")
    assert sheet[:2] == b"PK"  # a .docx is a zip
