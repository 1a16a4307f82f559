"""What a reader sends from the consultation forms: the call-back form (/book/) and the time form
(/book/time/) both post these answers and hidden fields."""

import time

from bookings import antispam


def reader_answers(**overrides) -> dict:
    """The answers both forms share, with a form-shown token from long enough ago; an override of
    None leaves its field out."""
    answers = {
        "name": "Zoë Ångström",
        "email": "zoe@example.com",
        "phone": "07912 345678",
        "help_with": "Low back pain",
        "consent": "on",
        "article": "",
        "referrer": "",
        "utm_source": "",
        "utm_medium": "",
        "utm_campaign": "",
        # Shown ten minutes ago: not too fast for a person, not too old to be trusted.
        "form_shown_at": antispam.form_shown_token(now=time.time() - 600),
        "website": "",
    }
    answers.update(overrides)
    return {field: value for field, value in answers.items() if value is not None}


def send_twice(client, url, answers):
    """Posts the same answers twice, as a refresh or Back then Send would; both responses."""
    return client.post(url, answers), client.post(url, answers)


def assert_refilled(page: str, article_slug: str) -> None:
    """The call-back form came back holding what the form_data fixture filled in."""
    assert 'value="Zoë Ångström"' in page
    assert 'value="zoe@example.com"' in page
    assert "It hurts when I bend.\nWorse in the mornings." in page
    assert f'name="article" value="{article_slug}"' in page
