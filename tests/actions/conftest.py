"""Fixtures for the action plan: a signed-off review, two agencies and one of another partnership."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from weasyprint import HTML

from actions import services
from notifications.models import OutboundMessage
from practitioners.models import Agency
from reviews.models import Review

DUE = timezone.localdate() + timedelta(days=90)


@pytest.fixture
def review(review):
    """The shared review, signed off (sign-off itself is another part of the product)."""
    review.status = Review.Status.SIGNED_OFF
    review.save(update_fields=["status"])
    return review


@pytest.fixture
def police(partnership):
    return Agency.objects.create(
        partnership=partnership, name="Northvale Police", lead_name="DS Kim Lowe", lead_email="kim.lowe@police.example"
    )


@pytest.fixture
def health(partnership):
    return Agency.objects.create(partnership=partnership, name="Northvale Health Trust")


@pytest.fixture
def foreign_agency(other_partnership):
    return Agency.objects.create(partnership=other_partnership, name="Eastmere Police")


@pytest.fixture
def recommendation(review, business_manager):
    return services.add_recommendation(
        review, text="Agencies should share concerns about neglect at an early stage.", by=business_manager
    )


def action_data(agency, **overrides):
    return {
        "description": "Run a briefing on neglect for every frontline team.",
        "agency": agency,
        "lead_name": "Sam Reid",
        "lead_email": "sam.reid@agency.example",
        "due_date": DUE,
    } | overrides


@pytest.fixture
def police_action(recommendation, police, business_manager):
    return services.add_action(recommendation, data=action_data(police), by=business_manager)


@pytest.fixture
def health_action(recommendation, health, business_manager):
    return services.add_action(
        recommendation,
        data=action_data(health, description="Audit health visitors' records of missed appointments."),
        by=business_manager,
    )


def link_in(message):
    return re.search(r"https?://[^/\s]+(/actions/[^/\s]+/)", message.body_text).group(1)


@pytest.fixture
def police_link(review, police, police_action, business_manager, django_capture_on_commit_callbacks):
    """The path in the email sent to the police's action owner."""
    with django_capture_on_commit_callbacks(execute=True):
        services.send_agency_link(review, police, name="Jo Kent", email="jo.kent@police.example", by=business_manager)
    return link_in(OutboundMessage.objects.filter(kind="action_link").latest("created_at"))


@pytest.fixture
def owner():
    """The action owner's own browser: no account."""
    return Client()


# Evidence files.


def make_pdf(text="Training record"):
    return HTML(string=f"<html lang='en'><body><p>{text}</p></body></html>").write_pdf()


def make_png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def make_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


def make_office(*members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in members:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def make_docx():
    from tests.reports.documents import docx

    return docx(["Briefing notes for every team"])


def make_xlsx():
    return make_office("xl/workbook.xml", "xl/worksheets/sheet1.xml")


def upload(content, name="evidence.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
