"""A form with no file field refuses file parts before any of them is kept in memory or on disk;
the admin still takes pictures (unity_site/uploads.py)."""

import re

import pytest
from django.core.files import uploadhandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bookings.models import ConsultationRequest
from tests.articles.factories import ClinicianFactory
from tests.articles.test_admin import article_form_data
from tests.articles.test_images import photo

pytestmark = pytest.mark.django_db

FIVE_MEGABYTES = 5 * 1024 * 1024


@pytest.fixture
def kept(monkeypatch, settings, tmp_path):
    """What reached Django's own upload handlers: the bytes they were given to keep, in memory
    or in a temporary file, and the temporary files they opened."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    record = {"bytes": 0, "temporary_files": []}
    for handler in (
        uploadhandler.MemoryFileUploadHandler,
        uploadhandler.TemporaryFileUploadHandler,
    ):
        receive = handler.receive_data_chunk

        def counting(self, raw_data, start, receive=receive):
            record["bytes"] += len(raw_data)
            return receive(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)

    class RecordedTemporaryFile(uploadhandler.TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            record["temporary_files"].append(self.temporary_file_path())

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", RecordedTemporaryFile)
    return record


def big_file():
    return SimpleUploadedFile("holiday.mov", b"\0" * FIVE_MEGABYTES, "video/quicktime")


def test_a_file_sent_with_the_booking_form_is_refused_before_it_is_kept(form_data, kept):
    response = Client().post(reverse("bookings:book"), {**form_data(), "scan": big_file()})

    assert response.status_code == 400
    assert kept == {"bytes": 0, "temporary_files": []}
    assert not ConsultationRequest.objects.exists()


def test_the_security_check_refuses_it_too_before_any_view_runs(form_data, kept):
    """With CSRF checks on, the middleware reads the body first: the same 400, nothing kept."""
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(reverse("bookings:book")).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page)[1]

    response = reader.post(
        reverse("bookings:book"),
        {**form_data(), "csrfmiddlewaretoken": token, "scan": big_file()},
    )

    assert response.status_code == 400
    assert kept == {"bytes": 0, "temporary_files": []}


def test_every_address_outside_the_admin_refuses_files(form_data, kept):
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(reverse("bookings:book")).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', page)[1]

    for url in [reverse("articles:search"), "/privacy/", reverse("bookings:thanks"), "/nowhere/"]:
        response = reader.post(url, {"csrfmiddlewaretoken": token, "file": big_file()})
        assert response.status_code == 400, url

    assert kept == {"bytes": 0, "temporary_files": []}


def test_the_booking_form_sent_as_multipart_without_files_still_works(form_data, kept):
    response = Client().post(reverse("bookings:book"), form_data())  # Multipart, as a test.

    assert response.status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_the_admin_still_takes_pictures(editor_client, topic, kept):
    data = article_form_data(ClinicianFactory(), topic, hero_alt="A runner stretching")
    data["hero_image"] = photo()

    response = editor_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302
    assert kept["bytes"] > 0
