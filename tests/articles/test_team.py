"""The team page and each clinician's profile: role, qualifications, HCPC registration number,
their articles and, for those who offer them, a way to book a free consultation."""

import base64
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests.articles.factories import ArticleFactory, ClinicianFactory

pytestmark = pytest.mark.django_db
TINY_GIF = "R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def json_ld(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)[1]
    )


def booking_link(clinician) -> str:
    return f'href="/book/time/?clinician={clinician.pk}"'


def clinician(name, role, credentials, hcpc_number, offers, **fields):
    """A registered clinician, with the slug that comes from their name; offers is whether they
    offer free consultations."""
    return ClinicianFactory(
        name=name,
        slug=name.lower().replace(" ", "-"),
        role=role,
        credentials=credentials,
        hcpc_number=hcpc_number,
        offers_free_consultations=offers,
        **fields,
    )


@pytest.fixture
def priya():
    bio = "Priya treats back and neck pain."
    return clinician(
        "Priya Raman", "Senior Physiotherapist", "BSc (Hons) MCSP", "PH123456", True, bio=bio
    )


@pytest.fixture
def sam():
    return clinician("Sam Lee", "Sports Physiotherapist", "MSc MCSP", "PH654321", False)


def test_the_team_page_shows_each_clinician_with_registration_and_booking_link(client, priya, sam):
    ArticleFactory.create_batch(2, author=priya)
    ArticleFactory(author=priya, draft=True)

    html = client.get("/team/").text

    for clinician in (priya, sam):
        assert f'href="/team/{clinician.slug}/"' in html
        assert clinician.role in html
        assert clinician.credentials in html
        assert f"<dt>HCPC registration</dt><dd>{clinician.hcpc_number}</dd>" in html
    assert "2 articles by Priya Raman" in html
    assert "articles by Sam Lee" not in html
    assert booking_link(priya) in html
    assert booking_link(sam) not in html
    assert html.count("<h1") == 1


def test_a_clinicians_page_shows_their_profile_published_articles_and_booking_link(
    client, priya, sam
):
    theirs = ArticleFactory(author=priya, title="Easing a stiff neck")
    draft = ArticleFactory(author=priya, draft=True, title="A draft on shoulders")
    scheduled = ArticleFactory(author=priya, scheduled=True, title="Coming soon: hips")
    someone_elses = ArticleFactory(author=sam, title="Running after injury")

    html = client.get(priya.get_absolute_url()).text

    assert "<h1>Priya Raman" in html
    for text in ("Senior Physiotherapist", "BSc (Hons) MCSP", "PH123456", priya.bio):
        assert text in html
    assert theirs.get_absolute_url() in html
    for other in (draft, scheduled, someone_elses):
        assert other.title not in html
    assert booking_link(priya) in html
    assert booking_link(sam) not in client.get(sam.get_absolute_url()).text


def test_a_clinicians_articles_come_ten_to_a_page(client, priya):
    ArticleFactory.create_batch(11, author=priya)

    first = client.get(priya.get_absolute_url())
    second = client.get(priya.get_absolute_url() + "?page=2")

    assert first.text.count('class="article-card"') == 10
    assert second.text.count('class="article-card"') == 1
    assert client.get(priya.get_absolute_url() + "?page=3").status_code == 404


def test_an_unknown_clinician_is_not_found(client):
    assert client.get("/team/nobody/").status_code == 404


def test_the_articles_byline_links_to_the_authors_profile(client, priya):
    article = ArticleFactory(author=priya)

    html = client.get(article.get_absolute_url()).text

    assert re.search(r'By <a href="/team/priya-raman/"[^>]*>Priya Raman</a>', html)
    assert json_ld(html)["author"]["url"].endswith("/team/priya-raman/")


