from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnership details and staff"

    def ready(self):
        from partnerships import audit_log

        audit_log.register()  # how the audit log names this app's actions and objects
        from allauth.mfa.signals import authenticator_added

        from partnerships import email_kinds
        from partnerships.mfa_forms import remember_setup_step

        email_kinds.register()

        authenticator_added.connect(remember_setup_step, dispatch_uid="convene_totp_setup_step")
