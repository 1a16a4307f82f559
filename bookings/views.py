import datetime
import functools
import re
from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.models import Article
from unity_site.page_cache import mark_canonical_query

from . import antispam, availability, calendar
from .forms import (
    BookingForm,
    ConsultationRequestForm,
    RescheduleForm,
    SlotChoice,
    TimePickerForm,
    slot_choices,
)
from .models import BookingPolicy, ConsultationRequest
from .models.consultation_request import manage_token_hash
from .services import (
    BookingChangeRefused,
    ConsultationRequestDuplicate,
    SlotTaken,
    change_cutoff,
    consultation_booking_cancel_by_reader,
    consultation_booking_create,
    consultation_booking_find_duplicate,
    consultation_booking_reschedule,
    consultation_request_create,
)

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


# The page of free times shows one week of them at a time.
WEEK = datetime.timedelta(days=7)
# The confirmation page's address holds the booking's number, signed, and works for a day: no
# one can guess another booking's page, and a forwarded link soon stops showing it.
BOOKED_PAGE_SALT = "bookings.booked-page"
BOOKED_PAGE_MAX_AGE = 24 * 60 * 60
# What the confirmation page can say, by the booking's status. A held booking (or spam) is told
# its time is reserved and that a person confirms it: nothing it could use, no email promised.
BOOKED_PAGE_STATES = {
    ConsultationRequest.Status.BOOKED: "booked",
    ConsultationRequest.Status.ATTENDED: "booked",
    ConsultationRequest.Status.NO_SHOW: "booked",
    ConsultationRequest.Status.HELD: "held",
    ConsultationRequest.Status.SPAM: "held",
    ConsultationRequest.Status.CANCELLED: "cancelled",
}


# Not cached, unlike the article pages that lead here: it shows the times free now, so a booking
# never has to make every cached page stale (docs/bookings.md, "Booking a time: readers").
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def book_time(request: HttpRequest) -> HttpResponse:
    """The free times, a week at a time, and the short form that books one."""
    picker = TimePickerForm(request.GET, clinicians=availability.bookable_clinicians())
    picker.is_valid()  # nothing in it is ever an error
    article, clinician = picker.cleaned_data["article"], picker.cleaned_data["clinician"]
    clinician_id = clinician.pk if clinician else None
    offered = slot_choices(clinician_id=clinician_id)

    if request.method == "POST":
        form = BookingForm(request.POST, offered=offered)
        if form.is_valid():
            screening = antispam.screen(request, **form.screening_values())
            try:
                booking = consultation_booking_create(**form.booking_fields(), screening=screening)
            except ConsultationRequestDuplicate as duplicate:
                return redirect_to_booked(duplicate.existing)
            except SlotTaken:
                # Booked by someone else since the form was checked: the times as they are
                # now, and everything the reader typed.
                wanted = form.cleaned_data["slot"]
                form = BookingForm(request.POST, offered=slot_choices(clinician_id=clinician_id))
                form.is_valid()
                form.slot_taken(wanted)
            else:
                return redirect_to_booked(booking)
        if form.only_slot_taken():
            # Taken by this very reader, when the same booking is sent again: show it.
            existing = consultation_booking_find_duplicate(**form.answers())
            if existing is not None:
                return redirect_to_booked(existing)
    else:
        form = BookingForm.for_page(request, article=article, offered=offered)
        if "referrer" in request.GET:
            # The page the reader came to the article from, carried by the article's form.
            form.initial["referrer"] = picker.cleaned_data["referrer"]

    first_day = _first_day(request.GET.get("from", ""))
    if form.taken is not None:
        first_day = timezone.localdate(min([*form.nearest(), form.taken]).starts_at)
    week = _week_of_times(form, first_day)
    context = {
        "form": form,
        "picker": picker,
        "article": article,
        "clinician": clinician,
        "slot_minutes": BookingPolicy.current().slot_minutes,
        **week,
        "earlier_url": _with_query(request, start=week["earlier"]),
        "later_url": _with_query(request, start=week["later"]),
        "call_back_url": reverse("bookings:book")
        + (f"?{urlencode({'article': article.slug})}" if article else "")
        + "#consultation-form",
    }
    return render(request, "bookings/consultationrequest_time_form.html", context)


