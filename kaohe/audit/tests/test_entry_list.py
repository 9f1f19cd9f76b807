"""The audit log page and the chain check, for the audit administrator only (三员)."""

from datetime import UTC, datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kaohe.accounts import actions as account_actions
from kaohe.accounts.actors import SystemActor
from kaohe.accounts.models import Role
from kaohe.audit.actions import audit_record
from kaohe.audit.tests.chain import attacker_cursor, make_chain

CAST = [
    "auditadmin",
    "organiser",
    "sysadmin",
    "secadmin",
    "committee",
    "assessor",
    "clerk",
    "liaison",
    "leader",
    "cadre",
    "outsider",
]
PASSWORD = "Plum-blossom-2025"
LIST = reverse("audit:entry_list")
VERIFY = reverse("audit:chain_verify")


def record_at(when: datetime, **fields) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: when)
        with transaction.atomic():
            audit_record(**fields)


@pytest.fixture
def history(cast, roster):
    """A created account, a moved liaison, a command's entry on another day."""
    sysadmin = cast["sysadmin"]
    account_actions.user_create(actor=sysadmin, username="newbie", password=PASSWORD, role=Role.LEADER)
    account_actions.user_update(
        actor=sysadmin,
        user=cast["liaison"],
        role=Role.LIAISON,
        full_name="liaison",
        unit=roster["units"]["c"],
    )
    record_at(
        datetime(2025, 1, 10, 3, tzinfo=UTC),
        actor=SystemActor("roster-import"),
        action="unit.create",
        object_type="org.unit",
        object_id="9",
        object_repr="南湖街道",
        after={"name": "南湖街道", "code": "DW09"},
    )


# Access


def test_the_audit_administrator_opens_the_audit_log_and_the_chain_check(client_for, cast):
    client = client_for("auditadmin")
    assert client.get(LIST).status_code == 200
    assert client.get(VERIFY).status_code == 200
    assert client.post(VERIFY).status_code == 200


@pytest.mark.parametrize("name", [name for name in CAST if name != "auditadmin"])
def test_other_roles_are_refused_the_audit_log_and_the_chain_check(client_for, cast, name):
    client = client_for(name)
    assert client.get(LIST).status_code == 403
    assert client.get(VERIFY).status_code == 403
    assert client.post(VERIFY).status_code == 403
    assert client.post(VERIFY, headers={"HX-Request": "true"}).status_code == 403


