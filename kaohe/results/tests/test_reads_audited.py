"""Sensitive reads are audited (who, what, when) through one helper, audit.reads.audit_read; a refused
read leaves no entry, and no entry holds what was read."""

import pytest
from django.urls import reverse

from kaohe.accounts.actors import CLI
from kaohe.audit.models import AuditEntry
from kaohe.results import actions
from kaohe.results.tests.test_decisions import result

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    return actions.compute_run_create(actor=CLI, cycle=world)


def reads() -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(action__startswith="read.")
        .order_by("seq")
        .values_list("actor_name", "action", "object_repr")
    )


def test_every_results_read_is_audited_with_who_and_what(run, client_for, cast, roster):
    client = client_for("organiser")
    year, version, pk = 2025, run.version, result(run, "GB001").pk
    unit, cadre = roster["units"]["a"], roster["cadres"]["a1"]
    expected = {
        reverse("results:review", args=[year]): "read.results.review",
        reverse("results:result_detail", args=[year, version, pk]): "read.results.detail",
        reverse("results:result_explanation", args=[year, version, pk]): "read.results.explanation",
        reverse("results:export", args=[year, version]): "read.results.export",
        reverse("results:compare", args=[year]): "read.results.compare",
        "/api/results/2025/pools/cadre/全部": "read.results.api",
        reverse("results:approval_sheet", args=[year, unit.pk]): "read.approval_sheet.view",
        reverse("results:approval_sheet_docx", args=[year, unit.pk]): "read.approval_sheet.download",
        reverse("results:cadre_dossier", args=[cadre.pk]): "read.dossier.cadre",
        reverse("results:team_dossier", args=[unit.pk]): "read.dossier.team",
    }
    for url, action in expected.items():
        before = len(reads())
        response = client.get(url)
        assert response.status_code == 200, url
        found = reads()[before:]
        assert [(who, what) for who, what, _ in found] == [(cast["organiser"].get_username(), action)], url
    entry = AuditEntry.objects.get(action="read.results.detail")
    assert entry.object_type == "results.result" and entry.after == {"version": version}
    assert "张思佳" in entry.object_repr or entry.object_id == str(pk)


def test_a_refused_read_is_not_audited(run, client_for):
    client = client_for("outsider")
    response = client.get(reverse("results:review", args=[2025]))
    assert response.status_code in (302, 403, 404)
    assert reads() == []


def test_the_roster_and_cycle_workbooks_are_audited_when_read(run, client_for, cast):
    client = client_for("organiser")
    assert client.get(reverse("org:roster_export")).status_code == 200
    response = client.get(reverse("cycle_workbook:export", args=[2025]))
    assert response.status_code in (200, 409)
    actions_read = [what for _, what, _ in reads()]
    assert actions_read[0] == "read.roster.export"
    assert actions_read[1:] == (["read.cycle.export"] if response.status_code == 200 else [])
