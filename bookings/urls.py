from django.urls import path

from unity_site.page_cache import cache_for_readers

from . import views

app_name = "bookings"

urlpatterns = [
    path("book/", cache_for_readers(views.book), name="book"),
    path("book/thanks/", cache_for_readers(views.thanks), name="thanks"),
]
