"""The ballots API's test world: an open paper session made through the API, its two typists, and helpers
to send JSON and to type a ballot twice (kaohe/ballots/tests/test_api*.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from kaohe.ballots.tests.conftest import template

S = "/api/ballots/2025/sessions"


def send(client: Client, method: str, path: str, body: dict | None = None):
    return getattr(client, method)(path, body or {}, content_type="application/json")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def paper_body(name="纸质场", **changes) -> dict:
    body = {
        "name": name,
        "kind": "paper",
        "groups": [{"name": "上级", "expected": 3}, {"name": "下级", "expected": 3}],
        "targets": [
            {"template_id": template("领导班子测评票").pk, "unit_code": "DW01"},
            {"template_id": template("干部测评票").pk, "cadre_code": "GB001"},
        ],
    }
    body.update(changes)
    return body


def values(fields: list[dict], group: str, **overall: str) -> dict:
    """A paper ballot as read: the first choice of every item, 总体评价 the second unless given by target."""
    found: dict = {}
    for f in fields:
        if f["key"] == "group":
            found["group"] = group
        elif f["question"] == "总体评价":
            found[f["key"]] = [overall.get(f["target"], f["choices"][1])]
        elif f["choices"]:
            found[f["key"]] = [f["choices"][0]]
    return found


@pytest.fixture
def paper_api(cycle, cast, client_for):
    """An open paper session made through the API, and two typists: the organiser (甲) and a clerk given
    可录入纸质测评票 (乙)."""
    organiser = client_for("organiser")
    made = send(organiser, "post", S, paper_body())
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    assert send(organiser, "post", f"{S}/{pk}/open").json()["status"] == "open"
    clerk = cast["clerk"]
    clerk.user_permissions.add(Permission.objects.get(codename="type_paper_ballots"))
    fields = organiser.get(f"{S}/{pk}/paper").json()["fields"]
    return {"pk": pk, "a": organiser, "b": signed_in(clerk), "fields": fields, "cast": cast}


def type_both(world, number: str, group: str, a: dict | None = None, b: dict | None = None) -> None:
    pk, fields = world["pk"], world["fields"]
    for slot, reading in (("a", a), ("b", b)):
        body = {"number": number, "values": reading or values(fields, group)}
        answer = send(world[slot], "post", f"{S}/{pk}/paper/{slot}/entries", body)
        assert answer.status_code == 201, answer.json()
