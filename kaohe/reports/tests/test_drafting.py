"""Drafting from sentence templates: only what the data holds."""

from decimal import Decimal

from kaohe.reports.drafting import SECTIONS, Aspect, DraftInput, Interviews, LastYear, Note, RaterGroup, draft


def base(**changes):
    fields = dict(
        kind="cadre",
        year=2025,
        name="张思佳",
        unit="东城街道",
        pool="乡镇街道",
        grade="称职",
        composite=Decimal("88.5"),
        rank=2,
        pool_size=9,
    )
    fields.update(changes)
    return DraftInput(**fields)


def test_every_section_is_drafted():
    sections = draft(base())
    assert list(sections) == list(SECTIONS)
    assert "排第2名" in sections["主要成绩"]
    assert "建议评定为「称职」等次" in sections["评定等次建议"]


def test_rater_groups_absent_means_nothing_by_group():
    sections = draft(base(rater_groups=None))
    assert "评价人类别" not in "".join(sections.values())


def test_groups_aspects_notes_and_last_year_are_stated():
    d = base(
        rater_groups=[RaterGroup("上级", 4, Decimal(95)), RaterGroup("下级", 10, Decimal(82))],
        aspects=[Aspect("德", {"好": 9, "一般": 1}, 10), Aspect("能", {"好": 5, "一般": 5}, 10)],
        notes=[Note("扣分", "安全生产事故", Decimal(2))],
        last_year=LastYear(2024, "优秀", 1, 9),
    )
    text = "".join(draft(d).values())
    assert "上级95.00分（4票）" in text and "「能」方面评价相对较低" in text
    assert "扣分2.00分：安全生产事故" in text and "排名下降1位" in text


def test_interviews_and_lists_show_nothing_until_collected():
    text = "".join(draft(base()).values())
    assert "谈话" not in text
    heard = Interviews(5, problems=(("形式主义官僚主义", 3),))
    assert "个别谈话5人次，反映较多的问题：形式主义官僚主义3人次" in "".join(
        draft(base(kind="team", interviews=heard)).values()
    )


def test_pending_grade_is_left_to_the_committee():
    assert "待考核工作领导小组研究确定" in draft(base(grade="待定"))["评定等次建议"]


def test_rater_groups_are_shown_all_or_none_under_k():
    from kaohe.reports.selectors import _groups_shown

    democratic = {
        "score": "90",
        "valid": 7,
        "groups": {"上级": {"score": "95", "valid": 5}, "同级": {"score": "80", "valid": 2}},
    }
    assert _groups_shown(democratic, 3) is None  # 同级 has 2: showing 上级 alone would give 同级 away
    shown = _groups_shown(democratic, 2)
    assert [(g.name, g.ballots) for g in shown] == [("上级", 5), ("同级", 2)]
    assert (
        _groups_shown(
            {
                "score": "90",
                "valid": 5,
                "groups": {"上级": {"score": "95", "valid": 5}, "下级": {"score": "0", "valid": 0}},
            },
            3,
        )[0].name
        == "上级"
    )
