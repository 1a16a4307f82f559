"""In development the worker prints each email as a person reads it, not as raw MIME."""

import io
import os
import sys

from django.core.mail import EmailMultiAlternatives

from tests.site.checkout import run_in_checkout
from unity_site.mail import ReadableConsoleEmailBackend

LONG_LINE = " ".join(["Your first visit costs £20, and Siân will see you."] * 6)


def printed(*messages) -> str:
    stream = io.StringIO()
    ReadableConsoleEmailBackend(stream=stream).send_messages(list(messages))
    return stream.getvalue()


def consultation_email() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject="Siân Llŷr: £20 consultation",
        body=f"Dear Siân Llŷr,\n\n{LONG_LINE}\n\nUnity",
        from_email="Unity Physiotherapy <hello@unity-clinic.example>",
        to=["Siân Llŷr <sian@example.com>"],
        reply_to=["hello@unity-clinic.example"],
    )
    message.attach_alternative("<p>Dear Siân Llŷr</p>", "text/html")
    return message


def test_an_email_is_printed_as_decoded_text_with_its_addresses_and_subject():
    output = printed(consultation_email())

    assert "From: Unity Physiotherapy <hello@unity-clinic.example>\n" in output
    assert "To: Siân Llŷr <sian@example.com>\n" in output
    assert "Reply-To: hello@unity-clinic.example\n" in output
    assert "Subject: Siân Llŷr: £20 consultation\n" in output
    assert f"\nDear Siân Llŷr,\n\n{LONG_LINE}\n\nUnity\n" in output
    assert output.index("From:") < output.index("To:") < output.index("Reply-To:")
    assert output.index("Reply-To:") < output.index("Subject:") < output.index("Dear Siân")


def test_no_mime_encoding_reaches_the_printed_email():
    output = printed(consultation_email())

    for artefact in ("=C3=", "=C2=A3", "=\n", "=?utf-8?", "Content-Transfer-Encoding", "<p>"):
        assert artefact not in output


def test_the_html_alternative_and_attachments_are_named_not_shown():
    message = consultation_email()
    message.bcc = ["records@unity-clinic.example"]
    message.attach("requests.csv", "name,email\nSiân,sian@example.com\n", "text/csv")

    output = printed(message)

    assert "Bcc: records@unity-clinic.example\n" in output
    assert "Not shown: text/html version\n" in output
    assert "Not shown: attachment requests.csv (text/csv)\n" in output
    assert "name,email" not in output


def test_each_email_is_one_block_between_rules():
    output = printed(consultation_email(), consultation_email())

    assert output.count("email (printed, not sent)") == 2
    assert output.endswith("-" * 79 + "\n")


def send_in_development(email_url: str | None) -> str:
    """What `manage.py` (development settings) prints when the site sends an email."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "SITE_URL"))
    }
    if email_url is not None:
        env["EMAIL_URL"] = email_url
    script = (
        "from django.core.mail import EmailMessage; "
        "EmailMessage('Siân Llŷr: £20', 'Dear Siân Llŷr, £20.', to=['sian@example.com']).send()"
    )
    return run_in_checkout(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script], env
    )


def test_development_prints_emails_readably_by_default():
    output = send_in_development(email_url=None)

    assert "Subject: Siân Llŷr: £20\n" in output
    assert "\nDear Siân Llŷr, £20.\n" in output


def test_development_prints_raw_mime_when_email_url_asks_for_the_console():
    output = send_in_development(email_url="console://")

    assert "Subject: =?utf-8?" in output
    assert "email (printed, not sent)" not in output
