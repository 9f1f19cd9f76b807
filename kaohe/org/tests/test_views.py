"""The roster pages: who may open which page, what they show, and how edits are validated and saved."""

import re

import pytest
from django.urls import reverse

from conftest import make_unit
from kaohe.audit.models import AuditEntry
from kaohe.org.models import Cadre, Position, Unit, UnitCategory

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")


def statuses(ok=(), forbidden=(), hidden=()):
    """Every role of the cast with its expected status: 200, 403 (role refused) or 404 (outside scope)."""
    table = {**dict.fromkeys(ok, 200), **dict.fromkeys(forbidden, 403), **dict.fromkeys(hidden, 404)}
    assert set(table) == set(ROLES), f"roles missing from the matrix: {set(ROLES) - set(table)}"
    return table


ORGANISER_ONLY = statuses(ok=["organiser"], forbidden=[r for r in ROLES if r != "organiser"])
UNIT_READERS = ["organiser", "committee", "assessor", "clerk", "liaison", "leader", "outsider"]
CADRE_READERS = ["organiser", "committee", "assessor", "liaison", "leader", "outsider"]

# (page, URL from the roster, expected status per role). Unit A and cadre a2 (the cadre account's own
# record) are in the assessor's group and are the liaison's; the outsider is the liaison of unit B.
PAGES = [
    ("unit list", lambda r: reverse("org:unit_list"), statuses(ok=UNIT_READERS, forbidden=["cadre"])),
    (
        "unit detail in scope",
        lambda r: reverse("org:unit_detail", args=[r["units"]["a"].pk]),
        statuses(ok=UNIT_READERS[:-1], forbidden=["cadre"], hidden=["outsider"]),
    ),
    (
        "unit detail outside the assessor's group",
        lambda r: reverse("org:unit_detail", args=[r["units"]["b"].pk]),
        statuses(
            ok=["organiser", "committee", "clerk", "leader", "outsider"],
            forbidden=["cadre"],
            hidden=["assessor", "liaison"],
        ),
    ),
    ("unit create", lambda r: reverse("org:unit_create"), ORGANISER_ONLY),
    ("unit edit", lambda r: reverse("org:unit_edit", args=[r["units"]["a"].pk]), ORGANISER_ONLY),
    (
        "cadre list",
        lambda r: reverse("org:cadre_list"),
        statuses(ok=CADRE_READERS, forbidden=["clerk", "cadre"]),
    ),
    (
        "cadre detail of the cadre account's own record",
        lambda r: reverse("org:cadre_detail", args=[r["cadres"]["a2"].pk]),
        statuses(
            ok=["organiser", "committee", "assessor", "liaison", "leader", "cadre"],
            forbidden=["clerk"],
            hidden=["outsider"],
        ),
    ),
    (
        "cadre detail in another unit",
        lambda r: reverse("org:cadre_detail", args=[r["cadres"]["c1"].pk]),
        statuses(
            ok=["organiser", "committee", "leader"],
            forbidden=["clerk"],
            hidden=["assessor", "liaison", "cadre", "outsider"],
        ),
    ),
    ("cadre create", lambda r: reverse("org:cadre_create"), ORGANISER_ONLY),
    ("cadre edit", lambda r: reverse("org:cadre_edit", args=[r["cadres"]["a2"].pk]), ORGANISER_ONLY),
    ("cadre move", lambda r: reverse("org:cadre_move", args=[r["cadres"]["a2"].pk]), ORGANISER_ONLY),
    ("position edit", lambda r: reverse("org:position_edit", args=[r["cadres"]["a2"].pk]), ORGANISER_ONLY),
    ("category list", lambda r: reverse("org:category_list"), ORGANISER_ONLY),
    ("category create", lambda r: reverse("org:category_create"), ORGANISER_ONLY),
    (
        "category edit",
        lambda r: reverse("org:category_edit", args=[r["categories"]["towns"].pk]),
        ORGANISER_ONLY,
    ),
]

