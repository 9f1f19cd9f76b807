"""Who is graded, and limits on the grade (rules §5): probation, investigation, sanctions, vetoes.

Each cause yields an effect; several at once, the heaviest applies (处分影响"按照影响较重的确定"):
forced 不称职 (teams: 较差) > 不定等次 > no 优秀.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import EFFECT_ORDER, Cadre, Effect, Kind, RuleSettings, Sanction, Unit, VetoEffect


@dataclass(frozen=True)
class Cause:
    effect: Effect
    flag: str
    reason: str  # Chinese, names the cause: which sanction, which veto item


def heaviest(causes: Sequence[Cause]) -> Effect | None:
    if not causes:
        return None
    effects = {cause.effect for cause in causes}
    return next((effect for effect in EFFECT_ORDER if effect in effects), None)


def effect_words(effect: Effect, kind: Kind) -> str:
    if effect is Effect.UNFIT:
        return "定为较差" if kind is Kind.TEAM else "定为不称职"
    if effect is Effect.UNGRADED:
        return "不定等次"
    return "不得评为优秀"


def team_causes(unit: Unit, settings: RuleSettings) -> list[Cause]:
    if not unit.veto:
        return []
    effect = Effect.UNFIT if settings.veto_effect is VetoEffect.LOWEST else Effect.NO_EXCELLENT
    return [Cause(effect, "veto", f"一票否决（{unit.veto}），{effect_words(effect, Kind.TEAM)}")]


def cadre_causes(
    cadre: Cadre, unit: Unit, sanctions: Sequence[Sanction], settings: RuleSettings
) -> list[Cause]:
    causes: list[Cause] = []
    if not (cadre.probation or cadre.investigation or sanctions or cadre.veto or unit.veto):
        return causes
    if cadre.probation:
        causes.append(Cause(Effect.UNGRADED, "probation", "处于试用期，只写评语，不定等次"))
    if cadre.investigation:
        causes.append(Cause(Effect.UNGRADED, "investigation", "年底立案审查尚未结案，不定等次，结案后补定"))
    for sanction in sorted(sanctions, key=lambda s: (s.year, s.name)):
        cause = sanction_cause(sanction, settings)
        if cause is not None:
            causes.append(cause)
    if cadre.veto:
        effect = Effect.UNFIT if settings.veto_effect is VetoEffect.LOWEST else Effect.NO_EXCELLENT
        causes.append(Cause(effect, "veto", f"一票否决（{cadre.veto}），{effect_words(effect, Kind.CADRE)}"))
    if unit.veto and cadre.principal and settings.veto_cascades_to_principal:
        causes.append(
            Cause(
                Effect.NO_EXCELLENT,
                "veto",
                f"所在单位{unit.name}被一票否决（{unit.veto}），作为主要负责人不得评为优秀",
            )
        )
    return causes


def sanction_cause(sanction: Sanction, settings: RuleSettings) -> Cause | None:
    """The sanction's effect in the assessment year, by how many years ago it took effect."""
    offset = settings.year - sanction.year
    effects = settings.sanction_effects[sanction.name]
    if offset < 0 or offset >= len(effects) or effects[offset] is None:
        return None
    effect = effects[offset]
    assert effect is not None
    when = ("生效当年", "生效第二年", "生效第三年")[offset] if offset < 3 else f"生效第{offset + 1}年"
    reason = f"受{sanction.name}（{sanction.year}年生效，本年度为{when}），{effect_words(effect, Kind.CADRE)}"
    return Cause(effect, "sanction", reason)
