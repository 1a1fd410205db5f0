"""The business manager's pages about the partnership's emails: every kind with a sample, and every email's state."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from core.access import business_manager_of
from core.forms import Form
from notifications import kinds, outbox
from notifications.models import OutboundMessage
from notifications.previews import email_html_response
from notifications.services import ATTACHMENT_LABELS, NotFailed, retry_failed

PAGE_SIZE = 50


def _kind(name):
    described = kinds.KINDS.get(name)
    if described is None:
        raise Http404("No such kind of email.")
    return described


@login_required
@require_safe
def email_kinds(request, slug):
    """Every kind of email the product sends: what it is, who gets it, when; each opens as a sample."""
    partnership = business_manager_of(request, slug)
    return render(request, "notifications/email_kinds.html", {"partnership": partnership, "groups": kinds.in_groups()})


@login_required
@require_safe
def email_kind(request, slug, kind):
    """One kind of email, rendered with a made-up review, event and people, as its recipient gets it."""
    partnership = business_manager_of(request, slug)
    described = _kind(kind)
    sample = described.sample(partnership)
    return render(
        request,
        "notifications/email_kind.html",
        {
            "partnership": partnership,
            "kind": described,
            "email": sample,
            "html_url": reverse("emails:kind_html", args=[slug, kind]) if sample.body_html else "",
            "attachments": [{"label": ATTACHMENT_LABELS.get(a["type"], "A file")} for a in sample.attachments],
        },
    )


@login_required
@require_safe
def email_kind_html(request, slug, kind):
    """The sample's HTML, for the frame on its page."""
    partnership = business_manager_of(request, slug)
    sample = _kind(kind).sample(partnership)
    if not sample.body_html:
        raise Http404("This kind of email has no HTML version.")
    return email_html_response(sample.body_html)


class EmailFilterForm(Form):
    kind = forms.ChoiceField(label="Kind of email", required=False)
    state = forms.ChoiceField(label="State", required=False)
    review = forms.TypedChoiceField(label="Review", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        names = set(kinds.KINDS) | outbox.kinds_sent(partnership)
        labelled = sorted(((name, kinds.label_of(name)) for name in names), key=lambda choice: choice[1])
        self.fields["kind"].choices = [("", "Any kind"), *labelled]
        self.fields["state"].choices = [("", "Any state"), *OutboundMessage.State.choices]
        reviews = [(pk, f"{ref} ({pseudonym})") for pk, ref, pseudonym in outbox.reviews_with_emails(partnership)]
        self.fields["review"].choices = [("", "Any review"), *reviews]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("kind"),
            Field.select("state"),
            Field.select("review"),
            Button.secondary("filter", "Show emails"),
        )

    def choices(self):
        """The filters chosen; anything not on offer (an old link, a made-up value) is ignored."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


@login_required
@require_safe
def email_list(request, slug):
    """Every email the product sent or will send for the partnership, with its state; failed ones can be tried again."""
    partnership = business_manager_of(request, slug)
    form = EmailFilterForm(request.GET or None, partnership=partnership)
    chosen = form.choices()
    shown = outbox.of_partnership(partnership, **chosen)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    for message in page:
        message.kind_label = kinds.label_of(message.kind)
    query = urlencode([(key, value) for key, value in request.GET.items() if key in ("kind", "state", "review")])
    return render(
        request,
        "notifications/email_list.html",
        {
            "partnership": partnership,
            "form": form,
            "filtered": bool(chosen),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "query": query,
            "back": f"?{request.GET.urlencode()}" if request.GET else "",
        },
    )


@login_required
@require_POST
def email_retry(request, slug, message_id):
    """Try a failed email again (it goes back in the queue); anything not failed is refused, unchanged."""
    partnership = business_manager_of(request, slug)
    message = get_object_or_404(OutboundMessage.objects.for_partnership(partnership), pk=message_id)
    try:
        retry_failed(message, by=request.user, request=request)
    except NotFailed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"We will try the email to {message.recipient} again.")
    back = request.POST.get("back", "")
    return redirect(reverse("emails:list", args=[slug]) + (back if back.startswith("?") else ""))
