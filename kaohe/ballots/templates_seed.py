"""The built-in ballot templates (测评表), seeded by a data migration; organisers copy and adapt them.

Plain data, no Django: the migration and the tests read it.
"""

from __future__ import annotations

from typing import Any

ASPECT_CHOICES = ["好", "较好", "一般", "差"]
TEAM_ASPECTS = ["政治思想建设", "领导能力", "工作实绩", "党风廉政建设", "作风建设"]
CADRE_ASPECTS = ["德", "能", "勤", "绩", "廉"]
# What a unit's 主要负责人 is assessed on besides 德能勤绩廉 (抓班子带队伍、执行民主集中制、发挥表率作用).
PRINCIPAL_ITEMS = ["抓班子带队伍", "执行民主集中制", "发挥表率作用"]
PRINCIPAL_TEMPLATE = "主要负责人测评票"


def item(name: str, choices: list[str], reason_for: list[str] | None = None, required: bool = True):
    return {
        "name": name,
        "choices": list(choices),
        "reason_for": list(reason_for or []),
        "required": required,
    }


BUILTIN: list[dict[str, Any]] = [
    {
        "name": "领导班子测评票",
        "kind": "team",
        "items": [item(name, ASPECT_CHOICES) for name in TEAM_ASPECTS],
    },
    {"name": "干部测评票", "kind": "cadre", "items": []},
    {
        "name": "干部测评票（德能勤绩廉）",
        "kind": "cadre",
        "items": [item(name, ASPECT_CHOICES) for name in CADRE_ASPECTS],
    },
    {
        "name": PRINCIPAL_TEMPLATE,
        "kind": "cadre",
        "items": [item(name, ASPECT_CHOICES) for name in CADRE_ASPECTS + PRINCIPAL_ITEMS],
    },
    {
        "name": "选人用人工作评议表",
        "kind": "selection",
        "items": [item("选人用人工作总体评价", ["好", "较好", "一般", "差"])],
    },
    {
        "name": "新提拔干部评议表",
        "kind": "promoted",
        "items": [item("对选拔任用该干部的看法", ["认同", "基本认同", "不认同", "不了解"], ["不认同"])],
    },
    # 专项评议: the first item is the one its result is worked out on (its first two choices count as 满意)
    {
        "name": "服务质量评议表",
        "kind": "service",
        "items": [
            item("服务质量总体评价", ["满意", "较满意", "一般", "不满意"]),
            item("办事效率", ["满意", "较满意", "一般", "不满意"], required=False),
        ],
    },
    {
        "name": "重点项目评议表",
        "kind": "service",
        "items": [
            item("项目推进情况总体评价", ["好", "较好", "一般", "差"]),
            item("项目质量", ["好", "较好", "一般", "差"], required=False),
        ],
    },
]
