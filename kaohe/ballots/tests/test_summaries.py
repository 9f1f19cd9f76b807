"""A session shows each target's 述职 summary, folded, on the phone ballot page (no JavaScript)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.audit.models import AuditEntry
from kaohe.ballots import actions
from kaohe.ballots.models import EvaluationSession, SessionTarget
from kaohe.ballots.tests.conftest import make_spec
from kaohe.dutyreports import actions as report_actions
from kaohe.dutyreports.tests.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def hand_in(cast, cycle, target, summary, kind="duty"):
    report_actions.duty_report_submit(
        actor=cast["organiser"], cycle=cycle, kind=kind, target=target, upload=upload(), summary=summary
    )


@pytest.fixture
def draft(roster, cast, cycle):
    hand_in(cast, cycle, roster["units"]["a"], "班子全年抓党建、促发展，完成目标任务。")
    hand_in(cast, cycle, roster["cadres"]["a1"], "本人履行第一责任人职责。\n存在不足两条。")
    hand_in(
        cast, cycle, roster["cadres"]["a2"], "分管工作述廉。", kind="integrity"
    )  # no 述职报告: falls back
    return actions.session_create(actor=cast["organiser"], cycle=cycle, spec=make_spec(roster))


def summaries(session) -> dict[str, str]:
    return {
        str(t.unit or t.cadre): t.summary
        for t in SessionTarget.objects.filter(session=session).select_related("unit", "cadre")
    }


def test_summaries_are_copied_onto_the_targets_when_shown(cast, draft):
    shown = actions.session_summaries_set(actor=cast["organiser"], session=draft, show=True)
    assert shown == 3
    assert summaries(draft) == {
        "东城街道": "班子全年抓党建、促发展，完成目标任务。",
        "张思佳": "本人履行第一责任人职责。\n存在不足两条。",
        "李明": "分管工作述廉。",
        "赵丽": "",  # handed in nothing
        "钱伟": "",  # a new promoted cadre's form shows none
    }
    entry = AuditEntry.objects.get(action="ballot_session.summaries")
    assert entry.after == {"show_summaries": True, "summaries": 3}
    actions.session_summaries_set(actor=cast["organiser"], session=draft, show=False)
    assert set(summaries(draft).values()) == {""}


def test_the_phone_ballot_folds_each_summary_without_scripts(client, cast, cycle, roster, draft):
    organiser = cast["organiser"]
    actions.session_summaries_set(actor=organiser, session=draft, show=True)
    [code, *_rest] = actions.session_codes_generate(actor=organiser, session=draft, counts={"上级": 1})
    actions.session_key_issue(actor=organiser, session=draft)
    actions.session_open(actor=organiser, session=draft)
    page = client.get(f"/b/{code.code}/").content.decode()
    assert page.count('<details class="bl-summary">') == 3
    assert "<summary>述职摘要</summary><p>本人履行第一责任人职责。<br>存在不足两条。</p>" in page
    assert "<script" not in page


def test_what_the_ballot_shows_is_fixed_when_the_session_opens(cast, cycle, roster, draft):
    organiser = cast["organiser"]
    session = actions.session_create(
        actor=organiser, cycle=cycle, spec=make_spec(roster, name="纸质", kind="paper")
    )
    actions.session_summaries_set(actor=organiser, session=session, show=True)
    hand_in(cast, cycle, roster["cadres"]["c1"], "开始前补交的摘要。")
    actions.session_open(actor=organiser, session=EvaluationSession.objects.get(pk=session.pk))
    assert summaries(session)["赵丽"] == "开始前补交的摘要。"  # copied again as it opened
    hand_in(cast, cycle, roster["cadres"]["c1"], "开始后改的摘要。")
    assert summaries(session)["赵丽"] == "开始前补交的摘要。"
    with pytest.raises(ValidationError, match="只有未开始的测评会可以设置述职摘要"):
        actions.session_summaries_set(actor=organiser, session=session, show=False)


def test_changing_a_drafts_targets_keeps_its_summaries(cast, roster, draft):
    organiser = cast["organiser"]
    actions.session_summaries_set(actor=organiser, session=draft, show=True)
    actions.session_update(actor=organiser, session=draft, spec=make_spec(roster, name="改名"))
    assert summaries(draft)["东城街道"].startswith("班子全年")


def test_the_session_page_sets_summaries_and_names_the_selection_report(cast, cycle, roster, client_for):
    from kaohe.ballots.tests.conftest import template

    hand_in(cast, cycle, roster["units"]["a"], "选人用人工作情况摘要", kind="selection")
    spec = make_spec(roster)
    spec = actions.SessionSpec(
        name="一报告两评议",
        targets=[
            actions.TargetSpec(template("选人用人工作评议表"), unit=roster["units"]["a"]),
            actions.TargetSpec(template("选人用人工作评议表"), unit=roster["units"]["b"]),
        ],
        groups=spec.groups,
    )
    session = actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec)
    client = client_for("organiser")
    detail = reverse("ballots:session_detail", args=[2025, session.pk])
    page = client.get(detail).content.decode()
    assert 'id="selection-reports"' in page and "述职报告.docx" in page and "未提交" in page
    response = client.post(reverse("ballots:session_summaries", args=[2025, session.pk]), {"show": "1"})
    assert response.status_code == 302
    assert summaries(session) == {"东城街道": "选人用人工作情况摘要", "西山镇": ""}
    api = client.put(
        f"/api/ballots/2025/sessions/{session.pk}/summaries", {"show": False}, content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["show_summaries"] is False
    assert (
        client_for("assessor").post(reverse("ballots:session_summaries", args=[2025, session.pk])).status_code
        == 403
    )
