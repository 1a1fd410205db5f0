from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnership details and staff"

    def ready(self):
        from allauth.account.signals import user_logged_in
        from allauth.mfa.signals import authenticator_added

        from partnerships import audit_log, email_kinds
        from partnerships.mfa_forms import remember_setup_step
        from partnerships.sso import remember_sign_in_route

        audit_log.register()  # how the audit log names this app's actions and objects
        email_kinds.register()

        authenticator_added.connect(remember_setup_step, dispatch_uid="convene_totp_setup_step")
        user_logged_in.connect(remember_sign_in_route, dispatch_uid="convene_sign_in_route")
