import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.articles.factories import ClinicianFactory
from tests.articles.test_admin import article_form_data

pytestmark = pytest.mark.django_db


def photo(width=1600, height=900):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 110)).save(buffer, "JPEG")
    return SimpleUploadedFile("runner.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_hero_image_is_served_in_several_widths_as_webp(editor_client, client, topic):
    data = article_form_data(ClinicianFactory(), topic, hero_alt="A runner stretching")
    data["hero_image"] = photo()

    editor_client.post(reverse("admin:articles_article_add"), data)
    html = client.get("/articles/hamstring-strains-in-sprinters/").text

    for width in (480, 800, 1200):
        assert f"-{width}.webp {width}w" in html
        assert default_storage.exists(f"articles/renditions/runner-{width}.webp")
    assert 'alt="A runner stretching"' in html
    assert 'width="1200" height="675"' in html


def test_a_small_picture_is_not_enlarged(editor_client, client, topic):
    data = article_form_data(ClinicianFactory(), topic, hero_alt="A knee")
    data["hero_image"] = photo(600, 400)

    editor_client.post(reverse("admin:articles_article_add"), data)
    html = client.get("/articles/hamstring-strains-in-sprinters/").text

    assert "-480.webp 480w" in html and "-600.webp 600w" in html
    assert "800w" not in html


def test_a_hero_image_needs_a_description(editor_client, topic):
    data = article_form_data(ClinicianFactory(), topic)
    data["hero_image"] = photo()

    response = editor_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert "Describe the picture for readers who cannot see it." in response.text


def test_a_file_that_is_not_a_picture_is_refused(editor_client, topic):
    data = article_form_data(ClinicianFactory(), topic, hero_alt="Nothing")
    data["hero_image"] = SimpleUploadedFile("evil.jpg", b"<script>", content_type="image/jpeg")

    response = editor_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert "Upload a valid image" in response.text
