from django.db import migrations, models

from kaohe.ballots.templates_seed import BUILTIN


def seed(apps, schema_editor):
    """The built-in 专项评议 forms (服务质量评议表, 重点项目评议表) on a database seeded before they existed."""
    BallotTemplate = apps.get_model("ballots", "BallotTemplate")
    for template in BUILTIN:
        if template["kind"] == "service":
            BallotTemplate.objects.update_or_create(
                name=template["name"],
                defaults={"kind": template["kind"], "items": template["items"], "builtin": True},
            )


def unseed(apps, schema_editor):
    apps.get_model("ballots", "BallotTemplate").objects.filter(builtin=True, kind="service").delete()


class Migration(migrations.Migration):
    dependencies = [("ballots", "0009_session_summaries")]

    operations = [
        migrations.AlterField(
            model_name="ballottemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("team", "领导班子测评"),
                    ("cadre", "干部测评"),
                    ("selection", "选人用人工作评议"),
                    ("promoted", "新提拔干部评议"),
                    ("service", "专项评议"),
                ],
                max_length=10,
                verbose_name="类型",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
