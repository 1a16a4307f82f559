"""Every response carries the security headers: public pages, the booking form, the admin."""

import re

import pytest
from django.urls import reverse

from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db

STRICT_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
FEATURES_THE_SITE_DOES_NOT_USE = ["camera", "microphone", "geolocation", "payment", "usb"]


@pytest.fixture
def page_urls():
    article = ArticleFactory()
    return {
        "home": reverse("articles:home"),
        "article": article.get_absolute_url(),
        "booking form": reverse("bookings:book"),
        "admin login": reverse("admin:login"),
    }


PAGES = ["home", "article", "booking form", "admin login"]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("page", PAGES)
def test_content_security_policy_allows_only_this_site_and_nonced_inline_code(
    https_client, page_urls, page
):
    # The second time, a reader's page may come from the page cache: the same rules hold.
    for _ in range(2):
        response = https_client.get(page_urls[page])

        assert response.status_code == 200
        header = response.headers["Content-Security-Policy"]
        directives = csp_directives(header)
        assert directives["default-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in header
        assert "'unsafe-eval'" not in header
        # An inline script or style runs only with this response's nonce, named in the policy
        # (JSON data blocks such as the article's JSON-LD are never run, so need none).
        nonces = set(re.findall(r"'nonce-([\w+/=-]+)'", header))
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", response.text):
            if "src=" not in tag and not re.search(r'type="application/(ld\+)?json"', tag):
                nonce = re.search(r'nonce="([^"]+)"', tag)
                assert nonce and nonce.group(1) in nonces, tag


@pytest.mark.parametrize("page", PAGES)
def test_transport_and_isolation_headers(https_client, page_urls, page):
    response = https_client.get(page_urls[page])

    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in hsts
    assert "preload" in hsts
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in STRICT_REFERRER_POLICIES
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("page", PAGES)
def test_permissions_policy_turns_off_features_the_site_does_not_use(https_client, page_urls, page):
    response = https_client.get(page_urls[page])

    policy = dict(
        directive.strip().split("=", 1)
        for directive in response.headers["Permissions-Policy"].split(",")
    )
    for feature in FEATURES_THE_SITE_DOES_NOT_USE:
        assert policy[feature] == "()", feature


def test_hsts_preload_can_be_left_out(https_client, page_urls, settings):
    settings.SECURE_HSTS_PRELOAD = False

    response = https_client.get(page_urls["home"])

    assert "preload" not in response.headers["Strict-Transport-Security"]


def test_the_csrf_cookie_of_the_booking_form_is_secure_samesite_and_hidden_from_scripts(
    https_client,
):
    response = https_client.get(reverse("bookings:book"))

    cookie = response.cookies["csrftoken"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_admin_session_cookie_is_secure_samesite_and_hidden_from_scripts(
    https_client, django_user_model
):
    django_user_model.objects.create_user(
        username="physio", password="a-long-test-password", is_staff=True
    )
    https_client.get(reverse("admin:login"))

    response = https_client.post(
        reverse("admin:login"),
        {"username": "physio", "password": "a-long-test-password", "next": "/admin/"},
    )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https(client, production_settings):
    response = client.get("/articles/?page=1")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/articles/?page=1"


def test_https_through_the_proxy_is_served(client, production_settings):
    response = client.get("/articles/", headers={"x-forwarded-proto": "https"})

    assert response.status_code == 200


def test_the_load_balancer_health_check_is_answered_over_plain_http(client, production_settings):
    response = client.get("/healthz")

    assert response.status_code == 200


def test_admin_pages_work_under_the_policy(https_client, admin_user):
    """The admin's own scripts and styles are files from this site: the policy lets them run."""
    https_client.force_login(admin_user)

    response = https_client.get(reverse("admin:articles_article_add"))

    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", response.text)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert all("nonce=" in tag for tag in inline_scripts), inline_scripts
