"""The letter's points without their sources, and what a result calls for: plain Python, no database."""

from kaohe.feedback.points import due, letter_points, problems

GROUPS = ["上级", "同级", "服务对象"]


def test_sentences_naming_a_rater_group_are_dropped():
    text = "「同级」的评价低于「上级」15分。基层调研不够深入。注重听取服务对象的意见。"
    assert letter_points(text, GROUPS) == ["基层调研不够深入。"]


def test_ballot_counts_and_interview_markers_are_dropped():
    text = "有12票评为较差；个别谈话反映：沟通不够。谈话中有人提到会议多。重点项目推进偏慢"
    assert letter_points(text, GROUPS) == ["重点项目推进偏慢。"]


def test_a_plain_point_is_kept_whole_and_ends_with_a_full_stop():
    assert letter_points("加强调查研究；改进工作作风", []) == ["加强调查研究。", "改进工作作风。"]


def test_a_result_calls_for_actions_by_grade_and_flag():
    assert due("优秀", []) == ["等次「优秀」：嘉奖或记三等功"]
    assert due("称职", ["admonish", "tie"], {"admonish": "诫勉线以下"}) == ["标记「诫勉线以下」：诫勉谈话"]
    assert due("称职", ["probation"]) == []


def test_nothing_found_is_not_a_problem_to_rectify():
    assert problems("本次考核数据中未反映出明显不足。", GROUPS) == []


def test_the_statement_of_the_scores_is_not_a_problem_to_rectify():
    text = (
        "2024年度综合得分82.82分，在「乡镇街道」12个考核对象中排第10名，实绩得分80.10分。"
        "综合得分在同类考核对象中相对靠后。重点项目推进偏慢。"
    )
    assert problems(text, GROUPS) == ["综合得分在同类考核对象中相对靠后。", "重点项目推进偏慢。"]
