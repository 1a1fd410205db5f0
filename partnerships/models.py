"""A partnership's single sign-on: the OpenID providers its staff sign in with."""

from django.db import models
from django.db.models.functions import Lower

from core.crypto import EncryptedTextField
from core.models import Partnership

# allauth names each configured OpenID Connect app by this prefix and the provider's id; the
# redirect URI registered with the provider carries it (see docs/deployment.md).
APP_ID_PREFIX = "convene-"


class SingleSignOnProviderQuerySet(models.QuerySet):
    def for_app_id(self, app_id):
        """The provider allauth knows by `app_id` ("convene-12"), or None."""
        if not app_id or not app_id.startswith(APP_ID_PREFIX) or not app_id[len(APP_ID_PREFIX) :].isdigit():
            return None
        return self.select_related("partnership").filter(pk=int(app_id[len(APP_ID_PREFIX) :])).first()

    def for_email(self, email):
        """The provider whose domains include the email address's domain, or None."""
        domain = (email or "").rpartition("@")[2].strip().lower()
        if not domain:
            return None
        return self.select_related("partnership").filter(domains__domain=domain).first()


class SingleSignOnProvider(models.Model):
    """An OpenID provider (Microsoft Entra ID or any other) that some of a partnership's staff sign in with."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sso_providers")
    name = models.CharField("display name", max_length=100)
    issuer_url = models.URLField("issuer URL", max_length=300)
    client_id = models.CharField("client ID", max_length=255)
    client_secret = EncryptedTextField("client secret")
    enforces_mfa = models.BooleanField(
        "the provider always asks for a second factor",
        default=False,
        help_text="Convene does not ask for its own code when the provider says it always asks for one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SingleSignOnProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="sso_provider_name_unique"),
            models.CheckConstraint(condition=~models.Q(client_id=""), name="sso_provider_client_id_not_blank"),
        ]

    def __str__(self):
        return self.name

    @property
    def app_id(self):
        return f"{APP_ID_PREFIX}{self.pk}"

    def domain_list(self):
        return [row.domain for row in self.domains.all()]


class SingleSignOnDomain(models.Model):
    """An email domain whose staff must sign in with the provider: each domain belongs to one provider only."""

    provider = models.ForeignKey(SingleSignOnProvider, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="sso_domain_unique"),
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="sso_domain_lower_case"),
        ]

    def __str__(self):
        return self.domain
