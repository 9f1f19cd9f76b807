"""Sessions: creation and its refusals, codes, opening, closing, sealing, voiding and the rehearsal purge."""

import pytest
from django.core.exceptions import ValidationError

from kaohe.audit.models import AuditEntry
from kaohe.ballots import actions, codes, envelope, selectors
from kaohe.ballots.digest import seal_intact, session_digest
from kaohe.ballots.models import (
    Ballot,
    BallotEnvelope,
    BallotItemAnswer,
    BallotToken,
    EvaluationSession,
    Mark,
    SessionStatus,
)
from kaohe.ballots.tests.conftest import filled, make_spec, template
from kaohe.plans.models import AssessmentPlan, Phase
from kaohe.results.inputs import cycle_assessment_input

pytestmark = pytest.mark.django_db


def refusal(call) -> list[str]:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.messages


def test_a_session_takes_the_plans_excellent_limit_and_its_rater_groups(cast, roster, cycle):
    session = actions.session_create(actor=cast["organiser"], cycle=cycle, spec=make_spec(roster))
    assert session.excellent_limit == "1" and session.status == SessionStatus.DRAFT
    assert [(g.name, g.expected) for g in selectors.session_groups(session)] == [
        ("上级", 2),
        ("同级", 3),
        ("下级", 5),
    ]
    entry = AuditEntry.objects.get(action="ballot_session.create")
    assert entry.after["targets"][0] == "领导班子测评票:DW01"


def test_a_rater_group_outside_the_plans_weights_is_refused(cast, roster, cycle):
    spec = make_spec(roster, groups=[("上级", 2), ("服务对象", 20)])
    messages = refusal(lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec))
    assert messages == ["评价人类别「服务对象」不在2025年度考核考核方案的评价人权重中（上级、同级、下级）"]
    assert not EvaluationSession.objects.exists()


def test_the_plans_own_rater_groups_are_accepted(cast, roster, cycle):
    AssessmentPlan.objects.filter(cycle=cycle).update(settings={"rater_group_weights": "上级=40,服务对象=60"})
    spec = make_spec(roster, groups=[("服务对象", 20)])
    session = actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec)
    assert session.excellent_limit == ""


def test_every_problem_of_a_session_is_reported_at_once(cast, roster, cycle):
    spec = make_spec(roster, name=" ", groups=[("上级", 2), ("上级", -1)], excellent_limit="很多")
    messages = refusal(lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec))
    assert "请填写测评会名称" in messages
    assert "评价人类别「上级」重复" in messages
    assert "评价人类别「上级」的应到人数「-1」须为不小于 0 的整数" in messages
    assert any(m.startswith("每票优秀上限：") for m in messages)


def test_a_target_not_assessed_in_the_cycle_is_refused(cast, roster, cycle):
    from kaohe.plans.models import AssessedCadre

    AssessedCadre.objects.filter(cadre=roster["cadres"]["c2"]).delete()
    messages = refusal(
        lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=make_spec(roster))
    )
    assert messages == ["「GB005 钱伟」不是2025年度考核的考核对象"]


def test_a_target_twice_on_one_ballot_is_refused(cast, roster, cycle):
    spec = make_spec(roster)
    spec = actions.SessionSpec(
        name="重复",
        targets=[
            *spec.targets,
            actions.TargetSpec(template("干部测评票（德能勤绩廉）"), cadre=roster["cadres"]["a1"]),
        ],
        groups=spec.groups,
    )
    messages = refusal(lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec))
    assert messages == ["「GB001 张思佳」的总体评价在一张票上出现两次"]


def test_a_template_of_the_wrong_kind_of_target_is_refused(cast, roster, cycle):
    spec = actions.SessionSpec(
        name="错配",
        targets=[actions.TargetSpec(template("干部测评票"), unit=roster["units"]["a"])],
        groups=[("上级", 1)],
    )
    assert refusal(lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec)) == [
        "测评表「干部测评票」的对象须是干部"
    ]


