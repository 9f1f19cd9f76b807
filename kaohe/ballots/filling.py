"""What a session's ballot asks and whether a filled one may be stored: plain data, no database.

The ballot page and ``ballot_submit`` both call ``check``, so a rater sees every problem (a missing
choice, too many 优秀, a missing reason) with the choices kept, before anything is stored.

Field names of the form: ``t<target>`` is a target's 总体评价, ``t<target>_<n>`` its n-th item and
``t<target>_<n>_r`` the reason for that item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kaohe.rules.democratic import excellent_allowed
from kaohe.rules.model import ExcellentLimit, Rounding

EXCELLENT = "优秀"
REASON_MAX = 500


@dataclass(frozen=True)
class Item:
    name: str
    choices: tuple[str, ...]
    reason_for: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Target:
    id: int
    kind: str  # a TemplateKind value
    template_id: int
    unit_id: int | None
    cadre_id: int | None
    label: str
    detail: str = ""  # a cadre's unit and post, shown under the name
    overall: tuple[str, ...] = ()  # 总体评价's choices; empty for review forms
    items: tuple[Item, ...] = ()
    summary: str = ""  # the 述职 summary the session shows, folded ("" for none)

    @property
    def field(self) -> str:
        return f"t{self.id}"

    def item_field(self, index: int) -> str:
        return f"t{self.id}_{index}"

    @property
    def is_cadre_mark(self) -> bool:
        return self.kind == "cadre"


@dataclass(frozen=True)
class Layout:
    session_id: int
    targets: tuple[Target, ...]
    limit: ExcellentLimit | None = None
    rounding: Rounding = Rounding.FLOOR

    def excellent_allowed(self) -> int | None:
        """每票优秀上限 on this ballot (every cadre is marked), or None without a limit."""
        if self.limit is None or (self.limit.count is None and self.limit.percent is None):
            return None
        cadres = sum(1 for target in self.targets if target.is_cadre_mark)
        return excellent_allowed(self.limit, cadres, self.rounding)

    def overall_offered(self, target: Target) -> tuple[str, ...]:
        """The overall choices the ballot offers ``target``: without 优秀 for a cadre when the limit allows
        none (a 优秀 sent anyway is refused by ``check``)."""
        if target.is_cadre_mark and self.excellent_allowed() == 0:
            return tuple(choice for choice in target.overall if choice != EXCELLENT)
        return target.overall


@dataclass(frozen=True)
class MarkRow:
    unit_id: int | None
    cadre_id: int | None
    choice: str


@dataclass(frozen=True)
class AnswerRow:
    unit_id: int | None
    cadre_id: int | None
    template_id: int
    item: str
    choice: str
    reason: str


@dataclass
class Checked:
    marks: list[MarkRow] = field(default_factory=list)
    answers: list[AnswerRow] = field(default_factory=list)
    # By form field; "" holds the problems of the whole ballot (the 优秀 limit).
    errors: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _value(data: Mapping[str, str], key: str) -> str:
    value = data.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def check(layout: Layout, data: Mapping[str, str]) -> Checked:
    """The rows to store from the submitted ``data``, or every problem by field."""
    result = Checked()
    for target in layout.targets:
        if target.overall:
            choice = _value(data, target.field)
            if not choice:
                result.add(target.field, f"请为「{target.label}」选择总体评价")
            elif choice not in target.overall:
                result.add(target.field, f"「{choice}」不是「{target.label}」总体评价的有效选项")
            else:
                result.marks.append(MarkRow(target.unit_id, target.cadre_id, choice))
        for index, item in enumerate(target.items):
            key = target.item_field(index)
            choice = _value(data, key)
            reason = _value(data, f"{key}_r")
            if not choice:
                if item.required:
                    result.add(key, f"请为「{target.label}」的「{item.name}」选择评价")
                continue
            if choice not in item.choices:
                result.add(key, f"「{choice}」不是「{item.name}」的有效选项")
                continue
            if choice in item.reason_for and not reason:
                result.add(f"{key}_r", f"「{target.label}」的「{item.name}」选择「{choice}」时须填写理由")
                continue
            if len(reason) > REASON_MAX:
                result.add(f"{key}_r", f"理由最多 {REASON_MAX} 字（现有 {len(reason)} 字）")
                continue
            if choice not in item.reason_for:
                reason = ""  # a reason typed and then the choice changed: not stored
            result.answers.append(
                AnswerRow(target.unit_id, target.cadre_id, target.template_id, item.name, choice, reason)
            )
    allowed = layout.excellent_allowed()
    if allowed is not None:
        excellent = sum(
            1 for target in layout.targets if target.is_cadre_mark and _value(data, target.field) == EXCELLENT
        )
        if excellent > allowed:
            result.add(
                "",
                f"本票评「优秀」的干部有 {excellent} 名，超过每票优秀上限 {allowed} 名；请减少到 {allowed} 名以内",
            )
    return result