MATRIX = [
    pytest.param(url, role, expected[role], id=f"{page}-{role}")
    for page, url, expected in PAGES
    for role in ROLES
]


@pytest.mark.parametrize(("url", "role", "status"), MATRIX)
def test_each_page_answers_each_role_as_the_access_rules_say(client_for, roster, url, role, status):
    assert client_for(role).get(url(roster)).status_code == status


@pytest.mark.parametrize("url", [pytest.param(url, id=page) for page, url, _ in PAGES])
def test_anonymous_visitors_are_sent_to_login_from_every_page(client_for, roster, url):
    response = client_for(None).get(url(roster))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(url, id=page)
        for page, url, expected in PAGES
        if expected is ORGANISER_ONLY and "list" not in page and "create" not in page
    ],
)
def test_non_organisers_cannot_post_edits(client_for, roster, url):
    before = AuditEntry.objects.count()
    for role in ROLES[1:]:
        assert client_for(role).post(url(roster), {"name": "改名", "code": "NEW"}).status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "name", ["org:unit_detail", "org:unit_edit", "org:cadre_detail", "org:cadre_edit", "org:cadre_move"]
)
def test_organiser_gets_404_for_a_missing_object(client_for, roster, name):
    assert client_for("organiser").get(reverse(name, args=[999999])).status_code == 404


