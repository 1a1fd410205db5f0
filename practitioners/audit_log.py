"""How the audit log reads the practitioners app's entries: its actions and its objects, as the pages name them."""

from core import audit

ACTIONS = {
    "agency.created": "Added an agency",
    "agency.updated": "Changed an agency",
    "nomination.added": "An agency nominated someone",
    "nomination.withdrawn": "An agency withdrew a nomination",
    "nominations.chased": "Chased an agency for nominations",
    "nominations.completed": "An agency finished its nominations",
    "nominations.reminded": "Reminded an agency about nominations",
    "nominations.requested": "Asked an agency for nominations",
    "practitioner.created": "Added a practitioner to the directory",
    "practitioner.updated": "Changed a practitioner in the directory",
    "practitioners.exported": "Exported the directory",
    "practitioners.imported": "Imported practitioners",
    "retention.practitioners_removed": "Removed practitioners' personal data on the retention schedule",
}


def register():
    audit.register_actions(ACTIONS)
    audit.register(
        audit.Subject("practitioners.Agency", lambda agency, detail: agency.name),
        audit.Subject(
            "practitioners.Practitioner",
            lambda practitioner, detail: "A practitioner in the directory",
            person=lambda practitioner: practitioner.full_name,
        ),
        audit.Subject(
            "practitioners.NominationRequest",
            lambda asked, detail: f"Nominations from {asked.agency.name}",
            "review_id",
            related=("agency",),
        ),
        audit.Subject(
            "practitioners.Nomination",
            lambda nomination, detail: f"A nomination from {nomination.request.agency.name}",
            "request__review_id",
            person=lambda nomination: nomination.full_name,
            related=("request__agency",),
        ),
    )
