"""Demo data: the fictional 示例市 (about 80 units, 600 cadres) or a province (5,000 / 50,000).

`build_roster` is pure: from a scale and a seed it builds plain rows, the same rows for the same seed.
`demo_load` writes them in one transaction with bulk inserts (so it is fast enough for benchmarks),
creates the demo accounts and records one audit entry.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import transaction

from kaohe.accounts.actors import Actor, SystemActor

DEMO = SystemActor("kaohe demo")  # who loaded the demo data, in the audit log
DEMO_PASSWORD = "kaohe-demo"  # noqa: S105 — shown in the README, for the demo accounts only
DEFAULT_SEED = 2025
SCALES = ("city", "province")
CYCLE_YEAR = 2025
CYCLE_NAME = "2025年度考核"
GROUP_NAMES = ("第一考核组", "第二考核组", "第三考核组")
CITY = "示例市"
BATCH = 5000

# Categories in display order. 县（市、区） are the districts and counties the towns belong to.
COUNTY, TOWN, PARTY, GOVERNMENT, INSTITUTION, ENTERPRISE = (
    "县（市、区）",
    "乡镇街道",
    "党群部门",
    "政府部门",
    "事业单位",
    "国有企业",
)
CATEGORIES = (COUNTY, TOWN, PARTY, GOVERNMENT, INSTITUTION, ENTERPRISE)


# ---------------------------------------------------------------- plain rows


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    category: str
    parent_code: str | None
    kind: str  # which set of posts the unit has: see _POSTS


@dataclass(frozen=True)
class PositionRow:
    unit_code: str
    title: str
    principal: bool
    start: date
    end: date | None = None


@dataclass(frozen=True)
class CadreRow:
    code: str
    name: str
    gender: str
    birth_month: date
    positions: tuple[PositionRow, ...]  # oldest first; the last one is current

    @property
    def current(self) -> PositionRow:
        return self.positions[-1]


@dataclass(frozen=True)
class DepartmentRow:
    code: str
    name: str
    unit_code: str


@dataclass
class DemoRoster:
    units: list[UnitRow] = field(default_factory=list)
    cadres: list[CadreRow] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)  # group name → unit codes
    liaison_unit_code: str = ""
    cadre_account_code: str = ""  # the cadre the demo-cadre account is linked to


# ---------------------------------------------------------------- names

# Common surnames, most frequent first; earlier ones are drawn more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = tuple(1 / (rank + 8) for rank in range(len(SURNAMES)))
GIVEN_NEUTRAL = "文晓海宇子家明小新书学东天金"
GIVEN_FIRST_MALE = GIVEN_NEUTRAL + "建志国永立德振启向光俊"
GIVEN_FIRST_FEMALE = GIVEN_NEUTRAL + "春秋云佳思玉红雅丽美"
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩峰亮成林彬健兵江松毅博翔凯锋鸣"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧颖琳洁红梅倩萍蕾莉娇琴云兰芬琼月菲瑶婧怡岚"
MALE, FEMALE = "男", "女"


def person_name(rng: random.Random, gender: str) -> str:
    surname = rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    male = gender == MALE
    last = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    if rng.random() < 0.3:
        return surname + last
    first = rng.choice(GIVEN_FIRST_MALE if male else GIVEN_FIRST_FEMALE)
    return surname + first + last if first != last else surname + last


# Place-name stems for towns and counties.
TOWN_STEMS = (
    "东城 西关 南湖 北塘 青石 白沙 柳河 桃源 杏林 松岭 枫桥 梅园 兰溪 竹山 荷塘 金田 银湖 凤凰 龙泉 虎山 "
    "马桥 石门 清溪 长乐 新华 朝阳 红旗 太平 永安 双河 三江 黄土 古城 高桥 大坪 小河 花园 水口 沙坪 白云"
).split()
COUNTY_FIRST = "安平永长清宁丰新兴华福和泰昌盛嘉鸿瑞祥广"
COUNTY_SECOND = "远宁和丰阳川城源江山"
PROVINCE_CITIES = (
    "示例市 东州市 西州市 南州市 北州市 青州市 云州市 江州市 河州市 山州市 林州市 海州市 平州市 安州市"
).split()
CITY_DISTRICTS = (("东城区", "街道"), ("西城区", "街道"), ("南山区", "街道"), ("北湖县", "镇"))


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class _Dept:
    name: str  # "{p}" stands for the city (or county) prefix
    category: str
    kind: str
    head: str = ""  # e.g. 局长, 主任, 部长
    deputy: str = ""
    party: str = "党组"  # the unit's party organ (党组/党委), written in the titles
    parent: str = ""  # the name of the supervising unit, for institutions and enterprises


_CITY_DEPTS = (
    _Dept("中共{p}纪律检查委员会", PARTY, "party", "书记", "副书记", "常委"),
    _Dept("中共{p}委办公室", PARTY, "party", "主任", "副主任"),
    _Dept("中共{p}委组织部", PARTY, "party", "部长", "副部长"),
    _Dept("中共{p}委宣传部", PARTY, "party", "部长", "副部长"),
    _Dept("中共{p}委统战部", PARTY, "party", "部长", "副部长"),
    _Dept("中共{p}委政法委员会", PARTY, "party", "书记", "副书记"),
    _Dept("中共{p}委政策研究室", PARTY, "party", "主任", "副主任"),
    _Dept("中共{p}委网络安全和信息化委员会办公室", PARTY, "party", "主任", "副主任"),
    _Dept("中共{p}委机构编制委员会办公室", PARTY, "party", "主任", "副主任"),
    _Dept("中共{p}委党校", PARTY, "party", "常务副校长", "副校长"),
    _Dept("{p}总工会", PARTY, "party", "主席", "副主席"),
    _Dept("共青团{p}委员会", PARTY, "party", "书记", "副书记"),
    _Dept("{p}妇女联合会", PARTY, "party", "主席", "副主席"),
    _Dept("{p}工商业联合会", PARTY, "party", "主席", "副主席"),
    _Dept("{p}人民政府办公室", GOVERNMENT, "government", "主任", "副主任"),
    _Dept("{p}发展和改革委员会", GOVERNMENT, "government", "主任", "副主任"),
    _Dept("{p}教育局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}科学技术局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}工业和信息化局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}公安局", GOVERNMENT, "government", "局长", "副局长", "党委"),
    _Dept("{p}民政局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}司法局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}财政局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}人力资源和社会保障局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}自然资源和规划局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}生态环境局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}住房和城乡建设局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}交通运输局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}水利局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}农业农村局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}商务局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}文化广电旅游局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}卫生健康委员会", GOVERNMENT, "government", "主任", "副主任"),
    _Dept("{p}退役军人事务局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}应急管理局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}审计局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}人民政府国有资产监督管理委员会", GOVERNMENT, "government", "主任", "副主任", "党委"),
    _Dept("{p}市场监督管理局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}统计局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}医疗保障局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}城市管理局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}信访局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}数据局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}第一人民医院", INSTITUTION, "hospital", parent="{p}卫生健康委员会"),
    _Dept("{p}中医院", INSTITUTION, "hospital", parent="{p}卫生健康委员会"),
    _Dept("{p}疾病预防控制中心", INSTITUTION, "centre", "主任", "副主任", parent="{p}卫生健康委员会"),
    _Dept("{p}第一中学", INSTITUTION, "school", parent="{p}教育局"),
    _Dept("{p}职业技术学院", INSTITUTION, "school", parent="{p}教育局"),
    _Dept("{p}融媒体中心", INSTITUTION, "centre", "主任", "副主任", parent="中共{p}委宣传部"),
    _Dept("{p}公共资源交易中心", INSTITUTION, "centre", "主任", "副主任", parent="{p}人民政府办公室"),
    _Dept("{p}住房公积金管理中心", INSTITUTION, "centre", "主任", "副主任", parent="{p}住房和城乡建设局"),
    _Dept(
        "{p}城市建设投资集团有限公司", ENTERPRISE, "enterprise", parent="{p}人民政府国有资产监督管理委员会"
    ),
    _Dept("{p}交通投资集团有限公司", ENTERPRISE, "enterprise", parent="{p}人民政府国有资产监督管理委员会"),
    _Dept("{p}水务集团有限公司", ENTERPRISE, "enterprise", parent="{p}人民政府国有资产监督管理委员会"),
    _Dept(
        "{p}文化旅游投资集团有限公司", ENTERPRISE, "enterprise", parent="{p}人民政府国有资产监督管理委员会"
    ),
    _Dept(
        "{p}国有资本投资运营有限公司", ENTERPRISE, "enterprise", parent="{p}人民政府国有资产监督管理委员会"
    ),
)

# A county's own departments (province scale), each under the county.
_COUNTY_DEPTS = (
    _Dept("中共{p}纪律检查委员会", PARTY, "party", "书记", "副书记", "常委"),
    _Dept("中共{p}委组织部", PARTY, "party", "部长", "副部长"),
    _Dept("中共{p}委宣传部", PARTY, "party", "部长", "副部长"),
    _Dept("中共{p}委办公室", PARTY, "party", "主任", "副主任"),
    _Dept("{p}人民政府办公室", GOVERNMENT, "government", "主任", "副主任"),
    _Dept("{p}发展和改革局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}教育局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}公安局", GOVERNMENT, "government", "局长", "副局长", "党委"),
    _Dept("{p}民政局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}财政局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}人力资源和社会保障局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}自然资源局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}住房和城乡建设局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}交通运输局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}农业农村局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}卫生健康局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}市场监督管理局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}应急管理局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}统计局", GOVERNMENT, "government", "局长", "副局长"),
    _Dept("{p}人民医院", INSTITUTION, "hospital"),
)

# Functional departments that score the units: (code, short name, the unit's full name).
_SCORING = (
    ("BM01", "市发改委", "{p}发展和改革委员会"),
    ("BM02", "市财政局", "{p}财政局"),
    ("BM03", "市统计局", "{p}统计局"),
    ("BM04", "市委组织部", "中共{p}委组织部"),
    ("BM05", "市纪委监委", "中共{p}纪律检查委员会"),
    ("BM06", "市生态环境局", "{p}生态环境局"),
    ("BM07", "市应急管理局", "{p}应急管理局"),
    ("BM08", "市市场监管局", "{p}市场监督管理局"),
)


# ---------------------------------------------------------------- posts

# Middle-level cadres (中层干部), added at province scale to reach about ten cadres a unit.
_MIDDLE = ("办公室主任", "组织人事科科长", "财务科科长", "综合科科长", "法规科科长", "政策研究科科长")
_MIDDLE_BY_KIND = {
    "street": ("党政办公室主任", "经济发展办公室主任", "社会事务办公室主任", "综治中心主任", "财政所所长"),
    "town": ("党政办公室主任", "经济发展办公室主任", "社会事务办公室主任", "综治中心主任", "财政所所长"),
    "enterprise": ("综合办公室主任", "财务部经理", "投资发展部经理", "人力资源部经理", "审计部经理"),
    "hospital": ("医务科科长", "护理部主任", "院办公室主任", "财务科科长", "党委办公室主任"),
}


def _posts(kind: str, dept: _Dept | None, county: str, rng: random.Random) -> list[tuple[str, bool]]:
    """The posts of a unit's leadership: (title, principal), principals first."""
    deputies = rng.randint(2, 3)
    if kind == "county":
        c = county[-1]  # 区 or 县
        return [
            (f"{c}委书记", True),
            (f"{c}委副书记、{c}长", True),
            (f"{c}委副书记", False),
            (f"{c}委常委、常务副{c}长", False),
            (f"{c}委常委、{c}纪委书记、{c}监委主任", False),
            (f"{c}委常委、组织部部长", False),
            (f"{c}委常委、宣传部部长", False),
            *[(f"副{c}长", False)] * deputies,
            (f"{c}人大常委会主任", False),
            (f"{c}政协主席", False),
        ]
    if kind == "street":
        return [
            ("党工委书记", True),
            ("党工委副书记、办事处主任", True),
            ("党工委副书记", False),
            ("纪工委书记", False),
            ("人大工委主任", False),
            *[("办事处副主任", False)] * deputies,
            ("武装部部长", False),
        ]
    if kind == "town":
        return [
            ("镇党委书记", True),
            ("镇党委副书记、镇长", True),
            ("镇党委副书记", False),
            ("镇纪委书记", False),
            ("镇人大主席", False),
            *[("副镇长", False)] * deputies,
            ("组织委员", False),
        ]
    if kind == "hospital":
        return [
            ("党委书记", True),
            ("党委副书记、院长", True),
            *[("副院长", False)] * deputies,
            ("纪委书记", False),
        ]
    if kind == "school":
        return [
            ("党委书记", True),
            ("党委副书记、校长", True),
            *[("副校长", False)] * deputies,
            ("纪委书记", False),
        ]
    if kind == "enterprise":
        return [
            ("党委书记、董事长", True),
            ("党委副书记、总经理", True),
            *[("副总经理", False)] * deputies,
            ("纪委书记", False),
            ("财务总监", False),
        ]
    assert dept is not None
    if kind == "centre":
        return [(f"党支部书记、{dept.head}", True), *[(dept.deputy, False)] * deputies]
    if kind == "party":
        return [
            (dept.head, True),
            (f"常务{dept.deputy}", False),
            *[(dept.deputy, False)] * (deputies - 1),
            ("机关党委书记", False),
            ("纪检监察组组长", False),
        ]
    # government
    posts = [
        (f"{dept.party}书记、{dept.head}", True),
        *[(f"{dept.party}成员、{dept.deputy}", False)] * deputies,
        (f"{dept.party}成员、纪检监察组组长", False),
    ]
    if rng.random() < 0.5:
        posts.append((dept.deputy, False))
    if rng.random() < 0.4:
        posts.append(("二级调研员", False))
    return posts


