"""`kaohe results verify YEAR`: the seal holds until anything stored is changed behind the app's back."""

import datetime
import zlib

import pytest
from django.db import connection

from kaohe.accounts.actors import SystemActor
from kaohe.plans.models import AssessedCadre
from kaohe.results import actions
from kaohe.results.models import ComputeRun, FinalResult, Result
from kaohe.results.tests.conftest import run_command
from kaohe.results.tests.test_decisions import finalise, publish, resolve_ties


@pytest.fixture
def sealed(world, cast):
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    publish(cast, world, run, starts_on=datetime.date(2026, 1, 5))
    return finalise(cast, world, run)


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_passes_on_intact_results(sealed):
    status, out, err = run_command("results", "verify", "2025")
    assert status == 0, err
    assert f"封存哈希 {sealed.hash}" in out


def test_verify_finds_a_tampered_final_grade(sealed):
    row = FinalResult.objects.get(seal=sealed, code="GB003")
    sql("UPDATE results_finalresult SET grade = %s WHERE id = %s", "优秀", row.id)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "定档结果中「王建国（GB003）」的等次为优秀，重新计算为称职，且没有领导小组的决定" in err
    assert "定档结果与封存哈希不符" in err


def test_verify_finds_a_tampered_composite_in_the_run(sealed):
    row = Result.objects.get(run=sealed.run, code="GB004")
    sql("UPDATE results_result SET composite = %s WHERE id = %s", "99.00", row.id)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "第1次计算结果中「赵丽（GB004）」的综合得分与重新计算不同（保存 99.00，重算 82.00）" in err


def test_verify_finds_tampered_inputs(sealed):
    run = ComputeRun.objects.get(pk=sealed.run_id)
    text = (
        zlib.decompress(bytes(run.inputs))
        .decode()
        .replace('"GB005","钱伟","DW03","副局长",false,"80"', '"GB005","钱伟","DW03","副局长",false,"99"')
    )
    sql("UPDATE results_computerun SET inputs = %s WHERE id = %s", zlib.compress(text.encode()), run.id)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "保存的输入数据与其摘要不符" in err
    assert "「钱伟（GB005）」的综合得分与重新计算不同" in err


def test_verify_notices_data_changed_after_the_seal(sealed):
    AssessedCadre.objects.filter(cadre__code="GB005").update(regular=70)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "定档封存后考核数据有改动" in err


def test_verify_before_any_seal_says_so(world):
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "2025年度考核结果尚未定档封存" in err


def test_a_tampered_seal_entry_in_the_audit_chain_is_found(sealed):
    sql("UPDATE results_seal SET hash = %s WHERE id = %s", "0" * 64, sealed.id)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "审计记录" in err and "封存哈希与保存的不同" in err
