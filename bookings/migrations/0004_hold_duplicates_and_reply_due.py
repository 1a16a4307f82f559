from django.db import migrations, models
from django.db.models import Q

from bookings.working_days import reply_due


def fill_reply_due(apps, schema_editor):
    ConsultationRequest = apps.get_model("bookings", "ConsultationRequest")
    for request in ConsultationRequest.objects.only("received_at").iterator():
        request.reply_due_at = reply_due(request.received_at)
        request.save(update_fields=["reply_due_at"])


class Migration(migrations.Migration):
    dependencies = [("bookings", "0003_status_index_covered_by_status_received")]

    operations = [
        migrations.RenameField("consultationrequest", "spam_reason", "screening_reason"),
        migrations.AlterField(
            model_name="consultationrequest",
            name="screening_reason",
            field=models.CharField(
                blank=True, max_length=100, verbose_name="why it was held or marked spam"
            ),
        ),
        migrations.AlterField(
            model_name="consultationrequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("held", "On hold"),
                    ("contacted", "Contacted"),
                    ("booked", "Booked"),
                    ("closed", "Closed"),
                    ("spam", "Spam"),
                ],
                default="new",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="from_status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("held", "On hold"),
                    ("contacted", "Contacted"),
                    ("booked", "Booked"),
                    ("closed", "Closed"),
                    ("spam", "Spam"),
                ],
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("held", "On hold"),
                    ("contacted", "Contacted"),
                    ("booked", "Booked"),
                    ("closed", "Closed"),
                    ("spam", "Spam"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="consultationrequest",
            name="duplicate_key",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="consultationrequest",
            name="reply_due_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(fill_reply_due, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="consultationrequest",
            name="reply_due_at",
            field=models.DateTimeField(
                editable=False,
                help_text="The promised reply: one working day.",
                verbose_name="reply due by",
            ),
        ),
        migrations.AddConstraint(
            model_name="consultationrequest",
            constraint=models.UniqueConstraint(
                condition=~Q(duplicate_key=""),
                fields=["duplicate_key"],
                name="consultation_sent_once",
            ),
        ),
    ]
