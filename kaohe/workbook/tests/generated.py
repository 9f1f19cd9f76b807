"""A generated mid-size assessment workbook that uses every sheet and most settings, for round-trip tests.

Deterministic for a seed. Ballots include void ones (too many 优秀, a target marked twice); scores have
decimals; there are vetoes, sanctions, bonuses and deductions on units and cadres, and earlier grades.
"""

from __future__ import annotations

import random

from kaohe.workbook.tests.books import Sheets

CATEGORIES = ("乡镇街道", "党群部门", "政府部门")
INDICATORS = (
    ("ZB1", "经济发展", 40),
    ("ZB2", "社会事业", 30),
    ("ZB3", "党的建设", 20),
    ("ZB4", "安全稳定", 10),
)
GROUPS = {"上级": 3, "同级": 5, "下级": 6}
CADRE_CHOICES = ("优秀", "称职", "基本称职", "不称职")
TEAM_CHOICES = ("优秀", "良好", "一般", "较差")


def generated_book(
    seed: int = 2025, units: int = 24, cadres_per_unit: int = 5, indicators: bool = True
) -> Sheets:
    rng = random.Random(seed)
    settings = [
        ["参数", "值"],
        ["年度", 2025],
        ["班子优秀比例", "30%"],
        ["干部名额池", "单位类别"],
        ["名额取整", "四舍五入"],
        ["诫勉线", "2/3"],
        ["每票优秀上限", "40%"],
        ["评价人权重", "上级=30,同级=30,下级=40"],
        ["加分上限", 3],
        ["最少有效票", 5],
        ["干部基本称职线", 60],
        ["一票否决效果", "最低等次"],
    ]
    unit_rows = [
        ["单位编码", "单位名称", "单位类别", "先进单位", "指标考评", "公众评议", "领导评价", "一票否决"]
    ]
    cadre_rows = [
        ["干部编码", "姓名", "单位编码", "职务", "主要负责人", "平时考核", "领导评价", "试用期", "立案未结"]
        + ["一票否决", "表现突出"]
    ]
    indicator_rows = [["单位类别", "指标编码", "指标名称", "权重"]]
    score_rows = [["单位编码", "指标编码", "得分"]]
    sanction_rows = [["干部编码", "处分", "年度"]]
    adjustment_rows = [["对象编码", "类型", "分值", "原因"]]
    prior_rows = [["对象编码", "年度", "等次"]]
    ballot_rows = [["票号", "评价人类别", "对象编码", "评价"]]
    if indicators:
        for category in sorted({CATEGORIES[u % len(CATEGORIES)] for u in range(1, units + 1)}):
            for code, name, weight in INDICATORS:
                indicator_rows.append([category, code, name, weight])

    for u in range(1, units + 1):
        code = f"DW{u:03d}"
        category = CATEGORIES[u % len(CATEGORIES)]
        unit_rows.append(
            [
                code,
                f"单位{u}",
                category,
                "是" if rng.random() < 0.2 else None,
                None if indicators else round(rng.uniform(70, 99), 2),
                round(rng.uniform(70, 99), 1) if rng.random() < 0.8 else None,
                rng.randint(70, 99) if rng.random() < 0.8 else None,
                "安全生产" if rng.random() < 0.08 else None,
            ]
        )
        if indicators:
            for indicator, _, _ in INDICATORS:
                score_rows.append([code, indicator, round(rng.uniform(60, 100), 1)])
        if rng.random() < 0.3:
            adjustment_rows.append(
                [code, rng.choice(("加分", "扣分")), rng.choice((0.5, 1, 2.25)), "督查通报"]
            )
        if rng.random() < 0.4:
            prior_rows.append([code, 2024, rng.choice(TEAM_CHOICES)])
        cadres = []
        for i in range(cadres_per_unit):
            cadre = f"GB{u:03d}{i}"
            cadres.append(cadre)
            cadre_rows.append(
                [
                    cadre,
                    f"干部{u}-{i}",
                    code,
                    "书记" if i == 0 else "副职",
                    "是" if i == 0 else None,
                    round(rng.uniform(70, 99), 2) if rng.random() < 0.9 else None,
                    rng.randint(70, 99) if rng.random() < 0.7 else None,
                    "是" if rng.random() < 0.04 else None,
                    "是" if rng.random() < 0.03 else None,
                    "违反规定" if rng.random() < 0.03 else None,
                    "抗洪抢险" if rng.random() < 0.08 else None,
                ]
            )
            if rng.random() < 0.06:
                sanction_rows.append(
                    [cadre, rng.choice(("诫勉", "政务记过", "政务记大过")), rng.choice((2023, 2024, 2025))]
                )
            if rng.random() < 0.15:
                adjustment_rows.append(
                    [cadre, rng.choice(("加分", "扣分")), rng.choice((0.5, 1, 4)), "专项工作"]
                )
            if rng.random() < 0.4:
                prior_rows.append([cadre, 2024, rng.choice(CADRE_CHOICES)])
                prior_rows.append([cadre, 2023, rng.choice(CADRE_CHOICES)])
        number = 0
        for group, count in GROUPS.items():
            for _ in range(count):
                number += 1
                ballot = f"{code}-{number:02d}"
                ballot_rows.append([ballot, group, code, rng.choices(TEAM_CHOICES, (35, 50, 12, 3))[0]])
                spoiled = rng.random()
                for cadre in cadres:
                    picked = "优秀" if spoiled < 0.05 else rng.choices(CADRE_CHOICES, (30, 55, 12, 3))[0]
                    ballot_rows.append([ballot, group, cadre, picked])
                if 0.05 <= spoiled < 0.08:  # the same cadre marked twice
                    ballot_rows.append([ballot, group, cadres[-1], "称职"])

    book: Sheets = {"参数": settings, "单位": unit_rows, "干部": cadre_rows}
    if indicators:
        book["指标"] = indicator_rows
        book["指标得分"] = score_rows
    book.update(
        {"处分": sanction_rows, "加减分": adjustment_rows, "测评票": ballot_rows, "往年等次": prior_rows}
    )
    return book
