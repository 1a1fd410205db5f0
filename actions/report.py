"""The action plan as people read it: on its page, in the PDF report and in the CSV export."""

import csv
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from actions.models import Action, ActionUpdate
from core.downloads import guard_cell, safe_name
from core.formatting import long_date
from core.pdfs import render_pdf


@dataclass
class Plan:
    review: object
    today: object
    recommendations: list
    actions: list = field(default_factory=list)

    @property
    def overdue(self):
        return sorted((action for action in self.actions if action.is_overdue), key=lambda a: (a.due_date, a.pk))

    def counts(self):
        """How many actions have each status and each RAG rating, in the order people read them."""
        by_status = {value: 0 for value in Action.Status.values}
        by_rag = {value: 0 for value in Action.Rag.values}
        for action in self.actions:
            by_status[action.status] += 1
            by_rag[action.rag] += 1
        return {
            "total": len(self.actions),
            "overdue": len(self.overdue),
            "status": [(label, by_status[value], value) for value, label in Action.Status.choices],
            "rag": [(label, by_rag[value], value) for value, label in Action.Rag.choices],
        }


def plan_of(review, today=None):
    """Every recommendation with its actions; each action knows its latest update and whether it is overdue."""
    today = today or timezone.localdate()
    updates = ActionUpdate.objects.select_related("author").order_by("-created_at", "-id")
    actions = Action.objects.select_related("agency").prefetch_related(Prefetch("updates", queryset=updates))
    recommendations = list(
        review.recommendations.order_by("number").prefetch_related(Prefetch("actions", queryset=actions))
    )
    plan = Plan(review=review, today=today, recommendations=recommendations)
    for recommendation in recommendations:
        for action in recommendation.actions.all():
            action.recommendation = recommendation
            all_updates = list(action.updates.all())
            action.latest_update = all_updates[0] if all_updates else None
            action.update_count = len(all_updates)
            action.is_overdue = action.status != Action.Status.COMPLETE and action.due_date < today
            plan.actions.append(action)
    return plan


def _filename(review, extension):
    reference = safe_name(review.reference) or "review"
    return f"action-plan-{reference}-{timezone.localdate():%Y-%m-%d}.{extension}"


def pdf_filename(review):
    return _filename(review, "pdf")


def csv_filename(review):
    return _filename(review, "csv")


def render_report(review):
    """The A4 report the executive and the review sub-group read: counts, overdue actions, then the plan."""
    plan = plan_of(review)
    return render_pdf(
        "actions/pdfs/action_plan.html",
        {
            "partnership": review.partnership,
            "review": review,
            "plan": plan,
            "counts": plan.counts(),
            "today": long_date(plan.today),
        },
    )


COLUMNS = [
    "Recommendation",
    "Recommendation text",
    "Action",
    "Agency",
    "Lead person",
    "Lead email",
    "Added on",
    "Due date",
    "Status",
    "RAG rating",
    "Completed on",
    "Overdue",
    "Latest update",
    "Latest update on",
]


def _iso(day):
    return day.isoformat() if day else ""


def csv_rows(plan):
    for action in plan.actions:
        latest = action.latest_update
        yield [
            action.recommendation.number,
            action.recommendation.text,
            action.description,
            action.agency.name,
            action.lead_name,
            action.lead_email,
            _iso(action.created_on),
            _iso(action.due_date),
            action.get_status_display(),
            action.get_rag_display(),
            _iso(action.completed_on),
            "Yes" if action.is_overdue else "No",
            latest.text if latest else "",
            _iso(timezone.localdate(latest.created_at)) if latest else "",
        ]


def write_csv(out, plan):
    """Every action, one a row; every cell guarded so that a spreadsheet never runs it as a formula."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in csv_rows(plan):
        writer.writerow([guard_cell(value) for value in row])
