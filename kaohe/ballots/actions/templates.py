"""The organiser's 测评表: their items checked, a template copied, a template changed while no session uses it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from kaohe.accounts.actors import Actor
from kaohe.audit.actions import audit_record
from kaohe.ballots import selectors
from kaohe.ballots.actions.guards import fail
from kaohe.ballots.actions.states import template_state
from kaohe.ballots.models import BallotTemplate, TemplateKind

ITEM_MAX = 30


def check_items(kind: str, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The items of a template in their stored form; raises ValidationError naming the item and value."""
    if kind not in TemplateKind.values:
        raise fail(f"测评表类型「{kind}」无效")
    if len(items) > ITEM_MAX:
        raise fail(f"测评项目最多 {ITEM_MAX} 项")
    if kind in (TemplateKind.SELECTION, TemplateKind.PROMOTED, TemplateKind.SERVICE) and not items:
        raise fail("评议表至少要有一个项目")
    found: list[dict[str, Any]] = []
    names: set[str] = set()
    for number, item in enumerate(items, start=1):
        name = str(item.get("name", "")).strip()
        if not name:
            raise fail(f"第 {number} 项缺少项目名称")
        if len(name) > 100:
            raise fail(f"项目「{name[:20]}…」的名称超过 100 字")
        if name in names or name == "总体评价":
            raise fail(f"项目「{name}」重复（「总体评价」由测评表类型决定，不必列出）")
        names.add(name)
        choices = [str(c).strip() for c in item.get("choices", [])]
        if len(choices) < 2 or any(not c for c in choices):
            raise fail(f"项目「{name}」至少要有两个选项，且选项不能为空")
        if len(set(choices)) != len(choices):
            raise fail(f"项目「{name}」的选项有重复")
        if any(len(c) > 20 for c in choices):
            raise fail(f"项目「{name}」的选项每个最多 20 字")
        reason_for = [str(c).strip() for c in item.get("reason_for", [])]
        for choice in reason_for:
            if choice not in choices:
                raise fail(f"项目「{name}」：须填理由的「{choice}」不是它的选项")
        found.append(
            {
                "name": name,
                "choices": choices,
                "reason_for": reason_for,
                "required": bool(item.get("required", True)),
            }
        )
    return found


def template_copy(*, actor: Actor, template: BallotTemplate, name: str) -> BallotTemplate:
    """A copy of `template` under a new name, for the organiser to adapt."""
    name = name.strip()
    if not name:
        raise fail("请填写新测评表的名称")
    with transaction.atomic():
        if BallotTemplate.objects.filter(name=name).exists():
            raise fail(f"已有名为「{name}」的测评表")
        copy = BallotTemplate.objects.create(name=name, kind=template.kind, items=template.items)
        audit_record(
            actor=actor,
            action="ballot_template.copy",
            obj=copy,
            after={**template_state(copy), "from": template.name},
        )
        return copy


def template_update(
    *, actor: Actor, template: BallotTemplate, name: str, items: Sequence[Mapping[str, Any]]
) -> BallotTemplate:
    """Rename a template and set its items. Built-in templates, and templates of a session that has started, are fixed."""
    name = name.strip()
    if not name:
        raise fail("请填写测评表名称")
    with transaction.atomic():
        locked = BallotTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.builtin:
            raise fail("内置测评表不能修改；请先复制一份再修改", "builtin")
        if selectors.template_in_use(locked):
            raise fail("已有测评会使用此测评表开始测评，不能再修改；请复制一份", "in_use")
        items = check_items(locked.kind, items)
        if BallotTemplate.objects.filter(name=name).exclude(pk=locked.pk).exists():
            raise fail(f"已有名为「{name}」的测评表")
        before = template_state(locked)
        locked.name, locked.items = name, items
        locked.save(update_fields=["name", "items"])
        audit_record(
            actor=actor,
            action="ballot_template.update",
            obj=locked,
            before=before,
            after=template_state(locked),
        )
        return locked
