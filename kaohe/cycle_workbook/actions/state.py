"""What the parts of a cycle import share: the book read, the actor, the ids found or made, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kaohe.accounts.actors import Actor
from kaohe.rules.model import AssessmentInput

BATCH = 2000


@dataclass
class ImportState:
    data: AssessmentInput
    actor: Actor
    counts: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    cadres: dict[str, int] = field(default_factory=dict)
    renamed: list[str] = field(default_factory=list)
    unit_codes: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.unit_codes = {u.code for u in self.data.units}
