"""ballot_submit: a filled ballot is stored in one transaction with its code consumed; every refusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kaohe.ballots import actions
from kaohe.ballots.models import (
    Ballot,
    BallotEnvelope,
    BallotItemAnswer,
    BallotToken,
    EvaluationSession,
    Mark,
)
from kaohe.ballots.tests.conftest import field_of, filled

pytestmark = pytest.mark.django_db


def stored() -> tuple[int, int, int, int]:
    """Ballots (sealed or opened), marks and answers (opened), codes used."""
    return (
        Ballot.objects.count() + BallotEnvelope.objects.count(),
        Mark.objects.count(),
        BallotItemAnswer.objects.count(),
        BallotToken.objects.filter(used=True).count(),
    )


def close(world) -> None:
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )


def test_a_filled_ballot_is_stored_with_its_marks_and_answers_and_consumes_the_code(world):
    session, code = world["session"], world["codes"]["下级"][0]
    data = filled(session, 张思佳="优秀")
    receipt = actions.ballot_submit(code=code, data=data)
    assert stored() == (1, 0, 0, 1)  # sealed until the session is closed with the organiser's key
    close(world)
    ballot = Ballot.objects.get()
    assert ballot.number == receipt and len(receipt) == 12
    assert ballot.rater_group == "下级" and ballot.session_id == session.pk
    marks = {(m.unit_id or m.cadre.name): m.choice for m in Mark.objects.select_related("cadre")}
    roster = world["roster"]
    assert marks == {roster["units"]["a"].pk: "良好", "张思佳": "优秀", "李明": "称职", "赵丽": "称职"}
    answers = sorted(BallotItemAnswer.objects.values_list("item", "choice"))
    assert len(answers) == 6  # five aspects of the team, one question on the promoted cadre
    assert ("对选拔任用该干部的看法", "认同") in answers
    assert stored() == (1, 4, 6, 1)


def test_a_code_typed_with_dashes_and_lower_case_is_accepted(world):
    code = world["codes"]["上级"][0]
    typed = "-".join(code[i : i + 4] for i in range(0, 16, 4)).lower()
    actions.ballot_submit(code=typed, data=filled(world["session"]))
    close(world)
    assert Ballot.objects.get().rater_group == "上级"


def test_a_used_code_is_refused_with_此测评码已使用(world):
    code = world["codes"]["下级"][0]
    actions.ballot_submit(code=code, data=filled(world["session"]))
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=code, data=filled(world["session"]))
    assert refused.value.message == "此测评码已使用" and refused.value.code == "used"
    assert stored() == (1, 0, 0, 1)


@pytest.mark.parametrize("code", ["", "XYZ", "0123456789ABCDEF", "U" * 16])
def test_an_unknown_or_malformed_code_is_refused(world, code):
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=code, data=filled(world["session"]))
    assert refused.value.code == "invalid" and "测评码无效" in refused.value.message
    assert stored() == (0, 0, 0, 0)


def test_a_missing_choice_is_refused_before_anything_is_stored(world):
    session = world["session"]
    data = filled(session)
    del data[field_of(session, "李明")]
    del data[field_of(session, "东城街道", item=2)]
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=data)
    errors = refused.value.errors
    assert errors[field_of(session, "李明")] == ["请为「李明」选择总体评价"]
    assert errors[field_of(session, "东城街道", item=2)] == ["请为「东城街道」的「工作实绩」选择评价"]
    assert stored() == (0, 0, 0, 0)


def test_more_excellent_cadres_than_the_limit_are_refused_before_anything_is_stored(world):
    session = world["session"]
    data = filled(session, 张思佳="优秀", 李明="优秀")
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=data)
    assert refused.value.errors[""] == [
        "本票评「优秀」的干部有 2 名，超过每票优秀上限 1 名；请减少到 1 名以内"
    ]
    assert stored() == (0, 0, 0, 0)


def test_a_team_graded_excellent_does_not_count_against_the_cadre_limit(world):
    session = world["session"]
    actions.ballot_submit(
        code=world["codes"]["下级"][0], data=filled(session, 东城街道="优秀", 张思佳="优秀")
    )
    assert stored() == (1, 0, 0, 1)


def test_a_choice_outside_the_scale_is_refused(world):
    session = world["session"]
    data = filled(session, 李明="良好")  # a team grade on a cadre
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=data)
    assert refused.value.errors[field_of(session, "李明")] == ["「良好」不是「李明」总体评价的有效选项"]
    assert stored() == (0, 0, 0, 0)


def test_不认同_without_a_reason_is_refused_and_with_one_is_stored(world):
    session = world["session"]
    data = filled(session)
    key = field_of(session, "钱伟", item=0)
    data[key] = "不认同"
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=data)
    assert refused.value.errors[f"{key}_r"] == [
        "「钱伟」的「对选拔任用该干部的看法」选择「不认同」时须填写理由"
    ]
    assert stored() == (0, 0, 0, 0)
    data[f"{key}_r"] = "任职经历不足"
    actions.ballot_submit(code=world["codes"]["下级"][0], data=data)
    close(world)
    answer = BallotItemAnswer.objects.get(item="对选拔任用该干部的看法")
    assert (answer.choice, answer.reason) == ("不认同", "任职经历不足")


def test_a_reason_typed_for_another_choice_is_not_stored(world):
    session = world["session"]
    data = filled(session)
    data[f"{field_of(session, '钱伟', item=0)}_r"] = "写了又改了主意"
    actions.ballot_submit(code=world["codes"]["下级"][0], data=data)
    close(world)
    assert BallotItemAnswer.objects.get(item="对选拔任用该干部的看法").reason == ""


def test_a_reason_longer_than_500_characters_is_refused(world):
    session = world["session"]
    data = filled(session)
    key = field_of(session, "钱伟", item=0)
    data[key], data[f"{key}_r"] = "不认同", "长" * 501
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=data)
    assert refused.value.errors[f"{key}_r"] == ["理由最多 500 字（现有 501 字）"]


def test_a_closed_session_refuses_ballots(world):
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(world["session"]))
    assert refused.value.message == "本次测评已结束"
    assert not BallotToken.objects.filter(used=True).exists()


def test_a_void_session_refuses_ballots(world):
    actions.session_void(actor=world["organiser"], session=world["session"], reason="场地变更")
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(world["session"]))
    assert refused.value.code == "closed"


def test_a_draft_session_refuses_ballots(world):
    EvaluationSession.objects.filter(pk=world["session"].pk).update(status="draft")
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(world["session"]))
    assert refused.value.message == "测评尚未开始"


def test_ballots_are_refused_before_the_opening_time_and_after_the_closing_time(world):
    session, now = world["session"], timezone.now()
    EvaluationSession.objects.filter(pk=session.pk).update(opens_at=now + timedelta(hours=1))
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(session))
    assert refused.value.message.startswith("测评尚未开始（")
    EvaluationSession.objects.filter(pk=session.pk).update(
        opens_at=None, closes_at=now - timedelta(minutes=1)
    )
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(session))
    assert refused.value.message == "本次测评已结束"
    assert stored() == (0, 0, 0, 0)


def test_a_rehearsal_code_is_refused_in_the_formal_run(world):
    # Only reachable by tampering: a purge deletes the rehearsal's codes. The check holds anyway.
    BallotToken.objects.filter(session=world["session"]).update(rehearsal=True)
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(world["session"]))
    assert refused.value.code == "invalid"
    assert stored() == (0, 0, 0, 0)
