"""The agency's safeguarding lead, by their personal link: their account's page, sending it, asking for more
time, and the partnership's template."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from core import links
from core.downloads import file_response, safe_name
from core.errors import DomainError
from submissions import services
from submissions.forms import MoreTimeForm, SendForm, UploadForm
from submissions.models import CONTENT_TYPES, AccountDocument

account_start = links.start_view(services.ACCOUNT_LINK)
with_account_request = links.holder(services.ACCOUNT_LINK)


def _context(account_request, **extra):
    return {
        "account_request": account_request,
        "review": account_request.review,
        "partnership": account_request.review.partnership,
        **extra,
    }


@with_account_request
def account_page(request, account_request):
    post = request.method == "POST"
    form = UploadForm(request.POST if post else None, request.FILES if post else None, account_request=account_request)
    if post and form.is_valid():
        chosen = form.cleaned_data["document"]
        document = get_object_or_404(AccountDocument, pk=chosen, request=account_request) if chosen else None
        try:
            version = services.upload_file(
                account_request=account_request, upload=form.cleaned_data["file"], document=document, request=request
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else "file", str(error))
        else:
            if version.number > 1:
                messages.success(request, f"{version.original_filename} is saved as version {version.number}.")
            else:
                messages.success(request, f"{version.original_filename} is saved.")
            return redirect("account_link:page")
    documents = account_request.documents.prefetch_related("versions")
    return render(
        request,
        "submissions/link_page.html",
        _context(
            account_request,
            form=form,
            documents=documents,
            pending=account_request.extensions.filter(decision="pending").first(),
            latest_extension=account_request.extensions.first(),
        ),
    )


@with_account_request
def account_send(request, account_request):
    initial = {"author_name": account_request.author_name, "author_role": account_request.author_role}
    form = SendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_account(account_request=account_request, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(
                request, "Thank you. The partnership has your account. You can still upload a new version."
            )
            return redirect("account_link:page")
    return render(
        request,
        "submissions/link_send.html",
        _context(account_request, form=form, has_files=account_request.documents.exists()),
    )


@with_account_request
def account_more_time(request, account_request):
    form = MoreTimeForm(request.POST or None, account_request=account_request)
    if request.method == "POST" and form.is_valid():
        try:
            services.ask_for_more_time(account_request=account_request, request=request, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "You have asked for more time. The partnership will email you its answer.")
            return redirect("account_link:page")
    return render(request, "submissions/link_more_time.html", _context(account_request, form=form))


@require_GET
@with_account_request
def account_template(request, account_request):
    template = account_request.template
    if template is None or not template.file:
        raise Http404("No template")
    with template.file.open("rb") as stored:
        data = stored.read()
    return file_response(data, CONTENT_TYPES[template.source], f"{safe_name(template.name)}.{template.source}")
