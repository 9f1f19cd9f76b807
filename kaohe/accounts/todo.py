"""What waits for a person on their home page, from apps above this floor.

An app registers, in its ``AppConfig.ready``, a name and a function of the signed-in user; the home page
puts each function's answer in its context under that name. So the home page lists what the interviews (and
later apps) ask of a person without importing them (kaohe/tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TODO_SOURCES: dict[str, Callable[[Any], Any]] = {}


def todo_context(user: Any) -> dict[str, Any]:
    return {name: source(user) for name, source in TODO_SOURCES.items()}
