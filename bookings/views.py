from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from articles.models import Article
from unity_site.page_cache import mark_canonical_query

from . import antispam
from .forms import ConsultationRequestForm
from .models import ConsultationRequest
from .services import ConsultationRequestDuplicate, consultation_request_create

# What the thank-you page can say. "held" covers spam too, so that it tells a bot nothing about
# which check it tripped, and promises no email that will not come (docs/bookings.md).
OUTCOMES = {"received", "held", "already-sent"}


@require_http_methods(["GET", "HEAD", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """The standalone booking page; the article page's form posts here too."""
    if request.method == "POST":
        form = ConsultationRequestForm(request.POST)
        if form.is_valid():
            screening = antispam.screen(
                request,
                honeypot=form.cleaned_data["website"],
                shown_token=form.cleaned_data["form_shown_at"],
                email=form.cleaned_data["email"],
            )
            try:
                consultation_request = consultation_request_create(
                    **form.request_fields(), screening=screening
                )
            except ConsultationRequestDuplicate as duplicate:
                return redirect_to_thanks("already-sent", duplicate.existing)
            if consultation_request.status == ConsultationRequest.Status.NEW:
                return redirect_to_thanks("received", consultation_request)
            return redirect_to_thanks("held", consultation_request)
        article = form.cleaned_data.get("article")
    else:
        article = Article.objects.published_by_slug(request.GET.get("article", ""))
        form = ConsultationRequestForm.for_page(request, article=article)
        # The page cache stores /book/ and /book/?article=<a published article>, no other.
        response = render(request, "bookings/book.html", {"form": form, "article": article})
        return mark_canonical_query(response, article=article.slug if article else None)
    return render(request, "bookings/book.html", {"form": form, "article": article})


def redirect_to_thanks(outcome: str, consultation_request: ConsultationRequest) -> HttpResponse:
    query = {"outcome": outcome}
    if consultation_request.article is not None:
        query["article"] = consultation_request.article.slug
    return redirect(f"{reverse('bookings:thanks')}?{urlencode(query)}")


@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest) -> HttpResponse:
    """What happens next, truthfully for each outcome, and the way back to the article."""
    outcome = request.GET.get("outcome", "")
    context = {
        "outcome": outcome if outcome in OUTCOMES else "held",
        "article": Article.objects.published_by_slug(request.GET.get("article", "")),
    }
    return render(request, "bookings/thanks.html", context)
