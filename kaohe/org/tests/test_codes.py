"""One code names one thing: a unit's code is never a cadre's. The attack was
`PATCH /api/org/units/2 {"code": "GB000003"}`; now the API, the forms, the imports and the database refuse it."""

import importlib

import pytest
from django.db import IntegrityError, connection, transaction

from kaohe.org.codes import code_clashes
from kaohe.org.models import Cadre, Unit

MIGRATION = importlib.import_module("kaohe.org.migrations.0002_codes_unique_across_units_and_cadres")

pytestmark = pytest.mark.django_db


def test_the_api_refuses_a_unit_the_code_of_a_cadre_naming_it(client_for, roster):
    unit = roster["units"]["b"]
    response = client_for("organiser").patch(
        f"/api/org/units/{unit.pk}", {"code": "GB003"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "编码 GB003 已是一名干部的编码" in response.json()["detail"]
    unit.refresh_from_db()
    assert unit.code == "DW02"


def test_the_api_refuses_a_new_cadre_the_code_of_a_unit(client_for, roster):
    response = client_for("organiser").post(
        "/api/org/cadres",
        {"code": "DW01", "name": "周海", "unit_code": "DW02", "title": "科员", "start": "2024-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "编码 DW01 已是一个单位的编码" in response.json()["detail"]
    assert not Cadre.objects.filter(code="DW01").exists()


@pytest.mark.parametrize("write", ["update_unit", "create_cadre", "update_cadre", "create_unit"])
def test_the_database_refuses_a_shared_code_whoever_writes(roster, write):
    unit, cadre = roster["units"]["a"], roster["cadres"]["a1"]
    statements = {
        "update_unit": lambda: Unit.objects.filter(pk=unit.pk).update(code=cadre.code),
        "update_cadre": lambda: Cadre.objects.filter(pk=cadre.pk).update(code=unit.code),
        "create_cadre": lambda: Cadre.objects.create(code=unit.code, name="周海"),
        "create_unit": lambda: Unit.objects.create(code=cadre.code, name="甲", category=unit.category),
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        statements[write]()


def test_the_imports_name_the_clash_in_chinese(roster):
    assert code_clashes(unit_codes=["GB001", "DW09"], cadre_codes=["DW02", "GB009"]) == [
        "单位编码「GB001」已是系统中一名干部的编码（单位和干部的编码不能相同）",
        "干部编码「DW02」已是系统中一个单位的编码（单位和干部的编码不能相同）",
    ]


def test_the_migration_refuses_an_install_that_already_has_a_collision_and_lists_it(roster):
    from django.apps import apps

    drops = [MIGRATION.POSTGRES_DROP] if connection.vendor == "postgresql" else MIGRATION.SQLITE_DROP
    with connection.cursor() as cursor:
        for statement in drops:
            cursor.execute(statement)
    Unit.objects.filter(pk=roster["units"]["b"].pk).update(code="GB003")
    Cadre.objects.filter(pk=roster["cadres"]["c1"].pk).update(code="DW01")
    with pytest.raises(RuntimeError) as refused:
        MIGRATION.refuse_collisions(apps, None)
    assert str(refused.value).startswith("有 2 个编码同时用于单位和干部：DW01、GB003。")


def test_a_province_of_codes_goes_in_in_one_transaction(roster):
    """Each new code takes the triggers' advisory lock on PostgreSQL; one lock a code held 50,000 locks and
    overflowed the server's lock table ("out of shared memory"); by default it holds about 12,000."""
    with transaction.atomic():
        Cadre.objects.bulk_create(Cadre(code=f"GX{n:06}", name=f"干部{n}") for n in range(15_000))
    assert Cadre.objects.filter(code__startswith="GX").count() == 15_000
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadre.objects.create(code="DW01", name="周海")  # the trigger still refuses a unit's code
