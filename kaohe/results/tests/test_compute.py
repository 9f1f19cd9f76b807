"""Compute runs: stored, versioned, immutable; `kaohe results compute --json` prints `kaohe assess --json`."""

import hashlib
import json
from decimal import Decimal

import pytest
from django.conf import settings

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.crypto.modes import hexdigest
from kaohe.cycle_workbook import actions as cycle_workbook
from kaohe.plans.models import AssessmentCycle
from kaohe.results import actions, canonical, selectors
from kaohe.results.management.commands.assess import Command as Assess
from kaohe.results.models import ComputeRun, Quota, Result
from kaohe.results.tests.conftest import run_command
from kaohe.rules.disclosure import disclose_result
from kaohe.workbook.reader import read_assessment_workbook
from kaohe.workbook.tests.books import xlsx
from kaohe.workbook.tests.generated import generated_book
from kaohe.workbook.tests.test_worked_examples import example_4, public_examples


def imported(sheets, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(xlsx(sheets).getvalue())
    cycle_workbook.cycle_import(
        data=read_assessment_workbook(path), actor=SystemActor("测试"), file_name=path.name
    )
    return path


@pytest.mark.django_db
def test_compute_prints_exactly_what_assess_prints_for_an_imported_workbook(tmp_path):
    path = imported(generated_book(), tmp_path)
    status, assessed, err = run_command(Assess(), str(path), "--json")
    assert status == 0, err
    status, computed, err = run_command("results", "compute", "2025", "--json")
    assert status == 0, err
    assert computed == assessed
    assert "第1次计算" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    "book", [public_examples, lambda: example_4("四舍五入")], ids=["public", "pool_of_23"]
)
def test_compute_matches_assess_on_the_worked_examples(tmp_path, book):
    path = imported(book(), tmp_path)
    _, assessed, _ = run_command(Assess(), str(path), "--json")
    year = json.loads(assessed)["year"]
    status, computed, err = run_command("results", "compute", str(year), "--json")
    assert status == 0, err
    assert computed == assessed


@pytest.mark.django_db
def test_each_run_is_stored_with_its_version_digest_inputs_and_rows(tmp_path):
    imported(generated_book(), tmp_path)
    cycle = AssessmentCycle.objects.get(year=2025)
    first = actions.compute_run_create(actor=SystemActor("测试"), cycle=cycle)
    second = actions.compute_run_create(actor=SystemActor("测试"), cycle=cycle)
    assert (first.version, second.version) == (1, 2)
    assert first.input_digest == second.input_digest
    document = selectors.run_document(second)
    assert Result.objects.filter(run=second).count() == len(document["results"])
    assert Quota.objects.filter(run=second).count() == len(document["quotas"])
    rows = canonical.unpack(ComputeRun.objects.get(pk=second.pk).inputs)
    assert second.input_digest_algorithm == "sha256"
    assert canonical.input_digest(rows, "sha256") == second.input_digest
    assert AuditEntry.objects.filter(action="result.compute").count() == 2


@pytest.mark.django_db
def test_a_run_cannot_be_changed_once_written(world):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    run.note = "改动"
    with pytest.raises(ValueError, match="不能修改"):
        run.save()
    with pytest.raises(ValueError, match="不能修改"):
        Result.objects.filter(run=run).update(grade="优秀")
    result = Result.objects.filter(run=run).first()
    with pytest.raises(ValueError, match="不能修改"):
        result.save()


@pytest.mark.django_db
def test_the_digest_does_not_depend_on_the_order_of_the_data(world):
    from kaohe.results.inputs import cycle_assessment_input

    data = cycle_assessment_input(world)
    rows = canonical.input_rows(data)
    shuffled = {k: list(reversed(v)) if isinstance(v, list) else v for k, v in rows.items()}
    assert canonical.input_digest(shuffled, "sha256") == canonical.input_digest(rows, "sha256")
    assert canonical.input_digest(shuffled, "sm3") == canonical.input_digest(rows, "sm3")
    assert canonical.input_from_rows(rows) == data


@pytest.mark.django_db
def test_encoding_packs_the_rows_as_given_and_digests_them_sorted(world, monkeypatch):
    from kaohe.results.inputs import cycle_assessment_input

    rows = canonical.input_rows(cycle_assessment_input(world))
    shuffled = {k: list(reversed(v)) if isinstance(v, list) else v for k, v in rows.items()}
    monkeypatch.setattr(canonical, "PIECE", 2)  # long lists go in pieces
    packed, digest = canonical.encode(shuffled, "sha256")
    assert canonical.unpack(packed) == json.loads(json.dumps(shuffled))
    # The digest as first defined (one text of all the rows, every list sorted), which stored runs keep.
    in_order = {
        k: sorted(v, key=lambda row: ["" if cell is None else cell for cell in row])
        if isinstance(v, list)
        else v
        for k, v in rows.items()
    }
    text = json.dumps(in_order, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert digest == canonical.input_digest(rows, "sha256") == hashlib.sha256(text.encode()).hexdigest()
    # The same bytes under SM3 in 国密 mode.
    assert (
        canonical.encode(shuffled, "sm3")[1]
        == canonical.input_digest(rows, "sm3")
        == hexdigest("sm3", text.encode())
    )
    assert len(rows["marks"]) > 2


@pytest.mark.django_db
def test_result_rows_hold_the_values_of_the_document(world):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    document = selectors.run_document(run)
    rows = Result.objects.filter(run=run).order_by("position").select_related("unit", "cadre")
    weights = selectors.run_settings(run).rater_group_weights
    # The rows hold what the app may show (the k rule); the document keeps every group.
    shown = [disclose_result(r, weights, settings.MIN_GROUP_SIZE) for r in document["results"]]
    assert shown != document["results"]  # this world has small groups
    for r, row in zip(shown, rows, strict=True):
        assert (row.kind, row.code, row.name, row.unit.code, row.pool, row.democratic) == (
            r["kind"],
            r["code"],
            r["name"],
            r["unit"],
            r["pool"],
            r["democratic"],
        )
        assert (row.rank, row.pool_size, row.grade, row.flags, row.explanation) == (
            r["rank"],
            r["pool_size"],
            r["grade"],
            r["flags"],
            r["explanation"],
        )
        assert (row.performance, row.composite) == tuple(
            None if r[f] is None else Decimal(r[f]) for f in ("performance", "composite")
        )
        assert (row.cadre.code if row.cadre else None) == (r["code"] if r["kind"] == "cadre" else None)
    assert any(r["democratic"] for r in document["results"])
    assert any(r["flags"] for r in document["results"])


@pytest.mark.django_db
def test_compute_of_an_unknown_year_names_the_years_there_are(world):
    status, _, err = run_command("results", "compute", "2019")
    assert status == 2
    assert "没有 2019 年度的考核（已有：2025）" in err


@pytest.mark.django_db
def test_a_runs_blobs_are_its_tables_last_columns():
    """SQLite walks a large value's overflow pages to reach any column stored after it: a column added after
    the blobs makes every read of a run pay for megabytes (results 0006 moved them to the end)."""
    from django.db import connection

    columns = [
        c.name
        for c in connection.introspection.get_table_description(connection.cursor(), "results_computerun")
    ]
    if connection.vendor == "sqlite":
        assert columns[-2:] == ["inputs", "document"]
    assert {"inputs", "document"} <= set(columns)
