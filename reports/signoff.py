"""Sign-off and publication: the partnership signs a version off, then holds it back or publishes it."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core import audit
from core.access import is_business_manager
from core.errors import DomainError
from core.formatting import counted, long_date, people
from core.models import Partnership
from events.models import EVENT_IS_OPEN, Event, Invitation
from notifications.models import OutboundMessage
from notifications.services import queue_email, render_email
from reports import responses
from reports.anonymisation import can_circulate
from reports.circulation import ATTENDED, close_circulation, closes_at, default_checkers
from reports.models import Checker, Circulation, Comment, NameHit, Publication, ReportVersion, SignOff
from reviews import holds
from reviews.clocks import earliest_publication
from reviews.models import Review
from reviews.services import move_forward


def signable_versions(review):
    """The versions that may be signed off, the latest first: none made before the first factual-accuracy check."""
    versions = ReportVersion.objects.filter(review=review, name_check_at__isnull=False)
    if (first := first_check(review)) is not None:
        versions = versions.filter(number__gte=first.version.number)
    return versions.exclude(name_hits__status=NameHit.Status.OPEN).distinct().order_by("-number")


# Answers saying the report was changed: a version made before them does not include the change.
CHANGING_ANSWERS = (Comment.Response.AMENDED, Comment.Response.ACCEPTED)
REASON_LENGTH = 2000


def first_check(review):
    """The review's earliest factual-accuracy check, or None if no version was ever sent for checking."""
    return Circulation.objects.filter(review=review).select_related("version").order_by("version__number").first()


def check_of(version):
    """The latest factual-accuracy check this version went through, itself or an earlier version; None if none."""
    return (
        Circulation.objects.filter(review_id=version.review_id, version__number__lte=version.number)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )


def went_through_check(version):
    """Sent for the factual-accuracy check, or made after a version that was (in answer to it)."""
    return Circulation.objects.filter(review_id=version.review_id, version__number__lte=version.number).exists()


def people_to_ask(review):
    """Everyone with an email address who could be asked to check the draft."""
    return [person for person in default_checkers(review) if person.reachable]


def changing_answers(review):
    """The sent comments answered "Amended" or "Accepted", by the version they were made on."""
    return (
        responses.sent_comments_of_review(review)
        .filter(response__in=CHANGING_ANSWERS)
        .select_related("checker__circulation__version", "checker__agency", "responded_by")
        .order_by("checker__circulation__version__number", "paragraph", "created_at", "pk")
    )


def answers_not_in(version):
    """The answers saying the report changed that this version does not include: those made on it or a later one."""
    return changing_answers(version.review).filter(checker__circulation__version__number__gte=version.number)


def describe_answer(comment):
    """ "the comment on paragraph 7 of version 1, answered Amended" (never the comment's text)."""
    version = comment.checker.circulation.version
    return (
        f"the comment on {version.unit} {comment.paragraph} of version {version.number}, "
        f"answered {comment.get_response_display()}"
    )


def check_refusal(review, version):
    """Why this version cannot be signed off for want of the factual-accuracy check; None if it can.

    A version may be signed off when it, or an earlier version, went through the check. Only when no
    version went through it and nobody could have been asked may it be signed off, with a reason.
    """
    if went_through_check(version):
        return None
    first = first_check(review)
    if first is not None:
        return (
            f"Version {version.number} was not sent for the factual-accuracy check, and the changes made after "
            f"the check are not in it. Choose version {first.version.number} or a later one."
        )
    asked = people_to_ask(review)
    if asked:
        return (
            "No version of the report has been through the factual-accuracy check. Send the draft to "
            f"the {people(len(asked))} who can check it before it is signed off."
        )
    return None


def unanswered_refusal(review):
    """Why the review cannot be signed off while sent comments wait for the reviewer's answer; None if none do."""
    waiting = responses.sent_comments_of_review(review).filter(response="").count()
    if not waiting:
        return None
    comments = "comment has" if waiting == 1 else "comments have"
    return (
        f"{waiting} factual-accuracy {comments} no answer from the reviewer. The checkers were told the reviewer "
        "answers each comment before the report is signed off: the reviewer answers them on the page “Comments "
        "on the draft report”."
    )


