"""The emails to staff, described for the list of every kind of email, with samples."""

from django.conf import settings
from django.urls import reverse

from core.models import Membership, User
from notifications import kinds

GROUP = "Staff"
# Links in samples lead nowhere: the place of a link's secret.
SAMPLE_SECRET = "their-own-link"  # noqa: S105 (a placeholder, not a secret)


def _staff_member(partnership):
    return User(full_name="Jo Bell", email=f"jo.bell@{partnership.slug}.example")


def _staff_added(partnership):
    from partnerships.services import staff_added_context

    user = _staff_member(partnership)
    context = staff_added_context(
        partnership,
        user,
        added_by=User(full_name=partnership.contact_name or "The business manager"),
        role=Membership.Role.BUSINESS_MANAGER.label,
        set_password_url=_set_password_url(),
    )
    return kinds.rendered("partnerships/emails/staff_added", context, recipient=user.email)


def _set_password_url():
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "0", "key": SAMPLE_SECRET})
    return settings.SITE_URL + path


def _account_email(template_prefix, **context):
    def sample(partnership):
        from allauth.account.adapter import get_adapter

        email = _staff_member(partnership).email
        subject, text, html = get_adapter().compose_mail(template_prefix, email, context)
        return kinds.Sample(subject, text, html, [], email)

    return sample


def register():
    kinds.register(
        "staff_added",
        label="Added as a member of staff",
        recipient="The new member of staff",
        when="The business manager adds someone to the partnership's staff",
        templates=["partnerships/emails/staff_added"],
        sample=_staff_added,
        group=GROUP,
    )
    kinds.register(
        "password_reset_key",
        label="A link to set or reset a password",
        recipient="A member of staff who asked",
        when="Someone uses “Forgotten your password?” with a staff member's address",
        templates=["account/email/password_reset_key"],
        sample=_account_email("account/email/password_reset_key", password_reset_url=_set_password_url()),
        group=GROUP,
    )
    kinds.register(
        "unknown_account",
        label="No account for this address",
        recipient="Whoever asked",
        when="Someone uses “Forgotten your password?” with an address that has no account",
        templates=["account/email/unknown_account"],
        sample=_account_email("account/email/unknown_account"),
        group=GROUP,
    )