def test_anonymous_visitor_is_sent_to_login(client_for, cast):
    client = client_for(None)
    for response in (client.get(LIST), client.get(VERIFY), client.post(VERIFY)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_audit_log_is_in_the_audit_administrators_navigation_only(client_for, cast):
    assert LIST in client_for("auditadmin").get(reverse("home")).content.decode()
    for name in ("committee", "liaison"):
        assert LIST not in client_for(name).get(reverse("home")).content.decode()


# The list


def test_entries_are_listed_newest_first_with_who_what_when(client_for, history):
    html = client_for("auditadmin").get(LIST).content.decode()
    assert html.index("<code>unit.create</code>") < html.index("<code>user.update</code>")
    assert html.index("<code>user.update</code>") < html.index("<code>user.create</code>")
    assert "roster-import" in html
    assert "2025-01-10 11:00:00" in html  # shown in Asia/Shanghai
    assert "南湖街道" in html


def test_each_entry_shows_a_diff_of_the_changed_fields(client_for, history):
    html = client_for("auditadmin").get(LIST, {"action": "user.update"}).content.decode()
    assert (
        '<th scope="row">所属单位</th><td class="diff-before">东城街道</td><td class="diff-after">市财政局</td>'
        in html
    )
    assert "角色" not in html.split("<tbody>", 1)[1]  # unchanged fields are left out


def test_a_creation_shows_every_recorded_field(client_for, history):
    html = client_for("auditadmin").get(LIST, {"action": "user.create"}).content.decode()
    assert (
        '<th scope="row">用户名</th><td class="diff-before">—</td><td class="diff-after">newbie</td>' in html
    )
    assert '<th scope="row">角色</th><td class="diff-before">—</td><td class="diff-after">领导</td>' in html
    assert '<th scope="row">有效</th><td class="diff-before">—</td><td class="diff-after">是</td>' in html
    assert '<th scope="row">所属单位</th>' not in html  # empty at creation: nothing to show


def test_an_assessors_groups_are_labelled(client_for, cast, roster):
    account_actions.user_update(
        actor=cast["organiser"], user=cast["assessor"], role=Role.ASSESSOR, full_name="assessor"
    )
    html = client_for("auditadmin").get(LIST).content.decode()
    assert (
        '<th scope="row">考核组</th><td class="diff-before">2025年度考核 · 第一考核组</td><td class="diff-after">—</td>'
        in html
    )


def test_the_list_filters_by_action(client_for, history):
    html = client_for("auditadmin").get(LIST, {"action": "user.create"}).content.decode()
    assert "<code>user.create</code>" in html
    assert "<code>user.update</code>" not in html
    assert '<option value="unit.create">' in html  # every recorded action can be chosen


def test_the_list_filters_by_object_type(client_for, history):
    html = client_for("auditadmin").get(LIST, {"object_type": "org.unit"}).content.decode()
    assert "<code>unit.create</code>" in html
    assert "<code>user.create</code>" not in html
    assert "账号（accounts.user）" in html


def test_the_list_filters_by_actor(client_for, history):
    html = client_for("auditadmin").get(LIST, {"actor": "roster"}).content.decode()
    assert "<code>unit.create</code>" in html
    assert "<code>user.create</code>" not in html


def test_the_list_filters_by_date_range(client_for, history):
    client = client_for("auditadmin")
    html = client.get(LIST, {"date_from": "2025-01-10", "date_to": "2025-01-10"}).content.decode()
    assert "<code>unit.create</code>" in html
    assert "<code>user.create</code>" not in html
    html = client.get(LIST, {"date_from": "2025-01-11"}).content.decode()
    assert "<code>unit.create</code>" not in html
    assert "<code>user.create</code>" in html


def test_a_reversed_date_range_is_explained(client_for, history):
    html = (
        client_for("auditadmin")
        .get(LIST, {"date_from": "2025-02-01", "date_to": "2025-01-01"})
        .content.decode()
    )
    assert "截止日期 2025-01-01 早于起始日期 2025-02-01" in html


def test_an_invalid_date_is_explained_and_ignored(client_for, history):
    html = client_for("auditadmin").get(LIST, {"date_from": "yesterday"}).content.decode()
    assert "输入一个有效的日期" in html
    assert "<code>user.create</code>" in html


def test_the_list_is_paginated_and_keeps_its_filters(client_for, cast):
    make_chain(cast["organiser"], count=60)
    client = client_for("auditadmin")
    html = client.get(LIST, {"action": "unit.update"}).content.decode()
    assert "1 / 2" in html
    assert "action=unit.update&amp;page=2" in html
    second = client.get(LIST, {"action": "unit.update", "page": 2}).content.decode()
    assert "2 / 2" in second
    assert "单位1 <" in second  # the oldest entry is on the last page


def test_htmx_filter_swaps_only_the_entries(client_for, history):
    response = client_for("auditadmin").get(
        LIST, {"action": "user.create"}, headers={"HX-Request": "true", "HX-Target": "audit-entries"}
    )
    html = response.content.decode()
    assert html.startswith('<div id="audit-entries">')
    assert "<code>user.create</code>" in html


def test_the_list_takes_a_fixed_number_of_queries(client_for, cast, django_assert_max_num_queries):
    make_chain(cast["organiser"], count=50)
    client = client_for("auditadmin")
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


# The chain check


def test_the_chain_is_not_checked_until_asked(client_for, history):
    html = client_for("auditadmin").get(LIST).content.decode()
    assert "审计链尚未校验" in html
    assert f'hx-post="{VERIFY}"' in html
    assert f'action="{VERIFY}"' in html  # and the same form posts without JavaScript


def test_htmx_check_swaps_the_status_card(client_for, history):
    response = client_for("auditadmin").post(
        VERIFY, headers={"HX-Request": "true", "HX-Target": "chain-status"}
    )
    html = response.content.decode()
    assert html.startswith('<div id="chain-status"')
    assert "审计链完整" in html
    assert "共 3 条记录" in html
    assert "<html" not in html


def test_plain_post_and_get_render_a_full_page(client_for, history):
    client = client_for("auditadmin")
    for response in (client.post(VERIFY), client.get(VERIFY)):
        html = response.content.decode()
        assert "<html" in html
        assert "审计链完整" in html


def test_a_broken_chain_is_shown_with_the_first_broken_entry(client_for, history):
    with attacker_cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_repr = %s WHERE seq = 2", ["改过"])
    html = client_for("auditadmin").post(VERIFY, headers={"HX-Request": "true"}).content.decode()
    assert "审计链已损坏" in html
    assert "审计记录 #2: 内容与哈希不符（记录被修改）" in html


def test_audit_pages_carry_no_inline_script_or_style(client_for, history):
    client = client_for("auditadmin")
    for html in (client.get(LIST).content.decode(), client.get(VERIFY).content.decode()):
        assert "<script>" not in html and "style=" not in html and " onclick=" not in html
