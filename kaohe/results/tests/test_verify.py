"""`kaohe results verify YEAR`: the seal holds until anything stored is changed behind the app's back."""

import datetime
import zlib

import pytest
from django.db import connection

from kaohe.accounts.actors import SystemActor
from kaohe.audit.models import AuditEntry
from kaohe.plans.models import AssessedCadre
from kaohe.results import actions, canonical
from kaohe.results.models import ComputeRun, FinalResult, Result, Seal
from kaohe.results.tests.conftest import run_command
from kaohe.results.tests.test_decisions import finalise, publish, resolve_ties


def seal_in(world, cast, settings, *, computed: str = "standard", sealed: str = "standard") -> Seal:
    """The world computed under one CRYPTO_MODE and sealed under another (left in that one)."""
    settings.CRYPTO_MODE = computed
    run = actions.compute_run_create(actor=SystemActor("测试"), cycle=world)
    resolve_ties(cast, world, run)
    publish(cast, world, run, starts_on=datetime.date(2026, 1, 5))
    settings.CRYPTO_MODE = sealed
    return finalise(cast, world, run)


@pytest.fixture
def sealed(world, cast, settings):
    return seal_in(world, cast, settings)


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_verify_passes_on_intact_results(sealed):
    status, out, err = run_command("results", "verify", "2025")
    assert status == 0, err
    assert f"封存哈希 SHA-256: {sealed.hash}" in out
    assert (sealed.algorithm, sealed.run.input_digest_algorithm) == ("sha256", "sha256")


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


def test_a_seal_made_when_the_engine_worded_explanations_otherwise_still_verifies(sealed, monkeypatch):
    """A later release words explanations better: the sealed figures still verify, and the sealed text is
    still held by the seal hash."""
    from kaohe.results import verification

    real = verification.assessment_document

    def reworded(computed):
        document = real(computed)
        for result in document["results"]:
            result["explanation"] += "（新措辞）"
        return document

    monkeypatch.setattr(verification, "assessment_document", reworded)
    status, out, err = run_command("results", "verify", "2025")
    assert status == 0, err
    row = FinalResult.objects.get(seal=sealed, code="GB003")
    sql("UPDATE results_finalresult SET explanation = %s WHERE id = %s", "改过的说明", row.id)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1 and "定档结果与封存哈希不符" in err


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


ALGORITHM = {"standard": "sha256", "guomi": "sm3"}


def test_in_guomi_mode_the_inputs_and_the_seal_are_sm3_and_verify(world, cast, settings, client_for):
    from django.urls import reverse

    seal = seal_in(world, cast, settings, computed="guomi", sealed="guomi")
    run = seal.run
    assert (seal.algorithm, run.input_digest_algorithm) == ("sm3", "sm3")
    rows = canonical.unpack(ComputeRun.objects.values_list("inputs", flat=True).get(pk=run.pk))
    assert run.input_digest == canonical.input_digest(rows, "sm3") != canonical.input_digest(rows, "sha256")
    entry = AuditEntry.objects.get(action="result.seal")
    assert (entry.after["hash"], entry.after["algorithm"]) == (seal.hash, "sm3")
    assert entry.after["input_digest_algorithm"] == "sm3"
    assert AuditEntry.objects.get(action="result.compute").after["input_digest_algorithm"] == "sm3"
    status, out, err = run_command("results", "verify", "2025")
    assert status == 0, err
    assert f"封存哈希 SM3: {seal.hash}" in out
    page = client_for("organiser").get(reverse("results:home", kwargs={"year": 2025})).content.decode()
    assert f"SM3: {seal.hash}" in page


@pytest.mark.parametrize(
    ("computed", "sealed", "verified"),
    [
        ("standard", "standard", "guomi"),  # sealed before the switch to 国密
        ("standard", "guomi", "guomi"),  # computed before the switch, sealed after: SM3 over SHA-256 inputs
        ("standard", "guomi", "standard"),
        ("guomi", "guomi", "standard"),  # and back
        ("guomi", "standard", "standard"),
    ],
)
def test_a_seal_verifies_with_its_own_algorithms_after_a_switch_of_mode(
    world, cast, settings, computed, sealed, verified
):
    seal = seal_in(world, cast, settings, computed=computed, sealed=sealed)
    assert (seal.run.input_digest_algorithm, seal.algorithm) == (ALGORITHM[computed], ALGORITHM[sealed])
    settings.CRYPTO_MODE = verified
    status, out, err = run_command("results", "verify", "2025")
    assert status == 0, err
    assert "与封存一致" in out


@pytest.mark.parametrize("mode", ["standard", "guomi"])
def test_tampering_is_found_in_either_mode(world, cast, settings, mode):
    seal = seal_in(world, cast, settings, computed=mode, sealed=mode)
    row = FinalResult.objects.get(seal=seal, code="GB003")
    sql("UPDATE results_finalresult SET manual_reason = %s WHERE id = %s", "改过", row.id)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "定档结果与封存哈希不符" in err
    run = ComputeRun.objects.get(pk=seal.run_id)
    text = zlib.decompress(bytes(run.inputs)).decode().replace('"钱伟"', '"钱 伟"')
    sql("UPDATE results_computerun SET inputs = %s WHERE id = %s", zlib.compress(text.encode()), run.id)
    status, _, err = run_command("results", "verify", "2025")
    assert "保存的输入数据与其摘要不符" in err


@pytest.mark.parametrize("mode", ["standard", "guomi"])
def test_a_seal_relabelled_with_the_other_algorithm_is_found(world, cast, settings, mode):
    seal = seal_in(world, cast, settings, computed=mode, sealed=mode)
    other = {"sha256": "sm3", "sm3": "sha256"}[seal.algorithm]
    sql("UPDATE results_seal SET algorithm = %s WHERE id = %s", other, seal.id)
    status, _, err = run_command("results", "verify", "2025")
    assert status == 1
    assert "定档结果与封存哈希不符" in err and "封存哈希与保存的不同" in err