def test_a_clinicians_structured_data_is_a_person_with_their_hcpc_registration(client, priya):
    data = json_ld(client.get(priya.get_absolute_url()).text)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Person"
    assert data["name"] == "Priya Raman"
    assert data["jobTitle"] == "Senior Physiotherapist"
    assert data["identifier"]["value"] == "PH123456"
    assert data["hasCredential"]["identifier"] == "PH123456"
    assert data["hasCredential"]["recognizedBy"]["alternateName"] == "HCPC"
    assert data["url"] == "https://www.unity-clinic.example/team/priya-raman/"


def test_the_team_pages_structured_data_is_the_clinic_and_its_people(client, priya, sam):
    data = json_ld(client.get("/team/").text)

    assert "MedicalClinic" in data["@type"] and "Physiotherapy" in data["@type"]
    assert [person["@type"] for person in data["employee"]] == ["Person", "Person"]
    assert {person["identifier"]["value"] for person in data["employee"]} == {
        "PH123456",
        "PH654321",
    }


def test_a_photo_is_shown_at_a_fixed_size_with_a_description_and_in_the_structured_data(
    client, priya
):
    # The smallest GIF: a picture stored as an editor's upload would be.
    priya.photo.save("priya.gif", ContentFile(base64.b64decode(TINY_GIF)))

    team = client.get("/team/").text
    profile = client.get(priya.get_absolute_url()).text

    photo = re.escape(priya.photo.url)
    assert re.search(rf'<img [^>]*src="{photo}" alt="" width="96" height="96" loading="lazy"', team)
    assert re.search(rf'<img [^>]*src="{photo}" alt="Photo of Priya Raman" width="160"', profile)
    assert json_ld(profile)["image"] == "https://www.unity-clinic.example" + priya.photo.url


def test_a_profile_leaves_out_what_a_clinician_does_not_have(client):
    plain = ClinicianFactory(name="New Starter", slug="new-starter", role="", credentials="")

    html = client.get(plain.get_absolute_url()).text
    data = json_ld(html)

    assert "HCPC registration</dt>" not in html
    assert "identifier" not in data and "hasCredential" not in data
    assert "No articles yet." in html


@pytest.mark.parametrize("number", ["PH1", "PH123456"])
def test_an_hcpc_number_is_ph_then_digits(number):
    ClinicianFactory.build(name="A", slug="a", hcpc_number=number).full_clean()


@pytest.mark.parametrize("number", ["123456", "ph123456", "PH 123456", "PH", "OT123456"])
def test_anything_else_is_refused_with_an_explanation(number):
    with pytest.raises(ValidationError) as refused:
        ClinicianFactory.build(name="A", slug="a", hcpc_number=number).full_clean()

    assert "“PH” then digits" in str(refused.value.message_dict["hcpc_number"])


def test_editors_set_the_hcpc_number_in_admin(editor_client, priya):
    change = editor_client.get(reverse("admin:articles_clinician_change", args=[priya.pk]))
    listing = editor_client.get(reverse("admin:articles_clinician_changelist"))

    assert 'name="hcpc_number"' in change.text and "public register" in change.text
    assert "PH123456" in listing.text


def test_an_edited_profile_shows_at_once_though_the_page_was_cached(priya):
    Client().get("/team/")
    Client().get(priya.get_absolute_url())

    priya.hcpc_number = "PH777777"
    priya.save()

    assert "PH777777" in Client().get("/team/").text
    assert "PH777777" in Client().get(priya.get_absolute_url()).text


def test_the_sitemap_lists_the_team_every_profile_and_the_visit_page(client, settings, priya):
    root = ET.fromstring(client.get(reverse("django.contrib.sitemaps.views.sitemap")).content)
    locations = {url.find("sm:loc", SITEMAP_NS).text for url in root.findall("sm:url", SITEMAP_NS)}

    assert {
        settings.SITE_URL + "/team/",
        settings.SITE_URL + "/team/priya-raman/",
        settings.SITE_URL + "/visit/",
    } <= locations


def test_every_page_links_to_the_team_and_the_visit_page(client):
    html = client.get("/").text

    assert 'href="/team/"' in html
    assert 'href="/visit/"' in html
