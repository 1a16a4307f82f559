from django.urls import path

from unity_site.page_cache import cache_for_readers

from . import clinic_views, views

app_name = "bookings"

urlpatterns = [
    path("book/", cache_for_readers(views.book), name="book"),
    # Not cached: it depends on the outcome in its query, and follows a POST.
    path("book/thanks/", views.thanks, name="thanks"),
    # Not cached: the times free now, and the form that books one (bookings/views.py).
    path("book/time/", views.book_time, name="book_time"),
    # Not cached: one booking, behind a signed link that works for a day.
    path("book/booked/<str:token>/", views.booked, name="booked"),
    # Not cached: the reader's private link to see, move or cancel their booking.
    path("book/manage/<str:token>/", views.manage, name="manage"),
    path("book/manage/<str:token>/move/", views.manage_reschedule, name="manage_reschedule"),
    path("book/manage/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("book/manage/<str:token>/consultation.ics", views.manage_invite, name="manage_invite"),
    # Cached: saving hours or closures refreshes it (bookings/signals.py).
    path("visit/", cache_for_readers(clinic_views.visit), name="visit"),
]
