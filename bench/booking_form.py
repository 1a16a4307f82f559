"""The valid forms that every benchmark script posts, filled in as a reader would: the call-back
request (`/book/`, ANSWERS) and the booking of a time (`/book/time/`, TIME_ANSWERS).

The body is every hidden input of the form as served (CSRF token, the signed time it was shown,
the source fields, whatever the form adds later) plus the reader's visible answers. The email
address holds UNIQUE, which the poster replaces with something new for every request: each
comes from another reader, as the site keeps one request of identical answers a day and holds a
few from the same address. A booking's time holds SLOT, which the poster replaces with a free
slot's value ("20261214T090000Z-any"), another one for every booking.
"""

from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import urlencode

FORM_ID = "consultation-form"
TIME_FORM_ID = "booking-form"
UNIQUE = "BENCH-UNIQUE"  # URL-encoding leaves it as it is
SLOT = "BENCH-SLOT"
# The start of the email address of every booking the benchmark makes (bench/generate.py
# deletes them all before each run).
TIME_EMAIL_PREFIX = "bench.time."
ANSWERS = {
    "name": "Bench Reader",
    "email": f"bench.reader.{UNIQUE}@example.com",
    "phone": "",
    "help_with": "Knee pain when running",
    "contact_method": "email",
    "preferred_times": ["weekday_morning", "saturday"],
    "message": "I have had knee pain for three weeks and would like some advice.",
    "consent": "on",
}
TIME_ANSWERS = {
    "slot": SLOT,
    "name": "Bench Reader",
    "email": f"{TIME_EMAIL_PREFIX}{UNIQUE}@example.com",
    "phone": "",
    "help_with": "Knee pain when running",
    "consent": "on",
}


class _HiddenInputs(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.found = self.inside = False
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.found = self.inside = True
        elif tag == "input" and self.inside and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def post_body(html: str, *, form_id: str = FORM_ID, answers: dict = ANSWERS) -> str:
    """The form's hidden inputs as served, then the reader's answers, URL-encoded."""
    parser = _HiddenInputs(form_id)
    parser.feed(html)
    if not parser.found:
        raise RuntimeError(f'the page has no <form id="{form_id}">')
    answers = [
        (name, value)
        for name, answer in answers.items()
        for value in (answer if isinstance(answer, list) else [answer])
    ]
    return urlencode(parser.fields + answers)


def time_post_body(html: str) -> str:
    """The booking of a time: the page of free times' booking form, with SLOT and UNIQUE."""
    return post_body(html, form_id=TIME_FORM_ID, answers=TIME_ANSWERS)


def slot_values(slots, *, not_before) -> list[str]:
    """The free slots as the booking POST posts them, for any clinician: each start as many
    times as clinicians are free then, so that every POST is accepted, in rounds (every start
    once, then again where a second clinician is free, ...), so that POSTs of the same time
    seldom meet. Starts before `not_before` are left out: they could slip inside the minimum
    notice while the benchmark runs."""
    free = {}
    for slot in slots:
        if slot.starts_at >= not_before:
            free[slot.starts_at] = free.get(slot.starts_at, 0) + 1
    rounds = max(free.values(), default=0)
    return [
        f"{starts_at:%Y%m%dT%H%M%SZ}-any"
        for round_ in range(rounds)
        for starts_at, clinicians in sorted(free.items())
        if clinicians > round_
    ]


def csrf_cookie(headers: Iterable[tuple[str, str]]) -> str:
    """The `csrftoken=...` pair from the booking page's Set-Cookie headers."""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("csrftoken="):
            return value.split(";", 1)[0]
    raise RuntimeError("the booking page did not set the csrftoken cookie")
