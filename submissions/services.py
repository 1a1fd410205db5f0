"""Agencies' written accounts: asking each agency's safeguarding lead, the lead's files and requests for
more time, the business manager's answers, and every read of a file (each audited)."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit, links, uploads
from core.errors import DomainError
from core.formatting import long_date
from core.versions import add_version
from core.workdays import add_working_days
from notifications.services import queue_email, render_email
from reviews.models import Review
from submissions.models import AccountDocument, AccountRequest, AccountTemplate, AccountVersion, Extension

# A link stays open this long after its deadline, so a late account can still be sent.
LINK_LIFETIME_AFTER_DEADLINE = timedelta(days=60)
MAX_WORKING_DAYS = 60
CLOSED_STATUSES = (Review.Status.PUBLISHED, Review.Status.CLOSED)


def _link_expiry(deadline):
    return timezone.make_aware(datetime.combine(deadline, time(23, 59))) + LINK_LIFETIME_AFTER_DEADLINE


def lead_label(account_request):
    return f"safeguarding lead, {account_request.agency}"


def checked_file(upload, field="file"):
    """(source, the file's bytes as uploaded) once the content check passes; DomainError(field=field) if not.

    The file is kept as it is (a chronology is often a table, which a converted copy would lose);
    the check has already refused anything that runs code or is not what it says.
    """
    source, payload = uploads.check_upload(upload, accept=uploads.DOCUMENTS, field=field)
    if source == uploads.PDF:
        return source, payload
    upload.seek(0)
    return source, upload.read()


# The business manager ------------------------------------------------------------------------------


def request_accounts(
    *, review, agencies, kind, working_days, requested_by, template_name="", template_upload=None, request=None
):
    """Ask each agency's safeguarding lead for its written account; an agency already asked is left as it is."""
    if not 1 <= working_days <= MAX_WORKING_DAYS:
        raise DomainError(f"The number of working days must be between 1 and {MAX_WORKING_DAYS}", field="working_days")
    if review.status in CLOSED_STATUSES:
        raise DomainError("This review is finished: agencies can no longer be asked for their accounts")
    template = None
    if kind == AccountRequest.Kind.TEMPLATE:
        if not template_name.strip():
            raise DomainError("Enter the name of your template", field="template_name")
        if template_upload is None:
            raise DomainError("Choose your template's file to upload", field="template_file")
        source, data = checked_file(template_upload, field="template_file")
    deadline = add_working_days(timezone.localdate(), working_days)
    created = []
    stored = None
    try:
        with transaction.atomic():
            # A double click waits here, then finds every agency already asked.
            Review.objects.select_for_update().filter(pk=review.pk).first()
            asked = set(review.account_requests.values_list("agency_id", flat=True))
            agencies = [agency for agency in agencies if agency.pk not in asked]
            if not agencies:
                raise DomainError("Every agency chosen has already been asked", field="agencies")
            for agency in agencies:
                if not agency.lead_email:
                    raise DomainError(
                        f"{agency} has no safeguarding lead email address. Add one on the agency's page",
                        field="agencies",
                    )
            if kind == AccountRequest.Kind.TEMPLATE:
                template = AccountTemplate(
                    review=review,
                    name=template_name.strip(),
                    source=source,
                    original_filename=uploads.original_filename(template_upload),
                    uploaded_by=requested_by,
                )
                template.file.save("template", ContentFile(data), save=False)
                stored = template.file.name
                template.save()
            for agency in agencies:
                account_request = AccountRequest.objects.create(
                    review=review,
                    agency=agency,
                    kind=kind,
                    template=template,
                    working_days=working_days,
                    deadline=deadline,
                    requested_by=requested_by,
                )
                token = links.issue(
                    account_request, expires_at=_link_expiry(deadline), request=request, actor=requested_by
                )
                _email_request(account_request, token, key=f"account-request:{account_request.pk}")
                created.append(account_request)
            audit.record(
                "accounts.requested",
                request=request,
                actor=requested_by,
                partnership=review.partnership,
                obj=review,
                agencies=[r.agency_id for r in created],
                kind=kind,
                deadline=deadline.isoformat(),
            )
    except BaseException:
        if stored:
            template.file.storage.delete(stored)
        raise
    return created


def _email_request(account_request, token, *, key, reminder=""):
    review = account_request.review
    context = {
        "partnership": review.partnership,
        "review": review,
        "agency": account_request.agency,
        "account_request": account_request,
        "link": settings.SITE_URL + reverse("account_link:start", args=[token]),
        "reminder": reminder,
    }
    subject, text, html = render_email("submissions/emails/account_request", context)
    queue_email(
        kind=f"account_{reminder}_reminder" if reminder else "account_request",
        recipient=account_request.agency.lead_email,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=review.partnership,
        about=account_request,
        idempotency_key=key,
    )


def decide_extension(*, extension, grant, decided_by, refusal_reason="", request=None):
    """Grant the lead's request for more time (the deadline moves to the date asked for) or refuse it, with a reason."""
    refusal_reason = refusal_reason.strip()
    if not grant and not refusal_reason:
        raise DomainError(
            "Enter why you are refusing more time: the safeguarding lead will read it", field="refusal_reason"
        )
    with transaction.atomic():
        account_request = (
            AccountRequest.objects.select_for_update()
            .select_related("review__partnership", "agency")
            .get(pk=extension.request_id)
        )
        extension = Extension.objects.select_for_update().get(pk=extension.pk)
        if extension.decision != Extension.Decision.PENDING:
            raise DomainError(f"This request for more time was already {extension.get_decision_display().lower()}")
        extension.decision = Extension.Decision.GRANTED if grant else Extension.Decision.REFUSED
        extension.decided_by = decided_by
        extension.decided_at = timezone.now()
        extension.refusal_reason = "" if grant else refusal_reason
        extension.save(update_fields=["decision", "decided_by", "decided_at", "refusal_reason"])
        detail = {"extension": extension.pk}
        if grant:
            detail["deadline_was"] = account_request.deadline.isoformat()
            account_request.deadline = extension.new_deadline
            # The link must outlast the new date as it did the old one; the grant is the audited change.
            account_request.token_expires_at = max(
                account_request.token_expires_at, _link_expiry(extension.new_deadline)
            )
            account_request.save(update_fields=["deadline", "token_expires_at"])
            detail["deadline"] = extension.new_deadline.isoformat()
        audit.record(
            "account.extension_granted" if grant else "account.extension_refused",
            request=request,
            actor=decided_by,
            partnership=account_request.review.partnership,
            obj=account_request,
            **detail,
        )
        context = {
            "partnership": account_request.review.partnership,
            "review": account_request.review,
            "agency": account_request.agency,
            "account_request": account_request,
            "extension": extension,
        }
        subject, text, html = render_email("submissions/emails/extension_decided", context)
        queue_email(
            kind="account_extension_decided",
            recipient=account_request.agency.lead_email,
            subject=subject,
            body_text=text,
            body_html=html,
            partnership=account_request.review.partnership,
            about=account_request,
            idempotency_key=f"account-extension:{account_request.pk}:{extension.pk}",
        )
    return extension


def read_file(*, version, reader, request=None):
    """A version's bytes for one of the review's reviewers or its business manager; every read is audited."""
    if not version.file:
        raise DomainError("This file has been removed under the retention schedule")
    data = version.file_bytes()
    account_request = version.document.request
    audit.record(
        "account.file_read",
        request=request,
        actor=reader,
        partnership=account_request.review.partnership,
        obj=version,
        agency=account_request.agency_id,
        document=version.document_id,
        number=version.number,
    )
    return data


# The safeguarding lead, by their link ---------------------------------------------------------------


def _record_open(account_request, request):
    AccountRequest.objects.filter(pk=account_request.pk, opened_at__isnull=True).update(opened_at=timezone.now())


ACCOUNT_LINK = links.LinkKind(
    queryset=AccountRequest.objects.select_related("review__partnership", "agency", "template"),
    start_template="submissions/link_start.html",
    unavailable_template="core/link_unavailable.html",
    landing="account_link:page",
    is_open=lambda account_request, now: account_request.review.status not in CLOSED_STATUSES,
    context=lambda account_request: {"account_request": account_request},
    holder_label=lead_label,
    on_open=_record_open,
)


def upload_file(*, account_request, upload, document=None, request=None):
    """Store an upload as a new document, or as the next version of `document` (which it replaces)."""
    source, data = checked_file(upload)
    with transaction.atomic():
        account_request = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
        if document is None:
            document = AccountDocument.objects.create(request=account_request)
        elif document.request_id != account_request.pk:
            raise DomainError("Choose one of your own documents to replace", field="document")

        def build(locked, number):
            return AccountVersion(
                document=locked,
                number=number,
                source=source,
                original_filename=uploads.original_filename(upload),
            )

        def after_save(locked, version):
            audit.record(
                "account.file_uploaded",
                request=request,
                actor_label=lead_label(account_request),
                partnership=account_request.link_partnership(),
                obj=version,
                document=locked.pk,
                number=version.number,
                late=account_request.is_late(),
            )

        return add_version(
            AccountDocument.objects.all(), document.pk, "versions", build=build, pdf=data, after_save=after_save
        )


def send_account(*, account_request, author_name, author_role, request=None):
    """The lead says who wrote the account and sends it; it can still be replaced by a new version after."""
    author_name, author_role = author_name.strip(), author_role.strip()
    if not author_name:
        raise DomainError("Enter the name of the person who wrote the account", field="author_name")
    if not author_role:
        raise DomainError("Enter the job title or role of the person who wrote the account", field="author_role")
    with transaction.atomic():
        account_request = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
        if not account_request.documents.exists():
            raise DomainError("Upload at least one file before you send your account", field="author_name")
        first = account_request.sent_at is None
        account_request.author_name = author_name
        account_request.author_role = author_role
        if first:
            account_request.sent_at = timezone.now()
        account_request.save(update_fields=["author_name", "author_role", "sent_at"])
        audit.record(
            "account.sent" if first else "account.author_changed",
            request=request,
            actor_label=lead_label(account_request),
            partnership=account_request.link_partnership(),
            obj=account_request,
            late=first and account_request.is_late(),
        )
    return account_request


def ask_for_more_time(*, account_request, new_deadline, reason, request=None):
    """The lead asks for a later date, with a reason; the business manager answers."""
    reason = reason.strip()
    with transaction.atomic():
        account_request = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
        if account_request.sent_at:
            raise DomainError(
                "You have already sent your account: there is nothing to ask more time for", field="reason"
            )
        if account_request.extensions.filter(decision=Extension.Decision.PENDING).exists():
            raise DomainError(
                "You have already asked for more time. The partnership will answer that first", field="new_deadline"
            )
        if new_deadline <= account_request.deadline:
            raise DomainError(
                f"The new date must be after the date your account is needed by, {long_date(account_request.deadline)}",
                field="new_deadline",
            )
        if new_deadline > account_request.deadline + timedelta(days=365):
            raise DomainError("The new date must be within a year of the date asked for", field="new_deadline")
        if not reason:
            raise DomainError("Enter why you need more time", field="reason")
        extension = Extension.objects.create(request=account_request, new_deadline=new_deadline, reason=reason)
        audit.record(
            "account.extension_asked",
            request=request,
            actor_label=lead_label(account_request),
            partnership=account_request.link_partnership(),
            obj=account_request,
            new_deadline=new_deadline.isoformat(),
        )
        _email_extension_asked(account_request, extension)
    return extension


def _email_extension_asked(account_request, extension):
    """The business manager who asked (or the partnership's contact address) hears that an answer is needed."""
    review = account_request.review
    manager = account_request.requested_by
    recipient = manager.email if manager is not None and manager.is_active else review.partnership.contact_email
    if not recipient:
        return
    context = {
        "partnership": review.partnership,
        "review": review,
        "agency": account_request.agency,
        "account_request": account_request,
        "extension": extension,
        "link": settings.SITE_URL
        + reverse("accounts:extension", args=[review.partnership.slug, review.pk, extension.pk]),
    }
    subject, text, html = render_email("submissions/emails/extension_asked", context)
    queue_email(
        kind="account_extension_asked",
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        partnership=review.partnership,
        about=account_request,
        idempotency_key=f"account-extension-asked:{account_request.pk}:{extension.pk}",
    )
