"""The authenticator code forms: a TOTP code is used up, for good, with its time step.

allauth accepts the codes of the steps before and after the current one (MFA_TOTP_TOLERANCE), so a
code stays valid for about 90 seconds, but it remembers a used code in the cache for only one step.
Here each authenticator keeps the last time step it accepted, in the database under a row lock:
a code from that step or any earlier one is refused, whichever process answers.
"""

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import get_adapter
from allauth.mfa.base import forms as allauth_forms
from allauth.mfa.base.internal.flows import check_rate_limit
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt
from django.db import transaction

# The key in Authenticator.data under which a TOTP authenticator keeps the last time step it accepted.
LAST_STEP = "convene_last_step"


def use_totp_code(authenticator, code):
    """True if `code` is the app's code for a time step after the last one used, which it then uses up."""
    secret = decrypt(authenticator.data["secret"])
    with transaction.atomic():
        locked = Authenticator.objects.select_for_update().get(pk=authenticator.pk)
        last = locked.data.get(LAST_STEP, -1)
        for step in yield_hotp_counters_from_time():
            if step > last and compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, step))):
                locked.data[LAST_STEP] = step
                locked.save(update_fields=["data"])
                authenticator.data = locked.data
                return True
    return False


class _UsedOnce:
    """allauth's clean_code, with the TOTP check above in place of its cache of used codes."""

    def clean_code(self):
        clear_rate_limit = check_rate_limit(self.user)
        code = self.cleaned_data["code"]
        main = None
        for authenticator in Authenticator.objects.filter(user=self.user).exclude(type=Authenticator.Type.WEBAUTHN):
            if main is None or authenticator.type == Authenticator.Type.TOTP:
                main = authenticator
            if authenticator.type == Authenticator.Type.TOTP:
                accepted = use_totp_code(authenticator, code)
            else:
                # Recovery codes: allauth strikes each one out as it is used.
                accepted = authenticator.wrap().validate_code(code)
            if accepted:
                authenticator.user = self.user
                self.authenticator = authenticator
                clear_rate_limit()
                return code
        if main is not None:
            self._emit_authentication_failed(main)
        raise get_adapter().validation_error("incorrect_code")


class AuthenticateForm(_UsedOnce, allauth_forms.AuthenticateForm):
    pass


class ReauthenticateForm(_UsedOnce, allauth_forms.ReauthenticateForm):
    pass
