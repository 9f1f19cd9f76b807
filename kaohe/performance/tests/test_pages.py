"""Every page of the inputs for every role of the cast: 200, 403 (role without the input) or 404 (out of scope)."""

import pytest
from django.urls import reverse

from kaohe.performance import actions
from kaohe.performance.tests.conftest import ROLES, only, statuses, upload


def evidence_of_unit_a(w):
    evaluation = actions.self_evaluation_save(
        actor=w["cast"]["liaison"],
        cycle=w["cycle"],
        unit=w["units"]["a"],
        indicator=w["indicators"]["economy"],
        claimed=90,
        files=[upload("台账.pdf")],
    )
    return evaluation.evidence.get()


def adjustment(w):
    return actions.adjustment_propose(
        actor=w["cast"]["organiser"],
        cycle=w["cycle"],
        unit=w["units"]["a"],
        kind="加分",
        points=2,
        reason="创新工作",
        evidence=upload("表彰.pdf"),
    )


def veto(w):
    return actions.veto_record(
        actor=w["cast"]["organiser"],
        cycle=w["cycle"],
        unit=w["units"]["b"],
        item="安全生产事故",
        evidence=upload("通报.pdf"),
    )


def url(name, *args):
    return lambda w: reverse(f"performance:{name}", args=[a(w) if callable(a) else a for a in args])


YEAR = 2025
ORGANISER = only("organiser")

PAGES = [
    (
        "inputs home",
        lambda w: reverse("performance:inputs_home"),
        statuses(
            ok=["organiser", "assessor", "clerk", "liaison", "leader", "outsider"],
            forbidden=["committee", "cadre"],
        ),
    ),
    ("self-evaluation list", url("self_evaluation_list", YEAR), only("liaison", "outsider")),
    (
        "self-evaluation of an indicator of the liaison's category",
        url("self_evaluation_edit", YEAR, lambda w: w["indicators"]["economy"].pk),
        only("liaison", "outsider"),
    ),
    (
        "self-evaluation of an indicator of another category",
        url("self_evaluation_edit", YEAR, lambda w: w["indicators"]["operations"].pk),
        only(hidden=["liaison", "outsider"]),
    ),
    (
        "evidence of unit A",
        lambda w: reverse("performance:evidence_download", args=[evidence_of_unit_a(w).pk]),
        only("organiser", "assessor", "liaison", hidden=["outsider"]),
    ),
    ("score grid", url("score_grid", YEAR), only("clerk")),
    ("score sheet", url("score_sheet", YEAR), only("clerk")),
    ("verification list", url("verification_list", YEAR), only("assessor")),
    (
        "verification of a unit of the assessor's group",
        url("verification_unit", YEAR, lambda w: w["units"]["a"].pk),
        only("assessor"),
    ),
    (
        "verification of a unit of the assessor's group of another year",
        url("verification_unit", YEAR, lambda w: w["units"]["b"].pk),
        only(hidden=["assessor"]),
    ),
    ("rating list", url("rating_list", YEAR), only("leader")),
    ("rating of an assessed unit", url("rating_edit", YEAR, lambda w: w["units"]["c"].pk), only("leader")),
    (
        "rating of a unit not assessed",
        url("rating_edit", YEAR, lambda w: w["units"]["d"].pk),
        only(hidden=["leader"]),
    ),
    ("adjustment list", url("adjustment_list", YEAR), ORGANISER),
    ("adjustment create", url("adjustment_create", YEAR), ORGANISER),
    ("adjustment evidence", url("adjustment_evidence", YEAR, lambda w: adjustment(w).pk), ORGANISER),
    (
        "adjustment evidence under another year",
        url("adjustment_evidence", 2024, lambda w: adjustment(w).pk),
        only(hidden=["organiser"]),
    ),
    ("veto list", url("veto_list", YEAR), ORGANISER),
    ("veto create", url("veto_create", YEAR), ORGANISER),
    ("veto evidence", url("veto_evidence", YEAR, lambda w: veto(w).pk), ORGANISER),
    ("sanction list", url("sanction_list", YEAR), ORGANISER),
    ("sanction create", url("sanction_create", YEAR), ORGANISER),
]

MATRIX = [
    pytest.param(page_url, role, expected[role], id=f"{page}-{role}")
    for page, page_url, expected in PAGES
    for role in ROLES
]


@pytest.mark.parametrize(("page_url", "role", "expected"), MATRIX)
def test_every_role_gets_each_page_or_a_refusal(world, client_for, page_url, role, expected):
    response = client_for(role).get(page_url(world))
    assert response.status_code == expected


@pytest.mark.parametrize("page_url", [pytest.param(u, id=p) for p, u, _ in PAGES])
def test_anonymous_visitors_are_sent_to_log_in(world, client_for, page_url):
    response = client_for(None).get(page_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("self_evaluation_list", "liaison"),
        ("score_grid", "clerk"),
        ("verification_list", "assessor"),
        ("rating_list", "leader"),
        ("adjustment_list", "organiser"),
        ("veto_list", "organiser"),
        ("sanction_list", "organiser"),
    ],
)
def test_a_year_without_a_cycle_is_not_found(world, client_for, name, role):
    assert client_for(role).get(reverse(f"performance:{name}", args=[1999])).status_code == 404


# The write endpoints, posted empty by every role: the owner gets a form back or a redirect, never a write.
POSTS = [
    (
        "evidence delete",
        lambda w: reverse("performance:evidence_delete", args=[evidence_of_unit_a(w).pk]),
        only("liaison", hidden=["outsider"]),
    ),
    ("score upload", url("score_upload", YEAR), only("clerk")),
    (
        "verification set in the group",
        url("verification_set", YEAR, lambda w: w["units"]["a"].pk, lambda w: w["indicators"]["economy"].pk),
        only("assessor"),
    ),
    (
        "verification set outside the group",
        url("verification_set", YEAR, lambda w: w["units"]["b"].pk, lambda w: w["indicators"]["economy"].pk),
        only(hidden=["assessor"]),
    ),
    (
        "verification set on an indicator of another category",
        url(
            "verification_set", YEAR, lambda w: w["units"]["a"].pk, lambda w: w["indicators"]["operations"].pk
        ),
        only(hidden=["assessor"]),
    ),
    ("adjustment decide", url("adjustment_decide", YEAR, lambda w: adjustment(w).pk), ORGANISER),
    ("veto delete", url("veto_delete", YEAR, lambda w: veto(w).pk), ORGANISER),
]


@pytest.mark.parametrize(
    ("endpoint", "role", "expected"),
    [pytest.param(u, r, e[r], id=f"{p}-{r}") for p, u, e in POSTS for r in ROLES],
)
def test_every_role_posting_to_a_write_endpoint_is_allowed_or_refused(
    world, client_for, endpoint, role, expected
):
    response = client_for(role).post(endpoint(world))
    if expected == 200:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("page", ["self_evaluation_list", "score_grid", "verification_list", "rating_list"])
def test_the_input_pages_refuse_get_only_endpoints_for_other_methods(world, client_for, page):
    role = {
        "self_evaluation_list": "liaison",
        "score_grid": "clerk",
        "verification_list": "assessor",
        "rating_list": "leader",
    }[page]
    response = client_for(role).delete(reverse(f"performance:{page}", args=[YEAR]))
    assert response.status_code == 405
