"""The authenticator code forms: a TOTP code is used up, for good, with its time step.

allauth accepts the codes of the steps before and after the current one (MFA_TOTP_TOLERANCE), so a
code stays valid for about 90 seconds, but it remembers a used code in the cache for only one step.
Here each authenticator keeps the last time step it accepted, in the database under a row lock:
a code from that step or any earlier one is refused, whichever process answers.
"""

import time

from allauth.core import context
from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import forms as allauth_forms
from allauth.mfa.base.internal.flows import check_rate_limit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.forms import NamedErrors

# The key in Authenticator.data under which a TOTP authenticator keeps the last time step it accepted.
LAST_STEP = "convene_last_step"

# The session key under which the session that typed an app's set-up code keeps which app and when.
SET_UP_HERE = "convene_totp_set_up"


def use_code(authenticator, code):
    """The authenticator, locked and updated, if `code` is one it has not accepted before; otherwise None.

    The row lock makes two sessions typing the same code at once take turns: one wins, one is refused.
    """
    with transaction.atomic():
        locked = Authenticator.objects.select_for_update().filter(pk=authenticator.pk).first()
        if locked is None:
            return None
        if locked.type == Authenticator.Type.TOTP:
            accepted = _use_totp_step(locked, code)
        else:
            # Recovery codes: allauth strikes each one out as it is used.
            accepted = locked.wrap().validate_code(code)
        return locked if accepted else None


def _use_totp_step(authenticator, code):
    """True if `code` is the app's code for a time step after the last one used, which it then uses up."""
    secret = decrypt(authenticator.data["secret"])
    last = authenticator.data.get(LAST_STEP, -1)
    for step in yield_hotp_counters_from_time():
        if step > last and compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            authenticator.data[LAST_STEP] = step
            authenticator.save(update_fields=["data"])
            return True
    return False


class _UsedOnce:
    """allauth's clean_code, with the check above in place of its cache of used TOTP codes."""

    def clean_code(self):
        try:
            clear_rate_limit = check_rate_limit(self.user)
        except ValidationError:
            audit.record("auth.code_throttled", request=context.request, actor=self.user)
            raise
        code = self.cleaned_data["code"]
        main = None
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(type=Authenticator.Type.WEBAUTHN):
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            used = use_code(authenticator, code)
            if used is not None:
                used.user = self.user
                self.authenticator = used
                clear_rate_limit()
                return code
        if main is not None:
            self._emit_authentication_failed(main)
        raise get_adapter().validation_error("incorrect_code")


def _matching_step(secret, code):
    for step in yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
            return step
    return None


CODE = {"code": "the code from your authenticator app"}


class ActivateTOTPForm(NamedErrors, totp_forms.ActivateTOTPForm):
    """Setting up the app: the code typed to prove it is used up too (see remember_setup_step)."""

    error_names = CODE

    def clean_code(self):
        code = super().clean_code()
        context.request.convene_totp_step = _matching_step(self.secret, code)
        return code


def remember_setup_step(sender, request, user, authenticator, **kwargs):
    """Once the app is set up, the code that set it up cannot sign in (connected in PartnershipsConfig).

    The session that typed it records it as fresh proof, for itself alone (see is_reauthentication_required).
    """
    if authenticator.type != Authenticator.Type.TOTP:
        return
    request.session[SET_UP_HERE] = {"id": authenticator.pk, "at": time.time()}
    step = getattr(request, "convene_totp_step", None)
    if step is None:
        return
    with transaction.atomic():
        locked = Authenticator.objects.select_for_update().filter(pk=authenticator.pk).first()
        if locked is not None and locked.data.get(LAST_STEP, -1) < step:
            locked.data[LAST_STEP] = step
            locked.save(update_fields=["data"])


class AuthenticateForm(NamedErrors, _UsedOnce, allauth_forms.AuthenticateForm):
    error_names = CODE


class ReauthenticateForm(NamedErrors, _UsedOnce, allauth_forms.ReauthenticateForm):
    error_names = CODE
