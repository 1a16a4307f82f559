"""Whole-page caching for readers, with the per-visitor parts of each form filled in per request.

Apps register the per-visitor form values (`register_per_visitor_field`) and what ends a page's
life early (`register_expiry`) from their AppConfig.ready(); views say which query string a page
answers (`mark_canonical_query`, `mark_not_worth_storing`): docs/architecture.md, "The page cache".
"""

import functools
import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.text import compress_string

# The cache the pages live in: one of their own, so that they never push out what must stay (the
# booking rate limit's counts, in "default"). Without a "pages" alias, "default".
PAGES_ALIAS = "pages"
CONTENT_VERSION_KEY = "page-cache:content-version"
# Query parameters that select what a page shows; any other (utm_*, for example) bypasses the
# cache. Which values are stored is up to each view (mark_canonical_query).
PAGE_QUERY_PARAMETERS = {"page", "q", "article"}
# At most this many query strings of one address (searches, pages of a list) are stored per
# content version and PAGE_CACHE_SECONDS, however many readers (or bots) make up.
VARIANTS_PER_ADDRESS = 500
MARKER = "\x00{name}\x00"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")

PerVisitorValue = Callable[[HttpRequest], str]
_per_visitor_fields: dict[str, PerVisitorValue] = {}
_expiry_providers: list[Callable[[], datetime | None]] = []


def register_per_visitor_field(name: str, make_value: PerVisitorValue) -> None:
    """A hidden form field whose value differs for each visitor: `make_value(request)` fills it
    in on every hit. Call from AppConfig.ready(), with the function the form itself uses."""
    global _hidden_value, _marker_pattern
    _per_visitor_fields[name] = make_value
    names = "|".join(map(re.escape, _per_visitor_fields))
    # Django leaves out the value attribute of an empty field, so it may be missing.
    _hidden_value = re.compile(rf'<input type="hidden" name="(?P<name>{names})"(?: value="[^"]*")?')
    _marker_pattern = re.compile(f"\x00({names})\x00")


def register_expiry(next_change: Callable[[], datetime | None]) -> None:
    """`next_change()` says when pages next change with no save to mark it (a scheduled
    article going live), or None; no page is kept past it. Call from AppConfig.ready()."""
    _expiry_providers.append(next_change)


# Django's own per-visitor value: every form on a cached page carries it.
register_per_visitor_field("csrfmiddlewaretoken", get_token)


def mark_canonical_query(response: HttpResponse, **query: object) -> HttpResponse:
    """Says which query string this page answers (None values left out): the page cache stores
    it only for a request whose query string was exactly that. Another spelling of the same
    page (`?page=01`, `?q=knee%20%20pain`, an unknown `?article=`) is served, not stored. A view
    that says nothing answers only its bare address. Returns the response."""
    response.page_cache_query = {
        name: str(value) for name, value in query.items() if value is not None
    }
    return response


def mark_not_worth_storing(response: HttpResponse) -> HttpResponse:
    """This page is served but never stored (a search that found nothing). Returns it."""
    response.page_cache_query = None
    return response


def _pages():
    return caches[PAGES_ALIAS if PAGES_ALIAS in settings.CACHES else DEFAULT_CACHE_ALIAS]


# Each process keeps the pages it served last and trusts its copy of the content version for a
# second, so most readers are served without a round trip to the shared cache; an edit made
# through another process shows within that second.
LOCAL_PAGES = 256
LOCAL_VERSION_SECONDS = 1.0
_local_pages: OrderedDict[str, dict] = OrderedDict()
_local_version: tuple[int, float] | None = None
_local_lock = threading.Lock()


def content_version() -> int:
    global _local_version
    now = time.monotonic()
    if _local_version is not None and now - _local_version[1] < LOCAL_VERSION_SECONDS:
        return _local_version[0]
    pages = _pages()
    version = pages.get(CONTENT_VERSION_KEY)
    if version is None:
        pages.add(CONTENT_VERSION_KEY, time.time_ns(), timeout=None)
        version = pages.get(CONTENT_VERSION_KEY)
    _local_version = (version, now)
    return version


def bump_content_version() -> None:
    """Every cached page is stale from now on."""
    global _local_version
    version = time.time_ns()
    _pages().set(CONTENT_VERSION_KEY, version, timeout=None)
    _local_version = (version, time.monotonic())


def forget_local_copies() -> None:
    """Drops this process's copies, as when the shared cache is emptied (tests do that)."""
    global _local_version
    with _local_lock:
        _local_pages.clear()
        _local_version = None


