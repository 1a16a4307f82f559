"""The benchmark's ceiling: a bare Django view behind the production middleware.

    DJANGO_SETTINGS_MODULE=bench.ceiling gunicorn bench.ceiling --workers 4

At once the settings, the URLconf and the WSGI application: every production setting (so the
production environment variables must be set, as bench/run.py does) and MIDDLEWARE, but no
database and none of the project's apps. The view returns a fixed 1 KB page.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.ceiling")

from unity_site.settings import production as _production  # noqa: E402

globals().update({name: getattr(_production, name) for name in dir(_production) if name.isupper()})

MIDDLEWARE = list(_production.MIDDLEWARE)
# The contrib apps the production middleware needs; none of the project's apps.
INSTALLED_APPS = [
    app
    for app in _production.INSTALLED_APPS
    if (app.startswith("django.contrib.") and app != "django.contrib.admin") or app == "axes"
]
DATABASES = {}
ROOT_URLCONF = __name__
WSGI_APPLICATION = f"{__name__}.application"

PAGE = (
    "<!doctype html>\n"
    '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>Ceiling – Unity Physiotherapy &amp; Rehabilitation</title>\n"
    '<meta name="description" content="The benchmark ceiling: a fixed page from a bare view.">\n'
    "</head>\n<body>\n<main>\n<h1>Ceiling</h1>\n"
    + "<p>Physiotherapy helps people move well, recover from injury and manage pain. "
    "This paragraph is here only to make the page about one kilobyte long.</p>\n" * 4
)
# Exactly 1 KB (1,024 bytes) of UTF-8.
_TAIL = "</main>\n</body>\n</html>\n"
PAGE = (PAGE + "<!--" + "-" * (1024 - 8 - len((PAGE + _TAIL).encode())) + "-->\n" + _TAIL).encode()
assert len(PAGE) == 1024, len(PAGE)


def page(request):
    from django.http import HttpResponse

    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


def _urlpatterns():
    from django.urls import path

    return [path("", page)]


urlpatterns = _urlpatterns()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
