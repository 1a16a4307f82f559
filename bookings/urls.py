from django.urls import path

from unity_site.page_cache import cache_for_readers

from . import views

app_name = "bookings"

urlpatterns = [
    path("book/", cache_for_readers(views.book), name="book"),
    # Not cached: it depends on the outcome in its query, and follows a POST.
    path("book/thanks/", views.thanks, name="thanks"),
]
