from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnership details and staff"

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from partnerships import email_kinds
        from partnerships.mfa_forms import remember_setup_step

        email_kinds.register()

        authenticator_added.connect(remember_setup_step, dispatch_uid="convene_totp_setup_step")
