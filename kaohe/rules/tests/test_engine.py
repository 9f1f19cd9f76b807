"""The entry point: what ``assess`` promises beyond the rules themselves."""

import gc
from decimal import Decimal

import pytest

from kaohe.rules import InputError, assess
from kaohe.rules.model import AssessmentInput, Kind, Mark

from .factory import cadre, run, settings, unit


def test_assess_leaves_the_garbage_collector_as_it_found_it() -> None:
    run(cadres=[cadre("GB01", regular=Decimal(90))])
    assert gc.isenabled()
    with pytest.raises(InputError):
        run(marks=[Mark("P1", "上级", "GB99", "优秀")])
    assert gc.isenabled()
    gc.disable()
    try:
        run()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_results_come_teams_first_then_by_pool_rank_and_code() -> None:
    a = run(
        units=[
            unit("DW02", "乙类", indicator_score=Decimal(80)),
            unit("DW01", "甲类", indicator_score=Decimal(90)),
        ],
        cadres=[
            cadre("GB02", "DW01", regular=Decimal(90)),
            cadre("GB01", "DW01", probation=True),
            cadre("GB03", "DW01", regular=Decimal(95)),
        ],
    )
    assert [(r.kind, r.pool, r.rank, r.code) for r in a.results] == [
        (Kind.TEAM, "乙类", 1, "DW02"),
        (Kind.TEAM, "甲类", 1, "DW01"),
        (Kind.CADRE, "DW01", 1, "GB03"),
        (Kind.CADRE, "DW01", 2, "GB02"),
        (Kind.CADRE, "DW01", None, "GB01"),
    ]


def test_an_empty_assessment_is_empty() -> None:
    a = assess(AssessmentInput(settings(), [], []))
    assert (a.year, a.results, a.quotas, a.invalid_ballots) == (2025, [], [], [])