def test_pages_carry_no_inline_script_style_or_handler(client_for, roster):
    client = client_for("organiser")
    for _page, url, _expected in PAGES:
        html = client.get(url(roster)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url(roster)
        assert not re.search(r"\sstyle=", html), url(roster)
        assert not re.search(r"\son[a-z]+=", html), url(roster)


# --- unit list and detail --------------------------------------------------------------------------------


def test_unit_list_shows_category_parent_principal_and_cadre_count(client_for, roster):
    child = make_unit("DW0101", "东城街道社区", roster["categories"]["towns"], roster["units"]["a"])
    html = client_for("organiser").get(reverse("org:unit_list")).content.decode()
    row = re.search(r"<tr>\s*<td[^>]*>DW01</td>.*?</tr>", html, re.S).group(0)
    assert "东城街道" in row and "乡镇街道" in row and "张思佳" in row and ">2</a>" in row
    child_row = re.search(r"<tr>\s*<td[^>]*>DW0101</td>.*?</tr>", html, re.S).group(0)
    assert "东城街道社区" in child_row and "东城街道</td>" in child_row
    assert child.pk


def test_unit_list_filters_by_category_and_by_parent(client_for, roster):
    make_unit("DW0101", "东城街道社区", roster["categories"]["towns"], roster["units"]["a"])
    client = client_for("organiser")
    depts = client.get(
        reverse("org:unit_list"), {"category": roster["categories"]["depts"].pk}
    ).content.decode()
    assert "市财政局" in depts and "西山镇" not in depts
    children = client.get(reverse("org:unit_list"), {"parent": roster["units"]["a"].pk}).content.decode()
    assert "东城街道社区" in children and "西山镇" not in children and "市财政局" not in children


def test_unit_list_searches_name_code_and_pinyin_initials(client_for, roster):
    client = client_for("organiser")
    for q in ("西山", "DW02", "xsz"):
        html = client.get(reverse("org:unit_list"), {"q": q}).content.decode()
        assert "西山镇" in html and "东城街道" not in html, q


def test_unit_list_ignores_a_filter_value_that_is_not_a_unit(client_for, roster):
    response = client_for("organiser").get(reverse("org:unit_list"), {"parent": "abc", "category": "999"})
    assert response.status_code == 200
    assert "东城街道" in response.content.decode()


def test_assessor_sees_only_the_units_of_their_groups(client_for, roster):
    html = client_for("assessor").get(reverse("org:unit_list")).content.decode()
    assert "东城街道" in html and "西山镇" not in html and "市财政局" not in html


def test_clerk_sees_units_without_cadre_names(client_for, roster):
    html = client_for("clerk").get(reverse("org:unit_list")).content.decode()
    assert "东城街道" in html and "张思佳" not in html
    detail = client_for("clerk").get(reverse("org:unit_detail", args=[roster["units"]["a"].pk]))
    assert "张思佳" not in detail.content.decode()


def test_unit_list_is_paginated_by_50(client_for, roster):
    towns = roster["categories"]["towns"]
    Unit.objects.bulk_create(
        [Unit(code=f"X{i:03}", name=f"测试单位{i}", category=towns, pinyin_initials="") for i in range(60)]
    )
    client = client_for("organiser")
    first = client.get(reverse("org:unit_list")).content.decode()
    assert len(re.findall(r'href="/org/units/\d+/"', first)) == 50
    assert "共 63 条" in first and "第 1 / 2 页" in first
    second = client.get(reverse("org:unit_list"), {"page": 2}).content.decode()
    assert len(re.findall(r'href="/org/units/\d+/"', second)) == 13


def test_unit_detail_shows_the_team_with_the_principal_first_and_the_child_units(client_for, roster):
    make_unit("DW0101", "东城街道社区", roster["categories"]["towns"], roster["units"]["a"])
    html = (
        client_for("committee")
        .get(reverse("org:unit_detail", args=[roster["units"]["a"].pk]))
        .content.decode()
    )
    assert html.index("张思佳") < html.index("李明")
    assert "党工委书记" in html and "主要负责人" in html
    assert "东城街道社区" in html
    assert f"{reverse('org:cadre_list')}?unit={roster['units']['a'].pk}" in html
    assert "编辑单位" not in html


def test_unit_detail_team_leaves_out_cadres_who_moved_away(client_for, roster, cast):
    from datetime import date

    from kaohe.org.actions import cadre_move

    cadre_move(
        actor=cast["organiser"],
        cadre=roster["cadres"]["a2"],
        unit=roster["units"]["b"],
        title="镇长",
        start=date(2024, 1, 1),
    )
    html = (
        client_for("organiser")
        .get(reverse("org:unit_detail", args=[roster["units"]["a"].pk]))
        .content.decode()
    )
    assert "张思佳" in html and "李明" not in html


# --- cadre list and detail -------------------------------------------------------------------------------


def test_cadre_list_filters_by_category_and_by_unit(client_for, roster):
    client = client_for("organiser")
    depts = client.get(
        reverse("org:cadre_list"), {"category": roster["categories"]["depts"].pk}
    ).content.decode()
    assert "赵丽" in depts and "钱伟" in depts and "张思佳" not in depts
    unit_b = client.get(reverse("org:cadre_list"), {"unit": roster["units"]["b"].pk}).content.decode()
    assert "王建国" in unit_b and "张思佳" not in unit_b


def test_cadre_list_shows_unit_and_current_title(client_for, roster):
    html = client_for("organiser").get(reverse("org:cadre_list")).content.decode()
    row = re.search(r"<tr>\s*<td[^>]*>GB001</td>.*?</tr>", html, re.S).group(0)
    assert "张思佳" in row and "东城街道" in row and "党工委书记" in row and "1980-05" in row


def test_cadre_list_htmx_request_gets_only_the_results_partial(client_for, roster):
    response = client_for("organiser").get(reverse("org:cadre_list"), {"q": "zsj"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "张思佳" in html and "李明" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client_for, roster):
    response = client_for("organiser").get(
        reverse("org:cadre_list"),
        {"q": "zsj"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


def test_cadre_list_page_has_a_plain_get_form_and_htmx_live_search(client_for, roster):
    html = client_for("organiser").get(reverse("org:cadre_list")).content.decode()
    form = re.search(r"<form[^>]*>", html.split("<main")[1]).group(0)
    assert 'method="get"' in form and 'action="/org/cadres/"' in form
    assert 'hx-get="/org/cadres/"' in form and 'hx-target="#cadre-results"' in form
    assert 'id="cadre-results"' in html


def test_liaison_sees_only_the_cadres_of_their_unit(client_for, roster):
    html = client_for("liaison").get(reverse("org:cadre_list")).content.decode()
    assert "张思佳" in html and "李明" in html and "王建国" not in html and "赵丽" not in html


def test_cadre_list_offers_units_only_when_they_are_few(client_for, roster, monkeypatch):
    from kaohe.org.forms import CadreFilterForm

    monkeypatch.setattr(CadreFilterForm, "MAX_UNIT_OPTIONS", 2)
    client = client_for("organiser")
    everything = client.get(reverse("org:cadre_list")).content.decode()
    assert "请先选择单位类别" in everything and '<option value="3">' not in everything
    depts = client.get(
        reverse("org:cadre_list"), {"category": roster["categories"]["depts"].pk}
    ).content.decode()
    assert f'<option value="{roster["units"]["c"].pk}">市财政局</option>' in depts


def test_cadre_detail_shows_current_position_history_gender_and_birth_month(client_for, roster, cast):
    from datetime import date

    from kaohe.org.actions import cadre_move

    cadre = roster["cadres"]["a2"]
    cadre_move(
        actor=cast["organiser"],
        cadre=cadre,
        unit=roster["units"]["c"],
        title="副局长",
        start=date(2024, 2, 1),
    )
    html = client_for("organiser").get(reverse("org:cadre_detail", args=[cadre.pk])).content.decode()
    assert "市财政局" in html and "副局长" in html and "至今" in html
    assert "办事处主任" in html and "2021-03-01" in html and "2024-02-01" in html
    assert "女" in html and "1980-05" in html
    assert html.index("副局长") < html.index("办事处主任")


def test_cadre_sees_their_own_record_without_edit_links(client_for, roster):
    html = (
        client_for("cadre")
        .get(reverse("org:cadre_detail", args=[roster["cadres"]["a2"].pk]))
        .content.decode()
    )
    assert "李明" in html and "编辑基本信息" not in html and "/org/units/" not in html


# --- query counts ----------------------------------------------------------------------------------------


@pytest.fixture
def bigger_roster(roster):
    """60 more units under unit A, two cadres each, so a page is full and the counts must not grow."""
    from datetime import date

    towns = roster["categories"]["towns"]
    units = Unit.objects.bulk_create(
        [
            Unit(code=f"X{i:03}", name=f"测试单位{i}", category=towns, parent=roster["units"]["a"])
            for i in range(60)
        ]
    )
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                code=f"Y{i:03}{k}", name=f"{k}{i}", current_unit=unit, pinyin=f"jia{i}", pinyin_initials="j"
            )
            for i, unit in enumerate(units)
            for k in ("甲", "乙")
        ]
    )
    Position.objects.bulk_create(
        [
            Position(
                cadre=c,
                unit=c.current_unit,
                title="书记",
                principal=c.name[0] == "甲",
                start=date(2022, 1, 1),
            )
            for c in cadres
        ]
    )
    return roster


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        # session, user, count, page, principals and cadre counts of the page, filter options
        ("/org/units/", 8),
        ("/org/units/?category=1&q=cs", 9),
        # session, user, count, page, current positions of the page, filter options
        ("/org/cadres/", 7),
        ("/org/cadres/?q=j", 7),
        ("/org/categories/", 3),
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(
    client_for, bigger_roster, django_assert_max_num_queries, url, limit
):
    client = client_for("organiser")
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


def test_unit_detail_runs_a_fixed_number_of_queries(client_for, bigger_roster, django_assert_max_num_queries):
    client = client_for("organiser")
    with django_assert_max_num_queries(7):
        response = client.get(reverse("org:unit_detail", args=[bigger_roster["units"]["a"].pk]))
    assert response.content.decode().count("测试单位") == 60


def test_cadre_list_htmx_search_runs_five_queries(client_for, bigger_roster, django_assert_num_queries):
    client = client_for("organiser")
    with django_assert_num_queries(5):  # session, user, count, page, current positions of the page
        client.get(reverse("org:cadre_list"), {"q": "jia"}, HTTP_HX_REQUEST="true")


@pytest.mark.parametrize("url", ["/org/units/?page=2", "/org/cadres/?page=2"])
def test_list_pages_count_the_rows_once(client_for, bigger_roster, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("organiser")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert (
        sum("COUNT(" in query["sql"].upper() and "GROUP BY" not in query["sql"].upper() for query in queries)
        == 1
    )


# --- edits -----------------------------------------------------------------------------------------------


def test_organiser_creates_a_unit_with_its_team(client_for, roster):
    data = {
        "code": "DW09",
        "name": "南湖街道",
        "category": roster["categories"]["towns"].pk,
        "parent": "DW01",
    }
    response = client_for("organiser").post(reverse("org:unit_create"), data)
    unit = Unit.objects.get(code="DW09")
    assert response.status_code == 302 and response.url == reverse("org:unit_detail", args=[unit.pk])
    assert unit.parent == roster["units"]["a"] and unit.team
    assert AuditEntry.objects.filter(action="unit.create", object_id=str(unit.pk)).exists()


def test_organiser_edits_a_unit(client_for, roster):
    unit = roster["units"]["b"]
    data = {
        "code": "DW02",
        "name": "西山镇人民政府",
        "category": roster["categories"]["towns"].pk,
        "parent": "DW01",
    }
    response = client_for("organiser").post(reverse("org:unit_edit", args=[unit.pk]), data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (
        unit.name == "西山镇人民政府"
        and unit.parent == roster["units"]["a"]
        and unit.pinyin_initials == "xszrmzf"
    )


def test_unit_edit_form_is_filled_with_the_unit(client_for, roster):
    html = (
        client_for("organiser").get(reverse("org:unit_edit", args=[roster["units"]["a"].pk])).content.decode()
    )
    assert 'value="DW01"' in html and 'value="东城街道"' in html


def test_unit_create_form_prefills_the_parent_from_the_link(client_for, roster):
    html = client_for("organiser").get(reverse("org:unit_create"), {"parent": "DW01"}).content.decode()
    assert 'name="parent" value="DW01"' in html


def unit_data(roster, **changes):
    return {
        "code": "DW09",
        "name": "南湖街道",
        "category": roster["categories"]["towns"].pk,
        "parent": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "DW01"}, "code", "单位编码 DW01 已存在"),
        ({"code": "DW 09"}, "code", "编码“DW 09”不能包含空格"),
        ({"code": ""}, "code", "这个字段是必填项。"),
        ({"name": ""}, "name", "这个字段是必填项。"),
        ({"name": "名" * 101}, "name", "不超过 100 字符"),
        ({"category": "999"}, "category", "单位类别不存在"),
        ({"parent": "DW99"}, "parent", "单位编码 DW99 不存在"),
    ],
)
def test_unit_create_refuses_bad_input_with_a_chinese_message_on_the_field(
    client_for, roster, changes, field, message
):
    units, entries = Unit.objects.count(), AuditEntry.objects.count()
    response = client_for("organiser").post(reverse("org:unit_create"), unit_data(roster, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert (
        message.replace("“", "&ldquo;")[:6] in response.content.decode()
        or message in response.content.decode()
    )
    assert Unit.objects.count() == units and AuditEntry.objects.count() == entries


def test_unit_cannot_be_its_own_parent(client_for, roster):
    a = roster["units"]["a"]
    response = client_for("organiser").post(
        reverse("org:unit_edit", args=[a.pk]), unit_data(roster, code="DW01", parent="DW01")
    )
    assert "上级单位不能是本单位（DW01）" in response.context["form"].errors["parent"]


def test_unit_cannot_take_its_own_descendant_as_parent(client_for, roster):
    towns = roster["categories"]["towns"]
    a = roster["units"]["a"]
    child = make_unit("DW0101", "社区", towns, a)
    make_unit("DW010101", "网格", towns, child)
    response = client_for("organiser").post(
        reverse("org:unit_edit", args=[a.pk]),
        unit_data(roster, code="DW01", name="东城街道", parent="DW010101"),
    )
    assert response.context["form"].errors["parent"] == [
        "上级单位 DW010101 是 DW01 的下级单位，不能互为上下级"
    ]
    a.refresh_from_db()
    assert a.parent is None


def cadre_data(**changes):
    return {
        "code": "GB009",
        "name": "周文博",
        "gender": "男",
        "birth_month": "1976-11",
        "unit": "DW03",
        "title": "副局长",
        "principal": "",
        "start": "2023-05-04",
        **changes,
    }


def test_organiser_creates_a_cadre_with_the_first_position(client_for, roster):
    response = client_for("organiser").post(reverse("org:cadre_create"), cadre_data(principal="on"))
    cadre = Cadre.objects.get(code="GB009")
    assert response.url == reverse("org:cadre_detail", args=[cadre.pk])
    assert cadre.current_unit == roster["units"]["c"] and cadre.birth_month.isoformat() == "1976-11-01"
    position = cadre.positions.get()
    assert (position.title, position.principal, position.end) == ("副局长", True, None)


def test_cadre_create_form_prefills_the_unit_from_the_link(client_for, roster):
    html = client_for("organiser").get(reverse("org:cadre_create"), {"unit": "DW01"}).content.decode()
    assert 'name="unit" value="DW01"' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "GB001"}, "code", "干部编码 GB001 已存在"),
        ({"name": " "}, "name", "这个字段是必填项。"),
        ({"gender": "X"}, "gender", "性别只能是“男”或“女”，不能是 X"),
        ({"birth_month": "1976-13"}, "birth_month", "年月 1976-13 格式不对，应为 YYYY-MM，例如 1980-05"),
        ({"birth_month": "2999-01"}, "birth_month", "出生年月 2999-01 不在合理范围内"),
        ({"unit": "DW99"}, "unit", "单位编码 DW99 不存在"),
        ({"unit": ""}, "unit", "这个字段是必填项。"),
        ({"title": ""}, "title", "这个字段是必填项。"),
        ({"start": "2023-02-30"}, "start", "输入一个有效的日期。"),
    ],
)
def test_cadre_create_refuses_bad_input_with_a_chinese_message_on_the_field(
    client_for, roster, changes, field, message
):
    counts = Cadre.objects.count(), Position.objects.count(), AuditEntry.objects.count()
    response = client_for("organiser").post(reverse("org:cadre_create"), cadre_data(**changes))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert (Cadre.objects.count(), Position.objects.count(), AuditEntry.objects.count()) == counts


