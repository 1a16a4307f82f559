"""The consultation request form. It validates and nothing more: services.py stores."""

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from phonenumber_field.formfields import PhoneNumberField

from articles.models import Article

from . import antispam, availability
from .models import ConsultationRequest

# Unicode's control characters (category Cc), line and paragraph separators (Zl, Zp) and the
# invisible characters that reorder text: harmless in a database, misleading in an inbox. Spelt
# out as ranges because a regular expression scans a message far faster than a loop asking
# unicodedata about each character.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CONTROL_CHARACTERS_BUT_NEWLINES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
CONSENT_LABEL = (
    "I agree that {clinic} may use the information I give here, including about my health, "
    'to reply to this request. <a href="{privacy_url}">How we look after your information</a>.'
)


def has_control_characters(value: str, *, allow_newlines: bool = False) -> bool:
    """With allow_newlines, line feeds, carriage returns and tabs pass: a message may hold them."""
    pattern = CONTROL_CHARACTERS_BUT_NEWLINES if allow_newlines else CONTROL_CHARACTERS
    return pattern.search(value) is not None


def max_length(field_name: str) -> int:
    """What the model keeps of a field: the form checks the same limit."""
    return ConsultationRequest._meta.get_field(field_name).max_length


class SingleLineCharField(forms.CharField):
    """Text on one line: line breaks and control characters are an error, not stripped away."""

    default_error_messages = {
        "control": "Use letters, numbers and punctuation only, on one line.",
    }

    def to_python(self, value):
        if isinstance(value, str) and has_control_characters(value):
            raise forms.ValidationError(self.error_messages["control"], code="control")
        return super().to_python(value)


class SingleEmailField(forms.EmailField):
    default_error_messages = {
        "control": "Enter your email address on one line.",
        "several": "Enter one email address only.",
    }

    def to_python(self, value):
        if isinstance(value, str):
            if has_control_characters(value):
                raise forms.ValidationError(self.error_messages["control"], code="control")
            if value.count("@") > 1:
                raise forms.ValidationError(self.error_messages["several"], code="several")
        return super().to_python(value)


class SourceField(forms.CharField):
    """A hidden note of where the reader came from. Never an error for them: it is tidied and
    shortened to what the model keeps instead."""

    widget = forms.HiddenInput

    def __init__(self, *, keep: int):
        self.keep = keep
        super().__init__(required=False)

    def to_python(self, value) -> str:
        return CONTROL_CHARACTERS.sub("", super().to_python(value)).strip()[: self.keep]


# One hidden field for each of the model's SOURCE_FIELDS.
SourceFields = type(
    "SourceFields",
    (forms.Form,),
    {name: SourceField(keep=max_length(name)) for name in ConsultationRequest.SOURCE_FIELDS},
)


