# The built-in 主要负责人测评票: 德能勤绩廉 and the principal's own items (抓班子带队伍、执行民主集中制、发挥表率作用).

from django.db import migrations

from kaohe.ballots.templates_seed import BUILTIN, PRINCIPAL_TEMPLATE


def seed(apps, schema_editor):
    BallotTemplate = apps.get_model("ballots", "BallotTemplate")
    [template] = [t for t in BUILTIN if t["name"] == PRINCIPAL_TEMPLATE]
    BallotTemplate.objects.update_or_create(
        name=template["name"],
        defaults={"kind": template["kind"], "items": template["items"], "builtin": True},
    )


def unseed(apps, schema_editor):
    BallotTemplate = apps.get_model("ballots", "BallotTemplate")
    BallotTemplate.objects.filter(name=PRINCIPAL_TEMPLATE, builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ballots", "0007_seal_algorithm")]

    operations = [migrations.RunPython(seed, unseed)]