# ---------------------------------------------------------------- the roster


@dataclass(frozen=True)
class _Scale:
    cities: int
    counties: int  # per city; the first three are districts (区) with streets, the rest counties with towns
    towns: int  # per county
    county_depts: bool
    middle: tuple[int, int]  # middle-level cadres per unit (min, max)


_SCALES = {
    "city": _Scale(cities=1, counties=4, towns=5, county_depts=False, middle=(0, 3)),
    "province": _Scale(cities=14, counties=9, towns=12, county_depts=True, middle=(2, 5)),
}


class _Builder:
    def __init__(self, scale: _Scale, rng: random.Random) -> None:
        self.scale, self.rng = scale, rng
        self.roster = DemoRoster()
        self.by_name: dict[str, str] = {}  # unit name → code, to link parents and scoring departments
        self.unit_posts: list[tuple[UnitRow, list[tuple[str, bool]]]] = []

    def unit(
        self, name: str, category: str, kind: str, parent: str | None, posts: list[tuple[str, bool]]
    ) -> UnitRow:
        row = UnitRow(f"DW{len(self.roster.units) + 1:05d}", name, category, parent, kind)
        self.roster.units.append(row)
        self.by_name[name] = row.code
        self.unit_posts.append((row, posts))
        return row

    def depts(self, depts: Iterable[_Dept], prefix: str, parent: str | None, county: str = "") -> None:
        for dept in depts:
            name = dept.name.format(p=prefix)
            supervisor = self.by_name.get(dept.parent.format(p=prefix)) if dept.parent else parent
            self.unit(name, dept.category, dept.kind, supervisor, _posts(dept.kind, dept, county, self.rng))

    def county(self, city: str, county: str, town_kind: str) -> None:
        seat = self.unit(f"{city}{county}", COUNTY, "county", None, _posts("county", None, county, self.rng))
        suffix = "街道" if town_kind == "street" else "镇"
        for stem in self.rng.sample(TOWN_STEMS, self.scale.towns):
            kind = town_kind
            self.unit(f"{county}{stem}{suffix}", TOWN, kind, seat.code, _posts(kind, None, county, self.rng))
        if self.scale.county_depts:
            self.depts(_COUNTY_DEPTS, county, seat.code, county)

    def city(self, city: str, county_names: Sequence[tuple[str, str]]) -> None:
        self.depts(_CITY_DEPTS, city, None)
        for county, town_suffix in county_names:
            self.county(city, county, "street" if town_suffix == "街道" else "town")