def open_check_refusal(review, now=None):
    """Why the review cannot be signed off while a check is open before its deadline and some checkers have
    not answered; None otherwise. (Nothing closes a check early: it waits for everyone, or for the deadline.)"""
    now = now or timezone.now()
    open_checks = Circulation.objects.filter(review=review, closed_at__isnull=True).select_related("version")
    for circulation in open_checks.order_by("version__number"):
        if now >= closes_at(circulation):
            continue
        asked = circulation.checkers.count()
        waiting = circulation.checkers.waiting().count()
        if waiting:
            return (
                f"The factual-accuracy check of version {circulation.version.number} is open until the end of "
                f"{long_date(circulation.deadline)}, and {waiting} of the {people(asked)} asked "
                f"{'has' if waiting == 1 else 'have'} not answered yet. The report can be signed off once "
                "everyone has answered or the deadline has passed."
            )
    return None


def waiting_refusals(review):
    """What the review waits for before it can be signed off: answers to comments, and an open check."""
    return [refused for refused in (unanswered_refusal(review), open_check_refusal(review)) if refused is not None]


def earliest_sign_off_date(version):
    """The first day a version can have been signed off: the day it was added, or the day it was itself sent
    for checking (a meeting cannot agree a draft before the checkers had it)."""
    moments = [version.created_at]
    moments += Circulation.objects.filter(version=version).values_list("started_at", flat=True)
    return timezone.localdate(max(moments))


def _clean_reason(text, field, what):
    text = (text or "").strip()
    if len(text) > REASON_LENGTH:
        raise DomainError(f"{what} must be {REASON_LENGTH:,} characters or fewer.", field=field)
    return text


def sign_off_of(review):
    return SignOff.objects.filter(review=review).select_related("version", "recorded_by").first()


def publication_of(review):
    return Publication.objects.filter(review=review).first()


def is_published(review):
    return Publication.objects.filter(review=review, state=Publication.State.PUBLISHED).exists()


