"""The public survey page: answering with a code or once per device, and every refusal."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from kaohe.plans.models import Phase
from kaohe.surveys import actions, selectors
from kaohe.surveys.forms import code_display
from kaohe.surveys.models import PublicSurvey, SurveyCode, SurveyDevice, SurveyResponse
from kaohe.surveys.public_views import DEVICE_COOKIE
from kaohe.surveys.tests.conftest import answer_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def post(client, survey, **data):
    return client.post(answer_url(survey), {"choice": "满意", "comment": "", **data})


def text(response) -> str:
    return response.content.decode()


def test_a_code_in_the_link_opens_the_form_with_the_unit_question_and_three_choices(client, world):
    survey, code = world["codes_survey"], world["codes"][0]
    response = client.get(answer_url(survey, code))
    page = text(response)
    assert response.status_code == 200
    assert "东城街道" in page
    assert survey.question in page
    assert page.count('type="radio" name="choice"') == 3
    for label in ("满意", "基本满意", "不满意"):
        assert f'value="{label}"' in page
    assert f'value="{code_display(code)}"' in page


def test_the_public_page_is_tiny_and_needs_no_script_or_outside_resource(client, world):
    response = client.get(answer_url(world["codes_survey"], world["codes"][0]))
    page = text(response)
    assert "<script" not in page
    assert " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "bootstrap" not in page
    assert len(response.content) < 6000
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "no-cache" in response["Cache-Control"]


def test_answering_with_a_code_stores_one_response_and_thanks(client, world):
    survey, code = world["codes_survey"], world["codes"][0]
    response = post(client, survey, code=code, choice="基本满意", comment="  办事很快  ")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{survey.token}/thanks/"
    assert "感谢您的评议" in text(client.get(response["Location"]))
    stored = SurveyResponse.objects.get()
    assert (stored.survey, stored.choice, stored.comment) == (survey, "基本满意", "办事很快")
    assert SurveyCode.objects.get(code=code).used


def test_a_typed_code_is_read_forgivingly(client, world):
    survey, code = world["codes_survey"], world["codes"][1]
    typed = code_display(code).lower().replace("-", " ")
    assert post(client, survey, code=typed).status_code == 302
    assert SurveyCode.objects.get(code=code).used


def test_a_used_code_is_refused_in_the_link_and_when_submitted(client, world):
    survey, code = world["codes_survey"], world["codes"][0]
    assert post(client, survey, code=code).status_code == 302
    reopened = client.get(answer_url(survey, code))
    assert "此评议码已使用" in text(reopened)
    assert 'name="choice"' not in text(reopened)
    again = post(client, survey, code=code, choice="不满意")
    assert "此评议码已使用" in text(again)
    assert SurveyResponse.objects.count() == 1


def test_an_unknown_code_is_refused_and_can_be_corrected(client, world):
    survey = world["codes_survey"]
    opened = client.get(answer_url(survey, "ZZZZZZZZZZZZZZZZ"))
    assert "评议码无效" in text(opened)
    assert 'name="choice"' in text(opened)  # the form stays, to type the right code
    for wrong in ("ZZZZZZZZZZZZZZZZ", "short", "!!!!"):
        refused = post(client, survey, code=wrong)
        assert refused.status_code == 200
        assert "评议码无效" in text(refused)
    assert SurveyResponse.objects.count() == 0


def test_a_code_of_another_survey_is_invalid_here(client, world):
    other = actions.survey_create(
        actor=world["cast"]["organiser"], cycle=world["cycle"], unit=world["units"]["c"], mode="codes"
    )
    actions.survey_codes_generate(actor=world["cast"]["organiser"], survey=other, count=1)
    foreign = SurveyCode.objects.get(survey=other).code
    assert "评议码无效" in text(post(client, world["codes_survey"], code=foreign))
    assert not SurveyCode.objects.get(code=foreign).used


def test_a_codes_survey_needs_a_code_and_a_choice(client, world):
    survey = world["codes_survey"]
    missing = post(client, survey, code="")
    assert "请输入评议码" in text(missing)
    no_choice = client.post(answer_url(survey), {"code": world["codes"][0]})
    assert "请选择满意、基本满意或不满意" in text(no_choice)
    bad_choice = post(client, survey, code=world["codes"][0], choice="非常满意")
    assert "请选择满意、基本满意或不满意" in text(bad_choice)
    assert SurveyResponse.objects.count() == 0
    assert not SurveyCode.objects.filter(used=True).exists()


def test_a_comment_over_500_characters_is_refused_and_the_code_stays_unused(client, world):
    survey, code = world["codes_survey"], world["codes"][0]
    refused = post(client, survey, code=code, comment="很" * 501)
    assert "意见建议最多 500 字" in text(refused)
    assert not SurveyCode.objects.get(code=code).used
    assert post(client, survey, code=code, comment="好" * 500).status_code == 302


def test_a_closed_survey_is_refused(client, world):
    survey, code = world["codes_survey"], world["codes"][0]
    actions.survey_set_open(actor=world["cast"]["organiser"], survey=survey, is_open=False)
    assert "本次评议已结束" in text(client.get(answer_url(survey, code)))
    refused = post(client, survey, code=code)
    assert "本次评议已结束" in text(refused)
    assert SurveyResponse.objects.count() == 0
    assert not SurveyCode.objects.get(code=code).used


def test_a_survey_of_a_cycle_in_public_notice_takes_no_answers_even_if_left_open(client, world):
    cycle = world["cycle"]
    cycle.phase = Phase.PUBLIC_NOTICE
    cycle.save()
    assert "本次评议已结束" in text(post(client, world["open_survey"]))
    assert SurveyResponse.objects.count() == 0


def test_an_unknown_link_is_not_found(client, world):
    assert client.get("/s/no-such-token/").status_code == 404
    assert client.post("/s/no-such-token/", {"choice": "满意"}).status_code == 404
    assert client.get("/s/no-such-token/thanks/").status_code == 404


def test_an_open_survey_sets_a_device_cookie_and_takes_one_answer_per_device(client, world):
    survey = world["open_survey"]
    opened = client.get(answer_url(survey))
    assert 'name="code"' not in text(opened)
    cookie = opened.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["path"] == "/s/"
    assert post(client, survey, choice="不满意", comment="排队太久").status_code == 302
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    assert "本设备已参加过本次评议" in text(client.get(answer_url(survey)))
    assert "本设备已参加过本次评议" in text(post(client, survey))
    assert SurveyResponse.objects.filter(survey=survey).count() == 1


def test_the_device_is_stored_only_as_a_keyed_hash(client, world):
    survey = world["open_survey"]
    client.get(answer_url(survey))
    raw = client.cookies[DEVICE_COOKIE].value
    post(client, survey)
    stored = SurveyDevice.objects.get().device
    assert raw not in stored and len(stored) == 64
    assert stored != selectors.device_hash(world["codes_survey"], raw)  # per survey: no link across surveys


def test_another_device_may_answer_an_open_survey(world):
    survey = world["open_survey"]
    for _ in range(3):
        phone = Client()
        phone.get(answer_url(survey))
        assert post(phone, survey).status_code == 302
    assert SurveyResponse.objects.filter(survey=survey).count() == 3


def test_an_open_survey_refuses_a_submission_without_its_cookie_and_sets_one(client, world):
    survey = world["open_survey"]
    refused = post(client, survey)
    assert "Cookie" in text(refused)
    assert DEVICE_COOKIE in refused.cookies
    assert SurveyResponse.objects.count() == 0
    assert post(client, survey).status_code == 302  # the cookie now set, the same form goes through


def test_an_address_that_submits_too_often_is_refused_for_an_hour(world, settings):
    settings.SURVEY_RATE_LIMIT = 3
    survey = world["open_survey"]
    for _ in range(3):
        phone = Client(REMOTE_ADDR="10.1.2.3")
        phone.get(answer_url(survey))
        assert post(phone, survey).status_code == 302
    phone = Client(REMOTE_ADDR="10.1.2.3")
    phone.get(answer_url(survey))
    refused = post(phone, survey)
    assert refused.status_code == 429
    assert "提交过于频繁" in text(refused)
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    elsewhere.get(answer_url(survey))
    assert post(elsewhere, survey).status_code == 302
    assert SurveyResponse.objects.filter(survey=survey).count() == 4


def test_wrong_codes_from_one_address_are_limited_but_right_ones_are_not(world, settings):
    settings.SURVEY_RATE_LIMIT = 3
    survey, codes = world["codes_survey"], world["codes"]
    hall = Client(REMOTE_ADDR="10.1.2.3")
    for code in codes[:4]:  # a service hall: many right codes from one address
        assert post(hall, survey, code=code).status_code == 302
    for _ in range(3):
        assert "评议码无效" in text(post(hall, survey, code="ZZZZZZZZZZZZZZZZ"))
    refused = post(hall, survey, code=codes[4])
    assert refused.status_code == 429
    assert "提交过于频繁" in text(refused)
    assert not SurveyCode.objects.get(code=codes[4]).used


def test_the_form_needs_the_csrf_token_and_works_with_it(world):
    survey, code = world["codes_survey"], world["codes"][0]
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(answer_url(survey), {"choice": "满意", "code": code}).status_code == 403
    page = text(browser.get(answer_url(survey, code)))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    sent = browser.post(answer_url(survey), {"choice": "满意", "code": code, "csrfmiddlewaretoken": token})
    assert sent.status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_a_logged_in_user_answers_like_anyone_else(client_for, world):
    client = client_for("organiser")
    assert post(client, world["codes_survey"], code=world["codes"][0]).status_code == 302


def test_answering_leaves_no_audit_trace(client, world):
    from kaohe.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    post(client, world["codes_survey"], code=world["codes"][0])
    assert AuditEntry.objects.count() == before


def test_a_response_row_has_no_column_pointing_to_a_code_device_time_or_address():
    fields = {field.name: field for field in SurveyResponse._meta.get_fields()}
    assert set(fields) == {"id", "survey", "choice", "comment"}
    related = {field.related_model for field in fields.values() if field.is_relation}
    assert related == {PublicSurvey}
    assert fields["id"].get_internal_type() == "UUIDField"
    assert not any(
        field.get_internal_type() in ("DateTimeField", "DateField", "GenericIPAddressField")
        for field in fields.values()
    )


def test_nothing_points_from_a_code_or_device_to_a_response():
    for model in (SurveyCode, SurveyDevice):
        targets = {field.related_model for field in model._meta.get_fields() if field.is_relation}
        assert SurveyResponse not in targets