def _cached_entry(key: str) -> dict | None:
    with _local_lock:
        entry = _local_pages.get(key)
        if entry is not None:
            _local_pages.move_to_end(key)
    if entry is None:
        entry = _pages().get(key)
        if entry is None:
            return None
        _keep_locally(key, entry)
    if entry["expires_at"] <= time.time():
        return None
    return entry


def _keep_locally(key: str, entry: dict) -> None:
    with _local_lock:
        _local_pages[key] = entry
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def _is_cacheable(request) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and set(request.GET) <= PAGE_QUERY_PARAMETERS
    )


@functools.cache
def _code_fingerprint() -> str:
    """Pages made by an older release of the code are never served by a newer one."""
    digest = hashlib.sha256()
    folders = ["templates", "static", "unity_site"] + [
        app.path for app in apps.get_app_configs() if app.path.startswith(str(settings.BASE_DIR))
    ]
    for folder in folders:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in {".html", ".txt", ".xml", ".css", ".py"} and path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_key(request) -> str:
    query = urlencode(sorted(request.GET.items()))
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"page-cache:{_code_fingerprint()}:{content_version()}:{digest}"


def _worth_storing(request, response) -> bool:
    """Only the spelling of a page its view vouches for, and a bounded number of those."""
    canonical = getattr(response, "page_cache_query", {})
    if canonical is None or len(request.GET) != len(canonical):
        return False
    if any(request.GET.getlist(name) != [value] for name, value in canonical.items()):
        return False
    return not canonical or _room_for_variant(request.path)


def _room_for_variant(path: str) -> bool:
    """Counts one more stored query string of this address; False once there are enough."""
    pages = _pages()
    digest = hashlib.sha256(path.encode()).hexdigest()
    key = f"page-cache:variants:{_code_fingerprint()}:{content_version()}:{digest}"
    if pages.add(key, 1, timeout=settings.PAGE_CACHE_SECONDS):
        return True
    try:
        return pages.incr(key) <= VARIANTS_PER_ADDRESS
    except ValueError:  # The count ran out between the two calls: a new period.
        return True


def _with_markers(content: str) -> str:
    def marked(match):
        name = match["name"]
        return f'<input type="hidden" name="{name}" value="{MARKER.format(name=name)}"'

    return _hidden_value.sub(marked, content)


def _for_visitor(content: str, request) -> str:
    return _marker_pattern.sub(lambda m: escape(_per_visitor_fields[m[1]](request)), content)


def _seconds_until_next_change() -> int | None:
    moments = [moment for provider in _expiry_providers if (moment := provider()) is not None]
    if not moments:
        return None
    return max(1, int(min(moments).timestamp() - time.time()) + 1)


def _response_from(entry: dict, request) -> HttpResponse:
    if not ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        content = _for_visitor(entry["content"], request)
        return HttpResponse(content, content_type=entry["content_type"])
    if entry["gzipped"] is not None:
        body = entry["gzipped"]
    else:
        # Compressed per reader, quickly: the tokens in it change with every response, which
        # is also what keeps compression from leaking them (BREACH).
        content = _for_visitor(entry["content"], request).encode()
        body = gzip.compress(content, compresslevel=1, mtime=0)
    response = HttpResponse(body, content_type=entry["content_type"])
    response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _finish(response, etag: str):
    response["ETag"] = etag
    # Browsers revalidate every time (a 304 when nothing changed); shared caches keep nothing,
    # since each copy carries its reader's own tokens.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def cache_for_readers(view):
    """Serves a view's page from the cache to readers without a session."""

    @functools.wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _is_cacheable(request):
            return view(request, *args, **kwargs)
        key = _cache_key(request)
        entry = _cached_entry(key)
        if entry is not None:
            return _finish(_response_from(entry, request), entry["etag"])

        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200 or response.streaming:
            return response
        content = _with_markers(response.content.decode(response.charset))
        etag = f'W/"{hashlib.sha256(content.encode()).hexdigest()[:32]}"'
        if not _worth_storing(request, response):
            return _finish(response, etag)
        timeout = settings.PAGE_CACHE_SECONDS
        until_next = _seconds_until_next_change()
        if until_next is not None:
            timeout = min(timeout, until_next)
        entry = {
            "content": content,
            "content_type": response["Content-Type"],
            "etag": etag,
            "expires_at": time.time() + timeout,
            # A page that is the same for every reader is compressed once, not per request.
            "gzipped": None
            if _marker_pattern.search(content)
            else compress_string(content.encode()),
        }
        _pages().set(key, entry, timeout=timeout)
        _keep_locally(key, entry)
        return _finish(response, etag)

    return cached_view