def test_organiser_edits_a_cadres_personal_fields(client_for, roster):
    cadre = roster["cadres"]["a2"]
    data = {"code": "GB002", "name": "李明远", "gender": "男", "birth_month": "1979-12"}
    assert client_for("organiser").post(reverse("org:cadre_edit", args=[cadre.pk]), data).status_code == 302
    cadre.refresh_from_db()
    assert (cadre.name, cadre.gender, cadre.birth_month.isoformat(), cadre.pinyin) == (
        "李明远",
        "男",
        "1979-12-01",
        "limingyuan",
    )


def test_cadre_edit_refuses_the_code_of_another_cadre(client_for, roster):
    cadre = roster["cadres"]["a2"]
    data = {"code": "GB001", "name": "李明", "gender": "男", "birth_month": ""}
    response = client_for("organiser").post(reverse("org:cadre_edit", args=[cadre.pk]), data)
    assert response.context["form"].errors["code"] == ["干部编码 GB001 已存在"]
    assert "has-error" in response.content.decode()


def test_organiser_moves_a_cadre_and_the_history_is_kept(client_for, roster):
    cadre = roster["cadres"]["a2"]
    data = {"unit": "DW02", "title": "镇长", "principal": "on", "start": "2024-03-01"}
    response = client_for("organiser").post(reverse("org:cadre_move", args=[cadre.pk]), data)
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.current_unit == roster["units"]["b"]
    old, new = cadre.positions.order_by("start")
    assert (old.unit.code, old.end.isoformat()) == ("DW01", "2024-03-01")
    assert (new.unit.code, new.title, new.principal, new.end) == ("DW02", "镇长", True, None)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"start": "2021-03-01"},
            "start",
            "新职务的任职时间 2021-03-01 必须晚于现任职务的任职时间 2021-03-01",
        ),
        (
            {"start": "2020-01-01"},
            "start",
            "新职务的任职时间 2020-01-01 必须晚于现任职务的任职时间 2021-03-01",
        ),
        ({"start": ""}, "start", "这个字段是必填项。"),
        ({"unit": "DW99"}, "unit", "单位编码 DW99 不存在"),
        ({"title": ""}, "title", "这个字段是必填项。"),
    ],
)
def test_cadre_move_refuses_bad_input(client_for, roster, changes, field, message):
    cadre = roster["cadres"]["a2"]
    data = {"unit": "DW02", "title": "镇长", "start": "2024-03-01", **changes}
    response = client_for("organiser").post(reverse("org:cadre_move", args=[cadre.pk]), data)
    assert message in response.context["form"].errors[field]
    assert cadre.positions.count() == 1 and cadre.positions.get().end is None


