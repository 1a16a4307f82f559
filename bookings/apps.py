from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Consultation requests"

    def ready(self):
        from unity_site import errors, health, page_cache

        from . import signals
        from .forms import PER_VISITOR_VALUES, render_refilled
        from .health import email_outbox_check, housekeeping_check

        for name, make_value in PER_VISITOR_VALUES.items():
            page_cache.register_per_visitor_field(name, make_value)
        health.register_check(email_outbox_check)
        health.register_check(housekeeping_check)
        errors.register_refilled_form("bookings:book", render_refilled)
        # The visit page shows the clinic's hours and closures: saving them refreshes it.
        signals.connect()