def sign_off(
    review,
    *,
    version,
    body,
    signed_off_on,
    minute_reference,
    recorded_by,
    no_check_reason="",
    answers_reason="",
    request=None,
):
    """Record that a named body signed off a checked version; close the check; the review moves to signed off.

    The version must have been through the factual-accuracy check (or be a later one), and include
    every answer saying the report changed. Where nobody could be asked to check it, or it leaves
    answers out, the business manager gives the reason, which the sign-off keeps.
    """
    body, minute_reference = (body or "").strip(), (minute_reference or "").strip()
    no_check_reason = _clean_reason(no_check_reason, "no_check_reason", "Why the draft was not checked")
    answers_reason = _clean_reason(answers_reason, "answers_reason", "Why it is signed off without the answers")
    if not body:
        raise DomainError("Enter who signed the review off.", field="body")
    if not minute_reference:
        raise DomainError("Enter the minute reference.", field="minute_reference")
    if signed_off_on is None:
        raise DomainError("Enter the date of sign-off.", field="signed_off_on")
    if signed_off_on > timezone.localdate():
        raise DomainError("The date of sign-off must be today or in the past.", field="signed_off_on")
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("partnership").get(pk=review.pk)
        if SignOff.objects.filter(review=review).exists():
            raise DomainError("This review has already been signed off. A sign-off cannot be recorded twice.")
        if version is None or version.review_id != review.pk:
            raise DomainError("Choose a version of this review's report.", field="version")
        version = ReportVersion.objects.get(pk=version.pk)
        if refused := waiting_refusals(review):
            raise DomainError(" ".join(refused))
        if signed_off_on < (earliest := earliest_sign_off_date(version)):
            raise DomainError(
                f"The date of sign-off must be on or after {long_date(earliest)}, when version {version.number} "
                f"was {'sent for checking' if Circulation.objects.filter(version=version).exists() else 'added'}.",
                field="signed_off_on",
            )
        if not can_circulate(version):
            raise DomainError(
                f"Version {version.number} has not passed the check for names. "
                "Run the check and deal with every name it finds first.",
                field="version",
            )
        if (refused := check_refusal(review, version)) is not None:
            raise DomainError(refused, field="version")
        if went_through_check(version):
            no_check_reason = ""
        elif not no_check_reason:
            raise DomainError(
                "Nobody could be asked to check the draft. Enter why it is signed off without a "
                "factual-accuracy check.",
                field="no_check_reason",
            )
        left_out = list(answers_not_in(version))
        if not left_out:
            answers_reason = ""
        elif not answers_reason:
            answers = "; ".join(describe_answer(comment) for comment in left_out)
            raise DomainError(
                f"Version {version.number} does not include {len(left_out)} "
                f"answer{'s' if len(left_out) != 1 else ''} saying the report changed ({answers}). "
                "Choose a later version, or enter why it is signed off without them.",
                field="answers_reason",
            )
        sign_off = SignOff.objects.create(
            review=review,
            version=version,
            body=body,
            signed_off_on=signed_off_on,
            minute_reference=minute_reference,
            recorded_by=recorded_by,
            no_check_reason=no_check_reason,
            answers_reason=answers_reason,
        )
        exceptions = {}
        if no_check_reason:
            exceptions["no_check_reason"] = no_check_reason
        if left_out:
            exceptions["answers_not_included"] = [
                {
                    "comment": comment.pk,
                    "version": comment.checker.circulation.version.number,
                    "paragraph": comment.paragraph,
                    "response": comment.response,
                }
                for comment in left_out
            ]
            exceptions["answers_reason"] = answers_reason
        audit.record(
            "review.signed_off",
            request=request,
            actor=recorded_by,
            partnership=review.partnership,
            obj=review,
            version=version.number,
            body=body,
            signed_off_on=signed_off_on.isoformat(),
            minute_reference=minute_reference,
            **exceptions,
        )
        for circulation in Circulation.objects.filter(review=review, closed_at__isnull=True).select_related(
            "review__partnership"
        ):
            close_circulation(circulation, reason="signed_off", by=recorded_by, request=request)
        move_forward(review, Review.Status.SIGNED_OFF, changed_by=recorded_by, request=request)
    return sign_off


# Publication ---------------------------------------------------------------------------------


def _events_to_come(review, now):
    blockers = []
    for event in Event.objects.filter(review=review).filter(EVENT_IS_OPEN).order_by("starts_at", "pk"):
        when = long_date(event.starts_at)
        if event.ends_at >= now:
            blockers.append(
                f"The practitioner event “{event.title}” on {when} is still to come. "
                "The report can be published once the event has been held or cancelled."
            )
        else:
            blockers.append(
                f"The practitioner event “{event.title}” on {when} is not recorded as held. "
                "Record who attended, or cancel it, first."
            )
    return blockers


def _checks_open(review, now):
    return [
        f"The factual-accuracy check of version {circulation.version.number} is still open."
        for circulation in Circulation.objects.filter(review=review, closed_at__isnull=True)
        .select_related("version")
        .order_by("version__number")
    ]


# Each rule names what stops the report being published now; a new rule is one more entry.
def _notice_period(review, now):
    problem = notice_period_problem(review, timezone.localdate(now))
    return [problem] if problem else []


def _legal_hold(review, now):
    # Material under a legal hold may be needed as evidence.
    hold = holds.standing_hold(review)
    return [holds.refusal(hold)] if hold is not None else []


PUBLICATION_RULES = [_legal_hold, _events_to_come, _checks_open, _notice_period]


def publication_blockers(review, now=None):
    """Everything that stops the signed-off report being published now, each in plain words; empty if nothing."""
    now = now or timezone.now()
    return [blocker for rule in PUBLICATION_RULES for blocker in rule(review, now)]


def _locked_for_publication(review):
    review = Review.objects.select_for_update().select_related("partnership").get(pk=review.pk)
    if not SignOff.objects.filter(review=review).exists():
        raise DomainError("Record the sign-off before the report is held or published.")
    return review


