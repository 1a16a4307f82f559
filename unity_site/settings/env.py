"""Reading configuration from the environment: every variable is in docs/configuration.md."""

import os
import warnings
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_str_renamed(name: str, old_name: str, default: str = "") -> str:
    """A variable that had another name: the old one still works, with a warning, for a release."""
    if name not in os.environ and old_name in os.environ:
        warnings.warn(
            f"{old_name} is now called {name}; the old name stops working in the next release.",
            DeprecationWarning,
            stacklevel=2,
        )
        return env_str(old_name, default)
    return env_str(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def mailer_from_url(url: str) -> dict:
    """Turn EMAIL_URL into a MAILERS entry.

    smtp:// speaks STARTTLS when the port is 587 or ?tls=1 is given; smtps:// is implicit TLS.
    console:// and locmem:// name Django's development backends.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"console", "locmem", "dummy"}:
        return {"BACKEND": f"django.core.mail.backends.{scheme}.EmailBackend"}
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or console://, not {scheme}://."
        )
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    use_ssl = scheme == "smtps"
    default_port = 465 if use_ssl else 25
    port = parts.port or default_port
    use_tls = not use_ssl and (port == 587 or query.get("tls") in TRUE_VALUES)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": int(query.get("timeout", 10)),
        },
    }
