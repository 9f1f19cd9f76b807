"""The per-unit 审定表: a printable page and a .docx with the unit's team and cadres, their scores, ranks,
grades and the committee's decisions, and blank signature lines; organisers and the committee only."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from kaohe.accounts.actors import SystemActor
from kaohe.audit.anchors import anchors_read
from kaohe.audit.models import AuditEntry
from kaohe.results import actions
from kaohe.results.approval_sheet import approval_sheet
from kaohe.results.models import VoidScope
from kaohe.results.tests.sealed_data import OVERRIDE_REASON, decide, sealed_world

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")
ALLOWED = ("organiser", "committee")


@pytest.fixture
def sealed(world, cast, roster):
    return sealed_world(world, cast, roster)


def sheet_url(unit, year=2025):
    return reverse("results:approval_sheet", args=[year, unit.pk])


def docx_url(unit, year=2025):
    return reverse("results:approval_sheet_docx", args=[year, unit.pk])


def index_url(year=2025):
    return reverse("results:approval_sheet_index", args=[year])


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def docx_rows(content: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(content))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("make_url", [sheet_url, docx_url], ids=["page", "docx"])
def test_every_role_gets_the_sheet_or_a_refusal(client_for, sealed, roster, role, make_url):
    expected = 200 if role in ALLOWED else 403
    assert client_for(role).get(make_url(roster["units"]["a"])).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_index_or_a_refusal(client_for, sealed, role):
    expected = 200 if role in ALLOWED else 403
    assert client_for(role).get(index_url()).status_code == expected


def test_an_unknown_unit_or_year_is_404(client_for, sealed, roster):
    client = client_for("committee")
    assert client.get(reverse("results:approval_sheet", args=[2025, 99999])).status_code == 404
    assert client.get(sheet_url(roster["units"]["a"], year=1999)).status_code == 404
    assert client.get(docx_url(roster["units"]["a"], year=1999)).status_code == 404


# --- the .docx ---------------------------------------------------------------------------------------------


def test_the_docx_opens_and_holds_the_units_names_grades_and_decisions(client_for, sealed, roster):
    response = client_for("organiser").get(docx_url(roster["units"]["a"]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    text = docx_text(content)
    assert "2025年度考核结果审定表" in text
    assert "东城街道（DW01）" in text and "已定档" in text
    rows = {row[0]: row for row in docx_rows(content)}
    team = rows["东城街道领导班子"]
    assert team[2:8] == ["100.00", "90.00", "93.00", "1/3", "优秀", "优秀"]
    zhang, li = rows["张思佳"], rows["李明"]
    assert zhang[1] == "党工委书记" and zhang[6:8] == ["待定", "优秀"] and "领导小组决定" in zhang[9]
    assert li[1] == "办事处主任" and li[7] == "称职" and li[8] == "并列待定"
    for other in ("王建国", "赵丽", "钱伟", "西山镇领导班子"):
        assert other not in text
    for signature in ("考核组意见", "考核办意见", "考核工作领导小组意见"):
        assert signature in text
    assert text.count("签字（盖章）") == 3
    assert rows["干部"][1:] == ["全部", "5", "1.00", "1", "1"]


def test_an_override_shows_the_computed_and_decided_grade_with_its_reason(client_for, sealed, roster):
    content = b"".join(client_for("committee").get(docx_url(roster["units"]["c"])).streaming_content)
    qian = {row[0]: row for row in docx_rows(content)}["钱伟"]
    assert qian[6:8] == ["称职", "基本称职"]
    assert qian[9] == f"人工调整：称职 → 基本称职（{OVERRIDE_REASON}）"


# --- the printable page ------------------------------------------------------------------------------------


def test_the_page_is_printable_and_has_the_same_rows(client_for, sealed, roster):
    page = client_for("committee").get(sheet_url(roster["units"]["a"])).content.decode()
    assert "results-sheets.css" in page  # its @media print rules
    assert "张思佳" in page and "李明" in page and "东城街道领导班子" in page
    assert "钱伟" not in page
    assert page.count("签字（盖章）") == 3
    assert "已定档" in page


@pytest.mark.parametrize(("mode", "label"), [("standard", "SHA-256"), ("guomi", "SM3")])
def test_the_sealed_sheet_names_the_seals_algorithm(world, cast, roster, settings, client_for, mode, label):
    settings.CRYPTO_MODE = mode
    seal = sealed_world(world, cast, roster)
    settings.CRYPTO_MODE = "standard"
    sheet = approval_sheet(world, roster["units"]["a"])
    assert f"封存哈希 {label}: {seal.hash[:12]}…" in sheet.status
    content = b"".join(client_for("committee").get(docx_url(roster["units"]["a"])).streaming_content)
    assert f"{label}: {seal.hash[:12]}" in docx_text(content)


def test_before_finalisation_the_sheet_is_a_draft_with_the_decisions_so_far(world, cast, roster):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    sheet = approval_sheet(world, roster["units"]["a"])
    assert not sheet.finalised and "拟定" in sheet.status
    assert [row.grade for row in sheet.cadres] == ["待定", "待定"]
    decide(cast, world, run)
    sheet = approval_sheet(world, roster["units"]["a"])
    assert {row.name: row.grade for row in sheet.cadres} == {"张思佳": "优秀", "李明": "称职"}
    assert sheet.cadres[0].decision == "领导小组决定：待定 → 优秀"


def test_without_a_run_the_sheet_says_so(client_for, world, roster):
    page = client_for("organiser").get(sheet_url(roster["units"]["a"])).content.decode()
    assert "尚未计算考核结果" in page
    content = b"".join(client_for("organiser").get(docx_url(roster["units"]["a"])).streaming_content)
    assert "尚未计算考核结果" in docx_text(content)


def test_a_voided_result_is_marked_on_the_sheet(sealed, cast, roster):
    actions.result_void(
        actor=cast["organiser"], cycle=sealed.cycle, run=sealed.run, scope=VoidScope.CADRE,
        cadre=roster["cadres"]["a2"], reason="考核结果失实",
    )  # fmt: skip
    sheet = approval_sheet(sealed.cycle, roster["units"]["a"])
    assert not sheet.finalised
    assert {row.name: row.void for row in sheet.cadres} == {"张思佳": False, "李明": True}


def test_the_index_lists_the_assessed_units(client_for, sealed, roster):
    page = client_for("organiser").get(index_url()).content.decode()
    for unit in roster["units"].values():
        assert sheet_url(unit) in page and docx_url(unit) in page


# --- the audit anchor it carries ---------------------------------------------------------------------------


def test_the_sheet_prints_the_audit_chains_head_as_an_anchor(client_for, sealed, roster):
    def printed_head_is_real(
        text,
    ):  # each read is audited too, so the head moves: the line names a real entry
        found = re.search(r"审计锚点：第 (\d+) 条记录，哈希 ([0-9a-f]{16})", text)
        assert found, "no anchor line"
        assert AuditEntry.objects.get(seq=int(found[1])).hash.startswith(found[2])
        return int(found[1])

    before = AuditEntry.objects.order_by("-seq").first().seq
    content = b"".join(client_for("organiser").get(docx_url(roster["units"]["a"])).streaming_content)
    assert printed_head_is_real(docx_text(content)) >= before
    page = client_for("committee").get(sheet_url(roster["units"]["a"])).content.decode()
    assert printed_head_is_real(page) >= before


def test_sealing_the_results_anchors_the_audit_chain(world, cast, roster, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sealed_world(world, cast, roster)
    seal_entry = AuditEntry.objects.filter(action="result.seal").get()
    written = anchors_read()
    assert written and written[-1].reason.startswith("result.seal 2025")
    assert written[-1].seq >= seal_entry.seq
    assert written[-1].hash == AuditEntry.objects.get(seq=written[-1].seq).hash
