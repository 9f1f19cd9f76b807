"""The 述职述廉 world on the shared cast: unit A (东城街道, the assessor's group) and unit B assessed in 2025,
with A's two cadres and B's one; the cycle under way (实施)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kaohe.plans.models import AssessedCadre, AssessedUnit, AssessmentCycle, Phase


def docx_bytes(text: str = "述职报告") -> bytes:
    buffer = io.BytesIO()
    stamp = (2025, 12, 1, 9, 0, 0)  # fixed, so the same text gives the same bytes
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", stamp), "<Types/>")
        archive.writestr(
            zipfile.ZipInfo("word/document.xml", stamp), f"<w:document><w:t>{text}</w:t></w:document>"
        )
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(name: str = "述职报告.docx", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes() if content is None else content)


@pytest.fixture
def cycle(roster):
    cycle = AssessmentCycle.objects.get(year=2025)
    cycle.phase = Phase.IMPLEMENTATION
    cycle.save()
    towns = roster["categories"]["towns"]
    for key in ("a", "b"):
        AssessedUnit.objects.create(cycle=cycle, unit=roster["units"][key], category=towns)
    for key, unit in (("a1", "a"), ("a2", "a"), ("b1", "b")):
        AssessedCadre.objects.create(
            cycle=cycle, cadre=roster["cadres"][key], unit=roster["units"][unit], post="书记"
        )
    return cycle


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
