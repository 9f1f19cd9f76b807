"""The paper-ballot pages for every role of the cast, and every refusal."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from conftest import make_user
from kaohe.ballots import actions
from kaohe.ballots.models import Ballot, Mark
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, PaperTypist
from kaohe.ballots.tests import test_paper
from kaohe.ballots.tests.conftest import ROLES
from kaohe.ballots.tests.test_paper import keys, reading, type_both, workbook

paper_world = test_paper.paper_world

OTHERS = [role for role in ROLES if role != "organiser"]


def url(world, name, *args, **query):
    session = world["session"]
    address = reverse(f"ballots:{name}", args=[session.cycle.year, session.pk, *args])
    if query:
        from urllib.parse import urlencode

        address += "?" + urlencode(query)
    return address


def form_data(session, number, **overall) -> dict:
    data = {"number": number}
    for key, value in reading(session, **overall).items():
        data[key] = value
    return data


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="type_paper_ballots"))


def test_the_organiser_sees_typists_counts_and_mismatches(paper_world, client_for):
    session = paper_world["session"]
    type_both(paper_world, "P1")
    type_both(paper_world, "P2", a=reading(session, 张思佳=["优秀"]), b=reading(session, 张思佳=["称职"]))
    response = client_for("organiser").get(url(paper_world, "paper_home"))
    assert response.status_code == 200
    page = re.sub(r">\s+<", "><", response.content.decode())
    assert "organiser2" in page
    assert "一致 <strong>1</strong>" in page and "不一致 <strong>1</strong>" in page
    assert "<td>P2</td><td>张思佳</td><td>总体评价</td><td>优秀</td><td>称职</td>" in page
    assert url(paper_world, "paper_resolve", number="P2") in page.replace("&amp;", "&")


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_cannot_open_the_paper_pages(paper_world, client_for, role):
    client = client_for(role)
    assert client.get(url(paper_world, "paper_home")).status_code == 403
    assert client.get(url(paper_world, "paper_entry", "a")).status_code == 403
    assert client.post(url(paper_world, "paper_entry", "a"), {"number": "P1"}).status_code == 403
    assert client.post(url(paper_world, "paper_entry_delete", "a"), {"number": "P1"}).status_code == 403
    assert client.get(url(paper_world, "paper_resolve", number="P1")).status_code == 403
    assert client.post(url(paper_world, "paper_commit")).status_code == 403
    assert client.post(url(paper_world, "paper_discard")).status_code == 403
    assert client.post(url(paper_world, "paper_import")).status_code == 403
    assert not PaperEntry.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(paper_world, client_for):
    client = client_for(None)
    for address in (url(paper_world, "paper_home"), url(paper_world, "paper_entry", "a")):
        response = client.get(address)
        assert response.status_code == 302 and "/login" in response["Location"]
    assert client.post(url(paper_world, "paper_commit")).status_code == 302


def test_an_account_with_the_permission_types_but_sees_no_comparison(paper_world, client_for):
    session = paper_world["session"]
    clerk = paper_world["cast"]["clerk"]
    grant(clerk)
    type_both(paper_world, "P2", a=reading(session, 张思佳=["优秀"]), b=reading(session, 张思佳=["称职"]))
    actions.paper_entry_delete(actor=paper_world["a"], session=session, slot="a", number="P2")
    actions.paper_entries_discard(actor=paper_world["a"], session=session)  # frees both slots
    client = client_for("clerk")
    home = client.get(url(paper_world, "paper_home"))
    assert home.status_code == 200
    assert 'id="mismatches"' not in home.content.decode() and 'id="paper-states"' not in home.content.decode()
    response = client.post(url(paper_world, "paper_entry", "b"), form_data(session, "P7"))
    assert response.status_code == 302
    assert PaperEntry.objects.get().slot == "b"
    # the organiser's pages stay closed to it
    assert client.get(url(paper_world, "paper_resolve", number="P7")).status_code == 403
    assert client.post(url(paper_world, "paper_commit")).status_code == 403


def test_a_clerk_granted_on_the_account_page_types_and_one_not_granted_is_refused(paper_world, client_for):
    session = paper_world["session"]
    clerk = paper_world["cast"]["clerk"]
    other = make_user("clerk2", "clerk", department=clerk.department)
    # Accounts are the system administrator's (三员).
    client_for("sysadmin").post(
        reverse("accounts:user_edit", args=[clerk.pk]),
        {"role": "clerk", "department": clerk.department_id, "may_type_paper_ballots": "on"},
    )

    response = client_for("clerk").post(url(paper_world, "paper_entry", "b"), form_data(session, "P1"))

    assert response.status_code == 302
    assert PaperEntry.objects.get().slot == "b"
    assert PaperTypist.objects.get(slot="b").user == clerk
    refused = Client()
    refused.force_login(other)
    assert refused.get(url(paper_world, "paper_entry", "a")).status_code == 403
    assert refused.post(url(paper_world, "paper_entry", "a"), form_data(session, "P2")).status_code == 403
    assert PaperEntry.objects.count() == 1


def test_a_typist_types_a_ballot_and_sees_only_their_numbers(paper_world, client_for):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["b"], session=session, slot="b", number="B-ONLY", data=reading(session)
    )
    client = client_for("organiser")
    response = client.post(url(paper_world, "paper_entry", "a"), form_data(session, "P1"))
    assert response.status_code == 302 and response["Location"] == url(paper_world, "paper_entry", "a")
    page = client.get(url(paper_world, "paper_entry", "a")).content.decode()
    assert "已保存票号「P1」" in page
    assert ">P1</a>" in page and "B-ONLY" not in page
    entry = PaperEntry.objects.get(slot="a")
    assert entry.values["group"] == "下级" and entry.values[keys(session)["张思佳"]] == ["称职"]


def test_a_bad_entry_is_shown_again_with_its_messages_and_nothing_stored(paper_world, client_for):
    session = paper_world["session"]
    client = client_for("organiser")
    data = form_data(session, "P1")
    del data["group"]
    response = client.post(url(paper_world, "paper_entry", "a"), data)
    assert response.status_code == 400
    assert "请选择评价人类别" in response.content.decode()
    data = form_data(session, "")
    response = client.post(url(paper_world, "paper_entry", "a"), data)
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    assert not PaperEntry.objects.exists()


def test_typing_the_same_number_twice_is_refused_on_the_page(paper_world, client_for):
    session = paper_world["session"]
    client = client_for("organiser")
    client.post(url(paper_world, "paper_entry", "a"), form_data(session, "P1"))
    response = client.post(url(paper_world, "paper_entry", "a"), form_data(session, "P1"))
    assert response.status_code == 400
    assert "你已录入过票号「P1」" in response.content.decode()


def test_a_typist_corrects_their_entry_but_cannot_change_its_number(paper_world, client_for):
    session = paper_world["session"]
    client = client_for("organiser")
    client.post(url(paper_world, "paper_entry", "a"), form_data(session, "P1"))
    page = client.get(url(paper_world, "paper_entry", "a", number="P1"))
    assert page.status_code == 200 and "正在修改票号「P1」" in page.content.decode()
    corrected = {**form_data(session, "P1", 张思佳=["优秀"]), "editing": "P1"}
    assert client.post(url(paper_world, "paper_entry", "a"), corrected).status_code == 302
    assert PaperEntry.objects.get().values[keys(session)["张思佳"]] == ["优秀"]
    renamed = {**form_data(session, "P9"), "editing": "P1"}
    response = client.post(url(paper_world, "paper_entry", "a"), renamed)
    assert response.status_code == 400 and "修改时不能改票号" in response.content.decode()
    assert client.get(url(paper_world, "paper_entry", "a", number="NOPE")).status_code == 404


def test_a_slot_held_by_someone_else_sends_the_typist_back(paper_world, client_for):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["b"], session=session, slot="a", number="P1", data=reading(session)
    )
    client = client_for("organiser")
    response = client.get(url(paper_world, "paper_entry", "a"), follow=True)
    assert "录入员甲已由「organiser2」担任" in response.content.decode()
    response = client.post(url(paper_world, "paper_entry", "a"), form_data(session, "P2"))
    assert response.status_code == 302
    assert PaperEntry.objects.count() == 1


def test_the_holder_of_one_slot_is_sent_back_from_the_other(paper_world, client_for):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["a"], session=session, slot="a", number="P1", data=reading(session)
    )
    response = client_for("organiser").get(url(paper_world, "paper_entry", "b"), follow=True)
    assert "同一张票须由两个人分别录入" in response.content.decode()


def test_an_unknown_slot_an_online_session_or_another_year_is_not_found(paper_world, world, client_for):
    client = client_for("organiser")
    assert client.get(url(paper_world, "paper_entry", "c")).status_code == 404
    assert client.post(url(paper_world, "paper_entry_delete", "c"), {"number": "P1"}).status_code == 404
    online = world["session"]
    assert client.get(reverse("ballots:paper_home", args=[2025, online.pk])).status_code == 404
    assert (
        client.get(reverse("ballots:paper_home", args=[2024, paper_world["session"].pk])).status_code == 404
    )


def test_the_organiser_decides_a_mismatch_and_commits(paper_world, client_for):
    session = paper_world["session"]
    k = keys(session)
    type_both(paper_world, "P2", a=reading(session, 张思佳=["优秀"]), b=reading(session, 张思佳=["称职"]))
    client = client_for("organiser")
    page = client.get(url(paper_world, "paper_resolve", number="P2"))
    assert page.status_code == 200 and "录入员甲：优秀" in page.content.decode()
    refused = client.post(url(paper_world, "paper_resolve"), {"number": "P2"})
    assert refused.status_code == 400 and "请选择以哪一份录入为准" in refused.content.decode()
    done = client.post(url(paper_world, "paper_resolve"), {"number": "P2", k["张思佳"]: "a"})
    assert done.status_code == 302
    assert PaperResolution.objects.get().values == {k["张思佳"]: ["优秀"]}
    response = client.post(url(paper_world, "paper_commit"), follow=True)
    assert "已计入 1 张测评票" in response.content.decode()
    assert Ballot.objects.get(session=session).number == "P2"
    assert Mark.objects.filter(choice="优秀").count() == 1


def test_deciding_a_number_that_needs_no_decision_is_not_found(paper_world, client_for):
    type_both(paper_world, "P1")
    client = client_for("organiser")
    assert client.get(url(paper_world, "paper_resolve", number="P1")).status_code == 404
    assert client.get(url(paper_world, "paper_resolve", number="NONE")).status_code == 404


def test_committing_nothing_says_why(paper_world, client_for):
    response = client_for("organiser").post(url(paper_world, "paper_commit"), follow=True)
    assert "没有可计入的测评票" in response.content.decode()


def test_the_organiser_deletes_an_unpaired_entry_and_discards_the_rest(paper_world, client_for):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["b"], session=session, slot="b", number="P8", data=reading(session)
    )
    client = client_for("organiser")
    home = client.get(url(paper_world, "paper_home")).content.decode()
    assert "仅录入员乙录入" in home
    data = {"number": "P8", "back": "home"}
    asked = client.post(url(paper_world, "paper_entry_delete", "b"), data).content.decode()
    assert "须对照纸质票重新录入" in asked and 'name="back" value="home"' in asked
    assert PaperEntry.objects.exists()
    response = client.post(url(paper_world, "paper_entry_delete", "b"), {**data, "confirm": "yes"})
    assert response["Location"] == url(paper_world, "paper_home")
    assert not PaperEntry.objects.exists()
    response = client.post(url(paper_world, "paper_discard"), {"confirm": "yes"}, follow=True)
    assert "已清除 0 条录入和 0 条裁定" in response.content.decode()  # the typists were left
    response = client.post(url(paper_world, "paper_discard"), {"confirm": "yes"}, follow=True)
    assert "没有待清除的录入数据" in response.content.decode()


def test_the_organiser_imports_the_ballot_sheet(paper_world, client_for):
    client = client_for("organiser")
    upload = workbook([("P1", "上级", "DW01", "优秀"), ("P1", "上级", "GB001", "称职")])
    upload.name = "票.xlsx"
    response = client.post(url(paper_world, "paper_import"), {"file": upload}, follow=True)
    assert "已导入 1 张测评票（2 个评价）" in response.content.decode()
    assert Ballot.objects.filter(session=paper_world["session"]).count() == 1


def test_a_bad_ballot_sheet_lists_its_problems_and_imports_nothing(paper_world, client_for):
    client = client_for("organiser")
    upload = workbook([("P1", "上级", "DW01", "优"), ("P2", "群众", "GB001", "称职")])
    upload.name = "票.xlsx"
    response = client.post(url(paper_world, "paper_import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "工作簿有 2 处问题，没有导入任何测评票" in page
    assert "测评票 第2行 评价: 「优」不是有效的选项" in page
    assert not Ballot.objects.exists()
    response = client.post(url(paper_world, "paper_import"), {})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()


def test_paper_pages_accept_only_their_methods(paper_world, client_for):
    client = client_for("organiser")
    assert client.post(url(paper_world, "paper_home")).status_code == 405
    assert client.get(url(paper_world, "paper_commit")).status_code == 405
    assert client.get(url(paper_world, "paper_import")).status_code == 405
    assert "不能恢复" in client.get(url(paper_world, "paper_discard")).content.decode()  # asks first
    assert client.get(url(paper_world, "paper_entry_delete", "a")).status_code == 405
