"""The factual-accuracy check: circulating a version, the checkers' personal links and comments, closing."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from core import audit, links, reading
from core.errors import DomainError
from core.formatting import counted, long_date, uk_datetime
from core.workdays import add_working_days
from events.models import Attendance, Invitation
from notifications.services import queue_email, queued_keys, render_email
from practitioners.models import Agency, NominationRequest
from reports.anonymisation import can_circulate
from reports.models import Checker, Circulation, Comment, ReportVersion, SignOff
from reviews.models import Review
from reviews.services import move_forward

DEFAULT_WORKING_DAYS = 10
MAX_WORKING_DAYS = 60
ATTENDED = (Attendance.ATTENDED, Attendance.WITH_MANAGER)
STAGES = list(Review.Status)
AFTER_SIGN_OFF = STAGES[STAGES.index(Review.Status.SIGNED_OFF) :]


@dataclass(frozen=True)
class Person:
    """Someone who could be asked to check the draft; without an email address they cannot be reached."""

    role: str
    name: str
    email: str
    agency: Agency | None = None
    practitioner_id: int | None = None

    @property
    def reachable(self):
        return bool(self.email)


# Who is asked ---------------------------------------------------------------------------------


def default_checkers(review):
    """Everyone who attended one of the review's events, then the safeguarding leads of their agencies
    and of the agencies asked for nominations: one entry per email address, attendees first."""
    seen_emails, seen_practitioners = set(), set()
    attendees, leads = [], []

    invitations = (
        Invitation.objects.filter(event__review=review, attendance__in=ATTENDED)
        .select_related("practitioner__agency")
        .order_by("practitioner__full_name", "pk")
    )
    agencies = {}
    for invitation in invitations:
        practitioner = invitation.practitioner
        agencies[practitioner.agency_id] = practitioner.agency
        email = practitioner.email.strip().lower()
        if practitioner.pk in seen_practitioners or (email and email in seen_emails):
            continue
        seen_practitioners.add(practitioner.pk)
        if email:
            seen_emails.add(email)
        attendees.append(
            Person(
                role=Checker.Role.ATTENDEE,
                name=practitioner.full_name,
                email=email,
                agency=practitioner.agency,
                practitioner_id=practitioner.pk,
            )
        )

    asked = NominationRequest.objects.filter(review=review).select_related("agency")
    for nomination_request in asked:
        agencies.setdefault(nomination_request.agency_id, nomination_request.agency)
    for agency in sorted(agencies.values(), key=lambda agency: agency.name.lower()):
        email = agency.lead_email.strip().lower()
        if email and email in seen_emails:
            continue
        if email:
            seen_emails.add(email)
        name = agency.lead_name.strip() or f"Safeguarding lead at {agency.name}"
        leads.append(Person(role=Checker.Role.LEAD, name=name, email=email, agency=agency))
    return attendees + leads


# Whether a version may go out ----------------------------------------------------------------


def is_signed_off(review):
    return review.status in AFTER_SIGN_OFF or SignOff.objects.filter(review_id=review.pk).exists()


def refusal(version, review=None):
    """Why this version cannot be circulated now, in plain words; None if it can."""
    review = review or version.review
    if is_signed_off(review):
        return "The review has been signed off, so the draft can no longer be sent for checking."
    if Circulation.objects.filter(version_id=version.pk).exists():
        return f"Version {version.number} has already been sent for checking."
    later = Circulation.objects.filter(review_id=review.pk, version__number__gt=version.number).first()
    if later is not None:
        return (
            f"A later version (version {later.version.number}) has already been sent for checking, "
            f"so version {version.number} cannot be."
        )
    if version.name_check_at is None:
        return f"Version {version.number} has not been checked for names yet."
    if not can_circulate(version):
        open_hits = version.name_hits.filter(status="open").count()
        places = counted(open_hits, "place")
        return (
            f"The check found names in {places} in version {version.number} that nobody has dealt with yet. "
            "Remove the names and upload a new version, or mark each one that is not a person."
        )
    return None


# Links and emails -----------------------------------------------------------------------------


def link_url(token):
    return settings.SITE_URL + reverse("draft:start", args=[token])


def closes_at(circulation):
    """Comments can be made and changed until the end of the deadline day, UK time: the first moment after it."""
    return timezone.make_aware(datetime.combine(circulation.deadline + timedelta(days=1), time.min))


def is_open(circulation, now=None):
    """Still taking comments: not closed, before the deadline passes, and not signed off."""
    now = now or timezone.now()
    return circulation.closed_at is None and now < closes_at(circulation) and not is_signed_off(circulation.review)


def _checkers():
    return Checker.objects.select_related("circulation__review__partnership", "circulation__version", "agency")


def checker_context(checker):
    """What every page behind a checker's link shows of their check."""
    current = checker.circulation
    return {
        "checker": checker,
        "circulation": current,
        "version": current.version,
        "review": current.review,
        "partnership": current.review.partnership,
        "deadline": long_date(current.deadline),
    }


