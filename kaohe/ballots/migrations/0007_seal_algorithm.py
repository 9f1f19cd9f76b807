from django.db import migrations, models


def sealed_with_sha256(apps, schema_editor):
    """Every seal written before the algorithm was recorded is SHA-256."""
    EvaluationSession = apps.get_model("ballots", "EvaluationSession")
    EvaluationSession.objects.exclude(seal="").update(seal_algorithm="sha256")


class Migration(migrations.Migration):
    dependencies = [("ballots", "0006_sealed_ballot_envelopes")]

    operations = [
        migrations.AddField(
            model_name="evaluationsession",
            name="seal_algorithm",
            field=models.CharField(blank=True, max_length=16, verbose_name="封存算法"),
        ),
        migrations.RunPython(sealed_with_sha256, migrations.RunPython.noop),
    ]
