import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from core.access import business_manager_of
from practitioners import csv_import, services
from practitioners.forms import AgencyForm, DirectorySearchForm, ImportUploadForm, PractitionerForm
from practitioners.models import Agency, Practitioner

PAGE_SIZE = 100
PREVIEW_ROWS = 100  # rows shown on the preview page; every row is still checked and imported
PROBLEMS_SHOWN = 1000
PROBLEMS_IN_SUMMARY = 10


def _form_data(request):
    return request.POST if request.method == "POST" else None


def _show_domain_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, str(error))


# Agencies


@login_required
def agency_list(request, slug):
    partnership = business_manager_of(request, slug)
    agencies = Agency.objects.for_partnership(partnership).annotate(practitioner_count=Count("practitioners"))
    return render(request, "practitioners/agency_list.html", {"partnership": partnership, "agencies": agencies})


@login_required
def agency_add(request, slug):
    partnership = business_manager_of(request, slug)
    form = AgencyForm(_form_data(request), partnership=partnership)
    if form.is_valid():
        try:
            agency = services.create_agency(partnership, **form.cleaned_data, created_by=request.user, request=request)
        except services.DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, f"{agency.name} is added.")
            return redirect("practitioners:agency_list", partnership.slug)
    return render(request, "practitioners/agency_form.html", {"partnership": partnership, "form": form})


@login_required
def agency_edit(request, slug, agency_id):
    partnership = business_manager_of(request, slug)
    agency = get_object_or_404(Agency.objects.for_partnership(partnership), pk=agency_id)
    form = AgencyForm(
        _form_data(request),
        initial=model_to_dict(agency, fields=services.AGENCY_FIELDS),
        partnership=partnership,
        agency=agency,
    )
    if form.is_valid():
        try:
            agency = services.update_agency(agency, data=form.cleaned_data, changed_by=request.user, request=request)
        except services.DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, f"{agency.name} is saved.")
            return redirect("practitioners:agency_list", partnership.slug)
    return render(
        request, "practitioners/agency_form.html", {"partnership": partnership, "form": form, "agency": agency}
    )


# The practitioner directory


def _directory(partnership, search_form):
    text, agency = search_form.filters()
    practitioners = Practitioner.objects.for_partnership(partnership).select_related("agency").search(text)
    if agency is not None:
        practitioners = practitioners.filter(agency=agency)
    return practitioners, bool(text or agency)


@login_required
def practitioner_list(request, slug):
    partnership = business_manager_of(request, slug)
    search_form = DirectorySearchForm(request.GET, partnership=partnership)
    practitioners, filtered = _directory(partnership, search_form)
    page = Paginator(practitioners, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practitioners/practitioner_list.html",
        {
            "partnership": partnership,
            "search_form": search_form,
            "page": page,
            "filtered": filtered,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "query": query.urlencode(),
            "filter_query": query.urlencode(),
        },
    )


@login_required
def practitioner_add(request, slug):
    partnership = business_manager_of(request, slug)
    form = PractitionerForm(_form_data(request), partnership=partnership)
    if form.is_valid():
        try:
            practitioner = services.create_practitioner(
                partnership, **form.cleaned_data, added_by=request.user, request=request
            )
        except services.DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, f"{practitioner.full_name} is added to the directory.")
            return redirect("practitioners:practitioner_list", partnership.slug)
    return render(
        request,
        "practitioners/practitioner_form.html",
        {
            "partnership": partnership,
            "form": form,
            "has_agencies": Agency.objects.for_partnership(partnership).exists(),
        },
    )


@login_required
def practitioner_edit(request, slug, practitioner_id):
    partnership = business_manager_of(request, slug)
    practitioner = get_object_or_404(
        Practitioner.objects.for_partnership(partnership).select_related("agency"), pk=practitioner_id
    )
    form = PractitionerForm(
        _form_data(request),
        initial=model_to_dict(practitioner, fields=services.PRACTITIONER_FIELDS),
        partnership=partnership,
        practitioner=practitioner,
    )
    if form.is_valid():
        try:
            practitioner = services.update_practitioner(
                practitioner, data=form.cleaned_data, changed_by=request.user, request=request
            )
        except services.DomainError as error:
            _show_domain_error(form, error)
        else:
            messages.success(request, f"{practitioner.full_name}'s details are saved.")
            return redirect("practitioners:practitioner_list", partnership.slug)
    return render(
        request,
        "practitioners/practitioner_form.html",
        {"partnership": partnership, "form": form, "practitioner": practitioner, "has_agencies": True},
    )


# CSV import and export


def _import_key(partnership):
    return f"practitioner_import:{partnership.pk}"


