from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from articles.models import Article

from . import antispam
from .forms import ConsultationRequestForm
from .services import consultation_request_create


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
            )
            consultation_request_create(
                **form.request_fields(),
                client_hash=screening.client_hash,
                spam_reason=screening.spam_reason,
            )
            # Spam or not, the sender sees the same page.
            return redirect("bookings:thanks")
        article = form.cleaned_data.get("article")
    else:
        article = Article.objects.published_by_slug(request.GET.get("article", ""))
        form = ConsultationRequestForm.for_page(request, article=article)
    return render(request, "bookings/book.html", {"form": form, "article": article})


@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/thanks.html")
