"""The 结果运用 ledger: what each action needs, the list of flagged results with none recorded, who reads it."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kaohe.audit.models import AuditEntry
from kaohe.feedback import actions
from kaohe.feedback.models import ResultAction
from kaohe.feedback.selectors import unhandled_flags

pytestmark = pytest.mark.django_db

DECIDED = datetime.date(2026, 2, 1)


def record(cast, cycle, unit, cadre=None, **fields):
    values = {"action": "commendation", "decided_by": "市委组织部", "decided_on": DECIDED, **fields}
    return actions.result_action_record(
        actor=cast["organiser"], cycle=cycle, unit=unit, cadre=cadre, **values
    )


def test_each_action_asks_for_what_makes_it_real(accepted, world, cast, roster):
    unit, cadre = roster["units"]["a"], roster["cadres"]["a1"]
    with pytest.raises(ValidationError, match="嘉奖：请填写文号"):
        record(cast, world, unit, cadre)
    with pytest.raises(ValidationError, match="诫勉谈话：请填写谈话日期和谈话人"):
        record(cast, world, unit, cadre, action="admonition", held_by="部长")
    with pytest.raises(ValidationError, match="奖金系数"):
        record(cast, world, unit, cadre, action="bonus", coefficient=Decimal(9))
    with pytest.raises(ValidationError, match="没有已审定的考核结果"):
        record(cast, world, roster["units"]["b"], roster["cadres"]["a2"], document_no="X")  # a2 is not in B
    assert not ResultAction.objects.exists()
    entry = record(cast, world, unit, cadre, action="merit", document_no="市委组〔2026〕3号")
    assert entry.basis.startswith("优秀") and entry.get_action_display() == "记三等功"
    assert AuditEntry.objects.filter(action="result_action.record", object_id=str(entry.pk)).exists()


def test_flags_without_an_action_after_the_set_days(accepted, world, cast, roster, settings):
    sealed_on = timezone.localtime(accepted.created_at).date()
    assert unhandled_flags(world, days=30, today=sealed_on + datetime.timedelta(days=29)) == []
    late = sealed_on + datetime.timedelta(days=30)
    rows = unhandled_flags(world, days=30, today=late)
    codes = {row["code"] for row in rows}
    assert {"GB001", "GB005"} <= codes  # 优秀 and 基本称职
    assert "GB002" not in codes  # 称职 with no flag: nothing called for
    gb005 = next(row for row in rows if row["code"] == "GB005")
    assert gb005["due"][0] == "等次「基本称职」：诫勉谈话"
    record(
        cast,
        world,
        roster["units"]["c"],
        roster["cadres"]["c2"],
        action="admonition",
        held_on=datetime.date(2026, 1, 30),
        held_by="组织部副部长",
    )
    assert "GB005" not in {row["code"] for row in unhandled_flags(world, days=30, today=late)}
    settings.FEEDBACK_ACTION_DAYS = 10**6
    assert unhandled_flags(world) == []  # the setting's days not passed


def test_the_ledger_page_export_and_api_are_the_organisers_and_committees(
    accepted, world, cast, roster, client_for
):
    record(cast, world, roster["units"]["a"], roster["cadres"]["a1"], document_no="=1+1")
    for name in ("liaison", "assessor", "cadre", "clerk"):
        assert client_for(name).get("/feedback/2025/ledger/").status_code == 403
        assert client_for(name).get("/api/feedback/2025/actions").status_code == 403
    assert "市委组织部" in client_for("committee").get("/feedback/2025/ledger/").content.decode()
    sheet = openpyxl.load_workbook(
        io.BytesIO(client_for("organiser").get("/feedback/2025/ledger/?format=xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "张思佳" and rows[1][6] == "=1+1" and sheet.cell(2, 7).data_type == "s"
    response = client_for("committee").post(
        "/api/feedback/2025/actions",
        {"code": "GB005", "action": "training", "decided_by": "甲", "decided_on": "2026-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client_for("organiser").post(
        "/api/feedback/2025/actions",
        {"code": "GB005", "action": "training", "decided_by": "组织部", "decided_on": "2026-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["unit"] == "DW03"
    response = client_for("organiser").post(
        "/api/feedback/2025/actions",
        {"code": "NOPE", "action": "training", "decided_by": "组织部", "decided_on": "2026-02-01"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "NOPE" in response.json()["errors"]["code"][0]


def test_the_page_records_and_the_dossier_shows_it(accepted, world, cast, roster, client_for):
    response = client_for("organiser").post(
        "/feedback/2025/ledger/record/",
        {
            "code": "GB005",
            "action": "admonition",
            "held_on": "2026-01-30",
            "held_by": "组织部副部长",
            "decided_by": "市委组织部",
            "decided_on": "2026-01-29",
            "coefficient": "",
        },
    )
    assert response.status_code == 302
    entry = ResultAction.objects.get()
    assert entry.cadre.code == "GB005" and entry.held_by == "组织部副部长"
    page = client_for("organiser").get(f"/dossiers/cadres/{entry.cadre_id}/").content.decode()
    assert "考核结果运用" in page and "诫勉谈话" in page and "组织部副部长" in page
    profile = client_for("committee").get(f"/profiles/cadres/{entry.cadre_id}/").content.decode()
    assert "考核结果运用" in profile and "诫勉谈话" in profile
    team_profile = client_for("committee").get(f"/profiles/teams/{entry.unit_id}/").content.decode()
    assert "考核结果运用" in team_profile and "诫勉谈话" not in team_profile
    team = client_for("liaison").get(f"/dossiers/teams/{roster['units']['a'].pk}/").content.decode()
    assert "考核结果运用" in team and "诫勉谈话" not in team
