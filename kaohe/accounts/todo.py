"""What waits for a person on their home page, gathered from the apps above this floor.

An app registers, in its ``AppConfig.ready``, a function of the signed-in user that returns its
``TodoItem``s: what waits, in which cycle, how many, and the page where it is done. The home page lists every
source's items in registration order, so each app adds its own (inputs, results, visits, interviews, records,
rectification) without this floor importing it (kaohe/tests/test_layers.py). A source answers only for the
roles it concerns and returns nothing when nothing waits: the list is what is true now, never a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TodoItem:
    key: str  # stable, for the page's id: "results-pending"
    label: str  # what waits, as a sentence's subject: "待定结果须领导小组决定"
    url: str  # the page where it is done
    count: int | None = None  # how many; None for a single thing (an acknowledgement)
    cycle: str = ""  # the cycle's name: "2025年度考核"
    note: str = ""  # one line of detail: the names, the deadline
    unit: str = ""  # the count's unit: "个", "项", "人次"


TodoSource = Callable[[Any], Iterable[TodoItem]]
TODO_SOURCES: dict[str, TodoSource] = {}


def todo_items(user: Any) -> list[TodoItem]:
    return [item for source in TODO_SOURCES.values() for item in source(user)]
