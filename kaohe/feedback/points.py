"""A letter's points from a report's section, with every trace of where a point came from removed. No Django.

The 综合分析报告 is written for the organisation: it may say which rater group rated how, with how many
ballots, what an interview said. A feedback letter goes to the person assessed, who must not learn who said
what. So a section is cut into sentences and a sentence is dropped when it names a rater group, gives a
count of ballots or votes, or marks an interview; what is left is stated without its source.
And for the ledger: which grades and flags call for a recorded action (``due``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# Words that tell where a point came from: the democratic evaluation's groups and counts, the interviews.
SOURCE_MARKERS = (
    "评价人类别",
    "测评得分为",
    "个别谈话",
    "谈话反映",
    "谈话中",
    "谈话人",
    "访谈",
    "座谈",
    "有人反映",
    "群众反映",
    "干部反映",
    "匿名",
)
_COUNT = re.compile(r"\d+\s*(票|张|人次|人)")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text or "") if s.strip(" 。！？；")]


def reveals_source(sentence: str, group_names: Iterable[str]) -> bool:
    if any(marker in sentence for marker in SOURCE_MARKERS):
        return True
    if _COUNT.search(sentence):
        return True
    return any(name and name in sentence for name in group_names)


def letter_points(text: str, group_names: Iterable[str]) -> list[str]:
    """The sentences of ``text`` that reveal no source, each ending with its punctuation."""
    names = [n for n in group_names if n]
    kept = []
    for sentence in sentences(text):
        if reveals_source(sentence, names):
            continue
        kept.append(sentence if sentence[-1] in "。！？；" else sentence + "。")
    return [s[:-1] + "。" if s.endswith("；") else s for s in kept]


# The drafting's words for "nothing found": not a problem to rectify.
NOTHING_FOUND = ("未反映出明显不足", "未发现明显问题")
# The drafting's statement of the scores (reports.drafting.scores) opens 存在不足 for a low rank: a fact the
# letter's result already gives, not a problem anyone can rectify; the sentence after it says what is low.
_SCORES = re.compile(r"^\d{4}年度综合得分")


def problems(text: str, group_names: Iterable[str]) -> list[str]:
    """A letter's problems: its points, less a sentence saying that none was found or stating the scores."""
    return [
        p
        for p in letter_points(text, group_names)
        if not any(m in p for m in NOTHING_FOUND) and not _SCORES.match(p)
    ]


# --- the ledger: what calls for an action ------------------------------------------------------------------

GRADE_ACTIONS = {
    "优秀": "嘉奖或记三等功",
    "基本称职": "诫勉谈话",
    "不称职": "组织调整",
    "一般": "约谈整改",
    "较差": "组织调整",
}
FLAG_ACTIONS = {
    "admonish": "诫勉谈话",
    "adjust": "组织调整",
    "bottom_rank": "约谈或调整",
    "veto": "问责处理",
    "third_class_merit": "记三等功",
}


def due(grade: str, flags: Iterable[str], labels: Mapping[str, str] | None = None) -> list[str]:
    """What a result calls for: 「等次「优秀」：嘉奖或记三等功」 and one line per actionable flag."""
    labels = labels or {}
    found = []
    if grade in GRADE_ACTIONS:
        found.append(f"等次「{grade}」：{GRADE_ACTIONS[grade]}")
    found += [
        f"标记「{labels.get(flag, flag)}」：{FLAG_ACTIONS[flag]}" for flag in flags if flag in FLAG_ACTIONS
    ]
    return found
