"""The clinic's team: every clinician, and a page each with their registration and articles."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView

from .models import Article, Clinician
from .structured_data import clinician_json_ld, team_json_ld
from .views import PublishedArticlesMixin


def booking_url(clinician) -> str:
    """The page of free times, showing only this clinician's (bookings/views.py, book_time)."""
    return f"{reverse('bookings:book_time')}?clinician={clinician.pk}"


class TeamView(ListView):
    template_name = "articles/clinician_list.html"
    context_object_name = "clinicians"

    def get_queryset(self):
        published = Q(
            articles__status=Article.Status.PUBLISHED,
            articles__published_at__lte=timezone.now(),
        )
        return Clinician.objects.annotate(published_articles=Count("articles", filter=published))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for clinician in context["clinicians"]:
            clinician.booking_url = booking_url(clinician)
        return {**context, "json_ld": team_json_ld(context["clinicians"])}


class ClinicianDetailView(PublishedArticlesMixin, ListView):
    """A clinician's profile, with their published articles, newest first, ten to a page."""

    template_name = "articles/clinician_detail.html"

    def get_queryset(self):
        self.clinician = get_object_or_404(Clinician, slug=self.kwargs["slug"])
        return super().get_queryset().filter(author=self.clinician)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            clinician=self.clinician,
            booking_url=booking_url(self.clinician),
            json_ld=clinician_json_ld(self.clinician),
            **kwargs,
        )
