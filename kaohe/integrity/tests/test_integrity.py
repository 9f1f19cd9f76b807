"""The integrity app: what it reads, who may see it, the page, the review, the command and the API."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.analytics.simulate import Plant
from kaohe.audit.models import AuditEntry
from kaohe.ballots.models import Ballot, SessionStatus
from kaohe.integrity import actions
from kaohe.integrity.gather import cycle_data
from kaohe.integrity.models import Analysis, FindingReview
from kaohe.plans.models import AssessmentCycle
from kaohe.results.tests.conftest import run_command

from .conftest import LENIENT, add_session

pytestmark = pytest.mark.django_db
READERS = ("organiser", "committee")
OTHERS = ("leader", "assessor", "clerk", "liaison", "cadre", "outsider")


def _lenient(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == "leniency" and f["label"] == LENIENT]


def test_the_lenient_session_is_found(analysed_cycle: AssessmentCycle) -> None:
    report = actions.cycle_report(analysed_cycle)
    (finding,) = _lenient(report)
    assert finding["action"] == "建议谈话了解" and "偏宽" in finding["sentence"]
    assert any("Benjamini–Hochberg" in note for note in report["notes"])


def test_only_closed_and_sealed_sessions_are_read(analysed_cycle: AssessmentCycle) -> None:
    rng = np.random.default_rng(1)
    for status in (SessionStatus.DRAFT, SessionStatus.OPEN, SessionStatus.VOID):
        add_session(analysed_cycle, f"未计{status}", rng, frozenset({Plant.BLOC}), status=status)
    add_session(analysed_cycle, "演练", rng, frozenset({Plant.BLOC}), rehearsal=True)
    sealed = add_session(analysed_cycle, "已封存", rng, status=SessionStatus.SEALED)
    names = {s.name for s in cycle_data(analysed_cycle).sessions}
    assert sealed.name in names
    assert not {n for n in names if n.startswith("未计") or n == "演练"}


def test_nothing_that_names_a_ballot_reaches_the_analysis(analysed_cycle: AssessmentCycle) -> None:
    data = cycle_data(analysed_cycle)
    ballot = data.sessions[0].ballots[0]
    assert set(vars(ballot)) == {"rater_group", "marks"}
    text = json.dumps(actions.cycle_report(analysed_cycle), ensure_ascii=False)
    for number, pk in Ballot.objects.values_list("number", "id")[:200]:
        assert number not in text and str(pk) not in text


def test_no_figure_from_fewer_than_k_ballots(analysed_cycle: AssessmentCycle, settings: Any) -> None:
    settings.MIN_GROUP_SIZE = 500  # more than any session has
    report = actions.cycle_report(analysed_cycle)
    assert report["k"] == 500
    assert not report["profiles"] and not report["intervals"]
    assert not [
        f for f in report["findings"] if f["scope"] in ("session", "target") and f["check"] != "weight"
    ]


@pytest.mark.parametrize("role", READERS)
def test_readers_run_the_analysis_and_see_it(
    analysed_cycle: AssessmentCycle, client_for: Any, role: str
) -> None:
    client = client_for(role)
    url = reverse("integrity:cycle", args=[2025])
    assert "尚未分析" in client.get(url).content.decode()
    response = client.post(reverse("integrity:analyse", args=[2025]))
    assert response.status_code == 302
    analysis = Analysis.objects.get()
    assert analysis.findings == len(analysis.report["findings"]) == analysis.rows.count()
    entry = AuditEntry.objects.filter(action="integrity.analyse").get()
    assert entry.actor.username == role
    page = client.get(url).content.decode()
    assert LENIENT in page and "建议谈话了解" in page
    assert 'id="integrity-data" type="application/json"' in page
    assert "<script>" not in page  # the CSP allows no inline script: the charts read the JSON block


@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_is_refused(analysed_cycle: AssessmentCycle, client_for: Any, role: str) -> None:
    actions.analysis_run(actor=SystemActor("测试"), cycle=analysed_cycle)
    client = client_for(role)
    assert client.get(reverse("integrity:cycle", args=[2025])).status_code == 403
    assert client.post(reverse("integrity:analyse", args=[2025])).status_code == 403
    key = Analysis.objects.get().rows.first().key
    response = client.post(reverse("integrity:review", args=[2025]), {"key": key, "note": "看过"})
    assert response.status_code == 403
    assert client.get("/api/integrity/2025").status_code == 403
    assert client.post("/api/integrity/2025/analyse").status_code == 403
    assert Analysis.objects.count() == 1 and not FindingReview.objects.exists()


def test_anonymous_is_sent_to_login(analysed_cycle: AssessmentCycle, client_for: Any) -> None:
    response = client_for(None).get(reverse("integrity:cycle", args=[2025]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_finding_is_marked_reviewed_with_a_note_and_audited(
    analysed_cycle: AssessmentCycle, client_for: Any
) -> None:
    analysis = actions.analysis_run(actor=SystemActor("测试"), cycle=analysed_cycle)
    (finding,) = _lenient(analysis.report)
    client = client_for("committee")
    response = client.post(
        reverse("integrity:review", args=[2025]), {"key": finding["key"], "note": "已约谈，属实情"}
    )
    assert response.status_code == 302
    review = FindingReview.objects.get()
    assert review.note == "已约谈，属实情" and review.reviewed_by.username == "committee"
    entry = AuditEntry.objects.filter(action="integrity.review").get()
    assert entry.after["note"] == "已约谈，属实情" and entry.before is None
    page = client.get(reverse("integrity:cycle", args=[2025])).content.decode()
    assert "已核查" in page and "已约谈，属实情" in page


def test_a_review_without_a_note_or_of_an_unknown_finding_is_refused(
    analysed_cycle: AssessmentCycle, client_for: Any
) -> None:
    analysis = actions.analysis_run(actor=SystemActor("测试"), cycle=analysed_cycle)
    key = analysis.report["findings"][0]["key"]
    client = client_for("organiser")
    page = client.post(reverse("integrity:review", args=[2025]), {"key": key, "note": "  "}, follow=True)
    assert "请填写核查说明" in page.content.decode()
    page = client.post(
        reverse("integrity:review", args=[2025]), {"key": "leniency:session:0", "note": "x"}, follow=True
    )
    assert "最新一次分析中没有发现「leniency:session:0」" in page.content.decode()
    assert not FindingReview.objects.exists()
    assert not AuditEntry.objects.filter(action="integrity.review").exists()


def test_findings_beside_the_member_on_the_review_page(
    analysed_cycle: AssessmentCycle, client_for: Any
) -> None:
    analysis = actions.analysis_run(actor=SystemActor("测试"), cycle=analysed_cycle)
    targets = {f["subject"] for f in analysis.report["findings"] if f["scope"] == "target"}
    assert targets
    url = reverse("results:review", args=[2025])
    page = client_for("organiser").get(url).content.decode()
    assert "integrity-finding" in page
    assert "integrity-finding" not in client_for("leader").get(url).content.decode()


def test_the_command_prints_the_findings_and_json(analysed_cycle: AssessmentCycle) -> None:
    status, out, err = run_command("analyse", "2025")
    assert status == 0 and LENIENT in out and "发现" in err
    status, out, _ = run_command("analyse", "2025", "--json")
    report = json.loads(out)
    assert _lenient(report)
    assert not Analysis.objects.exists()  # printing stores nothing
    status, _, _ = run_command("analyse", "2025", "--save")
    assert status == 0 and Analysis.objects.count() == 1


@pytest.mark.parametrize(
    ("year", "message"), [("abc", "不是有效的年份"), ("1999", "没有 1999 年度的考核（已有：2025）")]
)
def test_the_command_refuses_a_bad_year(analysed_cycle: AssessmentCycle, year: str, message: str) -> None:
    status, out, err = run_command("analyse", year)
    assert status == 2 and message in err and not out


def test_the_api_gives_the_same(analysed_cycle: AssessmentCycle, client_for: Any) -> None:
    client = client_for("organiser")
    assert client.get("/api/integrity/2025").status_code == 404
    posted = client.post("/api/integrity/2025/analyse")
    assert posted.status_code == 200
    got = client.get("/api/integrity/2025").json()
    assert got["report"]["findings"] == posted.json()["report"]["findings"]
    _, out, _ = run_command("analyse", "2025", "--json")
    assert [f["key"] for f in json.loads(out)["findings"]] == [f["key"] for f in got["report"]["findings"]]
    key = got["report"]["findings"][0]["key"]
    reviewed = client.post(
        "/api/integrity/2025/reviews", {"key": key, "note": "核实无误"}, content_type="application/json"
    )
    assert reviewed.status_code == 200 and reviewed.json()["note"] == "核实无误"
    refused = client.post(
        "/api/integrity/2025/reviews", {"key": key, "note": ""}, content_type="application/json"
    )
    assert refused.status_code == 422 and refused.json()["errors"] == {"note": ["请填写核查说明"]}


def test_the_page_is_in_english_on_request(analysed_cycle: AssessmentCycle, client_for: Any) -> None:
    from django.conf import settings

    actions.analysis_run(actor=SystemActor("测试"), cycle=analysed_cycle)
    client = client_for("organiser")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("integrity:cycle", args=[2025])).content.decode()
    assert "Data integrity" in page and "Mark as checked" in page and "Grounds" in page


def test_the_cycle_report_has_a_section_of_the_latest_analysis(
    analysed_cycle: AssessmentCycle, cast: dict[str, Any]
) -> None:
    import io

    import docx

    from kaohe.reports import documents

    def text() -> str:
        document = docx.Document(io.BytesIO(documents.cycle_docx(analysed_cycle)))
        return "\n".join(p.text for p in document.paragraphs)

    assert "尚未进行数据质量分析" in text()
    analysis = actions.analysis_run(actor=SystemActor("测试"), cycle=analysed_cycle)
    (lenient,) = _lenient(analysis.report)
    actions.finding_review(
        actor=cast["organiser"], cycle=analysed_cycle, key=lenient["key"], note="已谈话了解"
    )
    written = text()
    assert "七、数据质量分析" in written
    assert f"【评分偏宽】{LENIENT}：" in written and "建议谈话了解，已核查" in written
    assert "已核查 1 项" in written and "Benjamini–Hochberg" in written
