"""The performance inputs' test world, on top of the shared cast.

The 2025 cycle is in 实施. Units A and B are 乡镇街道, C is 政府部门; all three are assessed.
The clerk's department 市发改委 (BM01) owns 乡镇街道 ZB01 经济发展 and 政府部门 ZB01 经济运行 and ZB03 服务质量;
市统计局 (BM02) owns 乡镇街道 ZB02 社会治理. The assessor's group in 2025 visits unit A only; in 2024 (完成)
the assessor visited unit B, which gives nothing in 2025. Unit D exists but is not assessed in 2025.
"""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_unit
from kaohe.org.models import ScoringDepartment
from kaohe.plans.models import (
    AssessedCadre,
    AssessedUnit,
    AssessmentCycle,
    AssessmentGroup,
    Indicator,
    Phase,
)

ROLES = ("organiser", "committee", "assessor", "clerk", "liaison", "leader", "cadre", "outsider")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office_file(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


def upload(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def statuses(ok=(), forbidden=(), hidden=()):
    """Every role of the cast with its expected status: 200, 403 (role refused) or 404 (outside scope)."""
    table = {**dict.fromkeys(ok, 200), **dict.fromkeys(forbidden, 403), **dict.fromkeys(hidden, 404)}
    assert set(table) == set(ROLES), f"roles missing from the matrix: {set(ROLES) ^ set(table)}"
    return table


def only(*allowed, hidden=()):
    return statuses(
        ok=allowed, hidden=hidden, forbidden=[r for r in ROLES if r not in allowed and r not in hidden]
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(roster, cast):
    units, cats = roster["units"], roster["categories"]
    cycle = AssessmentCycle.objects.get(year=2025)
    cycle.phase = Phase.IMPLEMENTATION
    cycle.save()
    bm01 = roster["department"]
    bm02 = ScoringDepartment.objects.create(code="BM02", name="市统计局")
    assessed = {
        key: AssessedUnit.objects.create(cycle=cycle, unit=units[key], category=units[key].category)
        for key in ("a", "b", "c")
    }
    for key in ("a1", "a2", "b1", "c1"):
        cadre = roster["cadres"][key]
        AssessedCadre.objects.create(cycle=cycle, cadre=cadre, unit=cadre.current_unit, post="")
    towns, depts = cats["towns"], cats["depts"]
    indicators = {
        "economy": Indicator.objects.create(
            cycle=cycle, category=towns, code="ZB01", name="经济发展", weight=60, department=bm01
        ),
        "governance": Indicator.objects.create(
            cycle=cycle, category=towns, code="ZB02", name="社会治理", weight=40, department=bm02
        ),
        "operations": Indicator.objects.create(
            cycle=cycle, category=depts, code="ZB01", name="经济运行", weight=50, department=bm01
        ),
        "service": Indicator.objects.create(
            cycle=cycle, category=depts, code="ZB03", name="服务质量", weight=50, department=bm01
        ),
    }
    last_year = AssessmentCycle.objects.create(year=2024, name="2024年度考核", phase=Phase.COMPLETED)
    old_group = AssessmentGroup.objects.create(cycle=last_year, name="第二考核组")
    old_group.units.add(units["b"])
    old_group.members.add(cast["assessor"])
    d = make_unit("DW04", "南湖街道", towns)
    return {
        "cycle": cycle,
        "last_year": last_year,
        "units": {**units, "d": d},
        "assessed": assessed,
        "indicators": indicators,
        "departments": {"bm01": bm01, "bm02": bm02},
        "cadres": roster["cadres"],
        "cast": cast,
    }


def set_phase(cycle, phase):
    cycle.phase = phase
    cycle.save(update_fields=["phase"])


D = Decimal