def _first_day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _week_of_times(form: BookingForm, first_day: datetime.date | None) -> dict:
    """The days with free times in the week from `first_day` (by default the first day with
    any), each with its radio buttons, and where the weeks before and after start."""
    by_day: dict[datetime.date, list[SlotChoice]] = defaultdict(list)
    for choice in form.offered:
        by_day[timezone.localdate(choice.starts_at)].append(choice)
    days = sorted(by_day)
    if not days:
        return {"days": [], "week_start": None, "earlier": None, "later": None}
    start = max(first_day or days[0], timezone.localdate())
    chosen = form["slot"].value() if form.is_bound else None
    shown, radio = [], 0
    for day in days:
        if start <= day < start + WEEK:
            choices = []
            for choice in by_day[day]:
                choices.append(
                    {
                        "value": choice.value,
                        "time": timezone.localtime(choice.starts_at),
                        "id": f"{form['slot'].auto_id}_{radio}",
                        "checked": choice.value == chosen,
                    }
                )
                radio += 1
            shown.append({"date": day, "choices": choices})
    later = next((day for day in days if day >= start + WEEK), None)
    earlier = max(start - WEEK, days[0]) if days[0] < start else None
    return {"days": shown, "week_start": start, "earlier": earlier, "later": later}


def _with_query(request: HttpRequest, *, start: datetime.date | None) -> str:
    """This page's address for the week from `start`, keeping the article, clinician and
    source; "" when there is no such week."""
    if start is None:
        return ""
    query = request.GET.copy()
    query["from"] = start.isoformat()
    return f"{reverse('bookings:book_time')}?{query.urlencode()}"


def booked_token(booking: ConsultationRequest) -> str:
    return signing.dumps(booking.pk, salt=BOOKED_PAGE_SALT)


def redirect_to_booked(booking: ConsultationRequest) -> HttpResponse:
    return redirect("bookings:booked", token=booked_token(booking))


@never_cache
@require_http_methods(["GET", "HEAD"])
def booked(request: HttpRequest, token: str) -> HttpResponse:
    """The booking, for a day after it was made: when, with whom, its reference, what to bring,
    how to find the clinic and how to change it. A bad or old link is a clear 404."""
    try:
        pk = signing.loads(token, salt=BOOKED_PAGE_SALT, max_age=BOOKED_PAGE_MAX_AGE)
    except signing.BadSignature:
        pk = None
    booking = (
        ConsultationRequest.objects.filter(pk=pk, starts_at__isnull=False)
        .select_related("clinician", "article")
        .first()
        if isinstance(pk, int)
        else None
    )
    state = BOOKED_PAGE_STATES.get(booking.status) if booking else None
    if state is None:
        return render(request, "bookings/consultationrequest_booked_not_found.html", status=404)
    article = booking.article
    context = {
        "booking": booking,
        "state": state,
        "article": article if article is not None and article.is_public else None,
        "google_calendar_url": calendar.google_calendar_url(booking),
        "outlook_calendar_url": calendar.outlook_calendar_url(booking),
        # The reader's private link to move or cancel it (only a booked time has one to use).
        "manage_url": reverse("bookings:manage", args=[booking.manage_token()])
        if state == "booked" and booking.manage_token()
        else "",
    }
    return render(request, "bookings/consultationrequest_booked.html", context)


# The reader's own link to see, move or cancel their booking (docs/bookings.md, "Changing or
# cancelling a booking"). Its secret is 32 bytes in URL-safe base64; only its hash is stored.
MANAGE_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
# A booking its reader can still see through the link; any other status is gone (410), except
# held and spam, which are as unknown (404): their reader was never given the link.
MANAGE_GONE = {
    ConsultationRequest.Status.CANCELLED: "cancelled",
    ConsultationRequest.Status.ATTENDED: "past",
    ConsultationRequest.Status.NO_SHOW: "past",
    ConsultationRequest.Status.CLOSED: "past",
}


def _managed_booking(
    request: HttpRequest, token: str
) -> tuple[ConsultationRequest | None, HttpResponse | None]:
    """The booking a manage link opens, or the page that says why it does not: 429 past the
    per-client rate limit, 404 for a link we never gave, 410 once the booking is cancelled or
    its time has passed. None of them says anything about any other booking."""
    limit, window = antispam.parse_rate(settings.BOOKINGS_MANAGE_RATE_LIMIT)
    if antispam.count(f"manage:{antispam.client_hash(request)}", window=window) > limit:
        response = render(request, "bookings/manage_too_many.html", status=429)
        response["Retry-After"] = str(window)
        return None, response
    booking = None
    if MANAGE_TOKEN.fullmatch(token):
        booking = (
            ConsultationRequest.objects.filter(
                manage_token_hash=manage_token_hash(token), starts_at__isnull=False
            )
            .select_related("clinician")
            .first()
        )
    if booking is None or not booking.may_be_emailed and booking.anonymised_at is None:
        return None, render(request, "bookings/manage_gone.html", {"state": "unknown"}, status=404)
    gone = None
    if booking.status != ConsultationRequest.Status.BOOKED:
        gone = MANAGE_GONE.get(booking.status, "past")
    if booking.anonymised_at is not None or booking.ends_at <= timezone.now():
        gone = "past"
    if gone is not None:
        return None, render(
            request, "bookings/manage_gone.html", {"state": gone, "booking": booking}, status=410
        )
    return booking, None


