"""State changes for agencies and the practitioner directory: one function each, audited.

Audit entries name records by id only: never a practitioner's name, email or telephone number.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core import audit
from core.errors import DomainError
from core.models import Partnership
from practitioners import csv_import
from practitioners.models import Agency, Practitioner

AGENCY_FIELDS = ("name", "agency_type", "lead_name", "lead_email", "lead_phone")
PRACTITIONER_FIELDS = (
    "full_name",
    "job_title",
    "agency",
    "email",
    "phone",
    "line_manager_name",
    "line_manager_email",
)

AGENCY_NAME_TAKEN = "The partnership already has an agency with this name."
EMAIL_TAKEN = "A practitioner with this email address is already in the directory."


class ImportRefused(DomainError):
    """The rows failed their check at import time; `checked` holds the problems, line by line."""

    def __init__(self, checked):
        super().__init__("Nothing was imported: some rows have problems.")
        self.checked = checked


def agency_name_taken(partnership, name, *, exclude=None):
    clash = Agency.objects.for_partnership(partnership).filter(name__iexact=name.strip())
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    return clash.exists()


def email_taken(partnership, email, *, exclude=None):
    email = email.strip().lower()
    if not email:
        return False
    clash = Practitioner.objects.for_partnership(partnership).filter(email__iexact=email)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    return clash.exists()


def _check_agency(partnership, agency):
    if agency.partnership_id != partnership.pk:
        raise DomainError("Choose one of the partnership's agencies.", field="agency")


def create_agency(
    partnership,
    *,
    name,
    agency_type=Agency.Type.OTHER,
    lead_name="",
    lead_email="",
    lead_phone="",
    created_by,
    request=None,
):
    """Add an agency to the partnership; a name already used (in any letter case) is refused."""
    name = name.strip()
    if agency_name_taken(partnership, name):
        raise DomainError(AGENCY_NAME_TAKEN, field="name")
    try:
        with transaction.atomic():
            agency = Agency.objects.create(
                partnership=partnership,
                name=name,
                agency_type=agency_type,
                lead_name=lead_name.strip(),
                lead_email=lead_email.strip(),
                lead_phone=lead_phone.strip(),
            )
            audit.record(
                "agency.created",
                request=request,
                actor=created_by,
                partnership=partnership,
                obj=agency,
                agency_type=agency.agency_type,
            )
    except IntegrityError as error:  # another request added the same name a moment ago
        raise DomainError(AGENCY_NAME_TAKEN, field="name") from error
    return agency


def update_agency(agency, *, data, changed_by, request=None):
    """Change an agency's details (any of AGENCY_FIELDS in `data`); the audit entry names the fields changed."""
    partnership = agency.partnership
    try:
        with transaction.atomic():
            agency = Agency.objects.select_for_update().get(pk=agency.pk)
            values = {field: data[field].strip() for field in AGENCY_FIELDS if field in data}
            if "name" in values and agency_name_taken(partnership, values["name"], exclude=agency):
                raise DomainError(AGENCY_NAME_TAKEN, field="name")
            changed = sorted(field for field, value in values.items() if getattr(agency, field) != value)
            if not changed:
                return agency
            for field in changed:
                setattr(agency, field, values[field])
            agency.save(update_fields=changed)
            audit.record(
                "agency.updated", request=request, actor=changed_by, partnership=partnership, obj=agency, fields=changed
            )
    except IntegrityError as error:
        raise DomainError(AGENCY_NAME_TAKEN, field="name") from error
    return agency


def create_practitioner(
    partnership,
    *,
    full_name,
    job_title,
    agency,
    email="",
    phone="",
    line_manager_name="",
    line_manager_email="",
    added_by,
    request=None,
):
    """Add a practitioner to the directory; an email address already in it is refused."""
    _check_agency(partnership, agency)
    email = email.strip().lower()
    if email_taken(partnership, email):
        raise DomainError(EMAIL_TAKEN, field="email")
    try:
        with transaction.atomic():
            practitioner = Practitioner.objects.create(
                partnership=partnership,
                full_name=full_name.strip(),
                job_title=job_title.strip(),
                agency=agency,
                email=email,
                phone=phone.strip(),
                line_manager_name=line_manager_name.strip(),
                line_manager_email=line_manager_email,
                added_by=added_by,
            )
            audit.record(
                "practitioner.created",
                request=request,
                actor=added_by,
                partnership=partnership,
                obj=practitioner,
                agency_id=agency.pk,
            )
    except IntegrityError as error:  # the same email added by another request a moment ago
        raise DomainError(EMAIL_TAKEN, field="email") from error
    return practitioner