def test_a_session_without_targets_or_groups_or_with_a_taken_name_is_refused(cast, roster, cycle):
    actions.session_create(actor=cast["organiser"], cycle=cycle, spec=make_spec(roster))
    spec = actions.SessionSpec(name="第一场", targets=[], groups=[])
    messages = refusal(lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec))
    assert messages == [
        "2025年度考核已有名为「第一场」的测评会",
        "请至少设置一个评价人类别",
        "请至少选择一个测评对象",
    ]


def test_closing_time_before_opening_time_is_refused(cast, roster, cycle):
    from django.utils import timezone

    now = timezone.now()
    spec = make_spec(roster, opens_at=now, closes_at=now)
    assert refusal(lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=spec)) == [
        "截止时间须晚于开始时间"
    ]


def test_no_session_is_created_once_the_cycle_is_in_public_notice(cast, roster, cycle):
    cycle.phase = Phase.PUBLIC_NOTICE
    cycle.save()
    messages = refusal(
        lambda: actions.session_create(actor=cast["organiser"], cycle=cycle, spec=make_spec(roster))
    )
    assert messages == ["2025年度考核已进入公示阶段，测评会不能再新增、修改或开始。"]


def test_codes_are_stored_only_as_keyed_hashes_and_never_audited(world):
    code = world["codes"]["上级"][0]
    assert len(code) == 16 and set(code) <= set(codes.ALPHABET)
    stored = set(BallotToken.objects.values_list("hash", flat=True))
    assert codes.code_hash(code) in stored and code not in stored
    assert BallotToken.objects.count() == 10
    entry = AuditEntry.objects.get(action="ballot_session.codes_generate")
    assert entry.after == {"batch": 1, "rehearsal": False, "counts": {"上级": 2, "同级": 3, "下级": 5}}
    text = " ".join(str(e.after) + str(e.before) for e in AuditEntry.objects.all())
    assert not any(c in text for c in world["all_codes"])


def test_the_hash_depends_on_the_secret_key(world, settings):
    code = world["codes"]["上级"][0]
    before = codes.code_hash(code)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only"
    assert codes.code_hash(code) != before


def test_code_generation_refusals(world):
    session, organiser = world["session"], world["organiser"]
    assert refusal(
        lambda: actions.session_codes_generate(actor=organiser, session=session, counts={"上级": 0})
    ) == ["请至少为一个评价人类别生成一个测评码"]
    assert refusal(
        lambda: actions.session_codes_generate(actor=organiser, session=session, counts={"上级": 5001})
    ) == ["一次最多生成 5000 个测评码（本次 5001 个）"]
    assert refusal(
        lambda: actions.session_codes_generate(actor=organiser, session=session, counts={"群众": 3})
    ) == ["评价人类别「群众」不是本测评会的评价人类别"]
    actions.session_close(actor=organiser, session=session)
    assert refusal(
        lambda: actions.session_codes_generate(actor=organiser, session=session, counts={"上级": 1})
    ) == ["测评会「第一场」已结束，不能再生成测评码"]


def test_a_later_batch_of_codes_is_numbered_and_works(world):
    made = actions.session_codes_generate(
        actor=world["organiser"], session=world["session"], counts={"同级": 2}
    )
    assert {c.batch for c in made} == {2} and {c.group for c in made} == {"同级"}
    actions.ballot_submit(code=made[0].code, data=filled(world["session"]))
    actions.session_close(
        actor=world["organiser"], session=world["session"], opening_key=world["opening_key"]
    )
    assert Ballot.objects.get().rater_group == "同级"


def test_opening_needs_a_draft_with_codes(cast, roster, cycle):
    organiser = cast["organiser"]
    session = actions.session_create(actor=organiser, cycle=cycle, spec=make_spec(roster))
    assert refusal(lambda: actions.session_open(actor=organiser, session=session)) == [
        "请先生成测评码，再开始测评"
    ]
    actions.session_codes_generate(actor=organiser, session=session, counts={"上级": 1})
    assert refusal(lambda: actions.session_open(actor=organiser, session=session)) == [
        "请先生成并保管好开启密钥，再开始测评：结束测评时要用它开启计票"
    ]
    actions.session_key_issue(actor=organiser, session=session)
    actions.session_open(actor=organiser, session=session)
    assert refusal(lambda: actions.session_open(actor=organiser, session=session)) == [
        "测评会「第一场」进行中，只有未开始的测评会可以开始"
    ]
    assert refusal(lambda: actions.session_key_issue(actor=organiser, session=session)) == [
        "测评会「第一场」进行中，开始测评后不能更换开启密钥"
    ]