def _county_names(rng: random.Random, cities: int, per_city: int) -> list[list[tuple[str, str]]]:
    """Distinct county names across the province; 示例市 keeps its familiar districts."""
    stems = [a + b for a in COUNTY_FIRST for b in COUNTY_SECOND if a != b]
    rng.shuffle(stems)
    names = [list(CITY_DISTRICTS[:per_city])]
    for i in range(1, cities):
        chunk = stems[(i - 1) * per_city : i * per_city]
        names.append([(f"{s}区", "街道") if j < 3 else (f"{s}县", "镇") for j, s in enumerate(chunk)])
    if per_city > len(CITY_DISTRICTS):  # province: 示例市 gets further counties too
        extra = stems[-(per_city - len(CITY_DISTRICTS)) :]
        names[0] += [(f"{s}县", "镇") for s in extra]
    return names


def _birth_month(rng: random.Random, principal: bool) -> date:
    year = rng.randint(1965, 1980) if principal else rng.randint(1965, 1992)
    return date(year, rng.randint(1, 12), 1)


def _start(rng: random.Random, born: date, earliest: date) -> date:
    # Nobody takes a leading post before 28.
    low = max(earliest, date(born.year + 28, born.month, 1))
    high = date(2025, 6, 30)
    if low >= high:
        return high
    return low + timedelta(days=rng.randint(0, (high - low).days))


