from django.db import migrations, models


class Migration(migrations.Migration):
    """Runs and seals name the algorithm of their digests (sha256, or sm3 in 国密 mode); every one written
    before this migration is SHA-256."""

    dependencies = [("results", "0004_clearance_requests")]

    operations = [
        migrations.AddField(
            model_name="computerun",
            name="input_digest_algorithm",
            field=models.CharField(default="sha256", max_length=16, verbose_name="输入摘要算法"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="seal",
            name="algorithm",
            field=models.CharField(default="sha256", max_length=16, verbose_name="封存算法"),
            preserve_default=False,
        ),
    ]
