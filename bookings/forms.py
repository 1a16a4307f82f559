"""The consultation request form. It validates and nothing more: services.py stores."""

import re
from functools import cached_property
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from phonenumber_field.formfields import PhoneNumberField

from articles.models import Article

from . import antispam
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


class ConsultationRequestForm(SourceFields):
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
    def for_page(cls, request: HttpRequest, *, article: Article | None = None):
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
        return cls(initial=initial)

    @classmethod
    def refilled(cls, request: HttpRequest):
        """The form after its POST was refused (a lost security cookie), refilled with what the
        reader typed, with fresh per-visitor values so that it can be sent again."""
        article = Article.objects.published_by_slug(request.POST.get("article", ""))
        form = cls.for_page(request, article=article)
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
            Field("name", autocomplete="name"),
            Field("email", autocomplete="email"),
            Field("phone", autocomplete="tel"),
            Field("help_with"),
            "contact_method",
            "preferred_times",
            "message",
            "consent",
            "article",
            *ConsultationRequest.SOURCE_FIELDS,
            "form_shown_at",
            Div("website", css_class="bookings-hp", aria_hidden="true", hidden=""),
            Submit("send", "Request my free consultation", css_class="btn-unity"),
            HTML(
                '<p class="form-text mt-2">Free and with no obligation. '
                "We reply {{ clinic.reply_promise }}.</p>"
            ),
        )
        return helper

    def clean_article(self) -> Article | None:
        return Article.objects.published_by_slug(self.cleaned_data.get("article") or "")

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