def build_roster(scale: str = "city", seed: int = DEFAULT_SEED) -> DemoRoster:
    """The whole demo roster as plain rows; the same rows for the same scale and seed."""
    if scale not in _SCALES:
        raise ValueError(f"未知的规模：{scale}（可选 {', '.join(SCALES)}）")
    config = _SCALES[scale]
    rng = random.Random(seed)
    builder = _Builder(config, rng)
    cities = PROVINCE_CITIES[: config.cities] if scale == "province" else (CITY,)
    for city, counties in zip(cities, _county_names(rng, config.cities, config.counties), strict=True):
        builder.city(city, counties)
    roster = builder.roster

    units = roster.units
    by_category = {name: [u for u in units if u.category == name] for name in CATEGORIES}
    posts_of = {row.code: posts for row, posts in builder.unit_posts}
    for row, posts in builder.unit_posts:
        middle = rng.sample(_MIDDLE_BY_KIND.get(row.kind, _MIDDLE), rng.randint(*config.middle))
        for title, principal in posts + [(title, False) for title in middle]:
            gender = MALE if rng.random() < (0.8 if principal else 0.65) else FEMALE
            born = _birth_month(rng, principal)
            start = _start(rng, born, date(2016, 1, 1))
            current = PositionRow(row.code, title, principal, start)
            positions: tuple[PositionRow, ...] = (current,)
            if rng.random() < 0.2 and start > date(born.year + 34, 1, 1):
                # A history: a deputy post in another unit of the same category, up to the day before.
                previous = rng.choice(by_category[row.category])
                if previous.code != row.code:
                    prior = rng.choice([t for t, p in posts_of[previous.code] if not p])
                    began = min(
                        _start(rng, born, start - timedelta(days=365 * 6)), start - timedelta(days=400)
                    )
                    positions = (
                        PositionRow(previous.code, prior, False, began, start - timedelta(days=1)),
                        current,
                    )
            code = f"GB{len(roster.cadres) + 1:06d}"
            roster.cadres.append(CadreRow(code, person_name(rng, gender), gender, born, positions))

    roster.departments = [
        DepartmentRow(code, short, builder.by_name[full.format(p=CITY)]) for code, short, full in _SCORING
    ]
    roster.groups = _groups(units)
    town = next(u for u in units if u.category == TOWN)
    roster.liaison_unit_code = town.code
    roster.cadre_account_code = next(
        c.code for c in roster.cadres if c.current.unit_code == town.code and not c.current.principal
    )
    return roster


