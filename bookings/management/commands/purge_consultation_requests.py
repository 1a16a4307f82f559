from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from bookings.services import (
    consultation_requests_anonymise_expired,
    consultation_requests_erase_for_email,
)


class Command(BaseCommand):
    help = (
        "Anonymise consultation requests past their retention period (BOOKINGS_RETENTION_DAYS, "
        "BOOKINGS_OPEN_RETENTION_DAYS), or, with --email, erase every request from one address "
        "(a person's erasure request). Run daily by `manage.py housekeeping`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--email",
            metavar="ADDRESS",
            help="Delete every request from this email address, with its history.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be done and change nothing.",
        )

    def handle(self, *, email, dry_run, verbosity, **options):
        prefix = "Dry run: would have " if dry_run else ""
        if email is not None:
            try:
                validate_email(email.strip())
            except ValidationError:
                raise CommandError(f"{email!r} is not an email address.") from None
            count = consultation_requests_erase_for_email(email=email, dry_run=dry_run)
            self.stdout.write(
                f"{prefix}erased {count} consultation request(s) from {email.strip()}."
            )
            return
        count = consultation_requests_anonymise_expired(dry_run=dry_run)
        self.stdout.write(
            f"{prefix}anonymised {count} consultation request(s): finished more than "
            f"{settings.BOOKINGS_RETENTION_DAYS} days ago, or left open more than "
            f"{settings.BOOKINGS_OPEN_RETENTION_DAYS} days."
        )
