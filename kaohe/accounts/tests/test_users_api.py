"""The accounts API: the list for the system administrator, `me` for anyone logged in."""

import pytest

from kaohe.accounts.models import Role, User

CAST = [
    "sysadmin",
    "organiser",
    "secadmin",
    "auditadmin",
    "committee",
    "assessor",
    "clerk",
    "liaison",
    "leader",
    "cadre",
    "discipline",
    "outsider",
]
USERS = "/api/accounts/users"
ME = "/api/accounts/me"


def test_sysadmin_lists_every_account_with_its_scope(client_for, cast, roster):
    body = client_for("sysadmin").get(USERS).json()
    assert body["count"] == len(CAST)
    accounts = {item["username"]: item for item in body["items"]}
    assert set(accounts) == set(CAST)
    assert accounts["liaison"]["scope"]["unit"] == {"id": roster["units"]["a"].pk, "name": "东城街道"}
    assert accounts["clerk"]["scope"]["department"]["name"] == "市发改委"
    assert accounts["cadre"]["scope"]["cadre"] == {
        "id": roster["cadres"]["a2"].pk,
        "name": "李明",
        "code": "GB002",
    }
    assert accounts["assessor"]["scope"]["assessment_groups"] == [
        {"id": roster["group"].pk, "name": "第一考核组", "cycle": "2025年度考核"}
    ]
    assert accounts["organiser"]["role_label"] == "考核办"
    assert all("password" not in item for item in body["items"])


def test_sysadmin_filters_the_list_by_role_status_and_search(client_for, cast):
    client = client_for("sysadmin")
    liaisons = client.get(USERS, {"role": "liaison"}).json()["items"]
    assert sorted(item["username"] for item in liaisons) == ["liaison", "outsider"]
    User.objects.filter(username="leader").update(is_active=False)
    inactive = client.get(USERS, {"status": "inactive"}).json()["items"]
    assert [item["username"] for item in inactive] == ["leader"]
    found = client.get(USERS, {"q": "西山"}).json()["items"]
    assert [item["username"] for item in found] == ["outsider"]


def test_the_list_is_paginated(client_for, cast):
    body = client_for("sysadmin").get(USERS, {"limit": 3, "offset": 3}).json()
    assert body["count"] == len(CAST)
    assert len(body["items"]) == 3


def test_the_list_takes_a_fixed_number_of_queries(client_for, cast, roster, django_assert_max_num_queries):
    client = client_for("sysadmin")
    for i in range(20):
        User.objects.create_user(username=f"extra{i}", role=Role.ASSESSOR).assessment_groups.add(
            roster["group"]
        )
    with django_assert_max_num_queries(8):
        assert client.get(USERS).status_code == 200


@pytest.mark.parametrize("name", [name for name in CAST if name != "sysadmin"])
def test_other_roles_are_refused_the_list(client_for, cast, name):
    assert client_for(name).get(USERS).status_code == 403


def test_anonymous_visitor_is_refused_the_list_and_me(client_for, cast):
    client = client_for(None)
    assert client.get(USERS).status_code == 401
    assert client.get(ME).status_code == 401


@pytest.mark.parametrize("name", CAST)
def test_every_role_reads_its_own_account(client_for, cast, name):
    body = client_for(name).get(ME).json()
    assert body["username"] == name
    assert body["role"] == cast[name].role


def test_me_gives_each_role_its_scope(client_for, cast, roster):
    assert client_for("liaison").get(ME).json()["scope"]["unit"]["name"] == "东城街道"
    assert client_for("clerk").get(ME).json()["scope"]["department"]["name"] == "市发改委"
    assert client_for("cadre").get(ME).json()["scope"]["cadre"]["code"] == "GB002"
    groups = client_for("assessor").get(ME).json()["scope"]["assessment_groups"]
    assert [group["name"] for group in groups] == ["第一考核组"]
    organiser = client_for("sysadmin").get(ME).json()["scope"]
    assert organiser == {"unit": None, "department": None, "cadre": None, "assessment_groups": []}


def test_a_deactivated_account_is_refused_me(client_for, cast):
    client = client_for("leader")
    User.objects.filter(username="leader").update(is_active=False)
    assert client.get(ME).status_code == 401
