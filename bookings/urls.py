from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("book/", views.book, name="book"),
    path("book/thanks/", views.thanks, name="thanks"),
]