def _groups(units: list[UnitRow]) -> dict[str, list[str]]:
    """Three assessment groups: counties and towns; party departments and institutions; the rest."""
    share = {COUNTY: 0, TOWN: 0, PARTY: 1, INSTITUTION: 1, GOVERNMENT: 2, ENTERPRISE: 2}
    groups: dict[str, list[str]] = {name: [] for name in GROUP_NAMES}
    for unit in units:
        groups[GROUP_NAMES[share[unit.category]]].append(unit.code)
    return groups


# ---------------------------------------------------------------- accounts


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str


DEMO_ACCOUNTS = (
    DemoAccount("demo-organiser", "organiser", "考核办演示账号"),
    DemoAccount("demo-committee", "committee", "领导小组演示账号"),
    DemoAccount("demo-assessor", "assessor", "考核组演示账号"),
    DemoAccount("demo-clerk", "clerk", "市发改委演示账号"),
    DemoAccount("demo-liaison", "liaison", "联络员演示账号"),
    DemoAccount("demo-leader", "leader", "领导演示账号"),
    DemoAccount("demo-cadre", "cadre", ""),  # named after the cadre it is linked to
    DemoAccount("demo-jijian", "discipline", "纪检监察演示账号"),
)


@dataclass(frozen=True)
class AccountLine:
    username: str
    role: str  # in Chinese
    scope: str


