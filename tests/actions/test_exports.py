"""The action plan's PDF report for the executive and its CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions import services
from actions.models import Action
from core.models import AuditEntry
from tests.actions.conftest import action_data

pytestmark = pytest.mark.django_db


def export_url(review, name):
    return reverse(name, args=[review.partnership.slug, review.pk])


@pytest.fixture
def plan(review, recommendation, police_action, health_action, police, business_manager):
    """Three actions: one overdue, one complete, one not started (on a second recommendation)."""
    Action.objects.filter(pk=police_action.pk).update(
        created_on=timezone.localdate() - timedelta(days=60), due_date=timezone.localdate() - timedelta(days=5)
    )
    services.add_update(
        health_action, text="Audit finished; findings shared", status="complete", rag="green", by=business_manager
    )
    second = services.add_recommendation(review, text='=HYPERLINK("http://evil.example")', by=business_manager)
    services.add_action(
        second, data=action_data(police, description="+cmd|' /C calc'!A0", lead_name="@Lead"), by=business_manager
    )
    return review


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_report_has_counts_overdue_actions_first_and_every_action(bm_client, plan):
    response = bm_client.get(export_url(plan, "actions:action_plan_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="action-plan-CSPR-2026-01-')
    reader, text = pdf_text(response.content)
    assert "Action plan report" in text and "CSPR 2026-01 (Child B)" in text
    assert "Northvale Children's Safeguarding Partnership" in text
    assert "Alex Smith" not in text
    # Counts by status and RAG.
    assert "Not started 2" in text and "Complete 1" in text and "In progress 0" in text
    assert "Green 1" in text and "Amber 2" in text and "Red 0" in text
    # The overdue table comes before the full plan.
    overdue_at = text.index("Overdue actions")
    plan_at = text.index("Recommendations and actions")
    assert overdue_at < text.index("Run a briefing on neglect") < plan_at
    assert "Recommendation 1" in text and "Recommendation 2" in text
    assert "Audit finished; findings shared" in text  # the latest update
    # Tagged and titled, like the other PDFs.
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert "Action plan report" in reader.metadata.title
    assert AuditEntry.objects.filter(action="action_plan.exported", detail__format="pdf").exists()


def test_the_reviewer_can_download_the_report_and_the_csv(client, reviewer, plan):
    client.force_login(reviewer)
    assert client.get(export_url(plan, "actions:action_plan_pdf")).status_code == 200
    assert client.get(export_url(plan, "actions:action_plan_csv")).status_code == 200


def test_outsiders_get_404_for_the_exports(client, outsider, plan):
    client.force_login(outsider)
    assert client.get(export_url(plan, "actions:action_plan_pdf")).status_code == 404
    assert client.get(export_url(plan, "actions:action_plan_csv")).status_code == 404


def test_the_csv_has_every_action_with_formula_like_cells_guarded(bm_client, plan):
    response = bm_client.get(export_url(plan, "actions:action_plan_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Recommendation", "Recommendation text", "Action", "Agency"]
    assert len(body) == 3
    guarded = body[-1]
    assert guarded[1] == '\'=HYPERLINK("http://evil.example")'
    assert guarded[2] == "'+cmd|' /C calc'!A0"
    assert guarded[4] == "'@Lead"
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    overdue = {row[2]: row[11] for row in body}
    assert overdue["Run a briefing on neglect for every frontline team."] == "Yes"
    complete = next(row for row in body if row[3] == "Northvale Health Trust")
    assert complete[8] == "Complete" and complete[12] == "Audit finished; findings shared"
    assert AuditEntry.objects.filter(action="action_plan.exported", detail__format="csv").exists()
