from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from bookings.bank_holidays import DAYS_AHEAD, bank_holiday_closures_add
from bookings.services import consultation_requests_anonymise_expired
from bookings.tasks import email_tasks_requeue_stalled


class Command(BaseCommand):
    help = (
        "The daily jobs: anonymise requests past their retention period, prune old task "
        "results, hand stalled email tasks back to the queue and close the clinic on the "
        "coming bank holidays (docs/operations.md, 'Periodic jobs'). Safe to run at any time "
        "and as often as you like."
    )

    def handle(self, *args, **options):
        anonymised = consultation_requests_anonymise_expired()
        self.stdout.write(f"Anonymised {anonymised} consultation request(s).")
        call_command(
            "prune_db_task_results",
            min_age_days=settings.TASK_RESULTS_RETENTION_DAYS,
            stdout=self.stdout,
            stderr=self.stderr,
        )
        requeued = email_tasks_requeue_stalled(stalled_for=timedelta(minutes=10))
        self.stdout.write(f"Handed {requeued} stalled email task(s) back to the queue.")
        added = bank_holiday_closures_add()
        self.stdout.write(
            f"Added {added} bank holiday closure(s), looking {DAYS_AHEAD} days ahead."
        )
