"""Signals of the foundation: sign-ins audited, and the news that someone has left a partnership's staff."""

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