def test_only_a_draft_session_can_be_edited(world):
    spec = make_spec(world["roster"], name="改名")
    assert refusal(
        lambda: actions.session_update(actor=world["organiser"], session=world["session"], spec=spec)
    ) == ["测评会「第一场」进行中，只有未开始的测评会可以修改"]


def test_a_rater_group_with_codes_cannot_be_dropped(cast, roster, cycle):
    organiser = cast["organiser"]
    session = actions.session_create(actor=organiser, cycle=cycle, spec=make_spec(roster))
    actions.session_codes_generate(actor=organiser, session=session, counts={"下级": 1})
    spec = make_spec(roster, groups=[("上级", 2)])
    assert refusal(lambda: actions.session_update(actor=organiser, session=session, spec=spec)) == [
        "评价人类别「下级」已生成测评码，不能删除"
    ]
    spec = make_spec(roster, name="第一场（改）", groups=[("下级", 9)])
    updated = actions.session_update(actor=organiser, session=session, spec=spec)
    assert updated.name == "第一场（改）"
    assert [(g.name, g.expected) for g in selectors.session_groups(updated)] == [("下级", 9)]


def test_closing_then_sealing_writes_the_seal_to_the_audit_log(world):
    session, organiser = world["session"], world["organiser"]
    for code in world["codes"]["下级"][:3]:
        actions.ballot_submit(code=code, data=filled(session))
    actions.session_close(actor=organiser, session=session, opening_key=world["opening_key"])
    sealed = actions.session_archive(actor=organiser, session=session)
    assert sealed.status == SessionStatus.SEALED
    assert len(sealed.seal) == 64 and sealed.seal == session_digest(session.pk, "sha256")
    assert sealed.seal_algorithm == "sha256" and sealed.seal_shown == f"SHA-256: {sealed.seal}"
    entry = AuditEntry.objects.get(action="ballot_session.seal")
    assert entry.after["seal"] == sealed.seal and entry.after["seal_algorithm"] == "sha256"
    assert entry.after["counts"]["ballots"] == 3 and entry.after["counts"]["marks"] == 12


def test_the_seal_changes_when_a_ballot_changes(world):
    session = world["session"]
    for code in world["codes"]["下级"][:3]:
        actions.ballot_submit(code=code, data=filled(session))
    actions.session_close(actor=world["organiser"], session=session, opening_key=world["opening_key"])
    before = session_digest(session.pk, "sha256")
    Mark.objects.filter(cadre=world["roster"]["cadres"]["a2"]).first().delete()
    assert session_digest(session.pk, "sha256") != before


def _sealed(world, ballots: int = 3) -> EvaluationSession:
    session, organiser = world["session"], world["organiser"]
    for code in world["codes"]["下级"][:ballots]:
        actions.ballot_submit(code=code, data=filled(session))
    actions.session_close(actor=organiser, session=session, opening_key=world["opening_key"])
    return actions.session_archive(actor=organiser, session=session)


def test_in_guomi_mode_the_seal_is_sm3_and_says_so(world, settings):
    settings.CRYPTO_MODE = "guomi"
    sealed = _sealed(world)
    sealed.refresh_from_db()
    assert sealed.seal_algorithm == "sm3" and sealed.seal == session_digest(sealed.pk, "sm3")
    assert sealed.seal != session_digest(sealed.pk, "sha256")
    assert sealed.seal_shown == f"SM3: {sealed.seal}"
    entry = AuditEntry.objects.get(action="ballot_session.seal")
    assert (entry.after["seal"], entry.after["seal_algorithm"]) == (sealed.seal, "sm3")
    assert seal_intact(sealed)


