"""The demo's single sign-on: Northvale's council signs in with Microsoft Entra ID (a made-up tenant)."""

from core.models import Membership
from partnerships import services
from partnerships.models import SingleSignOnProvider

DEMO_TENANT = "0b7e1c5a-5d3e-4b8f-9a61-2c4d6e8f0a1b"


def seed(partnership):
    """A configured provider page to look at; the demo's own staff keep signing in with their passwords."""
    if SingleSignOnProvider.objects.filter(partnership=partnership).exists():
        return
    manager = Membership.objects.business_managers().get(partnership=partnership).user
    services.save_sso_provider(
        partnership=partnership,
        provider=SingleSignOnProvider(
            name="Northvale Council Microsoft account",
            issuer_url=f"https://login.microsoftonline.com/{DEMO_TENANT}/v2.0",
            client_id="3f2a9c4e-7b1d-4e6a-8c5f-0d9e8b7a6c5d",
            client_secret="demo-secret-not-a-real-one",  # noqa: S106 - the demo provider only
        ),
        domains=["council.northvale.example"],
        changed_by=manager,
        fields=["name", "issuer_url", "client_id", "client_secret"],
    )
