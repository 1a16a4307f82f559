"""A booking's manage link: only the hash of its secret is stored (docs/bookings.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_receptionists_manage_the_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultationrequest",
            name="manage_token_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, null=True, unique=True
            ),
        ),
    ]
