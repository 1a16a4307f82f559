"""The free times that the booking POST of a time posts, one per POST, as JSON on one line.

Run by bench/run.py with production settings and the bench database, just before each run of
"Booking POST (a time)": every free slot of the booking window, as the value of its radio
button for any clinician (bench/booking_form.py, slot_values), leaving out the next ten minutes
past the minimum notice, which could slip inside it while wrk runs.
"""

import datetime
import json
import os
import sys
from pathlib import Path

import booking_form

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unity_site.settings.production")
MARGIN = datetime.timedelta(minutes=10)


def values() -> list[str]:
    from django.utils import timezone

    from bookings import availability
    from bookings.models import BookingPolicy

    notice = datetime.timedelta(minutes=BookingPolicy.current().minimum_notice_minutes)
    not_before = timezone.now() + notice + MARGIN
    return booking_form.slot_values(availability.free_slots(), not_before=not_before)


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(values()))
