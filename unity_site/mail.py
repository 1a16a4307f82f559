"""Development email: each message printed as a person reads it, not as raw MIME.

Django's console backend prints what would go over the wire: quoted-printable plain text and
the HTML alternative, which is hard to read among the worker's log lines. This one prints the
addresses, the subject and the decoded plain text, and names any other part without showing
it. It is development's default (docs/configuration.md, "Email"); production never uses it.
"""

from email.message import EmailMessage as MIMEMessage

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

RULE = "-" * 79
TITLE = " email (printed, not sent) ".center(79, "-")
HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Subject")


class ReadableConsoleEmailBackend(ConsoleEmailBackend):
    """MAILERS backend: `unity_site.mail.ReadableConsoleEmailBackend`."""

    def write_message(self, message):
        # One write per message, so a message is not split by output from another thread.
        self.stream.write(readable(message))


def readable(message) -> str:
    """The block printed for one django.core.mail.EmailMessage."""
    mime = message.message()  # With the headers exactly as they would be sent.
    # Bcc is never a header: it is only an envelope recipient.
    headers = {name: mime[name] for name in HEADERS} | {"Bcc": ", ".join(message.bcc)}
    lines = [TITLE, *(f"{name}: {value}" for name, value in headers.items() if value)]
    body = mime.get_body(preferencelist=("plain",))
    lines += [f"Not shown: {name}" for name in _other_parts(mime, body)]
    lines.append("")
    lines.append(body.get_content().rstrip() if body else "(no plain-text part)")
    lines.append(RULE)
    return "\n".join(lines) + "\n"


def _other_parts(part: MIMEMessage, body: MIMEMessage | None) -> list[str]:
    """Every part but the plain text: "text/html version", "attachment a.csv (text/csv)"."""
    if part is body:
        return []
    if part.get_content_maintype() == "multipart":
        return [name for child in part.iter_parts() for name in _other_parts(child, body)]
    kind = part.get_content_type()
    filename = part.get_filename()
    if filename:
        return [f"attachment {filename} ({kind})"]
    if part.is_attachment():
        return [f"attachment ({kind})"]
    return [f"{kind} version"]
