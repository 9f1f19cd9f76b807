"""A roster saved by LibreOffice as .xls or .ods imports exactly as the .xlsx it was saved from, through the
command's write function and through the page's upload (fixtures: kaohe/workbook/tests/fixtures)."""

from __future__ import annotations

import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from kaohe.accounts.actors import SystemActor
from kaohe.jobs.models import Job, JobStatus
from kaohe.org.actions import roster_import
from kaohe.org.models import Cadre, Position, Unit

pytestmark = pytest.mark.django_db
FIXTURES = pathlib.Path(__file__).parents[2] / "workbook" / "tests" / "fixtures"


def imported(suffix: str) -> tuple:
    """What importing ``roster.<suffix>`` writes, rolled back afterwards."""
    with transaction.atomic():
        counts = roster_import(
            actor=SystemActor("test"), source=(FIXTURES / f"roster.{suffix}").read_bytes(), file_name="名册"
        )
        found = (
            (counts.units.created, counts.units.unchanged, counts.cadres.created, counts.cadres.unchanged),
            list(Unit.objects.order_by("code").values_list("code", "name", "category__name", "parent__code")),
            list(Cadre.objects.order_by("code").values_list("code", "name", "gender", "birth_month")),
            list(
                Position.objects.order_by("cadre__code", "start").values_list(
                    "cadre__code", "unit__code", "title", "principal", "start", "end"
                )
            ),
        )
        transaction.set_rollback(True)
    return found


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_a_roster_saved_by_libreoffice_imports_as_the_xlsx(roster, suffix):
    original = imported("xlsx")
    assert original[0] == (2, 3, 2, 5)
    assert imported(suffix) == original


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_the_import_page_takes_an_ods_or_xls(client_for, settings, tmp_path, roster, suffix):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(f"名册.{suffix}", (FIXTURES / f"roster.{suffix}").read_bytes())
    response = client_for("organiser").post(reverse("org:roster_import"), {"file": upload}, follow=True)
    job = Job.objects.get()
    assert job.status == JobStatus.DONE, job.outcome
    assert f"「名册.{suffix}」已导入" in response.content.decode()
    assert Cadre.objects.get(code="GB101").current_unit.code == "DW11"
