from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from reviews import audit


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
