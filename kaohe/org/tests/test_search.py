"""Finding cadres and units by name, code, pinyin initials and full pinyin, in the page and the API."""

import pytest
from django.urls import reverse

from conftest import make_cadre


def names_found(client, q: str) -> str:
    return client.get(reverse("org:cadre_list"), {"q": q}).content.decode().split('id="cadre-results"')[1]


@pytest.mark.parametrize(
    "q", ["zsj", "ZSJ", "zs", "zhangsi", "zhangsijia", "Zhang", "张思", "GB001", "gb001"]
)
def test_cadre_search_finds_zhang_sijia(client_for, roster, q):
    results = names_found(client_for("organiser"), q)
    assert "张思佳" in results
    assert "李明" not in results and "王建国" not in results


def test_cadre_search_by_initials_matches_from_the_start_only(client_for, roster):
    # "sj" is inside 张思佳's initials but does not start them.
    assert "张思佳" not in names_found(client_for("organiser"), "sj")


def test_cadre_search_tells_namesakes_apart_by_unit(client_for, roster):
    make_cadre("GB010", "张世杰", roster["units"]["c"], "副局长")
    results = names_found(client_for("organiser"), "zsj")
    assert "张思佳" in results and "张世杰" in results and "市财政局" in results
    assert "张世杰" not in names_found(client_for("organiser"), "zhangsij")


def test_cadre_search_stays_within_the_accounts_scope(client_for, roster):
    make_cadre("GB010", "张世杰", roster["units"]["c"], "副局长")
    results = names_found(client_for("assessor"), "zsj")
    assert "张思佳" in results and "张世杰" not in results


def test_cadre_search_with_nothing_found_says_so(client_for, roster):
    assert "没有符合条件的干部" in names_found(client_for("organiser"), "xyzxyz")


@pytest.mark.parametrize("q", ["dcjd", "东城", "DW01", "dw01"])
def test_unit_search_finds_by_name_code_and_initials(client_for, roster, q):
    html = client_for("organiser").get(reverse("org:unit_list"), {"q": q}).content.decode()
    assert "东城街道" in html and "西山镇" not in html


def test_api_cadre_search_uses_the_same_rules(client_for, roster):
    client = client_for("organiser")
    for q in ("zsj", "zhangsi"):
        body = client.get("/api/org/cadres", {"q": q}).json()
        assert [item["name"] for item in body["items"]] == ["张思佳"], q


def test_api_unit_search_uses_the_same_rules(client_for, roster):
    body = client_for("organiser").get("/api/org/units", {"q": "xsz"}).json()
    assert [item["code"] for item in body["items"]] == ["DW02"]