def update_practitioner(practitioner, *, data, changed_by, request=None):
    """Change a practitioner's details (any of PRACTITIONER_FIELDS in `data`); audited by field name only."""
    partnership = practitioner.partnership
    values = {field: data[field] for field in PRACTITIONER_FIELDS if field in data}
    for field, value in values.items():
        if isinstance(value, str):
            values[field] = value.strip().lower() if field.endswith("email") else value.strip()
    if "agency" in values:
        _check_agency(partnership, values["agency"])
    try:
        with transaction.atomic():
            practitioner = Practitioner.objects.select_for_update().get(pk=practitioner.pk)
            if values.get("email") and email_taken(partnership, values["email"], exclude=practitioner):
                raise DomainError(EMAIL_TAKEN, field="email")
            changed = sorted(field for field, value in values.items() if getattr(practitioner, field) != value)
            if not changed:
                return practitioner
            for field in changed:
                setattr(practitioner, field, values[field])
            practitioner.save(update_fields=changed)
            audit.record(
                "practitioner.updated",
                request=request,
                actor=changed_by,
                partnership=partnership,
                obj=practitioner,
                fields=changed,
            )
    except IntegrityError as error:
        raise DomainError(EMAIL_TAKEN, field="email") from error
    return practitioner


def find_or_create_practitioner(
    partnership,
    *,
    full_name,
    job_title,
    agency,
    email,
    phone="",
    line_manager_name="",
    line_manager_email="",
    added_by,
    request=None,
):
    """The directory's practitioner with this email (unchanged), or a new one: returns (practitioner, created).

    Safe to call inside the caller's own transaction, and when two requests add the same person at once.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainError("Enter an email address in the right form, like name@example.org.", field="email") from error
    existing = Practitioner.objects.for_partnership(partnership).filter(email=email).first()
    if existing is not None:
        return existing, False
    try:
        practitioner = create_practitioner(
            partnership,
            full_name=full_name,
            job_title=job_title,
            agency=agency,
            email=email,
            phone=phone,
            line_manager_name=line_manager_name,
            line_manager_email=line_manager_email,
            added_by=added_by,
            request=request,
        )
    except DomainError:
        existing = Practitioner.objects.for_partnership(partnership).filter(email=email).first()
        if existing is None:
            raise
        return existing, False
    return practitioner, True


def import_practitioners(partnership, rows, imported_by, request=None, agency_choices=None):
    """Import checked CSV rows in one transaction: all of them, with any new agencies, or nothing.

    `agency_choices` maps a new agency name in the file to the pk of the existing agency the business
    manager chose for it instead (the import suggests one when the names are close).
    The rows are checked again here, because the directory may have changed since the preview.
    Returns the number of practitioners added.
    """
    agency_choices = agency_choices or {}
    try:
        with transaction.atomic():
            # One import at a time per partnership, so two confirmations cannot both pass the check.
            Partnership.objects.select_for_update().get(pk=partnership.pk)
            existing = Agency.objects.for_partnership(partnership).in_bulk(set(agency_choices.values()))
            if len(existing) != len(set(agency_choices.values())):
                raise DomainError("An agency you chose is no longer in your list, so nothing was imported.")
            choices = {name: existing[pk] for name, pk in agency_choices.items()}
            rows = csv_import.with_agencies_chosen(rows, choices)
            checked = csv_import.check_rows(partnership, rows)
            if not checked.ok:
                raise ImportRefused(checked)
            agencies = dict(checked.agencies)
            created_agencies = []
            for name in checked.new_agencies:
                agency = Agency.objects.create(partnership=partnership, name=name)
                agencies[name.lower()] = agency
                created_agencies.append(agency.pk)
            practitioners = [
                Practitioner(
                    partnership=partnership,
                    full_name=row["full_name"],
                    job_title=row["job_title"],
                    agency=agencies[row["agency"].lower()],
                    email=row["email"],
                    phone=row["phone"],
                    line_manager_name=row["line_manager_name"],
                    line_manager_email=row["line_manager_email"],
                    added_by=imported_by,
                )
                for row in checked.rows
            ]
            Practitioner.objects.bulk_create(practitioners, batch_size=500)
            audit.record(
                "practitioners.imported",
                request=request,
                actor=imported_by,
                partnership=partnership,
                count=len(practitioners),
                agencies_created=created_agencies,
                # The new names in the file the business manager chose an existing agency for instead.
                **({"agencies_matched": {name: agency.pk for name, agency in choices.items()}} if choices else {}),
            )
    except IntegrityError as error:
        raise DomainError(
            "Someone changed the directory while we were importing, so nothing was imported. Check the file again."
        ) from error
    return len(practitioners)


def record_export(partnership, *, count, exported_by, request=None):
    """Log a download of the directory: it is personal data leaving the service."""
    audit.record("practitioners.exported", request=request, actor=exported_by, partnership=partnership, count=count)
