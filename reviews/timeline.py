"""The review's timeline: what is recorded of its start, its practitioner event and the final report's sending.

The rules here are shared by the timeline form (errors beside each field) and the service that
records it (which refuses the same things, whoever calls it).
"""

from reviews.models import Review

DATE_NAMES = {
    "became_aware_on": "the date the local authority became aware of the serious incident",
    "incident_notified_on": "the date the national panel was notified",
    "rapid_review_meeting_on": "the date of the rapid review meeting",
    "rapid_review_sent_on": "the date the rapid review was sent to the national panel",
    "referral_decided_on": "the date of the decision on the referral",
    "event_recommended_on": "the date the practitioner event was recommended",
    "final_report_sent_on": "the date the final report was sent",
}
SAR_DATE_NAMES = DATE_NAMES | {"incident_notified_on": "the date the referral was received"}
MAX_REASON_LENGTH = 2000

# How the timeline page names what it shows.
ROW_LABELS = {
    "became_aware_on": "Local authority became aware of the serious incident",
    "incident_notified_on": "National panel notified",
    "rapid_review_meeting_on": "Rapid review meeting",
    "rapid_review_sent_on": "Rapid review sent to the national panel",
    "rapid_review_outcome": "Outcome of the rapid review",
    "referral_decision": "Decision on the referral",
    "referral_decided_on": "Date of the decision",
    "decision_reason": "Why there is no local review",
    "event_recommended_by": "Practitioner event recommended by",
    "event_recommended_on": "Practitioner event recommended on",
    "final_report_sent_on": "Final report sent to the national panel",
    "final_report_sent_to": "Final report also sent to",
}
SAR_ROW_LABELS = ROW_LABELS | {
    "incident_notified_on": "Referral received",
    "decision_reason": "Why there is no safeguarding adult review",
    "final_report_sent_on": "Final report sent",
    "final_report_sent_to": "Final report sent to",
}


def date_names(review_type):
    return SAR_DATE_NAMES if review_type == Review.Type.SAR else DATE_NAMES


def row_labels(review_type):
    return SAR_ROW_LABELS if review_type == Review.Type.SAR else ROW_LABELS


def _sentence(text):
    return text[0].upper() + text[1:]


def timeline_problems(values, *, review_type, today):
    """[(field, message)] for what cannot be recorded as it stands; an empty list if all is well."""
    problems = []
    names = date_names(review_type)

    def later(field, earlier_field):
        if values.get(field) and values.get(earlier_field) and values[field] < values[earlier_field]:
            problems.append((field, f"{_sentence(names[field])} must be on or after {names[earlier_field]}"))

    for field, name in names.items():
        if values.get(field) and values[field] > today:
            problems.append((field, f"{_sentence(name)} must be today or in the past"))
    if review_type == Review.Type.CSPR:
        later("incident_notified_on", "became_aware_on")
        later("rapid_review_meeting_on", "incident_notified_on")
        later("rapid_review_sent_on", "rapid_review_meeting_on")
        later("rapid_review_sent_on", "incident_notified_on")
        outcome = values.get("rapid_review_outcome")
        if outcome and not values.get("rapid_review_sent_on"):
            problems.append(("rapid_review_sent_on", "Enter the date the rapid review was sent to the national panel"))
        if outcome == Review.RapidReviewOutcome.NO_LOCAL_REVIEW and not values.get("decision_reason"):
            problems.append(("decision_reason", "Enter why there is no local review"))
    else:
        decision, decided_on = values.get("referral_decision"), values.get("referral_decided_on")
        if decision and not decided_on:
            problems.append(("referral_decided_on", "Enter the date of the decision on the referral"))
        if decided_on and not decision:
            problems.append(("referral_decision", "Select the decision made on the referral"))
        later("referral_decided_on", "incident_notified_on")
        if decision == Review.ReferralDecision.NO_SAR and not values.get("decision_reason"):
            problems.append(("decision_reason", "Enter why there is no safeguarding adult review"))
    if len(values.get("decision_reason") or "") > MAX_REASON_LENGTH:
        problems.append(("decision_reason", f"The reason must be {MAX_REASON_LENGTH} characters or fewer"))
    if values.get("event_recommended_by") and not values.get("event_recommended_on"):
        problems.append(("event_recommended_on", "Enter the date the practitioner event was recommended"))
    if values.get("event_recommended_on") and not values.get("event_recommended_by"):
        problems.append(("event_recommended_by", "Select who recommended the practitioner event"))
    return problems
