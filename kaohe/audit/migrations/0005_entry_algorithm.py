"""Each audit entry names the algorithm of its link: entries written so far are plain SHA-256 ("sha256");
from now on entries carry an HMAC under the key provider's key (kaohe/crypto)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_head_kept_by_the_database")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="algorithm",
            field=models.CharField(default="sha256", max_length=16),
            preserve_default=False,
        ),
    ]
