"""The plan's settings keyed by the rules engine's field names instead of the 参数 sheet's Chinese names.

The names are written out here, not imported from ``kaohe.workbook.layout``, so that this migration keeps
meaning what it meant when the layout changes. Keys that are neither (there should be none) are kept as
they are, so nothing is lost; the engine names them as unknown settings.
"""

from django.db import migrations

FIELDS = {
    "年度": "year",
    "干部优秀比例": "cadre_excellent_ratio",
    "干部优秀比例(先进单位)": "cadre_excellent_ratio_advanced",
    "班子优秀比例": "team_excellent_ratio",
    "名额取整": "quota_rounding",
    "干部名额池": "cadre_pool",
    "班子名额池": "team_pool",
    "并列处理": "tie_handling",
    "优先方式": "priority_mode",
    "干部票值": "cadre_choice_values",
    "班子票值": "team_choice_values",
    "评价人权重": "rater_group_weights",
    "干部综合构成": "cadre_composite_weights",
    "班子综合构成": "team_composite_weights",
    "绩效构成": "performance_weights",
    "加分上限": "bonus_cap",
    "每票优秀上限": "excellent_limit",
    "诫勉线": "admonish_line",
    "不称职线": "adjust_line",
    "最少有效票": "min_valid_marks",
    "末位比例": "bottom_ratio",
    "干部基本称职线": "cadre_basic_line",
    "干部不称职线": "cadre_unfit_line",
    "班子一般线": "team_fair_line",
    "班子较差线": "team_poor_line",
    "一票否决效果": "veto_effect",
    "否决连带主要负责人": "veto_cascades_to_principal",
}
NAMES = {field: name for name, field in FIELDS.items()}
# Added with the field names (rules v2): the code before this migration has no such setting and would
# refuse a plan holding it, so going back drops it.
ADDED = {"bottom_ratio"}


def renamed(settings, names):
    return {names.get(key, key): value for key, value in settings.items()}


def by_field(apps, schema_editor):
    _convert(apps, lambda settings: renamed(settings, FIELDS))


def by_name(apps, schema_editor):
    _convert(apps, lambda settings: renamed({k: v for k, v in settings.items() if k not in ADDED}, NAMES))


def _convert(apps, change):
    AssessmentPlan = apps.get_model("plans", "AssessmentPlan")
    for plan in AssessmentPlan.objects.only("settings").iterator():
        settings = change(plan.settings or {})
        if settings != plan.settings:
            plan.settings = settings
            plan.save(update_fields=["settings"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(by_field, by_name)]