def test_organiser_corrects_the_current_position(client_for, roster):
    cadre = roster["cadres"]["a2"]
    response = client_for("organiser").post(
        reverse("org:position_edit", args=[cadre.pk]), {"title": "办事处主任（正科级）", "principal": "on"}
    )
    assert response.status_code == 302
    position = cadre.positions.get()
    assert (position.title, position.principal) == ("办事处主任（正科级）", True)


def test_position_edit_refuses_an_empty_title(client_for, roster):
    cadre = roster["cadres"]["a2"]
    response = client_for("organiser").post(reverse("org:position_edit", args=[cadre.pk]), {"title": "  "})
    assert response.context["form"].errors["title"] == ["这个字段是必填项。"]


def test_position_edit_of_a_cadre_without_position_sends_to_the_move_page(client_for, roster):
    cadre = Cadre.objects.create(code="GB099", name="无职务")
    response = client_for("organiser").get(reverse("org:position_edit", args=[cadre.pk]))
    assert response.status_code == 302 and response.url == reverse("org:cadre_move", args=[cadre.pk])


def test_organiser_creates_and_renames_a_category(client_for, roster):
    client = client_for("organiser")
    assert client.post(reverse("org:category_create"), {"name": "党群部门", "order": "3"}).status_code == 302
    category = UnitCategory.objects.get(name="党群部门")
    response = client.post(
        reverse("org:category_edit", args=[category.pk]), {"name": "党群工作部门", "order": "4"}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.order) == ("党群工作部门", 4)
    assert "党群工作部门" in client.get(reverse("org:category_list")).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "乡镇街道", "order": "1"}, "name", "单位类别「乡镇街道」已存在"),
        ({"name": "", "order": "1"}, "name", "这个字段是必填项。"),
        ({"name": "新类别", "order": "-1"}, "order", "确保该值大于或等于0。"),
        ({"name": "新类别", "order": "x"}, "order", "输入整数。"),
    ],
)
def test_category_form_refuses_bad_input(client_for, roster, data, field, message):
    response = client_for("organiser").post(reverse("org:category_create"), data)
    assert message in response.context["form"].errors[field]
    assert UnitCategory.objects.count() == 2
