"""Who may reach each URL: every pattern in the project, tried by each kind of outsider.

The table below (ACCESS) gives, for every named URL pattern, what each kind of outsider gets on GET
and on POST. A pattern missing from the table, or with an argument nobody knows how to fill in,
fails the run: nobody can add a URL without deciding who may see it. The admin's own pages and
allauth's are tested elsewhere; only the sign-in page is here, as a public page.

Every response, whatever its status, must carry the security headers.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.models import Action, ActionUpdate, AgencyLink, Recommendation
from core import links
from core.models import Membership
from events.models import (
    Event,
    Invitation,
    ReviewerNote,
    SummaryNameHit,
    SummaryReader,
    SummaryRelease,
    SummaryVersion,
)
from notifications.models import OutboundMessage
from notifications.previews import EMAIL_HTML_POLICY
from partnerships.models import SingleSignOnProvider
from practitioners.models import Agency, Nomination, NominationRequest, Practitioner
from reports.models import Checker, Circulation, Comment, NameHit, Publication, ReportVersion, SignOff
from reviews.models import Review
from submissions.models import AccountDocument, AccountRequest, AccountVersion, Extension
from tests.conftest import (
    fresh_copies,
    make_staff,
    new_business_manager,
    new_other_partnership,
    new_outsider,
    new_partnership,
    new_review,
    new_reviewer,
    written_once_for_the_module,
)

# What an outsider gets ----------------------------------------------------------------------------

LOGIN = "sent to sign in"
MFA = "sent to set up their authenticator app"
UNAVAILABLE = "the plain not-available page"
OK = "the page (no refusal)"

NOT_AVAILABLE_TEMPLATES = {
    "events/invitation/link_invalid.html",
    "events/summary/reader_unavailable.html",
    "core/link_unavailable.html",
    "reports/circulation/unavailable.html",
}

# The kinds of outsider (and, where a page is not for them, the partnership's own people).
ANONYMOUS = "not signed in"
OTHER_PARTNERSHIP = "signed in to another partnership"
UNASSIGNED_REVIEWER = "a reviewer not assigned to the review"
ASSIGNED_REVIEWER = "the review's own reviewer"
BUSINESS_MANAGER = "the partnership's business manager"
NO_MFA = "signed in without an authenticator app"
WRONG_LINK = "holding a different or forged personal link"
STOPPED_LINK = "holding a personal link that has been stopped"

# Who is refused, and how, on each kind of page. Anyone not named may use the page.
PARTNERSHIP_MEMBERS = {ANONYMOUS: LOGIN, NO_MFA: MFA, OTHER_PARTNERSHIP: 404}
BUSINESS_MANAGERS = PARTNERSHIP_MEMBERS | {UNASSIGNED_REVIEWER: 403, ASSIGNED_REVIEWER: 403}
REVIEW_TEAM = PARTNERSHIP_MEMBERS | {UNASSIGNED_REVIEWER: 404}
REVIEW_MANAGERS = REVIEW_TEAM | {ASSIGNED_REVIEWER: 403}
ASSIGNED_REVIEWERS = REVIEW_TEAM | {BUSINESS_MANAGER: 403}
# A reviewer's private notes: 404 for everyone else, the business manager included.
NOTE_KEEPERS = REVIEW_TEAM | {BUSINESS_MANAGER: 404}
SIGNED_IN = {ANONYMOUS: LOGIN, NO_MFA: MFA}
PUBLIC = {ANONYMOUS: OK, OTHER_PARTNERSHIP: OK, NO_MFA: MFA}
# Reachable even before the authenticator app is set up.
PUBLIC_ALWAYS = {ANONYMOUS: OK, OTHER_PARTNERSHIP: OK, NO_MFA: OK}
# A personal link's own address (`<token>/`), and the pages its button opens for that browser.
LINK = {ANONYMOUS: UNAVAILABLE, OTHER_PARTNERSHIP: UNAVAILABLE, WRONG_LINK: UNAVAILABLE, STOPPED_LINK: UNAVAILABLE}
LINK |= {NO_MFA: MFA}


@dataclass(frozen=True)
class Rule:
    """Who is refused on GET and on POST; None: the view does not take that method (405)."""

    get: dict | None
    post: dict | None
    # The personal link the page belongs to (see LINK_FAMILIES).
    link: str | None = None
    # The access check runs before the method check, so a wrong method gets the same refusal.
    access_first: bool = False


def both(profile, **options):
    return Rule(profile, profile, **options)


def get_only(profile, **options):
    return Rule(profile, None, **options)


def post_only(profile, **options):
    return Rule(None, profile, **options)


ACCESS = {
    # Public pages.
    "account_login": both(PUBLIC),
    "accessibility": get_only(PUBLIC_ALWAYS),
    "privacy": get_only(PUBLIC_ALWAYS),
    "healthz": get_only(PUBLIC),
    "published:list": get_only(PUBLIC),
    "published:report": get_only(PUBLIC),
    "published:report_pdf": get_only(PUBLIC),
    # The demo mailbox: open to anyone in the demo, off in production (see the test below).
    "notifications:demo_mailbox": both(PUBLIC),
    "notifications:demo_message": both(PUBLIC),
    "notifications:demo_message_html": get_only(PUBLIC),
    "notifications:demo_attachment": get_only(PUBLIC),
    # Any member of staff.
    "overview:home": both(SIGNED_IN),
    "account:page": both(SIGNED_IN),
    "account:keepalive": post_only({ANONYMOUS: 401}),
    "account:sso_start": both(PUBLIC),
    "account:signed_out": get_only(PUBLIC),
    # The partnership.
    "overview:partnership_overview": both(PARTNERSHIP_MEMBERS),
    "reviews:review_list": both(PARTNERSHIP_MEMBERS),
    "partnerships:partnership_edit": both(BUSINESS_MANAGERS),
    "partnerships:staff_list": both(BUSINESS_MANAGERS),
    "partnerships:staff_add": both(BUSINESS_MANAGERS),
    "partnerships:staff_edit": both(BUSINESS_MANAGERS),
    "partnerships:staff_remove": post_only(BUSINESS_MANAGERS),
    "partnerships:audit_log": both(BUSINESS_MANAGERS),
    # The partnership's emails: every one's state, and every kind with a sample.
    "emails:list": get_only(BUSINESS_MANAGERS),
    "emails:retry": post_only(BUSINESS_MANAGERS),
    "emails:kinds": get_only(BUSINESS_MANAGERS),
    "emails:kind": get_only(BUSINESS_MANAGERS),
    "emails:kind_html": get_only(BUSINESS_MANAGERS),
    "partnerships:audit_log_csv": get_only(BUSINESS_MANAGERS),
    "partnerships:sso_list": both(BUSINESS_MANAGERS),
    "partnerships:sso_add": both(BUSINESS_MANAGERS),
    "partnerships:sso_edit": both(BUSINESS_MANAGERS),
    "partnerships:sso_remove": post_only(BUSINESS_MANAGERS),
    "reviews:factsheet_list": both(BUSINESS_MANAGERS),
    "reviews:factsheet_edit": both(BUSINESS_MANAGERS),
    "reviews:factsheet_preview": both(BUSINESS_MANAGERS),
    "reviews:factsheet_download": both(BUSINESS_MANAGERS),
    "practitioners:agency_list": both(BUSINESS_MANAGERS),
    "practitioners:agency_add": both(BUSINESS_MANAGERS),
    "practitioners:agency_edit": both(BUSINESS_MANAGERS),
    "practitioners:practitioner_list": both(BUSINESS_MANAGERS),
    "practitioners:practitioner_add": both(BUSINESS_MANAGERS),
    "practitioners:practitioner_edit": both(BUSINESS_MANAGERS),
    "practitioners:practitioner_import": both(BUSINESS_MANAGERS),
    "practitioners:practitioner_import_confirm": both(BUSINESS_MANAGERS),
    "practitioners:practitioner_import_template": both(BUSINESS_MANAGERS),
    "practitioners:practitioner_export": both(BUSINESS_MANAGERS),
    "reviews:review_add": both(BUSINESS_MANAGERS),
    # A review.
    "overview:review_detail": both(REVIEW_TEAM),
    "reviews:review_edit": both(REVIEW_MANAGERS),
    "reviews:review_timeline": both(REVIEW_TEAM),
    "reviews:review_timeline_edit": both(REVIEW_MANAGERS),
    "reviews:legal_hold": both(REVIEW_MANAGERS),
    "overview:review_advance": post_only(REVIEW_MANAGERS),
    "overview:review_reveal_name": post_only(REVIEW_MANAGERS),
    "events:nomination_list": get_only(REVIEW_MANAGERS),
    "events:nomination_request": post_only(REVIEW_MANAGERS),
    "events:nomination_accept": post_only(REVIEW_MANAGERS),
    "events:nomination_chase": post_only(REVIEW_MANAGERS),
    # The agencies' written accounts: the review's team reads them; only the business manager asks and answers.
    "accounts:progress": get_only(REVIEW_TEAM),
    "accounts:ask": post_only(REVIEW_MANAGERS),
    "accounts:extension": both(REVIEW_MANAGERS),
    "accounts:file": get_only(REVIEW_TEAM),
    # Events and invitees.
    # Events across reviews, and each member of staff's own calendar feed (its address is its key: no session).
    "events:event_calendar": get_only(PARTNERSHIP_MEMBERS),
    "events:calendar_feed_settings": both(PARTNERSHIP_MEMBERS),
    "events:calendar_feed": get_only({ANONYMOUS: 404, OTHER_PARTNERSHIP: 404, NO_MFA: MFA}),
    "events:event_add": both(REVIEW_MANAGERS),
    "events:event_detail": both(REVIEW_TEAM),
    "events:event_sending": both(REVIEW_TEAM),
    "events:event_edit": both(REVIEW_MANAGERS),
    "events:event_outline": both(REVIEW_TEAM),
    "events:event_cancel": both(REVIEW_MANAGERS),
    # GET: the check before sending; POST (its button): send.
    "events:event_send": both(REVIEW_MANAGERS),
    "events:event_send_email": get_only(REVIEW_MANAGERS),
    "events:event_send_attachment": get_only(REVIEW_MANAGERS),
    "events:event_replies_csv": both(REVIEW_MANAGERS),
    "events:event_sign_in_sheet": both(REVIEW_MANAGERS),
    "events:invitee_add": both(REVIEW_MANAGERS),
    "events:invitee_add_new": both(REVIEW_MANAGERS),
    "events:invitee_detail": both(REVIEW_MANAGERS),
    "events:invitee_witness": both(REVIEW_MANAGERS),
    "events:invitee_remove": post_only(REVIEW_MANAGERS),
    "events:invitee_resend_link": post_only(REVIEW_MANAGERS),
    "events:invitee_revoke_link": post_only(REVIEW_MANAGERS),
    "events:email_retry": post_only(REVIEW_MANAGERS),
    "events:invite_colleague": post_only(REVIEW_MANAGERS),
    "events:ask_agency": post_only(REVIEW_MANAGERS),
    "events:access_needs_arranged": both(REVIEW_MANAGERS),
    # The confidential summary, staff side.
    "events:summary_versions": both(REVIEW_TEAM),
    "events:summary_write": both(REVIEW_TEAM),
    "events:summary_upload": both(REVIEW_TEAM),
    "events:summary_version": both(REVIEW_TEAM),
    "events:summary_version_file": both(REVIEW_TEAM),
    "events:summary_hit_dismiss": post_only(REVIEW_TEAM),
    "events:summary_version_pdf": both(REVIEW_TEAM),
    "events:summary_release": both(REVIEW_MANAGERS),
    "events:summary_readers": both(REVIEW_MANAGERS),
    "events:summary_readers_csv": get_only(REVIEW_MANAGERS),
    "events:summary_remind": post_only(REVIEW_MANAGERS),
    "events:summary_withdraw": post_only(REVIEW_MANAGERS),
    # The day itself.
    "events:attendance_register": both(REVIEW_MANAGERS),
    "events:attendance_register_pdf": both(REVIEW_MANAGERS),
    "events:feedback_summary": both(REVIEW_MANAGERS),
    "events:thank_you_send": post_only(REVIEW_MANAGERS),
    # A reviewer's private notes.
    "events:review_notes": both(NOTE_KEEPERS),
    "events:review_note_add": both(NOTE_KEEPERS),
    "events:event_notes": both(NOTE_KEEPERS),
    "events:event_note_add": both(NOTE_KEEPERS),
    "events:note_detail": both(NOTE_KEEPERS),
    "events:note_edit": both(NOTE_KEEPERS),
    "events:note_delete": both(NOTE_KEEPERS),
    # The draft report and its factual-accuracy check, staff side.
    "reports:report_home": both(REVIEW_TEAM),
    "reports:report_version": both(REVIEW_TEAM),
    "reports:report_version_pdf": both(REVIEW_TEAM),
    "reports:report_hit_dismiss": post_only(REVIEW_TEAM),
    "reports:report_circulate": both(REVIEW_TEAM),
    "reports:report_check_progress": both(REVIEW_TEAM),
    "reports:report_check_progress_csv": get_only(REVIEW_TEAM),
    "reports:report_check_remind": post_only(REVIEW_TEAM),
    "reports:report_check_stop": post_only(REVIEW_TEAM),
    "reports:report_check_new_link": post_only(REVIEW_TEAM),
    # Everyone on the review reads the answers; only its reviewers write them.
    "reports:report_responses": Rule(REVIEW_TEAM, ASSIGNED_REVIEWERS),
    "reports:report_comment_report": get_only(REVIEW_TEAM),
    "reports:report_sign_off": both(REVIEW_MANAGERS),
    "reports:report_publication": both(REVIEW_MANAGERS),
    # The action plan, staff side.
    "actions:action_plan": get_only(REVIEW_TEAM),
    "actions:action_plan_pdf": get_only(REVIEW_TEAM),
    "actions:action_plan_csv": get_only(REVIEW_TEAM),
    "actions:recommendation_add": both(REVIEW_MANAGERS),
    "actions:recommendation_edit": both(REVIEW_MANAGERS),
    "actions:action_add": both(REVIEW_MANAGERS),
    "actions:action_edit": both(REVIEW_MANAGERS),
    "actions:action_detail": Rule(REVIEW_TEAM, REVIEW_MANAGERS),
    "actions:action_evidence": get_only(REVIEW_TEAM),
    "actions:agency_links": get_only(REVIEW_MANAGERS),
    "actions:agency_link_send": both(REVIEW_MANAGERS),
    "actions:agency_link_stop": post_only(REVIEW_MANAGERS),
    # The invitee's personal link.
    "invitation:start": both(LINK, link="invitation"),
    "invitation:page": both(LINK, link="invitation"),
    "invitation:calendar": both(LINK, link="invitation"),
    "invitation:factsheet": both(LINK, link="invitation"),
    "invitation:feedback": both(LINK, link="invitation"),
    "invitation:summary_terms": both(LINK, link="invitation"),
    "invitation:summary_read": both(LINK, link="invitation"),
    "invitation:summary_download": both(LINK, link="invitation"),
    "invitation:new_link": both(PUBLIC),
    "invitation:leave": post_only(PUBLIC),
    "invitation:left": both(PUBLIC),
    # The safeguarding lead's nomination link.
    "nomination:start": both(LINK, link="nomination"),
    "nomination:page": both(LINK, link="nomination"),
    "nomination:complete": post_only(LINK, link="nomination"),
    "nomination:withdraw": post_only(LINK, link="nomination"),
    # The safeguarding lead's written-account link.
    "account_link:start": both(LINK, link="account"),
    "account_link:page": both(LINK, link="account"),
    "account_link:send": both(LINK, link="account"),
    "account_link:more_time": both(LINK, link="account"),
    "account_link:template": get_only(LINK, link="account"),
    # The checker's draft-report link.
    "draft:start": both(LINK, link="draft"),
    "draft:terms": both(LINK, link="draft"),
    "draft:read": both(LINK, link="draft"),
    "draft:download": both(LINK, link="draft"),
    "draft:comment_add": both(LINK, link="draft"),
    "draft:comment_edit": both(LINK, link="draft"),
    "draft:comment_delete": post_only(LINK, link="draft", access_first=True),
    "draft:submit": post_only(LINK, link="draft", access_first=True),
    "draft:no_comments": post_only(LINK, link="draft", access_first=True),
    # The action owner's agency link.
    "action_owner:start": both(LINK, link="actions"),
    "action_owner:list": get_only(LINK, link="actions"),
    "action_owner:update": both(LINK, link="actions"),
    "action_owner:leave": post_only(PUBLIC),
    "action_owner:left": get_only(PUBLIC),
}

# Outside the walk (allauth's), but public and so checked here too.
EXTRA_PATTERNS = {"account_login"}


# Every URL pattern in the project ----------------------------------------------------------------


def _skipped(resolver):
    """The admin's own pages and allauth's, which have their own tests."""
    if resolver.urlconf_name is admin_site.urls[0] or resolver.app_name == "admin":
        return True
    module = getattr(resolver.urlconf_module, "__name__", "")
    return module.startswith("allauth")


def _walk(resolver, prefix="", namespace=""):
    """(the pattern's name with its namespace, its whole route) for every pattern below `resolver`."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if not _skipped(entry):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
                yield from _walk(entry, prefix + str(entry.pattern), inner or namespace)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name or f"(unnamed) {route}", route


def project_patterns():
    return dict(_patterns_below(get_resolver()))


@cache
def _patterns_below(resolver):
    # Walked once for each URLconf (get_resolver() gives the same resolver until the URLconf changes):
    # building the admin's patterns again for every test was most of a fast test's time.
    return dict(_walk(resolver))


def _kwargs_of(name):
    """The argument names of a named pattern: its prefix's and its own."""
    route = project_patterns().get(name)
    if route is None:  # outside the walk (allauth's)
        (possibility,) = [p for p in get_resolver().reverse_dict.getlist(name) if p]
        ((_, params),) = possibility[0]
        return params
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


# The objects a pattern's arguments name -------------------------------------------------------------


@dataclass
class World:
    partnership: object
    review: object
    published: object
    bm: object
    objects: dict
    tokens: dict  # link family -> a working token


KWARGS = {
    "slug": lambda w: w.partnership.slug,
    "review_id": lambda w: w.review.pk,
    "event_id": lambda w: w.objects["event"].pk,
    "invitation_id": lambda w: w.objects["invitation"].pk,
    "message_id": lambda w: w.objects["message"].pk,
    "kind": lambda w: "invitation",
    "reader_id": lambda w: w.objects["reader"].pk,
    "number": lambda w: 1,  # the first summary version and the first draft-report version
    "note_id": lambda w: w.objects["note"].pk,
    "membership_id": lambda w: w.objects["membership"].pk,
    "provider_id": lambda w: w.objects["sso_provider"].pk,
    "agency_id": lambda w: w.objects["agency"].pk,
    "practitioner_id": lambda w: w.objects["practitioner"].pk,
    "request_id": lambda w: w.objects["nomination_request"].pk,
    "nomination_id": lambda w: w.objects["nomination"].pk,
    "review_type": lambda w: w.review.review_type,
    "hit_id": lambda w: w.objects["hit"].pk,
    "checker_id": lambda w: w.objects["checker"].pk,
    "comment_id": lambda w: w.objects["comment"].pk,
    "report_slug": lambda w: w.objects["publication"].slug,
    "recommendation_id": lambda w: w.objects["recommendation"].pk,
    "action_id": lambda w: w.objects["action"].pk,
    "update_id": lambda w: w.objects["update"].pk,
    "extension_id": lambda w: w.objects["extension"].pk,
    "account_file_id": lambda w: w.objects["account_file"].pk,
    # A token is filled in for each kind of outsider: see _token_for.
    "token": None,
}


def _token():
    token, token_hash = links.new_token()
    return token, token_hash


def build_world(partnership, business_manager, reviewer, review):
    """One of every object a URL can name, in the partnership and its review."""
    now = timezone.now()
    objects = {}
    tokens = {}
    agency = objects["agency"] = Agency.objects.create(partnership=partnership, name="Northvale Police")
    person = objects["practitioner"] = Practitioner.objects.create(
        partnership=partnership, full_name="Sam Green", job_title="Constable", agency=agency, email="sam@police.example"
    )
    objects["membership"] = Membership.objects.get(user=reviewer, partnership=partnership)
    objects["sso_provider"] = SingleSignOnProvider.objects.create(
        partnership=partnership,
        name="Northvale Council account",
        issuer_url="https://login.council.example",
        client_id="convene",
        client_secret="a secret",
    )

    start = now + timedelta(days=20)
    event = objects["event"] = Event.objects.create(
        review=review,
        title="Practitioner learning event",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        venue_name="Northvale Civic Centre",
        capacity=20,
        rsvp_deadline=(now + timedelta(days=10)).date(),
        status=Event.Status.INVITATIONS_SENT,
    )
    tokens["invitation"], token_hash = _token()
    invitation = objects["invitation"] = Invitation.objects.create(
        event=event,
        practitioner=person,
        status=Invitation.Status.ACCEPTED,
        token_hash=token_hash,
        token_expires_at=start + timedelta(days=30),
    )
    objects["message"] = OutboundMessage.objects.create(
        partnership=partnership,
        about_type="events.invitation",
        about_id=invitation.pk,
        kind="invitation",
        idempotency_key="invitation:test",
        recipient=person.email,
        subject="Invitation: CSPR 2026-01",
        body_text="You are invited.",
        body_html="<p>You are invited.</p>",
        attachments=[{"type": "calendar", "method": "REQUEST", "content": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}],
        state=OutboundMessage.State.FAILED,
    )
    version = SummaryVersion.objects.create(
        event=event, number=1, source=SummaryVersion.Source.WRITTEN, body_html="<p>What is known.</p>"
    )
    release = SummaryRelease.objects.create(
        event=event, version=version, available_from=now - timedelta(days=1), closes_at=start + timedelta(days=7)
    )
    objects["reader"] = SummaryReader.objects.create(release=release, invitation=invitation, terms_accepted_at=now)
    objects["note"] = ReviewerNote.objects.create(review=review, author=reviewer, title="First", body="For me only.")

    tokens["nomination"], token_hash = _token()
    nomination_request = objects["nomination_request"] = NominationRequest.objects.create(
        review=review,
        agency=agency,
        token_hash=token_hash,
        token_expires_at=now + timedelta(days=14),
        deadline=(now + timedelta(days=10)).date(),
    )
    objects["nomination"] = Nomination.objects.create(
        request=nomination_request, full_name="Kim Lee", job_title="Sergeant", email="kim@police.example"
    )

    report = ReportVersion.objects.create(
        review=review, number=1, source=ReportVersion.Source.DOCX, body_html="<p>The report.</p>", unit_count=1
    )
    objects["hit"] = NameHit.objects.create(
        version=report, kind=NameHit.Kind.INVITEE, paragraph=1, matched="Sam Green", context="Sam Green said"
    )
    # The summary's names check has a hit of its own, with the same id, so one hit_id reaches both pages.
    SummaryNameHit.objects.create(
        pk=objects["hit"].pk,
        version=version,
        kind=SummaryNameHit.Kind.INVITEE,
        paragraph=1,
        matched="Sam Green",
        context="Sam Green said",
    )
    circulation = Circulation.objects.create(
        review=review, version=report, working_days=10, deadline=(now + timedelta(days=14)).date()
    )
    tokens["draft"], token_hash = _token()
    checker = objects["checker"] = Checker.objects.create(
        circulation=circulation,
        role=Checker.Role.ATTENDEE,
        name="Sam Green",
        email=person.email,
        practitioner=person,
        token_hash=token_hash,
        token_expires_at=now + timedelta(days=14),
    )
    objects["comment"] = Comment.objects.create(checker=checker, paragraph=1, text="A date is wrong.")

    recommendation = objects["recommendation"] = Recommendation.objects.create(review=review, number=1, text="Share.")
    action = objects["action"] = Action.objects.create(
        recommendation=recommendation,
        description="Train staff.",
        agency=agency,
        lead_name="Kim Lee",
        due_date=(now + timedelta(days=90)).date(),
    )
    objects["update"] = ActionUpdate.objects.create(
        action=action, text="Started.", status=Action.Status.IN_PROGRESS, rag=Action.Rag.GREEN
    )
    tokens["actions"], token_hash = _token()
    objects["agency_link"] = AgencyLink.objects.create(
        review=review,
        agency=agency,
        name="Kim Lee",
        email="kim@police.example",
        token_hash=token_hash,
        token_expires_at=now + timedelta(days=365),
    )

    tokens["account"], token_hash = _token()
    account_request = objects["account_request"] = AccountRequest.objects.create(
        review=review,
        agency=agency,
        kind=AccountRequest.Kind.CHRONOLOGY,
        working_days=10,
        deadline=(now + timedelta(days=14)).date(),
        token_hash=token_hash,
        token_expires_at=now + timedelta(days=60),
    )
    objects["extension"] = Extension.objects.create(
        request=account_request, new_deadline=(now + timedelta(days=30)).date(), reason="Records archived."
    )
    document = AccountDocument.objects.create(request=account_request)
    objects["account_file"] = AccountVersion.objects.create(
        document=document, number=1, source="pdf", file="accounts/missing.pdf", original_filename="chronology.pdf"
    )

    # A second review of the partnership, signed off and published, for the public pages.
    published = Review.objects.create(
        partnership=partnership,
        review_type=Review.Type.CSPR,
        reference="CSPR 2025-04",
        pseudonym="Child D",
        scope_start=(now - timedelta(days=800)).date(),
        scope_end=(now - timedelta(days=400)).date(),
        status=Review.Status.PUBLISHED,
    )
    final = ReportVersion.objects.create(
        review=published, number=1, source=ReportVersion.Source.DOCX, body_html="<p>Published.</p>", unit_count=1
    )
    SignOff.objects.create(
        review=published,
        version=final,
        body="Partnership executive",
        signed_off_on=(now - timedelta(days=30)).date(),
        minute_reference="EX-12",
    )
    objects["publication"] = Publication.objects.create(
        review=published, state=Publication.State.PUBLISHED, slug="child-d", published_at=now
    )
    return World(partnership, review, published, business_manager, objects, tokens)


# Personal links: how each is opened and stopped -----------------------------------------------------


@dataclass(frozen=True)
class LinkFamily:
    start: str  # the URL name of the link itself
    purpose: str  # its key in the session (core.links.grant)
    holder: str  # the world's object the link belongs to
    stop: object  # stop(world): the business manager stops it


def _stop_invitation(world):
    from events import invitations

    invitations.revoke_link(world.objects["invitation"], revoked_by=world.bm)


def _stop_nomination(world):
    NominationRequest.objects.filter(pk=world.objects["nomination_request"].pk).update(token_revoked_at=timezone.now())


def _stop_account(world):
    AccountRequest.objects.filter(pk=world.objects["account_request"].pk).update(token_revoked_at=timezone.now())


def _stop_draft(world):
    from reports import circulation

    circulation.stop_link(world.objects["checker"], stopped_by=world.bm)


def _stop_actions(world):
    from actions import services

    services.stop_agency_link(world.objects["agency_link"], by=world.bm)


LINK_FAMILIES = {
    "invitation": LinkFamily("invitation:start", "invitation", "invitation", _stop_invitation),
    "nomination": LinkFamily("nomination:start", "nomination", "nomination_request", _stop_nomination),
    "draft": LinkFamily("draft:start", "draft", "checker", _stop_draft),
    "account": LinkFamily("account_link:start", "account", "account_request", _stop_account),
    "actions": LinkFamily("action_owner:start", "actions", "agency_link", _stop_actions),
}


def _open_link(client, world, family_name):
    family = LINK_FAMILIES[family_name]
    response = client.post(reverse(family.start, args=[world.tokens[family_name]]))
    assert response.status_code == 302, f"the {family_name} link did not open: {response.status_code}"


def _another_family(family_name):
    return "nomination" if family_name == "invitation" else "invitation"


# The outsiders -----------------------------------------------------------------------------------


def _client_for(kind, world, family_name, signed_in):
    client = signed_in(kind)
    if kind == WRONG_LINK and family_name is not None:
        # A working link of another kind, and a forged grant for this one (the right object, a wrong hash).
        _open_link(client, world, _another_family(family_name))
        family = LINK_FAMILIES[family_name]
        session = client.session
        session[f"link:{family.purpose}"] = {"id": world.objects[family.holder].pk, "hash": "0" * 64}
        session.save()
    if kind == STOPPED_LINK and family_name is not None:
        _open_link(client, world, family_name)
    return client


def _token_for(kind, world, family_name):
    """Nobody outside holds a working token: a made-up one, one of another link, or a stopped one."""
    if kind == WRONG_LINK:
        return world.tokens[_another_family(family_name)]
    if kind == STOPPED_LINK:
        return world.tokens[family_name]
    return links.new_token()[0]


def build_people(partnership, business_manager, reviewer, outsider):
    """The staff, one of each kind the table names (and the partnership's own business manager and reviewer)."""
    return {
        OTHER_PARTNERSHIP: outsider,
        UNASSIGNED_REVIEWER: make_staff(
            "nadia@northvale.example", "Nadia Rahman", partnership, Membership.Role.REVIEWER
        ),
        ASSIGNED_REVIEWER: reviewer,
        BUSINESS_MANAGER: business_manager,
        NO_MFA: make_staff(
            "new@northvale.example", "Ola New", partnership, Membership.Role.BUSINESS_MANAGER, with_mfa=False
        ),
    }


def _everything():
    partnership, other_partnership = new_partnership(), new_other_partnership()
    business_manager = new_business_manager(partnership)
    reviewer = new_reviewer(partnership)
    review = new_review(partnership, reviewer, business_manager)
    world = build_world(partnership, business_manager, reviewer, review)
    outsider = new_outsider(other_partnership)
    people = build_people(partnership, business_manager, reviewer, outsider)
    return {
        "world": world,
        "people": people,
        "sessions": {kind: _session_of(user) for kind, user in people.items()},
        "partnership": partnership,
        "other_partnership": other_partnership,
        "business_manager": business_manager,
        "reviewer": reviewer,
        "review": review,
        "outsider": outsider,
    }


@pytest.fixture(scope="module")
def _written_once(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and its people, written once for the module's tests (as TestCase.setUpTestData would)."""
    yield from written_once_for_the_module(django_db_blocker, tmp_path_factory.mktemp("uploads"), _everything)


@pytest.fixture
def _copies(_written_once, db):
    """This test's own copies of the world, its people and the shared fixtures below."""
    return fresh_copies(_written_once)


@pytest.fixture
def world(_copies):
    return _copies["world"]


@pytest.fixture
def people(_copies):
    return _copies["people"]


def _session_of(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def signed_in(_copies):
    """signed_in(kind): a new test client, signed in as that kind of person (the session force_login started for
    them when the world was written; each test's changes to it are rolled back), or as nobody."""
    sessions, people = _copies["sessions"], _copies["people"]

    def client_for(kind):
        client = Client()
        if kind in sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[kind]
            # A session that no longer signs its person in would make every page a sign-in page, and the
            # form-error walk would then find no form to check: fail here instead.
            assert client.session.get(SESSION_KEY) == str(people[kind].pk), f"the {kind} session signs nobody in"
        return client

    return client_for


# tests/conftest.py's fixtures of the same names, taken from the world: beside it, they could not be
# written again (the partnership's slug and the staff's email addresses are taken).


def _taken_from_the_world(name):
    @pytest.fixture(name=name)
    def shared(_copies):
        return _copies[name]

    return shared


partnership = _taken_from_the_world("partnership")
other_partnership = _taken_from_the_world("other_partnership")
business_manager = _taken_from_the_world("business_manager")
reviewer = _taken_from_the_world("reviewer")
review = _taken_from_the_world("review")
outsider = _taken_from_the_world("outsider")


# Checking one response ---------------------------------------------------------------------------


def _security_header_problems(response):
    problems = []
    if not response.get("Content-Security-Policy"):
        problems.append("no Content-Security-Policy")
    # An email's own HTML, shown in a frame on the product's pages, is the one thing the product frames:
    # only under its sandboxed policy that runs nothing and loads nothing.
    framed = response.get("Content-Security-Policy") == EMAIL_HTML_POLICY
    if response.get("X-Frame-Options") != ("SAMEORIGIN" if framed else "DENY"):
        problems.append(f"X-Frame-Options {response.get('X-Frame-Options')!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options {response.get('X-Content-Type-Options')!r}")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy {response.get('Referrer-Policy')!r}")
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control {response.get('Cache-Control')!r}")
    return problems


def _redirect_path(response):
    return urlparse(response.get("Location", "")).path if response.status_code in (301, 302, 303, 307) else None


def _outcome(response):
    """What the response amounts to, in the table's words (or its status code)."""
    redirect_to = _redirect_path(response)
    if redirect_to == reverse("account_login"):
        return LOGIN
    if redirect_to == reverse("mfa_activate_totp"):
        return MFA
    templates = {template.name for template in response.templates or ()}
    if response.status_code in (403, 404) and templates & NOT_AVAILABLE_TEMPLATES:
        return UNAVAILABLE
    if response.status_code < 400:
        return OK
    return response.status_code


def _expected(rule, method, kind):
    profile = rule.get if method == "GET" else rule.post
    if profile is not None:
        return profile.get(kind)
    # The view does not take this method. Sign-in and set-up come first; then the method is refused,
    # unless the view checks access before it looks at the method.
    other = rule.post if method == "GET" else rule.get
    expected = other.get(kind)
    if expected is None or expected in (LOGIN, MFA) or rule.access_first:
        return expected
    return 405


# The tests ----------------------------------------------------------------------------------------


def test_every_pattern_has_a_row_in_the_table():
    names = set(project_patterns())
    missing = sorted(names - set(ACCESS))
    stale = sorted(set(ACCESS) - names - EXTRA_PATTERNS)
    assert not missing, f"URL patterns with no row in ACCESS (decide who may see them): {missing}"
    assert not stale, f"rows in ACCESS for URL patterns that no longer exist: {stale}"


def test_every_argument_of_every_pattern_can_be_filled_in():
    unknown = {
        name: sorted(set(_kwargs_of(name)) - set(KWARGS))
        for name in sorted(set(project_patterns()) | EXTRA_PATTERNS)
        if not name.startswith("(unnamed)")
    }
    unknown = {name: arguments for name, arguments in unknown.items() if arguments}
    assert not unknown, f"URL patterns with arguments KWARGS cannot fill in: {unknown}"


@pytest.mark.parametrize("name", sorted(set(project_patterns()) | EXTRA_PATTERNS))
def test_outsiders_are_refused(name, world, signed_in):
    assert name in ACCESS, f"{name} has no row in ACCESS: decide who may see it"
    rule = ACCESS[name]
    arguments = _kwargs_of(name)
    unknown = [argument for argument in arguments if argument not in KWARGS]
    assert not unknown, f"{name} takes {unknown}, which KWARGS cannot fill in"
    kinds = {kind for profile in (rule.get, rule.post) if profile for kind in profile}
    clients = {}
    failures = []
    for kind in sorted(kinds):
        if kind == STOPPED_LINK:
            continue  # below, once the link has been opened and then stopped
        clients[kind] = _client_for(kind, world, rule.link, signed_in)
    if STOPPED_LINK in kinds:
        clients[STOPPED_LINK] = _client_for(STOPPED_LINK, world, rule.link, signed_in)
        LINK_FAMILIES[rule.link].stop(world)

    for kind, client in clients.items():
        values = {argument: KWARGS[argument](world) for argument in arguments if argument != "token"}
        if "token" in arguments:
            values["token"] = _token_for(kind, world, rule.link)
        url = reverse(name, kwargs=values)
        for method in ("GET", "POST"):
            expected = _expected(rule, method, kind)
            if expected is None:
                continue  # this kind of person may use the page
            response = client.get(url) if method == "GET" else client.post(url, {})
            outcome = _outcome(response)
            if outcome != expected:
                failures.append(f"{method} {url} {kind}: expected {expected}, got {outcome}")
            for problem in _security_header_problems(response):
                failures.append(f"{method} {url} {kind}: {problem}")
    assert not failures, "\n".join(failures)


def test_the_demo_mailbox_is_off_in_production(world, settings):
    settings.DEMO_MAILBOX = False
    for url in (
        reverse("notifications:demo_mailbox"),
        reverse("notifications:demo_message", args=[world.objects["message"].pk]),
        reverse("notifications:demo_message_html", args=[world.objects["message"].pk]),
        reverse("notifications:demo_attachment", args=[world.objects["message"].pk, 1]),
    ):
        response = Client().get(url)
        assert response.status_code == 404, url
        assert not _security_header_problems(response)


# allauth's pages: not in the table (their access rules are allauth's own, tested in tests/reviews),
# but they must carry the security headers, and the HTML check sees them from here.
ALLAUTH_PAGES = [
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_email",
    "account_email_verification_sent",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_confirm_login_code",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
]


def test_sign_in_pages_carry_the_security_headers(people):
    from tests.conftest import PASSWORD

    failures = []
    visitors = {ANONYMOUS: None, NO_MFA: people[NO_MFA], BUSINESS_MANAGER: people[BUSINESS_MANAGER]}
    for kind, user in visitors.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        urls = [reverse(name) for name in ALLAUTH_PAGES]
        urls.append(reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "not-a-key"}))
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"GET {url} {kind}: {response.status_code}")
            failures += [f"GET {url} {kind}: {problem}" for problem in _security_header_problems(response)]

    # The pages with errors, and the authenticator step of signing in.
    client = Client()
    for response in (
        client.post(reverse("account_login"), {"login": "manager@northvale.example", "password": "wrong"}),
        client.post(reverse("account_reset_password"), {"email": ""}),
        client.post(reverse("account_login"), {"login": "manager@northvale.example", "password": PASSWORD}),
    ):
        failures += [
            f"POST {response.request['PATH_INFO']}: {problem}" for problem in _security_header_problems(response)
        ]
    assert _redirect_path(response) == reverse("mfa_authenticate")
    for response in (client.get(reverse("mfa_authenticate")), client.post(reverse("mfa_authenticate"), {"code": "1"})):
        assert response.status_code == 200
        failures += [f"mfa_authenticate: {problem}" for problem in _security_header_problems(response)]
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_error_pages_carry_the_security_headers():
    responses = {
        "404": Client().get("/no-such-page/"),
        "CSRF": Client(enforce_csrf_checks=True).post(reverse("account_login"), {}),
    }
    assert responses["404"].status_code == 404 and responses["CSRF"].status_code == 403
    for name, response in responses.items():
        assert not _security_header_problems(response), name
