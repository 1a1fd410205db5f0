"""allauth's sign-in and password forms for staff, with error messages that name their fields
(core.forms.NamedErrors) in place of Django's "This field is required." (ACCOUNT_FORMS in settings)."""

from allauth.account import forms as allauth_forms

from core.forms import NamedErrors

PASSWORDS = {
    "oldpassword": "your current password",
    "password1": "a new password",
    "password2": "the new password again",
}


class LoginForm(NamedErrors, allauth_forms.LoginForm):
    error_names = {"login": "your email address", "password": "your password"}


class ReauthenticateForm(NamedErrors, allauth_forms.ReauthenticateForm):
    error_names = {"password": "your password"}


class ResetPasswordForm(NamedErrors, allauth_forms.ResetPasswordForm):
    error_names = {"email": "your email address"}


class ResetPasswordKeyForm(NamedErrors, allauth_forms.ResetPasswordKeyForm):
    error_names = PASSWORDS


class ChangePasswordForm(NamedErrors, allauth_forms.ChangePasswordForm):
    error_names = PASSWORDS