@pytest.mark.parametrize(("sealed_in", "checked_in"), [("standard", "guomi"), ("guomi", "standard")])
def test_a_seal_verifies_with_its_own_algorithm_after_a_switch_of_mode(
    world, settings, sealed_in, checked_in
):
    settings.CRYPTO_MODE = sealed_in
    sealed = _sealed(world)
    settings.CRYPTO_MODE = checked_in
    sealed.refresh_from_db()
    assert seal_intact(sealed)
    assert sealed.seal_algorithm == {"standard": "sha256", "guomi": "sm3"}[sealed_in]


@pytest.mark.parametrize("mode", ["standard", "guomi"])
def test_a_changed_ballot_breaks_the_seal_in_either_mode(world, settings, mode):
    settings.CRYPTO_MODE = mode
    sealed = _sealed(world)
    assert seal_intact(sealed)
    Mark.objects.filter(cadre=world["roster"]["cadres"]["a2"]).first().delete()
    assert not seal_intact(sealed)


def test_a_seal_relabelled_with_the_other_algorithm_fails(world):
    sealed = _sealed(world)
    sealed.seal_algorithm = "sm3"
    assert not seal_intact(sealed)


def test_closing_opens_the_sealed_ballots_and_deletes_the_envelopes_and_the_public_key(world):
    session, organiser = world["session"], world["organiser"]
    for code in world["codes"]["下级"]:
        actions.ballot_submit(code=code, data=filled(session))
    assert not Ballot.objects.exists() and BallotEnvelope.objects.filter(session=session).count() == 5
    actions.session_close(actor=organiser, session=session, opening_key=world["opening_key"])
    assert not BallotEnvelope.objects.exists()
    assert Ballot.objects.filter(session=session, rater_group="下级").count() == 5
    assert Mark.objects.filter(ballot__session=session).count() == 20
    assert BallotToken.objects.filter(used=True).count() == 5
    session.refresh_from_db()
    assert session.opening_public_key == ""
    audit = AuditEntry.objects.get(action="ballot_session.close")
    assert audit.after["counts"]["ballots"] == 5 and audit.after["counts"]["sealed"] == 0


def test_closing_without_the_right_key_changes_nothing(world):
    session, organiser = world["session"], world["organiser"]
    actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(session))
    other, _public = envelope.new_key_pair()
    assert refusal(lambda: actions.session_close(actor=organiser, session=session)) == [
        "请填写本测评会的开启密钥：网上测评票已密封，只有用它才能开启计票"
    ]
    assert refusal(lambda: actions.session_close(actor=organiser, session=session, opening_key=other)) == [
        "这不是本测评会的开启密钥"
    ]
    assert refusal(
        lambda: actions.session_close(actor=organiser, session=session, opening_key="KAOHE1 ABCD 1890")
    ) == ["开启密钥格式不对：只应有字母 A–Z 和数字 2–7"]
    assert BallotEnvelope.objects.count() == 1 and not Ballot.objects.exists()
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    # Typed back from paper: lower case, line breaks, without the prefix.
    typed = world["opening_key"].removeprefix("KAOHE1").lower().replace(" ", "\n")
    actions.session_close(actor=organiser, session=session, opening_key=typed)
    assert Ballot.objects.count() == 1


def test_refusals_of_closing_sealing_and_reopening(world):
    session, organiser = world["session"], world["organiser"]
    assert refusal(lambda: actions.session_archive(actor=organiser, session=session)) == [
        "测评会「第一场」进行中，只有已结束的测评会可以封存"
    ]
    actions.session_close(actor=organiser, session=session)
    assert refusal(lambda: actions.session_close(actor=organiser, session=session)) == [
        "测评会「第一场」已结束，只有进行中的测评会可以结束"
    ]
    actions.session_archive(actor=organiser, session=session)
    assert refusal(lambda: actions.session_open(actor=organiser, session=session)) == [
        "测评会「第一场」已封存，只有未开始的测评会可以开始"
    ]
    assert refusal(lambda: actions.session_archive(actor=organiser, session=session)) == [
        "测评会「第一场」已封存，只有已结束的测评会可以封存"
    ]


