"""Paper ballots typed twice: entries, comparison, decisions, commit and purge; the 测评票 sheet import."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from conftest import make_user
from kaohe.audit.models import AuditEntry
from kaohe.ballots import actions, paper, selectors
from kaohe.ballots.models import Ballot, BallotItemAnswer, Mark, SessionKind
from kaohe.ballots.paper_models import PaperEntry, PaperResolution, PaperTypist
from kaohe.ballots.tests.conftest import make_spec
from kaohe.workbook.sheets import WorkbookError


@pytest.fixture
def paper_world(roster, cast, cycle):
    organiser = cast["organiser"]
    session = actions.session_create(
        actor=organiser, cycle=cycle, spec=make_spec(roster, name="纸质场", kind=SessionKind.PAPER)
    )
    actions.session_open(actor=organiser, session=session)
    second = make_user("organiser2", "organiser")
    session.refresh_from_db()
    return {"session": session, "a": organiser, "b": second, "cast": cast, "roster": roster, "cycle": cycle}


def keys(session) -> dict[str, str]:
    """Form keys by target label: 东城街道 (team), 张思佳 李明 赵丽 (cadres), 钱伟 (promoted)."""
    found = {}
    for target in selectors.session_layout(session).targets:
        found[target.label] = target.field
    return found


def reading(session, group="下级", **overall) -> dict[str, object]:
    """A paper ballot as read: 良好 for the team and its aspects 好, 称职 for cadres, 认同 for 钱伟."""
    data: dict[str, object] = {"group": group}
    for target in selectors.session_layout(session).targets:
        if target.overall:
            data[target.field] = overall.get(target.label, [target.overall[1]])
        for index, item in enumerate(target.items):
            data[target.item_field(index)] = [item.choices[0]]
    return data


def type_both(world, number, a=None, b=None):
    session = world["session"]
    actions.paper_entry_save(
        actor=world["a"], session=session, slot="a", number=number, data=a or reading(session)
    )
    actions.paper_entry_save(
        actor=world["b"], session=session, slot="b", number=number, data=b or reading(session)
    )


def test_two_agreeing_entries_are_committed_as_one_ballot_and_purged(paper_world):
    session = paper_world["session"]
    type_both(paper_world, "P001")
    type_both(paper_world, "P002")
    done = actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    assert (done.ballots, done.marks, done.entries, done.pending) == (2, 8, 4, 0)
    assert Ballot.objects.filter(session=session).count() == 2
    assert set(Ballot.objects.values_list("number", "rater_group")) == {("P001", "下级"), ("P002", "下级")}
    assert Mark.objects.filter(ballot__session=session).count() == 8
    # five team aspects and one promoted-cadre item per ballot
    assert BallotItemAnswer.objects.filter(ballot__session=session).count() == 12
    assert not PaperEntry.objects.filter(session=session).exists()
    entry = AuditEntry.objects.filter(action="paper_ballots.commit").get()
    assert entry.after == {
        "ballots": 2,
        "marks": 8,
        "answers": 12,
        "entries_purged": 4,
        "resolutions_purged": 0,
        "pending": 0,
    }


def test_the_audit_log_never_holds_what_a_paper_ballot_says(paper_world):
    session = paper_world["session"]
    type_both(paper_world, "P001")
    actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    for entry in AuditEntry.objects.filter(action__startswith="paper_"):
        text = str(entry.before) + str(entry.after)
        assert "称职" not in text and "良好" not in text


def test_a_mismatch_is_shown_with_both_readings_and_blocks_only_that_ballot(paper_world):
    session = paper_world["session"]
    k = keys(session)
    type_both(paper_world, "P001")
    type_both(
        paper_world,
        "P002",
        a=reading(session, 张思佳=["优秀"]),
        b=reading(session, 张思佳=["称职"]),
    )
    overview = selectors.paper_overview(session)
    assert overview.counts["agree"] == 1 and overview.counts["conflict"] == 1
    conflict = overview.conflicts[0]
    assert conflict.number == "P002"
    [difference] = conflict.open_differences
    assert (difference.field.key, difference.field.target, difference.a_text, difference.b_text) == (
        k["张思佳"],
        "张思佳",
        "优秀",
        "称职",
    )
    done = actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    assert (done.ballots, done.pending) == (1, 1)
    assert PaperEntry.objects.filter(session=session, number="P002").count() == 2


def test_a_decided_mismatch_is_committed_with_the_chosen_reading(paper_world):
    session = paper_world["session"]
    k = keys(session)
    type_both(paper_world, "P002", a=reading(session, 张思佳=["优秀"]), b=reading(session, 张思佳=["称职"]))
    actions.paper_resolve(actor=paper_world["a"], session=session, number="P002", picks={k["张思佳"]: "b"})
    assert selectors.paper_overview(session).counts["resolved"] == 1
    done = actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    assert (done.ballots, done.resolutions) == (1, 1)
    cadre = paper_world["roster"]["cadres"]["a1"]
    assert Mark.objects.get(cadre=cadre).choice == "称职"
    assert not PaperResolution.objects.exists()


def test_a_decision_must_cover_every_difference(paper_world):
    session = paper_world["session"]
    type_both(
        paper_world,
        "P002",
        a=reading(session, 张思佳=["优秀"], 李明=["称职"]),
        b=reading(session, 张思佳=["称职"], 李明=["不称职"]),
    )
    with pytest.raises(ValidationError) as refused:
        actions.paper_resolve(
            actor=paper_world["a"], session=session, number="P002", picks={keys(session)["张思佳"]: "a"}
        )
    assert refused.value.messages == ["请为「李明」的「总体评价」选择以录入员甲或录入员乙的录入为准"]
    assert not PaperResolution.objects.exists()


def test_deciding_a_number_without_two_entries_or_without_differences_is_refused(paper_world):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["a"], session=session, slot="a", number="P1", data=reading(session)
    )
    with pytest.raises(ValidationError, match="还没有两份录入"):
        actions.paper_resolve(actor=paper_world["a"], session=session, number="P1", picks={})
    actions.paper_entry_save(
        actor=paper_world["b"], session=session, slot="b", number="P1", data=reading(session)
    )
    with pytest.raises(ValidationError, match="两份录入一致，无需裁定"):
        actions.paper_resolve(actor=paper_world["a"], session=session, number="P1", picks={})


def test_correcting_an_entry_drops_the_decision_and_compares_afresh(paper_world):
    session = paper_world["session"]
    k = keys(session)
    type_both(paper_world, "P002", a=reading(session, 张思佳=["优秀"]), b=reading(session, 张思佳=["称职"]))
    actions.paper_resolve(actor=paper_world["a"], session=session, number="P002", picks={k["张思佳"]: "a"})
    actions.paper_entry_save(
        actor=paper_world["b"],
        session=session,
        slot="b",
        number="P002",
        data=reading(session, 张思佳=["优秀"]),
        replace=True,
    )
    assert not PaperResolution.objects.exists()
    assert selectors.paper_overview(session).counts["agree"] == 1


def test_a_ballot_typed_by_one_typist_only_waits(paper_world):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["a"], session=session, slot="a", number="P9", data=reading(session)
    )
    overview = selectors.paper_overview(session)
    assert overview.counts["only_a"] == 1
    with pytest.raises(ValidationError, match="没有可计入的测评票"):
        actions.paper_ballots_commit(actor=paper_world["a"], session=session)


def test_what_the_paper_says_is_stored_even_beyond_the_excellent_limit_and_with_double_ticks(paper_world):
    """每票优秀上限 is 1 in the plan: the rules, not the typists, decide the ballot is invalid."""
    session = paper_world["session"]
    data = reading(session, 张思佳=["优秀"], 李明=["优秀"], 赵丽=["优秀", "称职"])
    type_both(paper_world, "P003", a=data, b=data)
    actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    cadres = paper_world["roster"]["cadres"]
    assert sorted(Mark.objects.filter(cadre=cadres["c1"]).values_list("choice", flat=True)) == [
        "优秀",
        "称职",
    ]
    assert Mark.objects.filter(choice="优秀").count() == 3


def test_a_blank_target_on_paper_gives_no_mark(paper_world):
    session = paper_world["session"]
    data = reading(session, 张思佳=[])
    type_both(paper_world, "P004", a=data, b=data)
    actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    assert not Mark.objects.filter(cadre=paper_world["roster"]["cadres"]["a1"]).exists()
    assert Mark.objects.count() == 3


def test_a_reason_is_stored_with_its_answer(paper_world):
    session = paper_world["session"]
    promoted = next(t for t in selectors.session_layout(session).targets if t.label == "钱伟")
    key = promoted.item_field(0)
    data = {**reading(session), key: ["不认同"], f"{key}_r": "  群众基础弱 "}
    type_both(paper_world, "P005", a=data, b=data)
    actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    answer = BallotItemAnswer.objects.get(choice="不认同")
    assert answer.reason == "群众基础弱"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"group": []}, "请选择评价人类别（一张票只有一个评价人类别）"),
        ({"group": ["上级", "下级"]}, "请选择评价人类别（一张票只有一个评价人类别）"),
        ({"group": ["群众"]}, "「评价人类别」：「群众」不是有效的选项（上级、同级、下级）"),
        ({"李明": ["优"]}, "「李明」的「总体评价」：「优」不是有效的选项（优秀、称职、基本称职、不称职）"),
    ],
)
def test_a_reading_with_an_impossible_value_is_refused_naming_the_field(paper_world, change, message):
    session = paper_world["session"]
    data = reading(session)
    k = keys(session)
    for name, value in change.items():
        data[k.get(name, name)] = value
    with pytest.raises(ValidationError) as refused:
        actions.paper_entry_save(actor=paper_world["a"], session=session, slot="a", number="P1", data=data)
    assert refused.value.messages == [message]
    assert not PaperEntry.objects.exists()


def test_a_reason_without_a_choice_or_too_long_is_refused(paper_world):
    session = paper_world["session"]
    promoted = next(t for t in selectors.session_layout(session).targets if t.label == "钱伟")
    key = promoted.item_field(0)
    data = {**reading(session), key: [], f"{key}_r": "理由"}
    with pytest.raises(ValidationError, match="已填写，但没有选择评价"):
        actions.paper_entry_save(actor=paper_world["a"], session=session, slot="a", number="P1", data=data)
    data = {**reading(session), key: ["不认同"], f"{key}_r": "长" * 501}
    with pytest.raises(ValidationError, match="最多 500 字"):
        actions.paper_entry_save(actor=paper_world["a"], session=session, slot="a", number="P1", data=data)


def test_the_two_entries_must_come_from_two_accounts(paper_world):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["a"], session=session, slot="a", number="P1", data=reading(session)
    )
    with pytest.raises(ValidationError, match="同一张票须由两个人分别录入"):
        actions.paper_entry_save(
            actor=paper_world["a"], session=session, slot="b", number="P1", data=reading(session)
        )
    actions.paper_entry_save(
        actor=paper_world["b"], session=session, slot="b", number="P1", data=reading(session)
    )
    third = make_user("organiser3", "organiser")
    with pytest.raises(ValidationError, match="录入员甲已由「organiser」担任"):
        actions.paper_entry_save(actor=third, session=session, slot="a", number="P2", data=reading(session))
    assert PaperTypist.objects.filter(session=session).count() == 2


def test_a_typist_cannot_type_one_number_twice_nor_correct_a_missing_one(paper_world):
    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["a"], session=session, slot="a", number="P1", data=reading(session)
    )
    with pytest.raises(ValidationError, match="你已录入过票号「P1」"):
        actions.paper_entry_save(
            actor=paper_world["a"], session=session, slot="a", number=" P1 ", data=reading(session)
        )
    with pytest.raises(ValidationError, match="没有你录入的票号「P2」"):
        actions.paper_entry_save(
            actor=paper_world["a"],
            session=session,
            slot="a",
            number="P2",
            data=reading(session),
            replace=True,
        )


def test_a_number_already_counted_or_blank_or_too_long_is_refused(paper_world):
    session = paper_world["session"]
    type_both(paper_world, "P1")
    actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    with pytest.raises(ValidationError, match="票号「P1」已计入测评票"):
        actions.paper_entry_save(
            actor=paper_world["a"], session=session, slot="a", number="P1", data=reading(session)
        )
    with pytest.raises(ValidationError, match="请填写票号"):
        actions.paper_entry_save(
            actor=paper_world["a"], session=session, slot="a", number=" ", data=reading(session)
        )
    with pytest.raises(ValidationError, match="超过 64 个字符"):
        actions.paper_entry_save(
            actor=paper_world["a"], session=session, slot="a", number="P" * 65, data=reading(session)
        )


def test_typing_is_refused_for_accounts_without_the_role_or_permission(paper_world):
    from django.contrib.auth.models import Permission

    session = paper_world["session"]
    assessor = paper_world["cast"]["assessor"]
    with pytest.raises(ValidationError, match="没有录入纸质测评票的权限"):
        actions.paper_entry_save(
            actor=assessor, session=session, slot="a", number="P1", data=reading(session)
        )
    assessor.user_permissions.add(Permission.objects.get(codename="type_paper_ballots"))
    assessor = type(assessor).objects.get(pk=assessor.pk)  # a fresh permission cache
    actions.paper_entry_save(actor=assessor, session=session, slot="a", number="P1", data=reading(session))
    assert PaperEntry.objects.count() == 1


def test_online_draft_and_closed_sessions_take_no_paper_entries(paper_world, world):
    online = world["session"]
    with pytest.raises(ValidationError, match="不是纸质测评"):
        actions.paper_entry_save(actor=paper_world["a"], session=online, slot="a", number="P1", data={})
    session = paper_world["session"]
    type_both(paper_world, "P1")
    actions.session_close(actor=paper_world["a"], session=session)
    for attempt in (
        lambda: actions.paper_entry_save(
            actor=paper_world["a"], session=session, slot="a", number="P2", data=reading(session)
        ),
        lambda: actions.paper_ballots_commit(actor=paper_world["a"], session=session),
        lambda: actions.paper_entry_delete(actor=paper_world["a"], session=session, slot="a", number="P1"),
    ):
        with pytest.raises(ValidationError, match="进行中的纸质测评会才能"):
            attempt()


def test_leftover_entries_of_a_closed_session_are_discarded_with_counts_in_the_audit_log(paper_world):
    session = paper_world["session"]
    type_both(paper_world, "P1")
    actions.session_close(actor=paper_world["a"], session=session)
    counts = actions.paper_entries_discard(actor=paper_world["a"], session=session)
    assert counts == {"entries": 2, "resolutions": 0, "typists": 2}
    assert AuditEntry.objects.get(action="paper_entries.discard").before == counts
    with pytest.raises(ValidationError, match="没有待清除的录入数据"):
        actions.paper_entries_discard(actor=paper_world["a"], session=session)


def test_an_entry_is_deleted_by_its_typist_or_an_organiser_only(paper_world):
    from django.contrib.auth.models import Permission

    session = paper_world["session"]
    actions.paper_entry_save(
        actor=paper_world["b"], session=session, slot="b", number="P1", data=reading(session)
    )
    clerk = paper_world["cast"]["clerk"]
    clerk.user_permissions.add(Permission.objects.get(codename="type_paper_ballots"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    with pytest.raises(ValidationError, match="只有该录入员本人或考核办"):
        actions.paper_entry_delete(actor=clerk, session=session, slot="b", number="P1")
    with pytest.raises(ValidationError, match="没有录入员甲录入的票号「P1」"):
        actions.paper_entry_delete(actor=paper_world["b"], session=session, slot="a", number="P1")
    actions.paper_entry_delete(actor=paper_world["a"], session=session, slot="b", number="P1")
    assert not PaperEntry.objects.exists()


# --- the 测评票 sheet -------------------------------------------------------------------------------------


def workbook(rows, header=("票号", "评价人类别", "对象编码", "评价"), sheet="测评票") -> io.BytesIO:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_ballot_sheet_is_imported_into_a_paper_session(paper_world):
    session = paper_world["session"]
    rows = [
        ("P1", "上级", "DW01", "优秀"),
        ("P1", "上级", "GB001", "称职"),
        ("P2", "下级", "GB002", "优秀"),
        ("P2", "下级", "GB002", "称职"),  # marked twice: stored; the rules void the ballot
    ]
    counts = actions.paper_ballots_import(actor=paper_world["a"], session=session, source=workbook(rows))
    assert counts == {"ballots": 2, "marks": 4}
    assert dict(Ballot.objects.values_list("number", "rater_group")) == {"P1": "上级", "P2": "下级"}
    assert Mark.objects.filter(unit=paper_world["roster"]["units"]["a"]).get().choice == "优秀"
    assert AuditEntry.objects.get(action="paper_ballots.import").after == counts


def test_a_bad_ballot_sheet_imports_nothing_and_names_every_problem(paper_world):
    session = paper_world["session"]
    type_both(paper_world, "P0")
    actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    rows = [
        ("P1", "上级", "DW01", "优秀"),
        ("P1", "下级", "GB001", "称职"),
        ("P2", "群众", "GB001", "称职"),
        ("P3", "上级", "DW02", "优秀"),
        ("P4", "上级", "GB005", "认同"),
        ("P5", "上级", "GB001", "良好"),
        ("P6", "上级", None, "称职"),
        ("P0", "上级", "GB001", "称职"),
    ]
    with pytest.raises(WorkbookError) as refused:
        actions.paper_ballots_import(actor=paper_world["a"], session=session, source=workbook(rows))
    assert [str(p) for p in refused.value.problems] == [
        "测评票 第3行 评价人类别: 票号「P1」在第2行为「上级」，一张票只能有一个评价人类别",
        "测评票 第4行 评价人类别: 「群众」不是本测评会的评价人类别（上级、同级、下级）",
        "测评票 第5行 对象编码: 「DW02」不是本测评会有总体评价的测评对象",
        "测评票 第6行 对象编码: 「GB005」不是本测评会有总体评价的测评对象",
        "测评票 第7行 评价: 「良好」不是有效的选项（优秀、称职、基本称职、不称职）",
        "测评票 第8行 对象编码: 不能为空",
        "测评票 第9行 票号: 「P0」已计入本测评会的测评票",
    ]
    assert Ballot.objects.filter(session=session).count() == 1
    assert not AuditEntry.objects.filter(action="paper_ballots.import").exists()


def test_a_workbook_without_the_ballot_sheet_or_its_columns_is_refused(paper_world):
    session = paper_world["session"]
    with pytest.raises(WorkbookError, match="缺少工作表「测评票」"):
        actions.paper_ballots_import(
            actor=paper_world["a"], session=session, source=workbook([], sheet="单位")
        )
    with pytest.raises(WorkbookError, match="缺少列「评价」"):
        actions.paper_ballots_import(
            actor=paper_world["a"],
            session=session,
            source=workbook([], header=("票号", "评价人类别", "对象编码")),
        )
    with pytest.raises(WorkbookError, match="没有测评票"):
        actions.paper_ballots_import(actor=paper_world["a"], session=session, source=workbook([]))
    with pytest.raises(WorkbookError, match="不是 Excel 或 WPS/LibreOffice 工作簿"):
        actions.paper_ballots_import(
            actor=paper_world["a"], session=session, source=io.BytesIO(b"not a workbook")
        )


def test_the_ballot_sheet_goes_only_into_an_open_paper_session(paper_world, world):
    rows = [("P1", "上级", "DW01", "优秀")]
    with pytest.raises(ValidationError, match="不是纸质测评"):
        actions.paper_ballots_import(actor=paper_world["a"], session=world["session"], source=workbook(rows))
    session = paper_world["session"]
    actions.session_close(actor=paper_world["a"], session=session)
    with pytest.raises(ValidationError, match="进行中的纸质测评会才能"):
        actions.paper_ballots_import(actor=paper_world["a"], session=session, source=workbook(rows))


def test_with_no_excellent_allowed_paper_still_records_it_and_the_rules_void_the_ballot(paper_world):
    from decimal import Decimal

    from kaohe.rules.democratic import excellent_allowed
    from kaohe.rules.model import ExcellentLimit, Rounding

    session = paper_world["session"]
    type(session).objects.filter(pk=session.pk).update(excellent_limit="30%")
    session.refresh_from_db()
    assert selectors.session_layout(session).excellent_allowed() == 0
    fields = {f.key: f for f in paper.paper_fields(selectors.session_layout(session), ["下级"])}
    assert "优秀" in fields[keys(session)["张思佳"]].choices  # the typist types what the paper says
    data = reading(session, 张思佳=["优秀"])
    type_both(paper_world, "P006", a=data, b=data)
    actions.paper_ballots_commit(actor=paper_world["a"], session=session)
    assert Mark.objects.filter(choice="优秀", cadre__isnull=False).count() == 1
    # The rules: 1 优秀 on a ballot of 3 cadres under 30% (0 allowed) makes it invalid.
    assert excellent_allowed(ExcellentLimit(percent=Decimal("0.3")), 3, Rounding.FLOOR) < 1
