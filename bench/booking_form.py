"""The valid consultation request that every benchmark script posts, filled in as a reader would.

The body is every hidden input of the booking form as served (CSRF token, the signed time it
was shown, the source fields, whatever the form adds later) plus the reader's visible answers.
The email address holds UNIQUE, which the poster replaces with something new for every request:
each comes from another reader, as the site keeps one request of identical answers a day and
holds a few from the same address.
"""

from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import urlencode

FORM_ID = "consultation-form"
UNIQUE = "BENCH-UNIQUE"  # URL-encoding leaves it as it is
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


class _HiddenInputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = self.inside = False
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == FORM_ID:
            self.found = self.inside = True
        elif tag == "input" and self.inside and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def post_body(html: str) -> str:
    """The form's hidden inputs as served, then the reader's answers, URL-encoded."""
    parser = _HiddenInputs()
    parser.feed(html)
    if not parser.found:
        raise RuntimeError(f'the page has no <form id="{FORM_ID}">')
    answers = [
        (name, value)
        for name, answer in ANSWERS.items()
        for value in (answer if isinstance(answer, list) else [answer])
    ]
    return urlencode(parser.fields + answers)


def csrf_cookie(headers: Iterable[tuple[str, str]]) -> str:
    """The `csrftoken=...` pair from the booking page's Set-Cookie headers."""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("csrftoken="):
            return value.split(";", 1)[0]
    raise RuntimeError("the booking page did not set the csrftoken cookie")
