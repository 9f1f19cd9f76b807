"""The organiser's survey pages: every role, creating, settings, opening, codes, downloads and results."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessedUnit, Phase
from kaohe.results.inputs import cycle_assessment_input
from kaohe.surveys import actions, selectors
from kaohe.surveys.models import PublicSurvey, SurveyCode, SurveyMode, SurveyResponse
from kaohe.surveys.tests.conftest import ROLES

pytestmark = pytest.mark.django_db


def pages(world):
    year, pk = world["cycle"].year, world["codes_survey"].pk
    base = f"/cycles/{year}/surveys/"
    return {
        "list": ("get", base, {}),
        "detail": ("get", f"{base}{pk}/", {}),
        "pdf": ("get", f"{base}{pk}/codes.pdf", {}),
        "xlsx": ("get", f"{base}{pk}/codes.xlsx", {}),
        "create": ("post", f"{base}new/", {"unit": "", "mode": "codes"}),
        "bulk": ("post", f"{base}bulk/", {"category": "", "mode": "codes"}),
        "edit": ("post", f"{base}{pk}/edit/", {}),
        "toggle": ("post", f"{base}{pk}/open/", {"open": "x"}),
        "codes": ("post", f"{base}{pk}/codes/", {"count": "0"}),
        "delete": ("post", f"{base}{pk}/delete/", {"confirm": "yes"}),
    }


OK_STATUS = {"list": 200, "detail": 200, "pdf": 200, "xlsx": 200, "create": 400, "bulk": 400}
OK_STATUS |= {"edit": 400, "toggle": 302, "codes": 400, "delete": 302}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_organiser_may_open_the_survey_pages(client_for, world, role):
    client = client_for(role)
    for name, (method, url, data) in pages(world).items():
        response = getattr(client, method)(url, data)
        expected = OK_STATUS[name] if role == "organiser" else 403
        assert response.status_code == expected, (role, name)


def test_anonymous_visitors_are_sent_to_login(client_for, world):
    client = client_for(None)
    for method, url, data in pages(world).values():
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_survey_of_another_cycle_or_year_is_not_found(client_for, world):
    client = client_for("organiser")
    assert client.get("/cycles/2030/surveys/").status_code == 404
    assert client.get(f"/cycles/2025/surveys/{world['codes_survey'].pk + 999}/").status_code == 404


def test_the_list_shows_each_survey_with_its_state_and_counts(client_for, world):
    page = client_for("organiser").get("/cycles/2025/surveys/").content.decode()
    assert "DW01 东城街道" in page and "DW02 西山镇" in page
    assert "0 / 5" in page  # codes used / total
    assert "已收 0 份，不足 3 份不显示" in page


def test_the_organiser_creates_one_survey_for_a_unit(client_for, world):
    unit_c = AssessedUnit.objects.get(cycle=world["cycle"], unit=world["units"]["c"])
    response = client_for("organiser").post("/cycles/2025/surveys/new/", {"unit": unit_c.pk, "mode": "open"})
    survey = PublicSurvey.objects.get(unit=world["units"]["c"])
    assert response["Location"] == f"/cycles/2025/surveys/{survey.pk}/"
    assert survey.mode == SurveyMode.OPEN and not survey.is_open
    assert len(survey.token) >= 20
    entry = AuditEntry.objects.filter(action="survey.create").order_by("seq").last()
    assert entry.after["unit"] == "DW03"


def test_a_unit_that_already_has_a_survey_cannot_get_a_second(client_for, world):
    unit_a = AssessedUnit.objects.get(cycle=world["cycle"], unit=world["units"]["a"])
    response = client_for("organiser").post("/cycles/2025/surveys/new/", {"unit": unit_a.pk, "mode": "codes"})
    assert response.status_code == 400
    assert "所选单位不是本年度参加考核的单位，或已有公众评议" in response.content.decode()
    assert PublicSurvey.objects.filter(unit=world["units"]["a"]).count() == 1


def test_bulk_creation_covers_every_unit_of_the_category_without_a_survey(client_for, world):
    towns, depts = world["units"]["a"].category, world["units"]["c"].category
    client = client_for("organiser")
    response = client.post("/cycles/2025/surveys/bulk/", {"category": towns.pk, "mode": "codes"}, follow=True)
    assert "都已有公众评议" in response.content.decode()
    response = client.post("/cycles/2025/surveys/bulk/", {"category": depts.pk, "mode": "codes"}, follow=True)
    assert "已为政府部门的 1 个单位创建公众评议" in response.content.decode()
    assert set(PublicSurvey.objects.values_list("unit__code", flat=True)) == {"DW01", "DW02", "DW03"}


def test_settings_are_saved_and_audited(client_for, world):
    survey = world["codes_survey"]
    data = {
        "mode": "codes",
        "question": "您对东城街道的服务是否满意？",
        "satisfied_value": "95",
        "basic_value": "75.5",
        "unsatisfied_value": "10",
    }
    response = client_for("organiser").post(f"/cycles/2025/surveys/{survey.pk}/edit/", data)
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.satisfied_value, survey.basic_value, survey.unsatisfied_value) == (
        Decimal(95),
        Decimal("75.5"),
        Decimal(10),
    )
    entry = AuditEntry.objects.filter(action="survey.update").order_by("seq").last()
    assert entry.before["satisfied_value"] == "100" and entry.after["basic_value"] == "75.5"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (("101", "80", "0"), "satisfied_value", "满意分值「101」超出 0–100"),
        (("100", "80", "-5"), "unsatisfied_value", "不满意分值「-5」超出 0–100"),
        (("70", "80", "0"), "basic_value", "基本满意分值（80）不能高于满意分值（70）"),
        (("100", "50", "60"), "unsatisfied_value", "不满意分值（60）不能高于基本满意分值（50）"),
        (("100", "八十", "0"), "basic_value", "基本满意分值必须是 0–100 的数字"),
        (("100", "80.125", "0"), "basic_value", "基本满意分值最多保留两位小数"),
        (("100", "", "0"), "basic_value", "请填写基本满意分值"),
    ],
)
def test_bad_conversion_values_are_refused_naming_the_field(client_for, world, values, field, message):
    survey = world["codes_survey"]
    data = dict(zip(("satisfied_value", "basic_value", "unsatisfied_value"), values, strict=True))
    response = client_for("organiser").post(
        f"/cycles/2025/surveys/{survey.pk}/edit/", {"mode": "codes", "question": "满意吗？", **data}
    )
    assert response.status_code == 400
    assert message in response.context["settings_form"].errors[field]
    survey.refresh_from_db()
    assert (survey.satisfied_value, survey.basic_value, survey.unsatisfied_value) == (100, 80, 0)


def test_the_database_refuses_disordered_values_too(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PublicSurvey.objects.filter(pk=world["codes_survey"].pk).update(basic_value=Decimal(100.5))


def test_once_answered_the_mode_and_question_are_fixed_but_values_may_change(world):
    survey, organiser = world["codes_survey"], world["cast"]["organiser"]
    actions.survey_answer(survey=survey, choice="满意", code=world["codes"][0])
    with pytest.raises(actions.ValidationError, match="方式和问题不能再修改"):
        actions.survey_update(
            actor=organiser,
            survey=survey,
            mode="open",
            question=survey.question,
            satisfied_value=Decimal(100),
            basic_value=Decimal(80),
            unsatisfied_value=Decimal(0),
        )
    actions.survey_update(
        actor=organiser,
        survey=survey,
        mode="codes",
        question=survey.question,
        satisfied_value=Decimal(100),
        basic_value=Decimal(60),
        unsatisfied_value=Decimal(0),
    )
    assert PublicSurvey.objects.get(pk=survey.pk).basic_value == 60


def test_values_are_locked_once_the_cycle_is_in_evaluation(world):
    survey = world["codes_survey"]
    world["cycle"].phase = Phase.EVALUATION
    world["cycle"].save()
    with pytest.raises(actions.ValidationError, match="方案已锁定"):
        actions.survey_update(
            actor=world["cast"]["organiser"],
            survey=survey,
            mode="codes",
            question=survey.question,
            satisfied_value=Decimal(90),
            basic_value=Decimal(80),
            unsatisfied_value=Decimal(0),
        )


def test_the_organiser_opens_and_closes_a_survey(client_for, world):
    client, survey = client_for("organiser"), world["open_survey"]
    response = client.post(f"/cycles/2025/surveys/{survey.pk}/open/", {"open": "0"}, follow=True)
    assert "已结束评议" in response.content.decode()
    assert not PublicSurvey.objects.get(pk=survey.pk).is_open
    client.post(f"/cycles/2025/surveys/{survey.pk}/open/", {"open": "1"})
    assert PublicSurvey.objects.get(pk=survey.pk).is_open
    assert AuditEntry.objects.filter(action="survey.close", object_id=str(survey.pk)).exists()


def test_a_codes_survey_cannot_open_before_it_has_codes(client_for, world):
    unit_c = AssessedUnit.objects.get(cycle=world["cycle"], unit=world["units"]["c"])
    client = client_for("organiser")
    client.post("/cycles/2025/surveys/new/", {"unit": unit_c.pk, "mode": "codes"})
    survey = PublicSurvey.objects.get(unit=world["units"]["c"])
    response = client.post(f"/cycles/2025/surveys/{survey.pk}/open/", {"open": "1"}, follow=True)
    assert "请先生成评议码，再开放评议" in response.content.decode()
    assert not PublicSurvey.objects.get(pk=survey.pk).is_open


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.PUBLIC_NOTICE, Phase.COMPLETED])
def test_a_survey_opens_only_while_the_cycle_takes_inputs(world, phase):
    survey = world["open_survey"]
    actions.survey_set_open(actor=world["cast"]["organiser"], survey=survey, is_open=False)
    world["cycle"].phase = phase
    world["cycle"].save()
    with pytest.raises(actions.ValidationError, match="只能在实施或评定阶段开放"):
        actions.survey_set_open(actor=world["cast"]["organiser"], survey=survey, is_open=True)


def test_nothing_is_created_or_changed_from_public_notice_on(client_for, world):
    world["cycle"].phase = Phase.PUBLIC_NOTICE
    world["cycle"].save()
    client = client_for("organiser")
    survey = world["codes_survey"]
    response = client.post(f"/cycles/2025/surveys/{survey.pk}/codes/", {"count": "3"})
    assert "公众评议不能再新增或修改" in response.content.decode()
    depts = world["units"]["c"].category
    response = client.post("/cycles/2025/surveys/bulk/", {"category": depts.pk, "mode": "codes"})
    assert "公众评议不能再新增或修改" in response.content.decode()
    assert SurveyCode.objects.count() == 5 and PublicSurvey.objects.count() == 2


def test_codes_are_generated_in_batches_of_random_unguessable_codes(client_for, world):
    survey = world["codes_survey"]
    response = client_for("organiser").post(f"/cycles/2025/surveys/{survey.pk}/codes/", {"count": "40"})
    assert response.status_code == 302
    batch = SurveyCode.objects.filter(survey=survey, batch=2)
    assert batch.count() == 40
    codes = list(SurveyCode.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes) == 45
    assert all(len(code) == 16 for code in codes)  # 16 × 5 bits = 80 bits
    entry = AuditEntry.objects.filter(action="survey.codes_generate").order_by("seq").last()
    assert entry.after == {"batch": 2, "count": 40}
    assert not any(code in str(entry.after) for code in codes)


@pytest.mark.parametrize(
    ("count", "message"),
    [("0", "生成数量至少为 1"), ("2001", "一次最多生成 2000 个评议码"), ("五十", "生成数量必须是整数")],
)
def test_a_bad_code_count_is_refused(client_for, world, count, message):
    survey = world["codes_survey"]
    response = client_for("organiser").post(f"/cycles/2025/surveys/{survey.pk}/codes/", {"count": count})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SurveyCode.objects.count() == 5


def test_an_open_link_survey_has_no_codes(world):
    with pytest.raises(actions.ValidationError, match="不使用评议码"):
        actions.survey_codes_generate(actor=world["cast"]["organiser"], survey=world["open_survey"], count=3)


def test_the_codes_download_as_a_pdf_of_slips_and_as_a_sheet(client_for, world):
    client, survey = client_for("organiser"), world["codes_survey"]
    pdf = client.get(f"/cycles/2025/surveys/{survey.pk}/codes.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]
    sheet = client.get(f"/cycles/2025/surveys/{survey.pk}/codes.xlsx?batch=1")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("序号", "单位", "评议码", "链接", "批次", "状态")
    assert len(rows) == 6
    stored = set(world["codes"])
    for _, unit, code, link, batch, state in rows[1:]:
        assert unit == "东城街道" and batch == 1 and state == "未使用"
        raw = code.replace("-", "")
        assert raw in stored
        assert link == f"http://testserver/s/{survey.token}/?c={raw}"


def test_the_public_base_url_setting_names_the_address_phones_reach(client_for, world, settings):
    settings.SURVEY_PUBLIC_BASE_URL = "https://pingyi.example.gov.cn/"
    page = client_for("organiser").get(f"/cycles/2025/surveys/{world['codes_survey'].pk}/").content.decode()
    assert f"https://pingyi.example.gov.cn/s/{world['codes_survey'].token}/" in page


def test_a_survey_nobody_answered_can_be_deleted_but_not_an_answered_one(client_for, world):
    client = client_for("organiser")
    answered, fresh = world["codes_survey"], world["open_survey"]
    actions.survey_answer(survey=answered, choice="满意", code=world["codes"][0])
    response = client.post(f"/cycles/2025/surveys/{answered.pk}/delete/", {"confirm": "yes"}, follow=True)
    assert "已有公众作答的评议不能删除" in response.content.decode()
    asked = client.get(f"/cycles/2025/surveys/{fresh.pk}/delete/").content.decode()
    assert "评议删除后不能恢复" in asked and PublicSurvey.objects.filter(pk=fresh.pk).exists()
    client.post(f"/cycles/2025/surveys/{fresh.pk}/delete/", {"confirm": "yes"})
    assert list(PublicSurvey.objects.values_list("pk", flat=True)) == [answered.pk]


def answer(world, *choices):
    survey = world["codes_survey"]
    codes = list(SurveyCode.objects.filter(survey=survey, used=False).values_list("code", flat=True))
    for choice, code in zip(choices, codes, strict=False):
        actions.survey_answer(survey=survey, choice=choice, comment=f"{choice}的意见", code=code)


def test_results_are_suppressed_below_three_responses(client_for, world):
    answer(world, "满意", "不满意")
    client = client_for("organiser")
    detail = client.get(f"/cycles/2025/surveys/{world['codes_survey'].pk}/")
    page = detail.content.decode()
    assert "已收到 2 份。不足 3 份时不显示各选项人数和得分" in page
    assert 'id="score"' not in page and "不满意的意见" not in page
    assert detail.context["results"].counts is None and detail.context["results"].score is None
    listing = client.get("/cycles/2025/surveys/").content.decode()
    assert "已收 2 份，不足 3 份不显示" in listing


def test_from_three_responses_the_counts_and_converted_score_are_shown(client_for, world):
    answer(world, "满意", "基本满意", "不满意")
    detail = client_for("organiser").get(f"/cycles/2025/surveys/{world['codes_survey'].pk}/")
    results = detail.context["results"]
    assert results.counts == {"满意": 1, "基本满意": 1, "不满意": 1}
    assert results.score == Decimal(60)  # (100 + 80 + 0) / 3
    page = detail.content.decode()
    assert '<span id="score">60.00</span>' in page
    assert "基本满意的意见" in page


def test_the_converted_mean_feeds_the_units_public_survey_component(world):
    answer(world, "满意", "满意", "基本满意", "不满意")
    AssessedUnit.objects.filter(unit=world["units"]["a"]).update(public_survey=Decimal(50))
    units = {unit.code: unit for unit in cycle_assessment_input(world["cycle"]).units}
    assert units["DW01"].public_survey == Decimal(70)  # (100 + 100 + 80 + 0) / 4 over the given 50
    assert selectors.survey_results(world["codes_survey"]).score == Decimal(70)


def test_the_list_page_counts_with_a_fixed_number_of_queries(
    client_for, world, django_assert_max_num_queries
):
    for unit in ("c",):
        actions.survey_create(
            actor=world["cast"]["organiser"], cycle=world["cycle"], unit=world["units"][unit], mode="open"
        )
    answer(world, "满意", "满意", "基本满意")
    client = client_for("organiser")
    with django_assert_max_num_queries(12):
        assert client.get("/cycles/2025/surveys/").status_code == 200
    assert SurveyResponse.objects.count() == 3