def test_a_sealed_session_can_only_be_voided_with_a_reason_and_then_stops_counting(world):
    session, organiser = world["session"], world["organiser"]
    actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(session))
    actions.session_close(actor=organiser, session=session, opening_key=world["opening_key"])
    actions.session_archive(actor=organiser, session=session)
    assert len(cycle_assessment_input(world["cycle"]).marks) == 4
    assert refusal(lambda: actions.session_void(actor=organiser, session=session, reason=" ")) == [
        "请填写作废原因"
    ]
    voided = actions.session_void(actor=organiser, session=session, reason="测评组织不规范")
    assert voided.status == SessionStatus.VOID and voided.void_reason == "测评组织不规范"
    assert cycle_assessment_input(world["cycle"]).marks == []
    assert refusal(lambda: actions.session_void(actor=organiser, session=session, reason="再次")) == [
        "测评会「第一场」已作废"
    ]
    assert refusal(lambda: actions.session_open(actor=organiser, session=session)) == [
        "测评会「第一场」已作废，只有未开始的测评会可以开始"
    ]


def test_the_marks_of_a_session_feed_the_rules_engine_once_it_is_closed(cast, world):
    session = world["session"]
    actions.ballot_submit(code=world["codes"]["上级"][0], data=filled(session, 张思佳="优秀"))
    assert cycle_assessment_input(world["cycle"]).marks == []  # an open session would leak by difference
    actions.session_close(actor=cast["organiser"], session=session, opening_key=world["opening_key"])
    marks = cycle_assessment_input(world["cycle"]).marks
    assert sorted((m.rater_group, m.target, m.choice) for m in marks) == [
        ("上级", "DW01", "良好"),
        ("上级", "GB001", "优秀"),
        ("上级", "GB002", "称职"),
        ("上级", "GB004", "称职"),
    ]


def rehearse(cast, roster, cycle):
    organiser = cast["organiser"]
    session = actions.session_create(actor=organiser, cycle=cycle, spec=make_spec(roster, rehearsal=True))
    made = actions.session_codes_generate(actor=organiser, session=session, counts={"上级": 2, "下级": 3})
    actions.session_key_issue(actor=organiser, session=session)
    actions.session_open(actor=organiser, session=session)
    for new in made[:4]:
        actions.ballot_submit(code=new.code, data=filled(session))
    return session, made


def test_a_rehearsals_ballots_never_count_and_are_purged_provably_before_the_formal_run(cast, roster, cycle):
    organiser = cast["organiser"]
    session, made = rehearse(cast, roster, cycle)
    assert BallotEnvelope.objects.filter(session=session).count() == 4
    assert cycle_assessment_input(cycle).marks == []  # a rehearsal never counts
    deleted = actions.session_rehearsal_purge(actor=organiser, session=session)
    assert deleted == {"ballots": 0, "sealed": 4, "marks": 0, "answers": 0, "codes": 5, "codes_used": 4}
    # Zero remain: no ballot, mark, answer or code of the session.
    assert not Ballot.objects.filter(session=session).exists()
    assert not Mark.objects.filter(ballot__session=session).exists()
    assert not BallotItemAnswer.objects.filter(ballot__session=session).exists()
    assert not BallotToken.objects.filter(session=session).exists()
    assert not BallotEnvelope.objects.filter(session=session).exists()
    entry = AuditEntry.objects.get(action="ballot_session.rehearsal_purge")
    assert entry.before["counts"] == deleted
    assert entry.after["counts"] == {
        "ballots": 0,
        "sealed": 0,
        "marks": 0,
        "answers": 0,
        "codes": 0,
        "codes_used": 0,
    }
    session.refresh_from_db()
    assert (session.rehearsal, session.status, session.opening_public_key) == (False, SessionStatus.DRAFT, "")
    # The rehearsal's codes are gone with it.
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_submit(code=made[4].code, data=filled(session))
    assert refused.value.code == "invalid"
    # The formal run: new codes, and its ballots count.
    formal = actions.session_codes_generate(actor=organiser, session=session, counts={"下级": 1})
    key = actions.session_key_issue(actor=organiser, session=session)
    actions.session_open(actor=organiser, session=session)
    actions.ballot_submit(code=formal[0].code, data=filled(session))
    actions.session_close(actor=organiser, session=session, opening_key=key)
    assert len(cycle_assessment_input(cycle).marks) == 4


