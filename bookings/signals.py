"""Readers' cached pages go stale when the clinic's hours or closures are saved or deleted: the
visit page shows them (bookings/clinic_views.py).

Only cache invalidation lives here: no business rules.
"""

from django.db.models.signals import post_delete, post_save

from unity_site.page_cache import bump_content_version

from .models import Closure, WeeklyHours


def hours_changed(sender, **kwargs):
    bump_content_version()


def connect():
    for model in (WeeklyHours, Closure):
        post_save.connect(hours_changed, sender=model, dispatch_uid=f"page-cache-save-{model}")
        post_delete.connect(hours_changed, sender=model, dispatch_uid=f"page-cache-delete-{model}")
