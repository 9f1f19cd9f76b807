"""The organiser's session and template pages: every role, and what each page does."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.audit.models import AuditEntry
from kaohe.ballots import actions
from kaohe.ballots.models import BallotTemplate, BallotToken, EvaluationSession, SessionStatus
from kaohe.ballots.tests.conftest import ROLES, filled

pytestmark = pytest.mark.django_db


def pages(world):
    base = f"/cycles/2025/sessions/{world['session'].pk}/"
    template = BallotTemplate.objects.get(name="干部测评票")
    return [
        ("get", "/cycles/2025/sessions/", {}),
        ("get", "/cycles/2025/sessions/new/", {}),
        ("post", "/cycles/2025/sessions/new/", {}),
        ("get", base, {}),
        ("get", f"{base}edit/", {}),
        ("post", f"{base}edit/", {}),
        ("post", f"{base}codes/", {}),
        ("post", f"{base}open/", {}),
        ("post", f"{base}close/", {}),
        ("post", f"{base}seal/", {}),
        ("post", f"{base}purge/", {}),
        ("post", f"{base}void/", {}),
        ("get", f"{base}tally/", {}),
        ("get", "/ballot-templates/", {}),
        ("post", f"/ballot-templates/{template.pk}/copy/", {}),
        ("get", f"/ballot-templates/{template.pk}/edit/", {}),
    ]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "organiser"])
def test_only_organisers_open_the_session_pages(client_for, world, role):
    client = client_for(role)
    for method, url, data in pages(world):
        assert getattr(client, method)(url, data).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(client_for, world):
    client = client_for(None)
    for method, url, data in pages(world):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_the_organiser_sees_the_sessions_and_a_missing_one_is_404(client_for, world):
    client = client_for("organiser")
    page = client.get("/cycles/2025/sessions/").content.decode()
    assert "第一场" in page and "0/10" in page
    assert client.get("/cycles/2025/sessions/999/").status_code == 404
    assert client.get("/cycles/1999/sessions/").status_code == 404


def test_the_organiser_creates_a_session_from_the_form(client_for, world):
    client = client_for("organiser")
    form = client.get("/cycles/2025/sessions/new/").content.decode()
    assert "领导班子测评票" in form and "上级=5,同级=10,下级=30" in form
    from kaohe.plans.models import AssessedCadre, AssessedUnit

    team = AssessedUnit.objects.get(unit__code="DW02")
    cadre = AssessedCadre.objects.get(cadre__code="GB003")
    data = {
        "name": "西山镇测评会",
        "groups": "上级=3，下级=20",
        "excellent_limit": "20%",
        "team_template": BallotTemplate.objects.get(name="领导班子测评票").pk,
        "teams": [team.pk],
        "cadre_template": BallotTemplate.objects.get(name="干部测评票（德能勤绩廉）").pk,
        "cadres": [cadre.pk],
    }
    response = client.post("/cycles/2025/sessions/new/", data)
    session = EvaluationSession.objects.get(name="西山镇测评会")
    assert response.status_code == 302 and response["Location"].endswith(f"/sessions/{session.pk}/")
    assert session.excellent_limit == "20%"
    detail = client.get(response["Location"]).content.decode()
    assert "西山镇" in detail and "王建国" in detail and "干部测评票（德能勤绩廉）" in detail


def test_the_session_form_names_each_problem(client_for, world):
    client = client_for("organiser")
    response = client.post("/cycles/2025/sessions/new/", {"name": "x", "groups": "上级=五"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "「上级=五」的人数「五」须为不小于 0 的整数" in page
    response = client.post("/cycles/2025/sessions/new/", {"name": "x", "groups": "外宾=5", "teams": [999]})
    assert "不是本年度的考核对象" in response.content.decode()
    from kaohe.plans.models import AssessedUnit

    team = AssessedUnit.objects.get(unit__code="DW02")
    data = {
        "name": "x",
        "groups": "外宾=5",
        "teams": [team.pk],
        "team_template": BallotTemplate.objects.filter(kind="team").first().pk,
    }
    page = client.post("/cycles/2025/sessions/new/", data).content.decode()
    assert "评价人类别「外宾」不在2025年度考核考核方案的评价人权重中（上级、同级、下级）" in page


def test_editing_a_draft_session(client_for, cast, roster, cycle):
    from kaohe.ballots.tests.conftest import make_spec

    session = actions.session_create(actor=cast["organiser"], cycle=cycle, spec=make_spec(roster))
    client = client_for("organiser")
    page = client.get(f"/cycles/2025/sessions/{session.pk}/edit/").content.decode()
    assert "上级=2,同级=3,下级=5" in page
    from kaohe.ballots.forms import SessionForm

    data = {k: v for k, v in SessionForm.initial_for(session).items() if v is not None}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data.update(name="第一场（改）", groups="上级=4", opens_at="", closes_at="", assessment_group="")
    response = client.post(f"/cycles/2025/sessions/{session.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.name == "第一场（改）" and session.targets.count() == 5


def test_generating_codes_downloads_the_pdf_of_slips(client_for, world):
    client = client_for("organiser")
    url = f"/cycles/2025/sessions/{world['session'].pk}/codes/"
    response = client.post(url, {"format": "pdf", "count_0": "2", "count_1": "0", "count_2": "3"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    assert BallotToken.objects.filter(batch=2).count() == 5


def test_generating_codes_as_a_list_gives_group_code_and_url(client_for, world):
    client = client_for("organiser")
    url = f"/cycles/2025/sessions/{world['session'].pk}/codes/"
    response = client.post(url, {"format": "csv", "count_0": "1", "count_1": "1", "count_2": ""})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines] == ["上级", "同级"]
    group, code, link = lines[0].split(",")
    assert len(code) == 19 and link == f"http://testserver/b/{code.replace('-', '')}/"
    response = client.post(url, {"format": "pdf", "count_0": "-1"})
    assert response.status_code == 400 and "上级的数量不能小于 0" in response.content.decode()
    response = client.post(url, {"format": "pdf"})
    assert response.status_code == 400 and "请至少为一个评价人类别生成一个测评码" in response.content.decode()


def test_open_close_seal_tally_and_void_from_the_pages(client_for, world):
    client = client_for("organiser")
    session = world["session"]
    base = f"/cycles/2025/sessions/{session.pk}/"
    for code in world["codes"]["下级"][:3]:
        actions.ballot_submit(code=code, data=filled(session))
    refused = client.get(f"{base}tally/", follow=True).content.decode()
    assert "结束后才能查看统计" in refused
    assert client.get(f"{base}tally/?format=json").status_code == 409
    assert 'id="close-form"' in client.get(base).content.decode()
    page = client.post(f"{base}close/", {"opening_key": "KAOHE1 AAAA", "confirm": "yes"}, follow=True)
    assert "开启密钥长度不对，请核对是否抄全" in page.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    key_file = SimpleUploadedFile("开启密钥.txt", f"说明\n{world['opening_key']}\n".encode())
    # The first POST only asks, stating the count; the key read from the file rides through the page.
    asked = client.post(f"{base}close/", {"opening_key": "", "opening_key_file": key_file}).content.decode()
    assert "封存后不能再投票，也不能重新开始：已收 3/" in asked and world["opening_key"] in asked
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    client.post(f"{base}close/", {"opening_key": world["opening_key"], "confirm": "yes"})
    session.refresh_from_db()
    assert session.status == SessionStatus.SEALED and len(session.seal) == 64
    detail = client.get(base).content.decode()
    assert session.seal in detail
    tally = client.get(f"{base}tally/").content.decode()
    assert "与现存测评票一致" in tally and "张思佳" in tally
    assert client.get(f"{base}tally/?format=json").json()["ballots"] == 3
    page = client.post(f"{base}open/", follow=True).content.decode()
    assert "只有未开始的测评会可以开始" in page
    response = client.post(f"{base}void/", {"reason": ""})
    assert response.status_code == 400 and "请填写作废原因" in response.content.decode()
    asked = client.post(f"{base}void/", {"reason": "重新组织"}).content.decode()
    assert "不能恢复：已收 3/" in asked and 'value="重新组织"' in asked
    session.refresh_from_db()
    assert session.status == SessionStatus.SEALED
    client.post(f"{base}void/", {"reason": "重新组织", "confirm": "yes"})
    session.refresh_from_db()
    assert session.status == SessionStatus.VOID
    assert "重新组织" in client.get(base).content.decode()


def test_the_rehearsal_purge_from_the_page(client_for, cast, roster, cycle):
    from kaohe.ballots.tests.conftest import make_spec

    organiser = cast["organiser"]
    session = actions.session_create(actor=organiser, cycle=cycle, spec=make_spec(roster, rehearsal=True))
    made = actions.session_codes_generate(actor=organiser, session=session, counts={"上级": 1})
    client = client_for("organiser")
    assert 'id="key-form"' in client.get(f"/cycles/2025/sessions/{session.pk}/").content.decode()
    response = client.post(f"/cycles/2025/sessions/{session.pk}/key/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    key = next(line for line in response.content.decode().splitlines() if line.startswith("KAOHE1"))
    session.refresh_from_db()
    assert session.opening_public_key and key not in str(AuditEntry.objects.values_list("after", flat=True))
    actions.session_open(actor=organiser, session=session)
    actions.ballot_submit(code=made[0].code, data=filled(session))
    asked = client.get(f"/cycles/2025/sessions/{session.pk}/purge/").content.decode()
    assert "不能恢复：已收演练票 1/" in asked and 'name="confirm" value="yes"' in asked
    assert client.post(f"/cycles/2025/sessions/{session.pk}/key/").status_code == 200  # re-issue: asks first
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    url = f"/cycles/2025/sessions/{session.pk}/purge/"
    page = client.post(url, {"confirm": "yes"}, follow=True).content.decode()
    assert "演练数据已清除" in page
    assert AuditEntry.objects.get(action="ballot_session.rehearsal_purge").after["counts"]["ballots"] == 0


def test_templates_are_copied_and_edited_but_built_ins_are_fixed(client_for, world):
    client = client_for("organiser")
    builtin = BallotTemplate.objects.get(name="新提拔干部评议表")
    assert "新提拔干部评议表" in client.get("/ballot-templates/").content.decode()
    response = client.post(f"/ballot-templates/{builtin.pk}/copy/", {"name": "新提拔干部评议表（本地）"})
    copy = BallotTemplate.objects.get(name="新提拔干部评议表（本地）")
    assert response["Location"] == f"/ballot-templates/{copy.pk}/edit/"
    page = client.get(response["Location"]).content.decode()
    assert "对选拔任用该干部的看法：认同/基本认同/不认同*/不了解" in page
    text = "对选拔任用该干部的看法：认同/基本认同/不认同*/不了解\n廉洁情况（选填）：好/一般/差*"
    response = client.post(f"/ballot-templates/{copy.pk}/edit/", {"name": copy.name, "items": text})
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.items[1] == {
        "name": "廉洁情况",
        "choices": ["好", "一般", "差"],
        "reason_for": ["差"],
        "required": False,
    }
    response = client.post(f"/ballot-templates/{builtin.pk}/edit/", {"name": "x", "items": text})
    assert response.status_code == 400 and "内置测评表不能修改" in response.content.decode()
    response = client.post(
        f"/ballot-templates/{copy.pk}/edit/", {"name": copy.name, "items": "廉洁情况 好 差"}
    )
    assert "第 1 行「廉洁情况 好 差」应写作 项目：选项/选项" in response.content.decode()
    response = client.post(f"/ballot-templates/{copy.pk}/edit/", {"name": copy.name, "items": "甲：好"})
    assert "项目「甲」至少要有两个选项" in response.content.decode()
    page = client.post(
        f"/ballot-templates/{builtin.pk}/copy/", {"name": "新提拔干部评议表"}, follow=True
    ).content.decode()
    assert "已有名为「新提拔干部评议表」的测评表" in page


def test_a_template_in_use_by_a_started_session_is_fixed(client_for, world):
    from kaohe.ballots.tests.conftest import template

    client = client_for("organiser")
    copy = actions.template_copy(actor=world["organiser"], template=template("干部测评票"), name="副本")
    from kaohe.ballots.models import SessionTarget

    SessionTarget.objects.filter(session=world["session"], cadre__code="GB001").update(template=copy)
    response = client.post(f"/ballot-templates/{copy.pk}/edit/", {"name": "副本", "items": ""})
    assert response.status_code == 400 and "不能再修改" in response.content.decode()


def test_a_limit_that_allows_no_excellent_is_warned_on_saving_and_on_the_session(client_for, world):
    from kaohe.plans.models import AssessedCadre

    client = client_for("organiser")
    cadres = AssessedCadre.objects.filter(cadre__code__in=("GB001", "GB002", "GB003"))
    data = {
        "name": "三人测评会",
        "groups": "上级=3",
        "excellent_limit": "30%",
        "cadre_template": BallotTemplate.objects.get(name="干部测评票（德能勤绩廉）").pk,
        "cadres": [c.pk for c in cadres],
    }
    detail = client.post("/cycles/2025/sessions/new/", data, follow=True).content.decode()
    warning = "每票优秀上限「30%」对本场测评的 3 名干部取整后为 0 名：测评票上干部不能评「优秀」"
    assert detail.count(warning) == 2  # the message after saving, and the note on the session
    session = EvaluationSession.objects.get(name="三人测评会")
    client.post(f"/cycles/2025/sessions/{session.pk}/edit/", {**data, "excellent_limit": "1"})
    assert warning[:20] not in client.get(f"/cycles/2025/sessions/{session.pk}/").content.decode()
