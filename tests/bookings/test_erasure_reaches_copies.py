"""Personal data really goes: after an erasure, or anonymising, nothing in any text column of any
table of the database still holds the person's name, email address or phone number."""

from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bookings.models import ConsultationRequest
from bookings.services import consultation_request_anonymise
from tests.mail_server import run_worker

NAME, SURNAME = "Philippa", "Featherstonehaugh"
EMAIL = "philippa.f@example.com"
PHONE_DIGITS = "7912345678"

# The worker commits like the real one: outside the per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


class RefusingServer:
    """A mail server that refuses the reader's address, naming it, as real ones do."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == EMAIL:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return "250 Message accepted for delivery"


@pytest.fixture
def a_request_with_copies(client, admin_client, form_data, smtp_port):
    """A request whose data has spread: the email task's failure names the address, and the
    admin's history names the person."""
    controller = Controller(RefusingServer(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        data = form_data(name=f"{NAME} {SURNAME}", email=EMAIL, phone=f"0{PHONE_DIGITS}")
        assert client.post(reverse("bookings:book"), data).status_code == 302
        run_worker()
    finally:
        controller.stop()
    request = ConsultationRequest.objects.get()
    assert EMAIL in request.last_email_error
    change = reverse("admin:bookings_consultationrequest_change", args=[request.pk])
    admin_client.post(
        change,
        {
            "assigned_to": "",
            "staff_notes": f"Rang {NAME} back",
            "status_changes-TOTAL_FORMS": "0",
            "status_changes-INITIAL_FORMS": "0",
        },
    )
    assert where_found() != []  # the copies are there to be found
    return request


def where_found() -> list[str]:
    """Every table.column holding the name, the email address or the phone number."""
    needles = [NAME, SURNAME, EMAIL, PHONE_DIGITS, PHONE_DIGITS[:4] + " " + PHONE_DIGITS[4:]]
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                for needle in needles:
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quote(table)} "
                        f"WHERE CAST({quote(column.name)} AS TEXT) LIKE %s",
                        [f"%{needle}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column.name} holds {needle!r}")
    return found


def test_an_erasure_leaves_nothing_of_the_person_anywhere(a_request_with_copies):
    call_command("purge_consultation_requests", "--email", EMAIL, stdout=StringIO())

    assert where_found() == []


def test_anonymising_leaves_nothing_of_the_person_anywhere(a_request_with_copies):
    consultation_request_anonymise(consultation_request=a_request_with_copies)

    assert where_found() == []
