from django.db import migrations

from kaohe.ballots.templates_seed import BUILTIN


def seed(apps, schema_editor):
    BallotTemplate = apps.get_model("ballots", "BallotTemplate")
    for template in BUILTIN:
        BallotTemplate.objects.update_or_create(
            name=template["name"],
            defaults={"kind": template["kind"], "items": template["items"], "builtin": True},
        )


def unseed(apps, schema_editor):
    apps.get_model("ballots", "BallotTemplate").objects.filter(builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("ballots", "0003_templates_sessions_tokens")]

    operations = [migrations.RunPython(seed, unseed)]