def demo_accounts() -> list[AccountLine]:
    """The demo accounts that exist, with their role and scope in words, for the command's table."""
    from kaohe.accounts.demo import demo_administrator_lines
    from kaohe.accounts.models import User

    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).select_related(
            "unit", "department", "cadre__current_unit"
        )
    }
    lines = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        if user is not None:
            lines.append(AccountLine(user.username, str(user.get_role_display()), _scope(user)))
    return lines + [AccountLine(*line) for line in demo_administrator_lines()]


def _scope(user: Any) -> str:
    if user.role == "organiser":
        return "全部单位和干部，可编辑"
    if user.role in ("committee", "leader"):
        return "全部单位和干部，只读"
    if user.role == "assessor":
        groups = list(user.assessment_groups.order_by("name").values_list("name", flat=True))
        return "、".join(groups) + "的单位" if groups else "（未加入考核组）"
    if user.role == "clerk":
        return user.department.name if user.department else ""
    if user.role == "liaison":
        return user.unit.name if user.unit else ""
    if user.role == "cadre" and user.cadre:
        unit = user.cadre.current_unit
        return f"本人：{user.cadre.name}" + (f"（{unit.name}）" if unit else "")
    if user.role == "discipline":
        return "征求党风廉政意见的人选（姓名、单位、职务）"
    return ""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def accounts_table(lines: Sequence[AccountLine]) -> str:
    """A plain-text table that lines up Chinese text in a terminal."""
    header = AccountLine("账号", "角色", "范围")
    rows = [header, *lines]
    widths = [max(_width(getattr(r, f)) for r in rows) for f in ("username", "role")]

    def render(r: AccountLine) -> str:
        cells = [r.username, r.role]
        padded = [c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)]
        return "  ".join([*padded, r.scope]).rstrip()

    rule = "-" * (sum(widths) + 4 + max(_width(r.scope) for r in rows))
    return "\n".join([render(header), rule, *map(render, lines)])


# ---------------------------------------------------------------- writing


@dataclass(frozen=True)
class DemoSummary:
    units: int
    cadres: int
    positions: int


class DemoNotEmpty(Exception):
    """The database already has units; the demo only loads into an empty roster."""


