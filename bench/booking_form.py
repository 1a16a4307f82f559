"""The valid consultation request that every benchmark script posts, filled in as a reader would."""

import re
from collections.abc import Iterable


def csrf_cookie(headers: Iterable[tuple[str, str]]) -> str:
    """The `csrftoken=...` pair from the booking page's Set-Cookie headers."""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("csrftoken="):
            return value.split(";", 1)[0]
    raise RuntimeError("the booking page did not set the csrftoken cookie")


# What the reader answers: the form's visible fields, named as consultation_request_create()
# takes them, so that bench/instructions.py can store the very same request without the form.
ANSWERS = {
    "name": "Bench Reader",
    "email": "bench.reader@example.com",
    "phone": "",
    "help_with": "Knee pain when running",
    "contact_method": "email",
    "preferred_times": ["weekday_morning", "saturday"],
    "message": "I have had knee pain for three weeks and would like some advice.",
}


def fields(html: str) -> list[tuple[str, str]]:
    """A valid request, with the CSRF token and the signed time taken from the form as shown."""

    def hidden(name: str) -> str:
        match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        if not match:
            raise RuntimeError(f"the booking form has no {name} field")
        value = re.search(r'value="([^"]*)"', match.group(0))
        return value.group(1) if value else ""

    answers = [
        (name, value)
        for name, answer in ANSWERS.items()
        for value in (answer if isinstance(answer, list) else [answer])
    ]
    return [
        ("csrfmiddlewaretoken", hidden("csrfmiddlewaretoken")),
        *answers,
        ("consent", "on"),
        ("article", ""),
        ("referrer", ""),
        ("utm_source", "bench"),
        ("utm_medium", ""),
        ("utm_campaign", ""),
        ("shown", hidden("shown")),
        ("website", ""),
    ]
