from django.conf import settings
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from articles.models import Article

from . import antispam
from .forms import REFERRER_MAX, UTM_MAX, ConsultationRequestForm, clean_tracking_value
from .services import consultation_request_create

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign")


def initial_for(request: HttpRequest, article: Article | None) -> dict:
    """What the form starts with where it is shown: the article's topic and the visit's source."""
    initial = {
        "shown": antispam.form_shown_token(),
        "referrer": clean_tracking_value(request.META.get("HTTP_REFERER", ""), REFERRER_MAX),
    }
    for field in UTM_FIELDS:
        initial[field] = clean_tracking_value(request.GET.get(field, ""), UTM_MAX)
    if article is not None:
        initial["article"] = article.slug
        topic = article.topics.order_by("name").first()
        initial["help_with"] = topic.name if topic else article.title
    return initial


def build_form(request: HttpRequest, *, article: Article | None = None, data=None):
    form_kwargs = {"clinic_name": settings.CLINIC["name"]}
    if data is not None:
        return ConsultationRequestForm(data, **form_kwargs)
    return ConsultationRequestForm(initial=initial_for(request, article), **form_kwargs)


@require_http_methods(["GET", "HEAD", "POST"])
def book(request: HttpRequest) -> HttpResponse:
    """The standalone booking page; the article page's form posts here too."""
    if request.method == "POST":
        form = build_form(request, data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            client = antispam.client_hash(request)
            consultation_request_create(
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                help_with=data["help_with"],
                contact_method=data["contact_method"],
                preferred_times=data["preferred_times"],
                message=data["message"],
                consent_version=settings.BOOKINGS_CONSENT_VERSION,
                article=data["article"],
                referrer=data["referrer"],
                utm_source=data["utm_source"],
                utm_medium=data["utm_medium"],
                utm_campaign=data["utm_campaign"],
                client_hash=client,
                spam_reason=antispam.spam_reason(
                    honeypot=data["website"], token=data["shown"], client=client
                ),
            )
            # Spam or not, the sender sees the same page.
            return redirect("bookings:thanks")
        article = form.cleaned_data.get("article")
    else:
        slug = request.GET.get("article", "")[:160]
        # Only a well-formed slug reaches the database (PostgreSQL refuses NUL bytes, say).
        is_slug = bool(slug) and slug_re.fullmatch(slug) is not None
        article = Article.objects.published().filter(slug=slug).first() if is_slug else None
        form = build_form(request, article=article)
    return render(request, "bookings/book.html", {"form": form, "article": article})


@require_http_methods(["GET", "HEAD"])
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/thanks.html")
