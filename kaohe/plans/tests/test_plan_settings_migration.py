"""0002_plan_settings_by_field: plans stored by 参数 name are stored by the engine's field names, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kaohe.workbook import layout

BEFORE = [("plans", "0001_initial")]
AFTER = [("plans", "0002_plan_settings_by_field")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_plans_are_converted_forwards_and_backwards():
    apps = migrate(BEFORE)
    cycle_model = apps.get_model("plans", "AssessmentCycle")
    plan_model = apps.get_model("plans", "AssessmentPlan")
    by_name = {"干部优秀比例": "15%", "评价人权重": "上级=40,下级=60", "每票优秀上限": "5", "年度": "2025"}
    old = plan_model.objects.create(
        cycle=cycle_model.objects.create(year=2025, name="2025"), settings=by_name
    )
    empty = plan_model.objects.create(cycle=cycle_model.objects.create(year=2024, name="2024"), settings={})

    apps = migrate(AFTER)
    plan_model = apps.get_model("plans", "AssessmentPlan")
    assert plan_model.objects.get(pk=old.pk).settings == {
        "cadre_excellent_ratio": "15%",
        "rater_group_weights": "上级=40,下级=60",
        "excellent_limit": "5",
        "year": "2025",
    }
    assert plan_model.objects.get(pk=empty.pk).settings == {}

    # A setting the code before the migration does not know is dropped on the way back.
    plan_model.objects.filter(pk=empty.pk).update(settings={"bottom_ratio": "10%", "team_pool": "全部"})
    apps = migrate(BEFORE)
    plan_model = apps.get_model("plans", "AssessmentPlan")
    assert plan_model.objects.get(pk=old.pk).settings == by_name
    assert plan_model.objects.get(pk=empty.pk).settings == {"班子名额池": "全部"}
    migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_the_migration_names_settings_as_the_layout_does():
    from importlib import import_module

    migration = import_module("kaohe.plans.migrations.0002_plan_settings_by_field")
    assert {name: layout.SETTINGS_BY_NAME[name].field for name in migration.FIELDS} == migration.FIELDS
