"""Structured logs: one JSON object a line, each carrying the id of the request it came from.

Nothing personal may reach the logs. The code never logs what a reader typed; as a second
line of defence the formatter masks anything shaped like an email address or a phone number,
in the message and in tracebacks alike.
"""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

# The id of the request being served in this thread or task ("-" outside a request).
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REDACTED = "[redacted]"
EMAIL_PATTERN = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+")
# "+44 20 7946 0321", "07700 900123", "(020) 7946-0321": a + or 0 then at least 9 digits.
PHONE_PATTERN = re.compile(r"(?<![\w.-])(?:\+|\(?0)[\d ()-]{8,}\d(?![\w-])")

# Extras worth keeping; others (such as Django's `request` object) are left out on purpose.
KEPT_EXTRAS = ("status_code", "request_id", "method", "path", "duration_ms", "reason")


def redact(text: str) -> str:
    text = EMAIL_PATTERN.sub(REDACTED, text)
    return PHONE_PATTERN.sub(lambda m: REDACTED if _digits(m.group()) >= 9 else m.group(), text)


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)


class RequestIDFilter(logging.Filter):
    """Adds `request_id` to every record, so any formatter can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_of(record)
        return True


def request_id_of(record: logging.LogRecord) -> str:
    # django.request logs 4xx and 5xx responses after the middleware has finished, passing the
    # request along: its id is on it.
    request = record.__dict__.get("request")
    return getattr(request, "request_id", None) or request_id_var.get()


class JSONFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id", ... "exception"} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_of(record),
        }
        for key in KEPT_EXTRAS:
            value = record.__dict__.get(key)
            if key not in entry and isinstance(value, str | int | float):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            exc_type = record.exc_info[0]
            entry["exception_type"] = exc_type.__name__ if exc_type else None
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """The human-readable alternative (DJANGO_LOG_FORMAT=plain), masked the same way."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_of(record)
        return redact(super().format(record))