def _check_is_open(checker, now):
    return is_open(checker.circulation, now)


# A checker's link opens the draft while its check is open (it expires when the deadline day ends).
CHECKER_LINK = links.LinkKind(
    queryset=_checkers(),
    start_template="reports/circulation/draft_start.html",
    context=checker_context,
    unavailable_template="reports/circulation/unavailable.html",
    landing="draft:read",
    is_open=_check_is_open,
    holder_label=lambda checker: "checker",
)


def link_works(checker, now=None):
    return CHECKER_LINK.works(checker, now)


def _rotate_link(checker, *, actor=None, request=None, reason):
    """A fresh link for an email (only hashes are kept); the old link stops working, here and in any browser."""
    return links.issue(
        checker,
        expires_at=closes_at(checker.circulation),
        request=request,
        actor=actor,
        actor_label="automatic",
        action="draft.link_rotated",
        reason=reason,
    )


def email_checker(checker, name, *, key, token=None):
    """Write one email about the check to the outbox; a link is given only with a fresh token."""
    circulation = checker.circulation
    review = circulation.review
    context = {
        "partnership": review.partnership,
        "review": review,
        "checker": checker,
        "circulation": circulation,
        "version": circulation.version,
        "deadline": long_date(circulation.deadline),
        "sent_on": long_date(timezone.localdate(circulation.started_at)),
        "link": link_url(token) if token else None,
    }
    subject, text, html = render_email(f"reports/emails/{name}", context)
    return queue_email(
        kind=name,
        recipient=checker.email,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=review.partnership,
        about=checker,
        idempotency_key=key,
    )


# Circulating and closing ----------------------------------------------------------------------


def _chosen(people):
    """The people with an email address, once each (by address, whatever its case)."""
    chosen, seen = [], set()
    for person in people:
        email = (person.email or "").strip().lower()
        if not email or email in seen:
            continue
        seen.add(email)
        chosen.append(person)
    return chosen


def circulate(version, *, people, working_days, started_by, request=None):
    """Send a checked version to each chosen person with their own link, due in `working_days` working days.

    The review's earlier check closes (its links stop), and the review moves on to the factual-accuracy check.
    """
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("partnership").get(pk=version.review_id)
        version = ReportVersion.objects.select_for_update().get(pk=version.pk)
        reason = refusal(version, review)
        if reason:
            raise DomainError(reason)
        if not isinstance(working_days, int) or not 1 <= working_days <= MAX_WORKING_DAYS:
            raise DomainError(f"Enter a number of working days between 1 and {MAX_WORKING_DAYS}", field="working_days")
        chosen = _chosen(people)
        if not chosen:
            raise DomainError("Choose at least one person to check the draft", field="people")

        for earlier in review.circulations.filter(closed_at__isnull=True):
            close_circulation(earlier, reason="replaced", by=started_by, request=request)
        now = timezone.now()
        circulation = Circulation.objects.create(
            review=review,
            version=version,
            working_days=working_days,
            deadline=add_working_days(timezone.localdate(now), working_days),
            started_by=started_by,
            started_at=now,
        )
        for person in chosen:
            checker = Checker.objects.create(
                circulation=circulation,
                role=person.role,
                name=person.name.strip()[:150],
                email=person.email.strip().lower(),
                agency=person.agency,
                practitioner_id=person.practitioner_id,
            )
            checker.circulation = circulation
            token = links.issue(checker, expires_at=closes_at(circulation), request=request, actor=started_by)
            email_checker(checker, "draft_circulated", key=f"draft-circulated:{checker.pk}", token=token)
        move_forward(review, Review.Status.FACTUAL_ACCURACY, changed_by=started_by, request=request)
        audit.record(
            "report.circulated",
            request=request,
            actor=started_by,
            partnership=review.partnership,
            obj=circulation,
            version=version.number,
            checkers=len(chosen),
            working_days=working_days,
            deadline=circulation.deadline.isoformat(),
        )
    return circulation


