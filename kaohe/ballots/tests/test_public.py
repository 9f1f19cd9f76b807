"""The ballot page /b/: opened from the slip or by typing the code; refusals; the receipt check."""

import pytest

from kaohe.ballots import actions, codes
from kaohe.ballots.models import Ballot, BallotEnvelope, BallotToken
from kaohe.ballots.tests.conftest import field_of, filled

pytestmark = pytest.mark.django_db


def post_ballot(client, code, data):
    return client.post("/b/", {"code": code, "submit": "1", **data})


def test_the_slips_link_opens_a_tiny_ballot_without_bootstrap_or_scripts(client, world):
    code = world["codes"]["下级"][0]
    response = client.get(f"/b/{code}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "第一场" in page and "评价人类别：下级" in page and "张思佳" in page and "总体评价" in page
    assert "ballot.css" in page and "bootstrap" not in page and "htmx" not in page and "<script" not in page
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert f'name="code" value="{code}"' in page and 'action="/b/"' in page
    assert "每张票评「优秀」的干部最多 1 名" in page
    assert len(page) < 30_000


def test_a_submitted_ballot_shows_its_receipt(client, world):
    session, code = world["session"], world["codes"]["下级"][0]
    response = post_ballot(client, code, filled(session))
    page = response.content.decode()
    assert response.status_code == 200 and "提交成功" in page
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    receipt = Ballot.objects.get().number
    assert codes.display(receipt) in page


def test_problems_are_shown_with_the_raters_choices_kept_and_nothing_stored(client, world):
    session, code = world["session"], world["codes"]["下级"][0]
    data = filled(session, 张思佳="优秀", 李明="优秀")
    del data[field_of(session, "赵丽")]
    page = post_ballot(client, code, data).content.decode()
    assert "超过每票优秀上限 1 名" in page and "请为「赵丽」选择总体评价" in page
    assert f'name="{field_of(session, "张思佳")}" value="优秀" checked' in page
    assert f'name="{field_of(session, "李明")}" value="优秀" checked' in page
    assert not Ballot.objects.exists() and not BallotToken.objects.filter(used=True).exists()


def test_a_used_code_gets_此测评码已使用_on_opening_and_on_submitting(client, world):
    session, code = world["session"], world["codes"]["下级"][0]
    post_ballot(client, code, filled(session))
    assert "此测评码已使用" in client.get(f"/b/{code}/").content.decode()
    assert "此测评码已使用" in post_ballot(client, code, filled(session)).content.decode()
    assert BallotEnvelope.objects.count() == 1


def test_a_typed_code_opens_the_ballot(client, world):
    code = world["codes"]["上级"][0]
    assert "输入测评卡上的测评码" in client.get("/b/").content.decode()
    page = client.post("/b/", {"code": codes.display(code).lower()}).content.decode()
    assert "评价人类别：上级" in page and f'value="{code}"' in page


@pytest.mark.parametrize("typed", ["ABCD", "0000-0000-0000-0000"])
def test_a_wrong_code_is_shown_on_the_code_field(client, world, typed):
    page = client.post("/b/", {"code": typed}).content.decode()
    assert "测评码无效" in page and f'value="{typed}"' in page
    page = post_ballot(client, typed, filled(world["session"])).content.decode()
    assert "测评码无效" in page
    assert "测评码无效" in client.get(f"/b/{typed}/").content.decode()


def test_an_empty_code_asks_for_one(client, world):
    assert "请输入测评码" in client.post("/b/", {"code": ""}).content.decode()


def test_a_closed_session_says_so(client, world):
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    code = world["codes"]["下级"][0]
    assert "本次测评已结束" in client.get(f"/b/{code}/").content.decode()
    assert "本次测评已结束" in post_ballot(client, code, filled(world["session"])).content.decode()


def test_the_receipt_check_says_counted_without_showing_the_ballot(client, world):
    session = world["session"]
    receipt = actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(session, 张思佳="优秀"))
    # While the session is open the ballot is sealed: not found yet, and the page says why.
    page = client.post("/b/receipt/", {"receipt": receipt}).content.decode()
    assert "测评进行中的票是密封的，测评结束后才能查到" in page
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    page = client.post("/b/receipt/", {"receipt": codes.display(receipt).lower()}).content.decode()
    assert "的测评票已计入" in page and "第一场" in page
    assert "优秀" not in page.split("receipt-result")[1]
    actions.session_void(actor=world["organiser"], session=session, reason="重测")
    assert "已作废，不计入" in client.post("/b/receipt/", {"receipt": receipt}).content.decode()


def test_an_unknown_or_malformed_receipt_is_refused(client, world):
    assert (
        "没有找到回执码为 AAAA-AAAA-AAAA 的测评票"
        in client.post("/b/receipt/", {"receipt": "aaaaaaaaaaaa"}).content.decode()
    )
    assert "回执码应为 12 位字母和数字" in client.post("/b/receipt/", {"receipt": "12"}).content.decode()
    assert client.get("/b/receipt/").status_code == 200


def test_the_ballot_page_refuses_other_methods(client, world):
    assert client.put("/b/").status_code == 405
    assert client.post(f"/b/{world['codes']['下级'][0]}/").status_code == 405


def test_the_ballot_page_reads_two_queries_and_a_ballot_is_stored_with_at_most_nine(
    client, world, django_assert_max_num_queries
):
    session, code = world["session"], world["codes"]["下级"][0]
    data = filled(session)
    with django_assert_max_num_queries(2):
        assert client.get(f"/b/{code}/").status_code == 200
    # The token and the layout; then the session's state, the code consumed, one INSERT a table (and the
    # transaction's own statements where the database logs them).
    with django_assert_max_num_queries(9):
        assert "提交成功" in post_ballot(client, code, data).content.decode()


def test_a_cached_ballot_page_follows_a_renamed_cadre_at_once(client, world):
    cadre = world["roster"]["cadres"]["a1"]
    first, second = world["codes"]["下级"][:2]
    assert cadre.name in client.get(f"/b/{first}/").content.decode()
    type(cadre).objects.filter(pk=cadre.pk).update(name="张思佳（改名）")
    page = client.get(f"/b/{second}/").content.decode()
    assert "张思佳（改名）" in page and f'value="{second}"' in page and first not in page


def test_a_ballot_whose_limit_allows_no_excellent_does_not_offer_it_for_cadres(client, world):
    """30% of the ballot's 3 cadres rounds down to 0: plain HTML, no script needed."""
    session = world["session"]
    type(session).objects.filter(pk=session.pk).update(excellent_limit="30%")
    page = client.get(f"/b/{world['codes']['下级'][0]}/").content.decode()
    assert "本票对干部不评「优秀」" in page
    assert "最多 0 名" not in page
    assert page.count('value="优秀"') == 1  # the team's scale keeps it
    for cadre in ("张思佳", "李明", "赵丽"):
        fieldset = page[page.index(cadre) : page.index("</fieldset>", page.index(cadre))]
        assert 'value="优秀"' not in fieldset and 'value="称职"' in fieldset
    session.refresh_from_db()
    response = post_ballot(client, world["codes"]["下级"][0], filled(session, 张思佳="优秀"))
    assert "超过每票优秀上限 0 名" in response.content.decode()
    assert not Ballot.objects.exists()
