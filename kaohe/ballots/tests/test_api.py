"""The ballots API: templates, sessions, codes, the sitting, turnout, tallies and paper ballots typed twice,
through the same write functions and checks as the pages."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from conftest import make_user
from kaohe.audit.models import AuditEntry
from kaohe.ballots.models import Ballot, BallotTemplate, BallotToken, EvaluationSession, SessionStatus
from kaohe.ballots.paper_models import PaperEntry
from kaohe.ballots.tests.api_world import S, paper_body, send, signed_in, type_both, values
from kaohe.ballots.tests.conftest import template


def test_a_paper_session_runs_from_creation_to_its_tally_through_the_api(paper_api):
    pk, organiser = paper_api["pk"], paper_api["a"]
    for n in range(3):
        type_both(paper_api, f"P{n}", "上级")
        type_both(paper_api, f"Q{n}", "下级")
    home = organiser.get(f"{S}/{pk}/paper").json()
    assert home["entries"] == {"a": 6, "b": 6} and home["states"]["agree"] == 6
    done = send(organiser, "post", f"{S}/{pk}/paper/commit").json()
    assert done == {"ballots": 6, "marks": 12, "answers": 30, "pending": 0}
    assert not PaperEntry.objects.exists()
    closed = send(organiser, "post", f"{S}/{pk}/close", {"confirm": True})
    assert closed.status_code == 200 and closed.json()["status"] == "sealed"
    tally = organiser.get(f"{S}/{pk}/tally").json()
    assert tally["min_group"] == 3 and tally["ballots"] == 6
    assert tally["groups"] == {"上级": 3, "下级": 3}
    team, cadre = tally["targets"]
    assert team["code"] == "DW01" and team["groups"]["上级"] == {"良好": 3}
    assert cadre["total"] == {"称职": 6}
    seal = organiser.get(f"{S}/{pk}/seal").json()
    assert seal["intact"] is True and seal["seal"] == EvaluationSession.objects.get(pk=pk).seal


def test_the_session_list_and_detail_give_counts_and_targets(paper_api):
    pk, organiser = paper_api["pk"], paper_api["a"]
    listed = organiser.get(S).json()
    assert [(s["id"], s["kind"], s["targets"], s["ballots"]) for s in listed] == [(pk, "paper", 2, 0)]
    detail = organiser.get(f"{S}/{pk}").json()
    assert [t["unit_code"] or t["cadre_code"] for t in detail["target_list"]] == ["DW01", "GB001"]
    assert detail["groups"] == [{"name": "上级", "expected": 3}, {"name": "下级", "expected": 3}]
    assert [r["group"] for r in detail["turnout"]] == ["上级", "下级"]


def test_a_bad_session_is_refused_with_each_field_named_and_nothing_made(cycle, client_for):
    body = paper_body(groups=[{"name": "路人", "expected": 3}])
    body["targets"].append({"template_id": template("干部测评票").pk, "cadre_code": "NOPE"})
    body["targets"].append({"template_id": 999_999, "unit_code": "DW02"})
    answer = send(client_for("organiser"), "post", S, body)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert "NOPE" in errors["targets.2.cadre_code"][0]
    assert "999999" in errors["targets.3.template_id"][0]
    assert not EvaluationSession.objects.exists()
    answer = send(client_for("organiser"), "post", S, paper_body(groups=[{"name": "路人", "expected": 3}]))
    assert answer.status_code == 422 and "路人" in answer.json()["errors"]["groups"][0]
    assert not EvaluationSession.objects.exists()


def test_a_session_of_a_closed_phase_is_refused_by_the_gate(cycle, client_for):
    cycle.phase = "completed"
    cycle.save()
    answer = send(client_for("organiser"), "post", S, paper_body())
    # A conflict, as every refusal of the phase gate
    assert answer.status_code == 409 and "测评会不能再新增" in answer.json()["detail"]


def test_a_draft_is_changed_and_an_open_one_is_not(cycle, client_for):
    organiser = client_for("organiser")
    pk = send(organiser, "post", S, paper_body()).json()["id"]
    changed = send(organiser, "put", f"{S}/{pk}", paper_body(name="改名"))
    assert changed.status_code == 200 and changed.json()["name"] == "改名"
    send(organiser, "post", f"{S}/{pk}/open")
    refused = send(organiser, "put", f"{S}/{pk}", paper_body(name="再改"))
    assert refused.status_code == 422 and "只有未开始的测评会可以修改" in refused.json()["detail"]


def test_an_entry_with_a_bad_choice_names_the_target_and_question(paper_api):
    pk, fields = paper_api["pk"], paper_api["fields"]
    team_overall = next(f for f in fields if f["target"] == "东城街道" and f["question"] == "总体评价")
    reading = values(fields, "上级")
    reading[team_overall["key"]] = ["很好"]
    answer = send(paper_api["a"], "post", f"{S}/{pk}/paper/a/entries", {"number": "P1", "values": reading})
    assert answer.status_code == 422
    assert answer.json()["errors"][f"values.{team_overall['key']}"] == [
        "「东城街道」的「总体评价」：「很好」不是有效的选项（优秀、良好、一般、较差）"
    ]
    assert not PaperEntry.objects.exists()


def test_an_entry_without_a_group_or_with_an_unknown_field_is_refused(paper_api):
    pk, fields = paper_api["pk"], paper_api["fields"]
    reading = values(fields, "上级")
    del reading["group"]
    answer = send(paper_api["a"], "post", f"{S}/{pk}/paper/a/entries", {"number": "P1", "values": reading})
    assert answer.json()["errors"]["values.group"] == ["请选择评价人类别（一张票只有一个评价人类别）"]
    reading = {**values(fields, "上级"), "t0": ["优秀"]}
    answer = send(paper_api["a"], "post", f"{S}/{pk}/paper/a/entries", {"number": "P1", "values": reading})
    assert answer.status_code == 422 and "values.t0" in answer.json()["errors"]
    assert not PaperEntry.objects.exists()


def test_one_account_cannot_type_both_slots_nor_the_same_number_twice(paper_api):
    pk, fields = paper_api["pk"], paper_api["fields"]
    body = {"number": "P1", "values": values(fields, "上级")}
    assert send(paper_api["a"], "post", f"{S}/{pk}/paper/a/entries", body).status_code == 201
    again = send(paper_api["a"], "post", f"{S}/{pk}/paper/a/entries", body)
    assert again.status_code == 422 and "number" in again.json()["errors"]
    other = send(paper_api["a"], "post", f"{S}/{pk}/paper/b/entries", body)
    assert other.status_code == 422 and "同一张票须由两个人分别录入" in other.json()["errors"]["slot"][0]


def test_a_typist_corrects_and_deletes_their_entry(paper_api):
    pk, fields = paper_api["pk"], paper_api["fields"]
    send(
        paper_api["b"],
        "post",
        f"{S}/{pk}/paper/b/entries",
        {"number": "P1", "values": values(fields, "上级")},
    )
    corrected = send(
        paper_api["b"], "put", f"{S}/{pk}/paper/b/entries", {"number": "P1", "values": values(fields, "下级")}
    )
    assert corrected.status_code == 200
    assert PaperEntry.objects.get(number="P1").values["group"] == "下级"
    deleted = send(paper_api["b"], "post", f"{S}/{pk}/paper/b/entries/delete", {"number": "P1"})
    assert deleted.json() == {"slot": "b", "entries": 0}


def test_the_organiser_decides_a_difference_by_what_the_paper_says(paper_api):
    pk, fields, organiser = paper_api["pk"], paper_api["fields"], paper_api["a"]
    cadre = next(f for f in fields if f["target"] == "张思佳")
    type_both(
        paper_api,
        "P1",
        "上级",
        a=values(fields, "上级", 张思佳="优秀"),
        b=values(fields, "上级", 张思佳="称职"),
    )
    conflicts = organiser.get(f"{S}/{pk}/paper/conflicts").json()
    assert conflicts == [{"number": "P1", "state": "conflict", "fields": [cadre["key"]]}]
    wrong = send(
        organiser, "post", f"{S}/{pk}/paper/resolve", {"number": "P1", "values": {cadre["key"]: ["不称职"]}}
    )
    assert wrong.status_code == 422 and f"values.{cadre['key']}" in wrong.json()["errors"]
    right = send(
        organiser, "post", f"{S}/{pk}/paper/resolve", {"number": "P1", "values": {cadre["key"]: ["称职"]}}
    )
    assert right.json() == {"number": "P1", "decided": 1}
    assert send(organiser, "post", f"{S}/{pk}/paper/commit").json()["ballots"] == 1
    assert list(Ballot.objects.values_list("marks__choice", flat=True).order_by("marks__choice")) == [
        "称职",
        "良好",
    ]


def test_discarding_the_typing_asks_for_confirmation_first(paper_api):
    pk, organiser = paper_api["pk"], paper_api["a"]
    type_both(paper_api, "P1", "上级")
    asked = send(organiser, "post", f"{S}/{pk}/paper/discard")
    assert asked.status_code == 422 and "2 条录入" in asked.json()["errors"]["confirm"][0]
    assert PaperEntry.objects.count() == 2
    done = send(organiser, "post", f"{S}/{pk}/paper/discard", {"confirm": True})
    assert done.json() == {"entries": 2, "resolutions": 0, "typists": 2}


def test_the_organiser_imports_a_ballot_sheet_and_a_bad_one_names_its_cells(paper_api):
    import io

    from openpyxl import Workbook

    def book(rows) -> io.BytesIO:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "测评票"
        sheet.append(["票号", "评价人类别", "对象编码", "评价"])
        for row in rows:
            sheet.append(row)
        data = io.BytesIO()
        workbook.save(data)
        data.seek(0)
        data.name = "ballots.xlsx"
        return data

    pk, organiser = paper_api["pk"], paper_api["a"]
    bad = organiser.post(f"{S}/{pk}/paper/import", {"file": book([["X1", "路人", "DW01", "良好"]])})
    assert bad.status_code == 422 and "路人" in bad.json()["errors"]["file"][0]
    good = organiser.post(f"{S}/{pk}/paper/import", {"file": book([["X1", "上级", "DW01", "良好"]])})
    assert good.json() == {"ballots": 1, "marks": 1}


def test_an_online_session_gets_its_key_and_codes_once_and_closes_with_the_key(cycle, client_for):
    organiser = client_for("organiser")
    body = paper_body(name="扫码场", kind="online")
    pk = send(organiser, "post", S, body).json()["id"]
    key = send(organiser, "post", f"{S}/{pk}/key")
    assert key.status_code == 200 and key["Content-Type"].startswith("text/plain")
    private = next(line for line in key.content.decode().splitlines() if "KAOHE1" in line)
    again = send(organiser, "post", f"{S}/{pk}/key")
    assert again.status_code == 422 and "confirm" in again.json()["errors"]
    codes = send(organiser, "post", f"{S}/{pk}/codes", {"counts": {"上级": 3, "下级": 2}})
    assert codes.status_code == 200 and codes["Content-Type"] == "application/pdf"
    assert codes["X-Codes-Count"] == "5" and codes["X-Codes-Batch"] == "1"
    assert codes.content.startswith(b"%PDF")
    assert BallotToken.objects.filter(session_id=pk).count() == 5
    refused = send(organiser, "post", f"{S}/{pk}/codes", {"counts": {"路人": 1}})
    assert refused.status_code == 422 and "路人" in refused.json()["errors"]["counts"][0]
    assert send(organiser, "post", f"{S}/{pk}/open").json()["status"] == "open"
    # No ballot cast: closing needs no key; a wrong key is refused only when there are sealed ballots.
    closed = send(organiser, "post", f"{S}/{pk}/close", {"confirm": True, "opening_key": private})
    assert closed.json()["status"] == "sealed"


def test_closing_an_online_session_with_a_wrong_key_is_refused_under_opening_key(world, client_for):
    from kaohe.ballots import actions
    from kaohe.ballots.tests.conftest import filled

    actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(world["session"]))
    pk = world["session"].pk
    organiser = client_for("organiser")
    wrong = send(organiser, "post", f"{S}/{pk}/close", {"confirm": True, "opening_key": "KAOHE1-wrong"})
    assert wrong.status_code == 422 and "opening_key" in wrong.json()["errors"]
    assert EvaluationSession.objects.get(pk=pk).status == SessionStatus.OPEN
    right = send(organiser, "post", f"{S}/{pk}/close", {"confirm": True, "opening_key": world["opening_key"]})
    assert right.json()["status"] == "sealed" and right.json()["ballots"] == 1


def test_a_rehearsal_is_purged_back_to_a_formal_draft(cycle, client_for):
    organiser = client_for("organiser")
    pk = send(organiser, "post", S, paper_body(rehearsal=True)).json()["id"]
    send(organiser, "post", f"{S}/{pk}/open")
    send(organiser, "post", f"{S}/{pk}/close", {"confirm": True})
    assert EvaluationSession.objects.get(pk=pk).status == SessionStatus.CLOSED  # a rehearsal is not sealed
    purged = send(organiser, "post", f"{S}/{pk}/purge", {"confirm": True}).json()
    assert purged["session"]["status"] == "draft" and purged["session"]["rehearsal"] is False
    assert purged["deleted"]["ballots"] == 0


def test_a_session_is_voided_with_a_reason_after_confirmation(paper_api):
    pk, organiser = paper_api["pk"], paper_api["a"]
    asked = send(organiser, "post", f"{S}/{pk}/void", {"reason": "会场混乱"})
    assert asked.status_code == 422 and "confirm" in asked.json()["errors"]
    done = send(organiser, "post", f"{S}/{pk}/void", {"reason": "会场混乱", "confirm": True}).json()
    assert done["status"] == "void" and done["void_reason"] == "会场混乱"


def test_templates_are_listed_copied_and_a_copy_edited(cycle, client_for):
    organiser = client_for("organiser")
    listed = organiser.get("/api/ballots/templates").json()
    assert {"领导班子测评票", "干部测评票"} <= {t["name"] for t in listed}
    source = template("干部测评票")
    builtin = send(organiser, "put", f"/api/ballots/templates/{source.pk}", {"name": "x", "items": []})
    assert builtin.status_code == 422 and "内置测评表不能修改" in builtin.json()["detail"]
    copy = send(organiser, "post", f"/api/ballots/templates/{source.pk}/copy", {"name": "我的干部票"})
    assert copy.status_code == 201 and copy.json()["builtin"] is False
    pk = copy.json()["id"]
    items = [{"name": "德", "choices": ["好", "差"], "reason_for": ["差"]}]
    edited = send(organiser, "put", f"/api/ballots/templates/{pk}", {"name": "我的干部票", "items": items})
    assert edited.json()["items"] == [{**items[0], "required": True}]
    bad = send(
        organiser,
        "put",
        f"/api/ballots/templates/{pk}",
        {"name": "我的干部票", "items": [{"name": "德", "choices": ["好"]}]},
    )
    assert bad.status_code == 422 and "至少要有两个选项" in bad.json()["errors"]["items"][0]
    assert BallotTemplate.objects.get(pk=pk).items[0]["choices"] == ["好", "差"]


def test_an_assessor_follows_the_turnout_of_their_groups_sessions(paper_api, roster, cast):
    pk, organiser = paper_api["pk"], paper_api["a"]
    assessor = signed_in(cast["assessor"])
    assert assessor.get("/api/ballots/2025/turnout").json() == []
    assert assessor.get(f"{S}/{pk}/turnout").status_code == 404
    EvaluationSession.objects.filter(pk=pk).update(assessment_group=roster["group"])
    type_both(paper_api, "P1", "上级")
    send(organiser, "post", f"{S}/{pk}/paper/commit")
    turnout = assessor.get(f"{S}/{pk}/turnout").json()
    assert turnout["expected"] == 6 and turnout["received"] == 1
    assert turnout["groups"][0] == {"group": "上级", "expected": 3, "codes": 0, "ballots": 1}
    assert assessor.get(f"{S}/{pk}").status_code == 403  # the session itself is the organiser's


def test_only_typists_type_and_only_the_organiser_decides(paper_api, cast):
    pk, fields = paper_api["pk"], paper_api["fields"]
    body = {"number": "P1", "values": values(fields, "上级")}
    plain = signed_in(make_user("clerk2", "clerk", department=cast["clerk"].department))
    assert send(plain, "post", f"{S}/{pk}/paper/a/entries", body).status_code == 403
    assert plain.get(f"{S}/{pk}/paper").status_code == 403
    typist = paper_api["b"]
    assert typist.get(f"{S}/{pk}/paper").status_code == 200
    for path in ("paper/commit", "paper/resolve", "open"):
        assert send(typist, "post", f"{S}/{pk}/{path}", {"number": "P1", "values": {}}).status_code == 403
    assert typist.get(f"{S}/{pk}/paper/conflicts").status_code == 403
    assert AuditEntry.objects.filter(action__startswith="paper_").count() == 0


def test_an_assessor_given_the_permission_types_as_乙(paper_api, cast):
    assessor = cast["assessor"]
    assessor.user_permissions.add(Permission.objects.get(codename="type_paper_ballots"))
    pk, fields = paper_api["pk"], paper_api["fields"]
    body = {"number": "P1", "values": values(fields, "下级")}
    typed = send(signed_in(assessor), "post", f"{S}/{pk}/paper/b/entries", body)
    assert typed.status_code == 201 and typed.json() == {"slot": "b", "entries": 1}
    taken = send(paper_api["b"], "post", f"{S}/{pk}/paper/b/entries", {**body, "number": "P2"})
    assert taken.status_code == 422 and "录入员乙已由" in taken.json()["errors"]["slot"][0]


def test_the_session_list_costs_the_same_few_queries_for_many_sessions(
    cycle, client_for, django_assert_max_num_queries
):
    organiser = client_for("organiser")
    for n in range(5):
        assert send(organiser, "post", S, paper_body(name=f"第{n}场")).status_code == 201
    with django_assert_max_num_queries(4):  # login, account, cycle, sessions with counts
        assert len(organiser.get(S).json()) == 5