def close_circulation(circulation, *, reason, by=None, request=None):
    """Close a check at once: no more comments, and every checker's link stops. False if it was closed."""
    with transaction.atomic():
        now = timezone.now()
        closed = Circulation.objects.filter(pk=circulation.pk, closed_at__isnull=True).update(closed_at=now)
        if closed:
            links.revoke_all(Checker.objects.filter(circulation_id=circulation.pk), now)
            circulation.closed_at = now
            audit.record(
                "report.circulation_closed",
                request=request,
                actor=by,
                partnership=circulation.review.partnership,
                obj=circulation,
                reason=reason,
                **({} if by else {"actor_label": "automatic"}),
            )
    return bool(closed)


# The staff's side of a running check ----------------------------------------------------------


def current_circulation(review):
    return review.circulations.select_related("version", "started_by").first()


def checkers_of(circulation):
    return (
        circulation.checkers.select_related("agency")
        .annotate(comment_count=Count("comments"))
        .order_by(F("agency__name").asc(nulls_last=True), "name", "pk")
    )


def counts(circulation):
    """How many were asked, have read it, and have answered (with comments or none)."""
    result = circulation.checkers.aggregate(
        asked=Count("pk"),
        read=Count("pk", filter=Q(first_read_at__isnull=False)),
        responded=Count("pk", filter=Q(responded_at__isnull=False)),
        said_none=Count("pk", filter=Q(responded_at__isnull=False, no_comments=True)),
    )
    # "no_comments" names a field, so it cannot name an aggregate too.
    result["no_comments"] = result.pop("said_none")
    result["with_comments"] = result["responded"] - result["no_comments"]
    result["waiting"] = result["asked"] - result["responded"]
    return result


def _staff_lock(circulation):
    circulation = (
        Circulation.objects.select_for_update(of=("self",))
        .select_related("review__partnership", "version")
        .get(pk=circulation.pk)
    )
    if not is_open(circulation):
        raise DomainError("This check has closed, so nobody can be reminded or sent a new link.")
    return circulation


def remind_waiting(circulation, *, reminded_by, request=None):
    """Email a fresh link to everyone who has not answered yet, at most once a day each. Returns how many."""
    with transaction.atomic():
        circulation = _staff_lock(circulation)
        today = timezone.localdate()
        sent = 0
        waiting = circulation.checkers.waiting().filter(token_revoked_at__isnull=True).select_for_update()
        for checker in waiting:
            key = f"draft-reminder:{checker.pk}:{today:%Y-%m-%d}"
            if queued_keys([key]):
                continue
            checker.circulation = circulation
            token = _rotate_link(checker, actor=reminded_by, request=request, reason="reminder")
            email_checker(checker, "draft_reminder", key=key, token=token)
            sent += 1
        audit.record(
            "report.check_reminded",
            request=request,
            actor=reminded_by,
            partnership=circulation.review.partnership,
            obj=circulation,
            count=sent,
        )
    return sent


def stop_link(checker, *, stopped_by, request=None):
    """Stop one checker's link at once. False if it had already stopped."""
    return links.revoke(checker, request=request, actor=stopped_by, action="draft.link_stopped")


def send_new_link(checker, *, sent_by, request=None):
    """Email a checker a new link (for a lost or stopped one); the old link stops working."""
    with transaction.atomic():
        circulation = _staff_lock(checker.circulation)
        checker = Checker.objects.select_for_update().get(pk=checker.pk)
        checker.circulation = circulation
        token = _rotate_link(checker, actor=sent_by, request=request, reason="new link")
        email_checker(checker, "draft_new_link", key=f"draft-link:{checker.pk}:{checker.token_hash[:16]}", token=token)
    return checker