def _free_slug(review):
    """The review's reference as an address, unique among the partnership's reports."""
    # Two reports of one partnership published at once take turns over the name.
    Partnership.objects.select_for_update().filter(pk=review.partnership_id).first()
    base = slugify(review.reference)[:70].strip("-") or "report"
    taken = set(
        Publication.objects.filter(review__partnership_id=review.partnership_id)
        .exclude(review=review)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def hold_publication(review, *, reason, by, request=None):
    """Hold the signed-off report back from publication, with the reason (for example, criminal proceedings)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why the report is held back.", field="reason")
    with transaction.atomic():
        review = _locked_for_publication(review)
        publication = Publication.objects.select_for_update().filter(review=review).first()
        if publication is not None and publication.state == Publication.State.PUBLISHED:
            raise DomainError("The report is already published, so it cannot be held back.")
        if publication is None:
            publication = Publication(review=review, slug=_free_slug(review))
        publication.state = Publication.State.HELD
        publication.hold_reason = reason
        publication.save()
        audit.record("report.publication_held", request=request, actor=by, partnership=review.partnership, obj=review)
    return publication


def _signed_off_after_sending(review):
    """The sign-off date, if the final report is recorded as sent before it; None otherwise."""
    if review.final_report_sent_on is None:
        return None
    signed_off = SignOff.objects.filter(review=review).values_list("signed_off_on", flat=True).first()
    return signed_off if signed_off is not None and review.final_report_sent_on < signed_off else None


def sending_needs_recording(review):
    """True while no date is recorded for sending the signed-off report: none at all, or one before sign-off
    (the final report is the signed-off one, so its notice period cannot start earlier)."""
    return review.final_report_sent_on is None or _signed_off_after_sending(review) is not None


def notice_period_problem(review, today=None):
    """Why the final report may not be published yet, for want of its notice period; None once it may.

    The national panel (for a CSPR) and those the partnership names have the final report for at least
    the partnership's notice period, in working days, before it is published.
    """
    today = today or timezone.localdate()
    partnership = review.partnership
    who = "the national panel and others" if review.review_type == Review.Type.CSPR else "those the partnership names"
    notice = counted(partnership.publication_notice_working_days, "working day")
    if review.final_report_sent_on is None:
        return (
            f"Record the date the final report was sent to {who} on the review's timeline first. "
            f"It can be published {notice} after that date."
        )
    if (signed_off := _signed_off_after_sending(review)) is not None:
        return (
            f"The final report is recorded as sent to {who} on {long_date(review.final_report_sent_on)}, "
            f"before it was signed off on {long_date(signed_off)}. Record the date the signed-off report "
            f"was sent on the review's timeline. It can be published "
            f"{notice} after that date."
        )
    earliest = earliest_publication(review, partnership)
    if today < earliest:
        return (
            f"The report can be published from {long_date(earliest)}. It was sent to {who} on "
            f"{long_date(review.final_report_sent_on)}, and they have it for "
            f"{notice} before it is published."
        )
    return None


def publish(review, *, by, request=None):
    """Publish the signed-off report at its public address; the review moves to published."""
    with transaction.atomic():
        review = _locked_for_publication(review)
        publication = Publication.objects.select_for_update().filter(review=review).first()
        if publication is not None and publication.state == Publication.State.PUBLISHED:
            raise DomainError("The report is already published.")
        if blockers := publication_blockers(review):
            raise DomainError(" ".join(["The report cannot be published yet.", *blockers]))
        if publication is None:
            publication = Publication(review=review, slug=_free_slug(review))
        publication.state = Publication.State.PUBLISHED
        publication.hold_reason = ""
        publication.published_at = timezone.now()
        publication.published_by = by
        publication.save()
        audit.record(
            "report.published",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=review,
            slug=publication.slug,
        )
        move_forward(review, Review.Status.PUBLISHED, changed_by=by, request=request)
    return publication


def public_url(publication):
    review = publication.review
    return settings.SITE_URL + reverse("published:report", args=[review.partnership.slug, publication.slug])


PUBLISHED_PDF_CACHE_SECONDS = 24 * 3600


def published_pdf(publication):
    """The signed-off version as the public reads it: an uploaded PDF exactly as it was uploaded; a Word
    version laid out under the review's title, without the draft's marking."""
    from core.pdfs import render_pdf
    from reports.documents import render_plain_pdf, version_html

    review = publication.review
    version = review.sign_off.version
    if version.source == ReportVersion.Source.PDF:
        return render_plain_pdf(version)
    # Anyone can ask for it without signing in: lay it out once per publication, not once per request.
    key = f"published-pdf:{publication.pk}:{version.pk}:{publication.published_at:%Y%m%d%H%M%S}"
    if (cached := cache.get(key)) is not None:
        return cached
    context = {
        "review": review,
        "partnership": review.partnership,
        "publication": publication,
        "sign_off": review.sign_off,
        "body": version_html(version),
    }
    pdf = render_pdf("reports/pdfs/report.html", context)
    cache.set(key, pdf, PUBLISHED_PDF_CACHE_SECONDS)
    return pdf


def people_to_tell(review):
    """[(name, email)]: everyone who checked the draft and everyone who attended its events, once each."""
    people = {}
    for checker in Checker.objects.filter(circulation__review=review).order_by("pk"):
        people.setdefault(checker.email.strip().lower(), checker.name)
    attended = (
        Invitation.objects.filter(event__review=review, attendance__in=ATTENDED)
        .exclude(practitioner__email="")
        .select_related("practitioner")
        .order_by("pk")
    )
    for invitation in attended:
        people.setdefault(invitation.practitioner.email.strip().lower(), invitation.practitioner.full_name)
    return [(name, email) for email, name in people.items() if email]


def told_key(review, email):
    # The address is hashed so that the key, shown in the outbox, adds nothing to what the row holds.
    digest = hashlib.sha256(email.encode()).hexdigest()[:24]
    return f"report-published:{review.pk}:{digest}"


def tell_practitioners(review, *, by, request=None):
    """Email everyone who checked the draft or attended an event that the report is published; once each.

    Returns how many emails were queued now.
    """
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("partnership").get(pk=review.pk)
        publication = Publication.objects.select_for_update().filter(review=review).first()
        if publication is None or publication.state != Publication.State.PUBLISHED:
            raise DomainError("Publish the report before telling the practitioners.")
        due = {told_key(review, email): (name, email) for name, email in people_to_tell(review)}
        sent = set(OutboundMessage.objects.filter(idempotency_key__in=due).values_list("idempotency_key", flat=True))
        url = public_url(publication)
        queued = 0
        for key, (name, email) in due.items():
            if key in sent:
                continue
            context = {"review": review, "partnership": review.partnership, "name": name, "url": url}
            subject, text, html = render_email("reports/emails/report_published", context)
            queue_email(
                kind="report_published",
                recipient=email,
                subject=subject,
                body_text=text,
                body_html=html,
                idempotency_key=key,
                partnership=review.partnership,
                about=review,
            )
            queued += 1
        if publication.practitioners_told_at is None and due:
            publication.practitioners_told_at = timezone.now()
            publication.save(update_fields=["practitioners_told_at", "updated_at"])
        audit.record(
            "report.practitioners_told",
            request=request,
            actor=by,
            partnership=review.partnership,
            obj=review,
            count=queued,
        )
    return queued


def panel_context(review, user):
    """What the draft report page shows of the comments, the sign-off and the publication."""
    slug = review.partnership.slug
    circulation = responses.circulations_of(review).first()
    sign_off = sign_off_of(review)
    publication = publication_of(review)
    manager = is_business_manager(user, review.partnership)
    args = [slug, review.pk]
    panel = {
        "circulation": circulation,
        "counts": responses.counts(responses.sent_comments_of_review(review)),
        "sign_off": sign_off,
        "publication": publication,
        "is_manager": manager,
        "can_answer": responses.can_answer(user, review),
        "responses_url": reverse("reports:report_responses", args=args),
        "sign_off_url": reverse("reports:report_sign_off", args=args) if manager else None,
        "publication_url": reverse("reports:report_publication", args=args) if manager else None,
        "public_url": (
            reverse("published:report", args=[slug, publication.slug])
            if publication is not None and publication.state == Publication.State.PUBLISHED
            else None
        ),
    }
    return {"signoff_panel": panel}