def test_a_rehearsal_cannot_be_sealed_and_only_a_rehearsal_can_be_purged(cast, roster, cycle, world):
    organiser = cast["organiser"]
    assert refusal(lambda: actions.session_rehearsal_purge(actor=organiser, session=world["session"])) == [
        "测评会「第一场」不是演练"
    ]
    rehearsal = actions.session_create(
        actor=organiser, cycle=cycle, spec=make_spec(roster, name="演练", rehearsal=True)
    )
    actions.session_codes_generate(actor=organiser, session=rehearsal, counts={"上级": 1})
    actions.session_key_issue(actor=organiser, session=rehearsal)
    actions.session_open(actor=organiser, session=rehearsal)
    actions.session_close(actor=organiser, session=rehearsal)
    assert refusal(lambda: actions.session_archive(actor=organiser, session=rehearsal)) == [
        "演练测评会不能封存；演练结束后请清除演练数据"
    ]
    actions.session_void(actor=organiser, session=rehearsal, reason="不用了")
    assert refusal(lambda: actions.session_rehearsal_purge(actor=organiser, session=rehearsal)) == [
        "测评会「演练」已作废，不能清除"
    ]


def test_a_formal_run_does_not_start_while_rehearsal_data_remains(cast, roster, cycle):
    organiser = cast["organiser"]
    session, _made = rehearse(cast, roster, cycle)
    # Tampering: the flag turned off by hand, without the purge.
    EvaluationSession.objects.filter(pk=session.pk).update(rehearsal=False, status="draft")
    actions.session_codes_generate(actor=organiser, session=session, counts={"上级": 1})
    assert refusal(lambda: actions.session_open(actor=organiser, session=session)) == [
        "测评会还有演练数据（测评票 4 张、演练码 5 个），请先清除"
    ]


def test_an_envelope_changed_in_the_database_stops_the_close_and_nothing_is_stored(world):
    session = world["session"]
    actions.ballot_submit(code=world["codes"]["下级"][0], data=filled(session))
    envelope_row = BallotEnvelope.objects.get()
    sealed = bytearray(bytes(envelope_row.sealed))
    sealed[-1] ^= 1
    BallotEnvelope.objects.filter(pk=envelope_row.pk).update(sealed=bytes(sealed))
    assert refusal(
        lambda: actions.session_close(
            actor=world["organiser"], session=session, opening_key=world["opening_key"]
        )
    ) == ["有密封测评票未通过校验（可能被改动过），测评会没有结束；请保留数据库并联系系统管理员"]
    assert BallotEnvelope.objects.count() == 1 and not Ballot.objects.exists()


def test_the_tally_page_shows_the_seals_algorithm_and_checks_it_with_that_algorithm(
    world, settings, client_for
):
    from django.urls import reverse

    settings.CRYPTO_MODE = "guomi"
    sealed = _sealed(world, ballots=5)
    settings.CRYPTO_MODE = "standard"
    client = client_for("organiser")
    url = reverse("ballots:session_tally", kwargs={"year": world["cycle"].year, "pk": sealed.pk})
    page = client.get(url).content.decode()
    assert f"SM3: {sealed.seal}" in page and "与现存测评票一致" in page
    detail = reverse("ballots:session_detail", kwargs={"year": world["cycle"].year, "pk": sealed.pk})
    assert f"SM3: {sealed.seal}" in client.get(detail).content.decode()
    Mark.objects.filter(cadre=world["roster"]["cadres"]["a2"]).first().delete()
    assert "与现存测评票不一致" in client.get(url).content.decode()