# The checker's side ---------------------------------------------------------------------------


def _log(action, checker, request, **detail):
    audit.record(
        action,
        request=request,
        actor_label="checker",
        partnership=checker.circulation.review.partnership,
        obj=checker,
        circulation=checker.circulation_id,
        version=checker.circulation.version.number,
        **detail,
    )


def _lock_open(checker):
    """The checker, locked, while their link still works; a clear refusal otherwise."""
    locked = _checkers().select_for_update(of=("self",)).get(pk=checker.pk)
    if not link_works(locked):
        raise DomainError("The time to comment on this draft has ended.")
    return locked


def accept_terms(checker, request=None):
    """Record (once) when the checker accepted the draft's confidentiality terms."""
    return reading.accept(
        checker,
        action="draft.terms_accepted",
        request=request,
        actor_label="checker",
        partnership=checker.circulation.review.partnership,
        circulation=checker.circulation_id,
        version=checker.circulation.version.number,
    )


# The draft's confidentiality terms, before the checker sees any of it.
DRAFT_TERMS = reading.Terms(
    document="the draft report",
    template="reports/circulation/draft_terms.html",
    terms_page="draft:terms",
    read_page="draft:read",
    accept=accept_terms,
    context=checker_context,
)


def record_read(checker, request=None):
    with transaction.atomic():
        now = timezone.now()
        Checker.objects.filter(pk=checker.pk, first_read_at__isnull=True).update(first_read_at=now)
        Checker.objects.filter(pk=checker.pk).update(last_read_at=now, read_count=F("read_count") + 1)
        _log("draft.viewed", checker, request)
    checker.refresh_from_db(fields=["first_read_at", "last_read_at", "read_count"])
    return checker


def record_download(checker, request=None):
    with transaction.atomic():
        now = timezone.now()
        # Reading the PDF counts as reading the draft.
        Checker.objects.filter(pk=checker.pk, first_read_at__isnull=True).update(first_read_at=now)
        Checker.objects.filter(pk=checker.pk).update(download_count=F("download_count") + 1)
        _log("draft.downloaded", checker, request)
    checker.refresh_from_db(fields=["first_read_at", "download_count"])
    return checker


def check_paragraph(version, paragraph):
    """A clear refusal for a number the version does not have."""
    unit = version.unit
    if version.unit_count < 1:
        raise DomainError(f"This draft has no numbered {unit}s to comment on.", field="paragraph")
    if paragraph is None or not 1 <= paragraph <= version.unit_count:
        raise DomainError(
            f"Enter a {unit} number between 1 and {version.unit_count}. The number is shown beside each {unit}.",
            field="paragraph",
        )


def add_comment(checker, *, paragraph, text, correction="", request=None):
    with transaction.atomic():
        checker = _lock_open(checker)
        check_paragraph(checker.circulation.version, paragraph)
        comment = Comment.objects.create(
            checker=checker, paragraph=paragraph, text=text.strip(), correction=correction.strip()
        )
        if checker.no_comments:
            # They had said they had none: the new comment waits until they send it.
            checker.no_comments = False
            checker.responded_at = None
            checker.save(update_fields=["no_comments", "responded_at"])
        _log("draft.comment_added", checker, request, comment=comment.pk, paragraph=paragraph)
    return comment


def _lock_comment(checker, comment):
    checker = _lock_open(checker)
    comment = Comment.objects.select_for_update().filter(pk=comment.pk, checker=checker).first()
    if comment is None:
        raise DomainError("This comment is not one of yours.")
    if comment.response:
        raise DomainError("The reviewer has already answered this comment, so it cannot be changed. Add a new one.")
    return checker, comment


def change_comment(checker, comment, *, paragraph, text, correction="", request=None):
    with transaction.atomic():
        checker, comment = _lock_comment(checker, comment)
        check_paragraph(checker.circulation.version, paragraph)
        comment.paragraph = paragraph
        comment.text = text.strip()
        comment.correction = correction.strip()
        comment.save(update_fields=["paragraph", "text", "correction", "updated_at"])
        _log("draft.comment_changed", checker, request, comment=comment.pk, paragraph=paragraph)
    return comment