def demo_load(*, scale: str = "city", seed: int = DEFAULT_SEED, actor: Actor = DEMO) -> DemoSummary:
    """Load the demo roster, the 2025 cycle with three groups, and the demo accounts, in one transaction."""
    from kaohe.accounts.demo import demo_administrators_load
    from kaohe.accounts.models import User
    from kaohe.audit.actions import audit_record
    from kaohe.org.models import (
        Cadre,
        LeadershipTeam,
        Position,
        ScoringDepartment,
        Unit,
        UnitCategory,
        pinyin_full,
        pinyin_initials,
    )
    from kaohe.plans.models import AssessmentCycle, AssessmentGroup

    roster = build_roster(scale, seed)
    initials = lru_cache(maxsize=None)(pinyin_initials)
    full = lru_cache(maxsize=None)(pinyin_full)

    with transaction.atomic():
        if Unit.objects.exists():
            raise DemoNotEmpty("数据库中已有单位，演示数据只能载入空的名册（可加 --if-empty 跳过）。")
        categories = {}
        for order, name in enumerate(CATEGORIES, start=1):
            categories[name], _ = UnitCategory.objects.get_or_create(name=name, defaults={"order": order})

        # Parents before children: bulk inserts need the parents' ids.
        unit_ids: dict[str, int] = {}
        pending = list(roster.units)
        while pending:
            ready = [u for u in pending if u.parent_code is None or u.parent_code in unit_ids]
            objs = [
                Unit(
                    code=u.code,
                    name=u.name,
                    category=categories[u.category],
                    parent_id=unit_ids[u.parent_code] if u.parent_code else None,
                    pinyin_initials=initials(u.name),
                )
                for u in ready
            ]
            unit_ids.update(_ids(Unit, objs))
            done = {u.code for u in ready}
            pending = [u for u in pending if u.code not in done]
        LeadershipTeam.objects.bulk_create(
            [LeadershipTeam(unit_id=pk) for pk in unit_ids.values()], batch_size=BATCH
        )

        cadre_objs = [
            Cadre(
                code=c.code,
                name=c.name,
                gender=c.gender,
                birth_month=c.birth_month,
                pinyin_initials=initials(c.name),
                pinyin=full(c.name),
                current_unit_id=unit_ids[c.current.unit_code],
            )
            for c in roster.cadres
        ]
        cadre_ids = _ids(Cadre, cadre_objs)
        positions = [
            Position(
                cadre_id=cadre_ids[c.code],
                unit_id=unit_ids[p.unit_code],
                title=p.title,
                principal=p.principal,
                start=p.start,
                end=p.end,
            )
            for c in roster.cadres
            for p in c.positions
        ]
        Position.objects.bulk_create(positions, batch_size=BATCH)

        departments = {}
        for d in roster.departments:
            departments[d.code], _ = ScoringDepartment.objects.update_or_create(
                code=d.code, defaults={"name": d.name, "unit_id": unit_ids[d.unit_code]}
            )
        cycle, _ = AssessmentCycle.objects.get_or_create(year=CYCLE_YEAR, defaults={"name": CYCLE_NAME})
        groups = {}
        through = AssessmentGroup.units.through
        links = []
        for name, codes in roster.groups.items():
            groups[name], _ = AssessmentGroup.objects.get_or_create(cycle=cycle, name=name)
            links += [through(assessmentgroup_id=groups[name].pk, unit_id=unit_ids[c]) for c in codes]
        through.objects.bulk_create(links, batch_size=BATCH)

        cadre_account = Cadre.objects.get(pk=cadre_ids[roster.cadre_account_code])
        scopes: dict[str, dict[str, Any]] = {
            "clerk": {"department": departments["BM01"]},
            "liaison": {"unit_id": unit_ids[roster.liaison_unit_code]},
            "cadre": {"cadre": cadre_account},
        }
        for account in DEMO_ACCOUNTS:
            user = User.objects.filter(username=account.username).first() or User(username=account.username)
            user.role = account.role
            user.full_name = account.full_name or cadre_account.name
            user.unit, user.department, user.cadre = None, None, None
            for attr, value in scopes.get(account.role, {}).items():
                setattr(user, attr, value)
            user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            if account.role == "assessor":
                groups[GROUP_NAMES[0]].members.add(user)
        administrators = demo_administrators_load(password=DEMO_PASSWORD)

        summary = DemoSummary(len(unit_ids), len(cadre_ids), len(positions))
        audit_record(
            actor=actor,
            action="demo.load",
            object_type="org.unit",
            object_repr="演示数据（示例省，全省规模）" if scale == "province" else f"演示数据（{CITY}）",
            after={
                "scale": scale,
                "seed": seed,
                "units": summary.units,
                "cadres": summary.cadres,
                "positions": summary.positions,
                "cycle": cycle.name,
                "accounts": [a.username for a in DEMO_ACCOUNTS] + administrators,
            },
        )
    return summary


def _ids(model: Any, objs: list[Any]) -> dict[str, int]:
    """Bulk-insert `objs` and map their codes to the new ids (read back if the backend returns none)."""
    model.objects.bulk_create(objs, batch_size=BATCH)
    if all(o.pk is not None for o in objs):
        return {o.code: o.pk for o in objs}
    codes = [o.code for o in objs]
    ids: dict[str, int] = {}
    for i in range(0, len(codes), BATCH):
        ids.update(model.objects.filter(code__in=codes[i : i + BATCH]).values_list("code", "pk"))
    return ids
