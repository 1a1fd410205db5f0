"""Signals of the foundation: sign-ins audited, and the news that someone has left a partnership's staff."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from core import audit

# Sent inside the transaction that takes someone off a partnership's staff (with `membership`), so the
# apps above can take them off what they hold there: the reviews they are assigned to, the events they chair.
staff_removed = Signal()


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    audit.record("auth.signed_in", request=request, actor=user)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.signed_out", request=request, actor=user)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The attempted address is kept for security review; the password never is.
    audit.record("auth.sign_in_failed", request=request, actor_label=str(credentials.get("email", ""))[:200])


# The rest of an account's life, from allauth: each step of a sign-in, the authenticator app and its
# recovery codes, and changes to the account's addresses and password. Entries name no partnership.


@receiver(account_signals.authentication_step_completed)
def record_sign_in_step(sender, request, user, method, **kwargs):
    # The authenticator step is recorded below, with what was used; here the password step.
    if method != "mfa":
        audit.record(
            "auth.reauthenticated" if kwargs.get("reauthenticated") else "auth.password_accepted",
            request=request,
            actor=user,
            method=method,
        )


@receiver(mfa_signals.authenticator_used)
def record_code_used(sender, request, user, authenticator, reauthenticated=False, **kwargs):
    kind = "recovery_code" if authenticator.type == Authenticator.Type.RECOVERY_CODES else authenticator.type
    audit.record(f"auth.{kind}_accepted", request=request, actor=user, reauthentication=bool(reauthenticated))


@receiver(mfa_signals.authentication_failed)
def record_code_refused(sender, request, user, authenticator, reauthentication=False, **kwargs):
    audit.record("auth.code_refused", request=request, actor=user, reauthentication=bool(reauthentication))


@receiver(mfa_signals.authenticator_added)
def record_authenticator_added(sender, request, user, authenticator, **kwargs):
    audit.record(f"auth.{authenticator.type}_set_up", request=request, actor=user)


@receiver(mfa_signals.authenticator_reset)
def record_authenticator_reset(sender, request, user, authenticator, **kwargs):
    audit.record(f"auth.{authenticator.type}_regenerated", request=request, actor=user)


@receiver(mfa_signals.authenticator_removed)
def record_authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit.record(f"auth.{authenticator.type}_removed", request=request, actor=user)


@receiver(account_signals.password_changed)
def record_password_changed(sender, request, user, **kwargs):
    audit.record("auth.password_changed", request=request, actor=user)


@receiver(account_signals.password_reset)
def record_password_reset(sender, request, user, **kwargs):
    audit.record("auth.password_reset", request=request, actor=user)


@receiver(account_signals.email_added)
def record_email_added(sender, request, user, email_address, **kwargs):
    audit.record("auth.email_added", request=request, actor=user, email=email_address.email)


@receiver(account_signals.email_changed)
def record_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    audit.record(
        "auth.primary_email_changed",
        request=request,
        actor=user,
        previous=from_email_address.email if from_email_address else "",
        email=to_email_address.email,
    )


@receiver(account_signals.email_removed)
def record_email_removed(sender, request, user, email_address, **kwargs):
    audit.record("auth.email_removed", request=request, actor=user, email=email_address.email)