def delete_comment(checker, comment, *, request=None):
    with transaction.atomic():
        checker, comment = _lock_comment(checker, comment)
        comment_id, paragraph = comment.pk, comment.paragraph
        comment.delete()
        if checker.responded_at is not None and not checker.comments.exists():
            # Nothing left of what they sent: they need to send comments again, or say they have none.
            checker.responded_at = None
            checker.save(update_fields=["responded_at"])
        _log("draft.comment_deleted", checker, request, comment=comment_id, paragraph=paragraph)
    return checker


def send_comments(checker, *, request=None):
    """The checker sends their comments: the reviewer can see them from now on. They can still change them."""
    with transaction.atomic():
        checker = _lock_open(checker)
        count = checker.comments.count()
        if not count:
            raise DomainError("Add a comment before you send your comments, or tell us you have no comments.")
        checker.responded_at = timezone.now()
        checker.no_comments = False
        checker.save(update_fields=["responded_at", "no_comments"])
        _log("draft.comments_sent", checker, request, count=count)
    return checker


def say_no_comments(checker, *, request=None):
    with transaction.atomic():
        checker = _lock_open(checker)
        if checker.comments.exists():
            raise DomainError("You have comments on this draft. Delete them first if you have no comments to make.")
        checker.responded_at = timezone.now()
        checker.no_comments = True
        checker.save(update_fields=["responded_at", "no_comments"])
        _log("draft.no_comments", checker, request)
    return checker


# The draft report page's panel ----------------------------------------------------------------


def answered_line(counts):
    """ "2 of 7 checkers have answered", "1 of 1 checker has answered"."""
    checkers = "checker" if counts["asked"] == 1 else "checkers"
    verb = "has" if counts["responded"] == 1 else "have"
    return f"{counts['responded']} of {counts['asked']} {checkers} {verb} answered"


def panel_context(review, user):
    """The current check (version, deadline, answers), what can be circulated next, and the progress link."""
    circulation = current_circulation(review)
    latest = review.report_versions.first()
    blocked = refusal(latest, review) if latest is not None else None
    return {
        "circulation_review": review,
        "circulation": circulation,
        "circulation_is_open": circulation is not None and is_open(circulation),
        "circulation_counts": counts(circulation) if circulation is not None else None,
        "circulation_answered": answered_line(counts(circulation)) if circulation is not None else "",
        "circulation_deadline": long_date(circulation.deadline) if circulation is not None else "",
        "circulation_next_version": latest if latest is not None and blocked is None else None,
        "circulation_blocked": blocked
        if latest is not None and not (circulation is not None and circulation.version_id == latest.pk)
        else None,
        "circulation_latest": latest,
    }


def progress_rows(circulation, now=None):
    """The check's progress as its page shows it, a row per checker: agency, name, role, terms accepted,
    first read, reads, downloads, answer, when answered, comments, the link's state."""
    link_open = is_open(circulation, now)
    rows = []
    for checker in checkers_of(circulation):
        if checker.responded_at and checker.no_comments:
            answer = "No comments"
        elif checker.responded_at:
            answer = "Sent comments"
        else:
            answer = "Not answered"
        if circulation.closed_at:
            link = "Closed"
        elif checker.token_revoked_at:
            link = f"Stopped {uk_datetime(checker.token_revoked_at)}"
        else:
            link = "Working" if link_open else "Deadline passed"
        rows.append(
            (
                checker.agency.name if checker.agency else "No agency recorded",
                checker.name,
                checker.get_role_display(),
                uk_datetime(checker.terms_accepted_at),
                uk_datetime(checker.first_read_at),
                checker.read_count,
                checker.download_count,
                answer,
                uk_datetime(checker.responded_at),
                checker.comment_count,
                link,
            )
        )
    return rows


def record_progress_export(circulation, *, by, rows, request=None):
    """Audit a download of the check's progress: who took it, of which version, how many rows."""
    audit.record(
        "report.check_progress_exported",
        request=request,
        actor=by,
        partnership=circulation.review.partnership,
        obj=circulation,
        version=circulation.version.number,
        rows=rows,
    )
