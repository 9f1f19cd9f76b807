from django.db import migrations, models

BLOBS = (("inputs", "输入数据"), ("document", "结果文档"))


def copy(apps, schema_editor):
    run = apps.get_model("results", "ComputeRun")
    run.objects.update(**{f"{name}_last": models.F(name) for name, _label in BLOBS})


class Migration(migrations.Migration):
    """A run's two blobs (megabytes each) become its last columns. SQLite keeps a large value in a chain of
    overflow pages and walks the chain to reach any column stored after it: reading the current run for a
    results page went through 17 MB of pages. Each blob is added again at the end, copied, and the old one
    dropped; PostgreSQL stores large values apart and is indifferent."""

    dependencies = [("results", "0005_digest_algorithms")]

    operations = [
        *(
            migrations.AddField(
                model_name="computerun",
                name=f"{name}_last",
                field=models.BinaryField(default=b"", verbose_name=label),
                preserve_default=False,
            )
            for name, label in BLOBS
        ),
        migrations.RunPython(copy, migrations.RunPython.noop),
        *(migrations.RemoveField(model_name="computerun", name=name) for name, _label in BLOBS),
        *(
            migrations.RenameField(model_name="computerun", old_name=f"{name}_last", new_name=name)
            for name, _label in BLOBS
        ),
    ]