class ReaderForm(SourceFields):
    """What both ways to a free consultation ask and carry: who the reader is, what they would
    like help with, their consent, where they came from, and the hidden fields of the spam
    checks. ConsultationRequestForm asks for a call back; BookingForm books a time."""

    name = SingleLineCharField(
        label="Your name",
        max_length=max_length("name"),
        error_messages={"required": "Enter your name."},
    )
    email = SingleEmailField(
        label="Email address",
        max_length=max_length("email"),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    phone = PhoneNumberField(
        label="Phone number (optional)",
        region="GB",
        required=False,
        max_length=40,
        help_text="A UK number, or an international one starting with +.",
    )
    help_with = SingleLineCharField(
        label="What would you like help with?",
        max_length=max_length("help_with"),
        error_messages={"required": "Tell us briefly what you would like help with."},
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": "Tick the box to agree, so that we can reply to you."},
    )

    # The article the form was shown under (its slug), and the signed time it was shown at
    # (antispam.py); like the source fields, never an error for the reader.
    article = forms.CharField(required=False, widget=forms.HiddenInput)
    form_shown_at = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people, filled in by naive bots.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    # Short names for the error summary, where a link names each field.
    summary_labels = {"consent": "Consent"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            CONSENT_LABEL, clinic=settings.CLINIC["name"], privacy_url=reverse("privacy")
        )

    @classmethod
    def for_page(cls, request: HttpRequest, *, article: Article | None = None, **kwargs):
        """The empty form as a page shows it: the visit's source and, under an article, the
        article and its first topic as what the reader would like help with."""
        initial: dict[str, Any] = {
            name: cls.base_fields[name].clean(request.GET.get(name, ""))
            for name in ConsultationRequest.SOURCE_FIELDS
        }
        initial.update({name: make(request) for name, make in PER_VISITOR_VALUES.items()})
        if article is not None:
            initial["article"] = article.slug
            topic = article.topics.order_by("name").first()
            initial["help_with"] = topic.name if topic else article.title
        return cls(initial=initial, **kwargs)

    @staticmethod
    def contact_layout() -> list:
        """Who the reader is and what they would like help with, as both forms lay it out."""
        return [
            Field("name", autocomplete="name"),
            Field("email", autocomplete="email"),
            Field("phone", autocomplete="tel"),
            Field("help_with"),
        ]

    @staticmethod
    def hidden_layout() -> list:
        return [
            "article",
            *ConsultationRequest.SOURCE_FIELDS,
            "form_shown_at",
            Div("website", css_class="bookings-hp", aria_hidden="true", hidden=""),
        ]

    def screening_values(self) -> dict[str, str]:
        """What antispam.screen() looks at, from the cleaned form."""
        return {
            "honeypot": self.cleaned_data["website"],
            "shown_token": self.cleaned_data["form_shown_at"],
            "email": self.cleaned_data["email"],
        }

    def clean_article(self) -> Article | None:
        return Article.objects.published_by_slug(self.cleaned_data.get("article") or "")

    def error_summary(self) -> list[dict[str, str]]:
        """Every error, in form order, with the id of the field it belongs to."""
        items = []
        for message in self.non_field_errors():
            items.append({"anchor": self.helper.form_id, "message": message})
        for bound_field in self:
            if bound_field.is_hidden or not bound_field.errors:
                continue
            anchor = bound_field.auto_id
            if isinstance(
                bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                anchor = f"{anchor}_0"
            for message in bound_field.errors:
                items.append({"anchor": anchor, "message": message})
        return items


class ConsultationRequestForm(ReaderForm):
    """A call back: the reader says how and when to reach them, and staff arrange a time."""

    # What the reader answers.
    ANSWER_FIELDS = (
        "name",
        "email",
        "phone",
        "help_with",
        "contact_method",
        "preferred_times",
        "message",
    )
    # What consultation_request_create() stores, named as it takes them.
    REQUEST_FIELDS = (*ANSWER_FIELDS, "article", *ConsultationRequest.SOURCE_FIELDS)

    # What a refused POST gives back to the reader (not the honeypot or the signed time).
    REFILLED_FIELDS = (*ANSWER_FIELDS, "consent", *ConsultationRequest.SOURCE_FIELDS)

    contact_method = forms.ChoiceField(
        label="How should we contact you?",
        choices=ConsultationRequest.ContactMethod.choices,
        widget=forms.RadioSelect,
        initial=ConsultationRequest.ContactMethod.EMAIL,
        error_messages={"required": "Choose how we should contact you."},
    )
    preferred_times = forms.MultipleChoiceField(
        label="When suits you? (choose any)",
        choices=ConsultationRequest.PreferredTime.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    message = forms.CharField(
        label="Anything else you would like us to know? (optional)",
        max_length=max_length("message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"At most {max_length('message')} characters.",
    )

    # The questions in the order the page asks them, which the error summary follows.
    field_order = [
        *ConsultationRequest.SOURCE_FIELDS,
        *ANSWER_FIELDS,
        "consent",
        "article",
        "form_shown_at",
        "website",
    ]

    @classmethod
    def refilled(cls, request: HttpRequest):
        """The form after its POST was refused (a lost security cookie, the database away),
        refilled with what the reader typed, with fresh per-visitor values so that it can be sent
        again. Drawn without the database: the article is checked when the form is sent."""
        form = cls.for_page(request)
        form.initial["article"] = request.POST.get("article", "")
        for name in cls.REFILLED_FIELDS:
            field = cls.base_fields[name]
            if isinstance(field, forms.MultipleChoiceField):
                form.initial[name] = request.POST.getlist(name)
            elif name in request.POST:
                form.initial[name] = request.POST[name]
        return form

    def request_fields(self) -> dict[str, Any]:
        """The cleaned answers, as consultation_request_create() takes them."""
        return {name: self.cleaned_data[name] for name in self.REQUEST_FIELDS}

    # Built when the form is drawn, not when an accepted request is only validated.
    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_action = reverse("bookings:book")
        helper.form_method = "post"
        helper.form_id = "consultation-form"
        helper.attrs = {"novalidate": ""}
        helper.layout = Layout(
            *self.contact_layout(),
            "contact_method",
            "preferred_times",
            "message",
            "consent",
            *self.hidden_layout(),
            Submit("send", "Request my free consultation", css_class="btn-unity"),
            HTML(
                '<p class="form-text mt-2">Free and with no obligation. '
                "We reply {{ clinic.reply_promise }}.</p>"
            ),
        )
        return helper

    def clean_message(self) -> str:
        message = self.cleaned_data.get("message", "")
        if has_control_characters(message, allow_newlines=True):
            raise forms.ValidationError(
                "Remove the unusual invisible characters from your message.", code="control"
            )
        return message

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact_method") == ConsultationRequest.ContactMethod.PHONE and not (
            cleaned.get("phone") or self.has_error("phone")
        ):
            self.add_error("phone", "Give a phone number so that we can call you.")
        return cleaned


SLOT_VALUE = re.compile(r"(?P<start>\d{8}T\d{6}Z)-(?P<who>any|[1-9]\d{0,9})")
ANY_CLINICIAN = "any"


@dataclass(frozen=True, order=True)
class SlotChoice:
    """A time the reader can choose, as the booking form's radio buttons carry it: the start in
    UTC and the clinician, or None for whichever clinician is free then."""

    starts_at: datetime.datetime
    clinician_id: int | None = None

    @property
    def value(self) -> str:
        who = ANY_CLINICIAN if self.clinician_id is None else str(self.clinician_id)
        return f"{self.starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}-{who}"

    @classmethod
    def parse(cls, value: str) -> "SlotChoice | None":
        """The choice a value stands for, or None when it is not one we would have written."""
        match = SLOT_VALUE.fullmatch(value or "")
        if match is None:
            return None
        try:
            starts_at = datetime.datetime.strptime(match["start"], "%Y%m%dT%H%M%S%z")
        except ValueError:  # e.g. a 30th of February
            return None
        who = match["who"]
        return cls(starts_at, None if who == ANY_CLINICIAN else int(who))

    def describe(self) -> str:
        """e.g. "Monday 14 December at 09:00", in clinic time."""
        local = timezone.localtime(self.starts_at)
        return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def slot_choices(*, clinician_id: int | None = None) -> list[SlotChoice]:
    """Every time offered now in the booking window: one per start for any clinician, or the
    times of one clinician."""
    slots = availability.free_slots(clinician_ids=None if clinician_id is None else [clinician_id])
    return sorted({SlotChoice(slot.starts_at, clinician_id) for slot in slots})


class BookingForm(ReaderForm):
    """A time the reader books themselves, from the times offered when the form is checked."""

    # What consultation_booking_create() stores besides the time, named as it takes them.
    BOOKING_FIELDS = ("name", "email", "phone", "help_with", "article")

    slot = forms.CharField(
        label="Choose a time",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a time for your consultation."},
    )

    field_order = ["slot", "name", "email", "phone", "help_with", "consent"]

    UNAVAILABLE = "That time is not one we can offer. Choose one of the times shown."

    def __init__(self, *args, offered: Sequence[SlotChoice] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = list(offered)
        self._offered_values = {choice.value for choice in self.offered}
        # The time the reader chose, when someone else has just booked it.
        self.taken: SlotChoice | None = None
        self.fields["email"].help_text = "We send the confirmation and a calendar invite here."

    def clean_slot(self) -> SlotChoice:
        value = self.cleaned_data["slot"]
        choice = SlotChoice.parse(value)
        if choice is None:
            raise forms.ValidationError(self.UNAVAILABLE, code="unavailable")
        if value not in self._offered_values:
            if self._was_booked(choice):
                self.taken = choice
                raise forms.ValidationError(self.taken_message(), code="taken")
            raise forms.ValidationError(self.UNAVAILABLE, code="unavailable")
        return choice

    def _was_booked(self, choice: SlotChoice) -> bool:
        """Whether the time was offered until someone booked it: a booking holds it."""
        bookings = ConsultationRequest.objects.holding_slots().filter(
            starts_at=choice.starts_at, clinician__offers_free_consultations=True
        )
        if choice.clinician_id is not None:
            bookings = bookings.filter(clinician_id=choice.clinician_id)
        return bookings.exists()

    def slot_taken(self, choice: SlotChoice) -> None:
        """The database refused the time after the form was checked: say so, kindly, and
        offer it no more, even where the schedule cannot see why (an overlap with a booking of
        another length)."""
        self.taken = choice
        self.offered = [offered for offered in self.offered if offered != choice]
        self.errors["slot"] = self.error_class([self.taken_message()])
        self.cleaned_data.pop("slot", None)

    def nearest(self, count: int = 3) -> list[SlotChoice]:
        """The offered times closest to the one that was taken, in time order."""
        if self.taken is None:
            return []
        wanted = self.taken.starts_at
        closest = sorted(self.offered, key=lambda choice: abs(choice.starts_at - wanted))
        return sorted(closest[:count])

    def taken_message(self) -> str:
        message = (
            f"Sorry: {self.taken.describe()} was booked by someone else a moment ago. "
            "Everything else you filled in is kept: choose another time."
        )
        nearest = [choice.describe() for choice in self.nearest()]
        if nearest:
            listed = ", ".join(nearest[:-1]) + (" or " if len(nearest) > 1 else "") + nearest[-1]
            message += f" The nearest free times are {listed}."
        return message

    def only_slot_taken(self) -> bool:
        """Everything is right but the time, which someone has booked since it was shown."""
        return self.taken is not None and set(self.errors) == {"slot"}

    def answers(self) -> dict[str, Any]:
        """What the reader answered, and the time they chose, when only the time was refused:
        as consultation_booking_find_duplicate() takes them."""
        return {
            **{name: self.cleaned_data[name] for name in self.BOOKING_FIELDS},
            "starts_at": self.taken.starts_at,
        }

    def booking_fields(self) -> dict[str, Any]:
        """The cleaned answers and time, as consultation_booking_create() takes them."""
        choice = self.cleaned_data["slot"]
        return {
            **{name: self.cleaned_data[name] for name in self.BOOKING_FIELDS},
            **{name: self.cleaned_data[name] for name in ConsultationRequest.SOURCE_FIELDS},
            "starts_at": choice.starts_at,
            "clinician_id": choice.clinician_id,
        }

    @cached_property
    def helper(self) -> FormHelper:
        """The reader's details; the page draws the form tag and the times around them."""
        helper = FormHelper(self)
        helper.form_tag = False
        helper.form_id = "booking-form"
        helper.layout = Layout(
            *self.contact_layout(),
            "consent",
            *self.hidden_layout(),
            Submit("book", "Book this time", css_class="btn-unity"),
        )
        return helper


class TimePickerForm(SourceFields):
    """Whose free times to show: the small GET form under each article, which leads to the
    uncached page of times, carrying the article and the visit's source along. Nothing in it is
    ever an error: an unknown clinician or article is ignored."""

    article = forms.CharField(required=False, widget=forms.HiddenInput)
    clinician = forms.CharField(
        label="Who would you like to see?", required=False, widget=forms.Select
    )

    def __init__(self, *args, clinicians=(), **kwargs):
        kwargs.setdefault("auto_id", "time-picker-%s")
        super().__init__(*args, **kwargs)
        self.clinicians = {clinician.pk: clinician for clinician in clinicians}
        self.fields["clinician"].widget.choices = [(ANY_CLINICIAN, "Any clinician")] + [
            (str(pk), f"{clinician.name}, {clinician.role}" if clinician.role else clinician.name)
            for pk, clinician in self.clinicians.items()
        ]

    def clean_article(self) -> Article | None:
        return Article.objects.published_by_slug(self.cleaned_data.get("article") or "")

    def clean_clinician(self):
        """The clinician chosen, or None for any clinician."""
        value = self.cleaned_data.get("clinician") or ""
        return self.clinicians.get(int(value)) if value.isascii() and value.isdigit() else None


def referrer_of(request: HttpRequest) -> str:
    """The page that sent the reader here, as the form's hidden referrer field keeps it."""
    return ConsultationRequestForm.base_fields["referrer"].clean(
        request.META.get("HTTP_REFERER", "")
    )


def form_shown_at(request: HttpRequest) -> str:
    return antispam.form_shown_token()


# The hidden values that differ for each visitor. A cached page gets them afresh for every
# reader, from these same functions (registered with the page cache in apps.py).
PER_VISITOR_VALUES = {"form_shown_at": form_shown_at, "referrer": referrer_of}


def render_refilled(request: HttpRequest) -> str:
    """The consultation form refilled after a refused POST (unity_site/errors.py)."""
    return render_to_string(
        "bookings/includes/consultation_form.html",
        {"form": ConsultationRequestForm.refilled(request)},
        request=request,
    )


class RescheduleForm(forms.Form):
    """A new time for a booked consultation, chosen through the reader's manage link from the
    times offered now (docs/bookings.md, "Changing or cancelling a booking"). It carries the
    same radio values as BookingForm; the page lays the times out alike."""

    slot = forms.CharField(
        label="Choose a new time",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a new time for your consultation."},
    )

    UNAVAILABLE = BookingForm.UNAVAILABLE

    def __init__(self, *args, offered: Sequence[SlotChoice] = (), **kwargs):
        kwargs.setdefault("auto_id", "reschedule-%s")
        super().__init__(*args, **kwargs)
        self.offered = list(offered)
        self._offered_values = {choice.value for choice in self.offered}

    def clean_slot(self) -> SlotChoice:
        value = self.cleaned_data["slot"]
        choice = SlotChoice.parse(value)
        if choice is None or value not in self._offered_values:
            raise forms.ValidationError(self.UNAVAILABLE, code="unavailable")
        return choice

    def slot_taken(self, choice: SlotChoice) -> None:
        """The database refused the time after the form was checked."""
        self.offered = [offered for offered in self.offered if offered != choice]
        self.errors["slot"] = self.error_class(
            [
                f"Sorry: {choice.describe()} was booked by someone else a moment ago. "
                "Your booking has not changed: choose another time."
            ]
        )
        self.cleaned_data.pop("slot", None)