def _manage_page(
    request: HttpRequest,
    booking: ConsultationRequest,
    *,
    token: str,
    form: RescheduleForm | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    """The booking, its free times to move to (its clinician's) and the button to cancel."""
    too_late = timezone.now() >= booking.starts_at - change_cutoff()
    if form is None:
        form = RescheduleForm(
            offered=[] if too_late else slot_choices(clinician_id=booking.clinician_id)
        )
    week = _week_of_times(form, _first_day(request.GET.get("from", "")))
    context = {
        "booking": booking,
        "token": token,
        "form": form,
        "too_late": too_late or refused == BookingChangeRefused.TOO_LATE,
        "cutoff_minutes": int(change_cutoff().total_seconds() // 60),
        "moved": request.GET.get("moved") == "1",
        "slot_minutes": BookingPolicy.current().slot_minutes,
        **week,
        "earlier_url": _manage_week_url(token, week["earlier"]),
        "later_url": _manage_week_url(token, week["later"]),
    }
    response = render(request, "bookings/manage.html", context, status=status)
    # The address holds the secret: other sites get no Referer at all. (Not "no-referrer":
    # a POST would then send "Origin: null", which the CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _manage_view(methods: list[str]):
    """A view of one booking through its private link, for these methods and never cached: it
    is given the booking, or the link's refusal is answered instead."""

    def decorate(view):
        @never_cache
        @require_http_methods(methods)
        @functools.wraps(view)
        def wrapped(request: HttpRequest, token: str) -> HttpResponse:
            booking, refusal = _managed_booking(request, token)
            if refusal is not None:
                return refusal
            return view(request, booking, token=token)

        return wrapped

    return decorate


def _manage_week_url(token: str, start: datetime.date | None) -> str:
    if start is None:
        return ""
    return f"{reverse('bookings:manage', args=[token])}?{urlencode({'from': start.isoformat()})}"


@_manage_view(["GET", "HEAD"])
def manage(request: HttpRequest, booking: ConsultationRequest, token: str) -> HttpResponse:
    """A booking through its private link: see it, and choose to move or cancel it. Reading it
    changes nothing."""
    return _manage_page(request, booking, token=token)


@_manage_view(["POST"])
def manage_reschedule(
    request: HttpRequest, booking: ConsultationRequest, token: str
) -> HttpResponse:
    """Moves the booking to the time chosen, if it is still free; otherwise nothing changes."""
    if timezone.now() >= booking.starts_at - change_cutoff():
        # Too late whatever time was chosen: say so, rather than that the time is not offered.
        refused = BookingChangeRefused.TOO_LATE
        return _manage_page(request, booking, token=token, refused=refused, status=403)
    form = RescheduleForm(request.POST, offered=slot_choices(clinician_id=booking.clinician_id))
    if not form.is_valid():
        return _manage_page(request, booking, token=token, form=form, status=400)
    choice = form.cleaned_data["slot"]
    try:
        consultation_booking_reschedule(
            booking=booking, starts_at=choice.starts_at, clinician_id=booking.clinician_id
        )
    except BookingChangeRefused as refused:
        return _refused(request, booking, token=token, reason=refused.reason)
    except SlotTaken:
        form.slot_taken(choice)
        return _manage_page(request, booking, token=token, form=form, status=409)
    return redirect(f"{reverse('bookings:manage', args=[token])}?moved=1")


def _refused(
    request: HttpRequest, booking: ConsultationRequest, *, token: str, reason: str
) -> HttpResponse:
    """The service refused a change: too late (the page says to call), or the booking stopped
    being booked a moment ago (cancelled by staff meanwhile: the page that says so)."""
    if reason == BookingChangeRefused.NOT_BOOKED:
        _, gone = _managed_booking(request, token)
        if gone is not None:
            return gone
    return _manage_page(request, booking, token=token, refused=reason, status=403)


@_manage_view(["POST"])
def manage_cancel(request: HttpRequest, booking: ConsultationRequest, token: str) -> HttpResponse:
    """Cancels the booking; the reader then sees it cancelled on the booking's page."""
    try:
        cancelled = consultation_booking_cancel_by_reader(booking=booking)
    except BookingChangeRefused as refused:
        return _refused(request, booking, token=token, reason=refused.reason)
    return redirect_to_booked(cancelled)


@_manage_view(["GET", "HEAD"])
def manage_invite(request: HttpRequest, booking: ConsultationRequest, token: str) -> HttpResponse:
    """The booking's calendar invite as it is now: the same UID, its latest SEQUENCE."""
    response = HttpResponse(
        calendar.invite(booking), content_type="text/calendar; charset=utf-8; method=REQUEST"
    )
    response["Content-Disposition"] = 'attachment; filename="consultation.ics"'
    response["Referrer-Policy"] = "same-origin"
    return response