def _csv_response(filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a byte order mark, so Excel reads the file as UTF-8
    return response


@login_required
def practitioner_import(request, slug):
    partnership = business_manager_of(request, slug)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_valid():
        request.session[_import_key(partnership)] = {
            "id": secrets.token_urlsafe(16),
            "file_name": form.cleaned_data["csv_file"].name[:200],
            "rows": form.rows,
        }
        return redirect("practitioners:practitioner_import_confirm", partnership.slug)
    return render(
        request,
        "practitioners/practitioner_import.html",
        {
            "partnership": partnership,
            "form": form,
            "max_rows": csv_import.MAX_ROWS,
        },
    )


@login_required
def practitioner_import_confirm(request, slug):
    """GET shows the checked rows; POST imports them. The rows come from the session, never the form."""
    partnership = business_manager_of(request, slug)
    pending = request.session.get(_import_key(partnership))
    if not isinstance(pending, dict) or not isinstance(pending.get("rows"), list):
        messages.info(request, "Upload a CSV file first. We check it and show you what will be imported.")
        return redirect("practitioners:practitioner_import", partnership.slug)
    changed_meanwhile = False
    if request.method == "POST":
        if not constant_time_compare(request.POST.get("import_id", ""), pending.get("id", "")):
            messages.error(
                request, "Another file was uploaded since you checked this one. Check it before you import it."
            )
            return redirect("practitioners:practitioner_import_confirm", partnership.slug)
        checked = csv_import.check_rows(partnership, pending["rows"])
        # A file with problems is refused as a whole below, whatever the answers about agencies.
        choices, answers, choice_errors = _agency_choices(request.POST, checked) if checked.ok else ({}, {}, [])
        if choice_errors:
            return _import_preview(request, partnership, pending, checked, answers=answers, choice_errors=choice_errors)
        try:
            count = services.import_practitioners(
                partnership, pending["rows"], request.user, request=request, agency_choices=choices
            )
        except services.ImportRefused as refused:
            checked, changed_meanwhile = refused.checked, pending.get("checked_ok", False)
        except services.DomainError as error:
            messages.error(request, str(error))
            return redirect("practitioners:practitioner_import_confirm", partnership.slug)
        else:
            del request.session[_import_key(partnership)]
            noun = "practitioner" if count == 1 else "practitioners"
            messages.success(request, f"{count:,} {noun} added to the directory.")
            return redirect("practitioners:practitioner_list", partnership.slug)
    else:
        checked = csv_import.check_rows(partnership, pending["rows"])
        if pending.get("checked_ok") != checked.ok:
            pending["checked_ok"] = checked.ok
            request.session.modified = True
    return _import_preview(request, partnership, pending, checked, changed_meanwhile=changed_meanwhile)


def _agency_choices(data, checked):
    """For each new agency name close to an existing one, the business manager's answer.

    Returns (new name -> existing agency pk for those to use it instead; each question's answer as
    sent, to show again; (question index, message) for each question not answered).
    """
    choices, answers, errors = {}, {}, []
    for index, match in enumerate(checked.close_matches):
        answer = data.get(f"agency-{index}", "")
        answers[index] = answer
        if answer == str(match.agency.pk):
            choices[match.name] = match.agency.pk
        elif answer != "new":
            errors.append(
                (index, f"Choose whether to use {match.agency.name} or to create {match.name} as a new agency")
            )
    return choices, answers, errors


def _import_preview(request, partnership, pending, checked, *, changed_meanwhile=False, answers=None, choice_errors=()):
    problems = checked.problems
    errors_by_question = dict(choice_errors)
    answers = answers or {}
    close = {match.name for match in checked.close_matches}
    return render(
        request,
        "practitioners/practitioner_import_preview.html",
        {
            "partnership": partnership,
            "checked": checked,
            "file_name": pending.get("file_name", ""),
            "import_id": pending.get("id", ""),
            "row_count": len(checked.rows),
            "preview_rows": checked.rows[:PREVIEW_ROWS],
            "problems": problems[:PROBLEMS_SHOWN],
            "problem_count": len(problems),
            "summary_problems": problems[:PROBLEMS_IN_SUMMARY],
            "changed_meanwhile": changed_meanwhile,
            "new_agencies": [name for name in checked.new_agencies if name not in close],
            "close_matches": [
                {
                    "index": index,
                    "name": match.name,
                    "agency": match.agency,
                    "answer": answers.get(index, ""),
                    "error": errors_by_question.get(index, ""),
                }
                for index, match in enumerate(checked.close_matches)
            ],
            "choice_errors": choice_errors,
        },
    )


@login_required
def practitioner_import_template(request, slug):
    business_manager_of(request, slug)
    response = _csv_response("practitioners-template.csv")
    csv_import.write_csv(response, [csv_import.EXAMPLE_ROW])
    return response


@login_required
@never_cache
def practitioner_export(request, slug):
    partnership = business_manager_of(request, slug)
    practitioners, _ = _directory(partnership, DirectorySearchForm(request.GET, partnership=partnership))
    rows = [csv_import.practitioner_row(p) for p in practitioners.iterator(chunk_size=1000)]
    response = _csv_response(f"practitioners-{partnership.slug}-{timezone.localdate():%Y-%m-%d}.csv")
    csv_import.write_csv(response, rows)
    services.record_export(partnership, count=len(rows), exported_by=request.user, request=request)
    return response
