from datetime import timedelta

from django.core.management.base import BaseCommand

from bookings.tasks import email_tasks_requeue_stalled


class Command(BaseCommand):
    help = (
        "Make email tasks that a dead worker left running ready to run again "
        "(docs/operations.md, 'Stalled email tasks')."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=10,
            help="How long a task must have been running to count as stalled (default 10).",
        )

    def handle(self, *args, minutes, **options):
        count = email_tasks_requeue_stalled(stalled_for=timedelta(minutes=minutes))
        self.stdout.write(f"{count} stalled email task(s) made ready to run again.")
