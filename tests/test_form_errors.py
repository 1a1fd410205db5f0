"""Errors say what to do: every form in the product, sent empty and sent with wrong values.

Every URL pattern is opened as someone who may use it (the business manager, the review's own
reviewer, or the holder of the page's personal link, from tests/test_url_access.py's table and
world). Each form on the page is sent twice, empty (only its hidden fields and its button) and with
obviously wrong values (an email address that is not one, text longer than allowed, a choice not on
the list, a date that does not exist, a text file for a document), each inside a transaction that
is rolled back, so one form's success does not change the next page.

The answer must never be a server error. Where the page shows errors, each message must name its
field (share a word with the field's label or legend) and none may be one of Django's own messages
("This field is required.", "Enter a valid email address.", "Select a valid choice…"); the error
summary must link to something on the page; and nothing may have changed (no audit entry, no email).
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlparse

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from core.models import AuditEntry
from notifications.models import OutboundMessage
from tests import test_url_access as access
from tests.test_url_access import ACCESS, ANONYMOUS, ASSIGNED_REVIEWER, BUSINESS_MANAGER, KWARGS, OK

# The world of tests/test_url_access.py: one of every object a URL can name, and the staff who may see them,
# written once for the module; each test has its own copies (and the shared fixtures taken from them).
_written_once = access._written_once
_copies = access._copies
world = access.world
people = access.people
signed_in = access.signed_in
partnership = access.partnership
other_partnership = access.other_partnership
business_manager = access.business_manager
reviewer = access.reviewer
review = access.review
outsider = access.outsider

# Forms that are not about the page (signing out would end the visit), and a download of a file the world
# does not store.
NOT_WALKED = {"account_logout", "account:keepalive", "accounts:file"}

# Words too common to show that a message names its field.
COMMON = set(
    re.findall(
        r"\w+",
        """the and for with from this that these those what who how why when which where will would could should
        your you their they them our its are was were not can cannot has have had any there into out about like
        yes does did been being each every all some one more less optional please enter choose""",
    )
)


def _django_messages():
    """A pattern for each of Django's own form and validator messages (their placeholders match anything)."""
    texts = set()
    classes = [forms.Field]
    while classes:
        klass = classes.pop()
        classes.extend(klass.__subclasses__())
        if klass.__module__.startswith("django."):
            texts.update(str(message) for message in klass.__dict__.get("default_error_messages", {}).values())
    for name in dir(validators):
        message = getattr(getattr(validators, name), "message", None)
        if message is not None:
            texts.add(str(message))
    # Messages that depend on a number (ngettext) read as empty without it.
    texts.update(
        [
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
            "Ensure that there are no more than %(max)s digits in total.",
            "This field cannot be blank.",
            "This field cannot be null.",
            "Enter a valid value.",
        ]
    )
    patterns = []
    for text in texts:
        if not text or ("%(" not in text and len(text) < 8):
            continue
        parts = re.split(r"%\(\w+\)[sdr]|\{\w+\}", text)
        # Django's plural messages are stored in the singular ("at most %(limit_value)d character").
        parts = [re.sub(r"([A-Za-z]{3,})", r"\1s?", re.escape(part.strip())) for part in parts]
        patterns.append(re.compile(".*".join(parts), re.IGNORECASE))
    return patterns


DJANGO_MESSAGES = _django_messages()


def _stems(text):
    """The words of `text` that could name a field, cut to their first five letters ("commissioned" -> "commi")."""
    words = re.findall(r"[a-z]+", text.lower().replace("’", "'"))
    return {word[:5] for word in words if len(word) >= 3 and word not in COMMON}


def _text(element):
    return " ".join(element.get_text(" ").split())


def _label_of(element):
    """The label or legend of the form group around `element`."""
    group = element.find_parent(class_="govuk-form-group")
    if group is None:
        return None
    legend = group.find("legend")
    if legend is not None:
        return _text(legend)
    for label in group.find_all("label"):
        classes = label.get("class") or []
        if not {"govuk-radios__label", "govuk-checkboxes__label", "govuk-date-input__label"} & set(classes):
            return _text(label)
    label = group.find("label")
    return _text(label) if label is not None else None


@dataclass
class Shown:
    """An error message as the page shows it, with the label of the field it belongs to (if any)."""

    message: str
    label: str | None
    where: str


@dataclass
class Findings:
    problems: list = field(default_factory=list)
    forms_sent: int = 0
    errors_seen: int = 0


def shown_errors(html):
    """Every error the page shows: in the summary and beside each field."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for item in soup.select(".govuk-error-summary__list li, .govuk-error-summary__body p"):
        link = item.find("a")
        label = None
        if link is not None and link.get("href", "").startswith("#"):
            target = soup.find(id=link["href"][1:])
            if target is None:
                found.append(Shown(_text(item), None, f"summary link to missing {link['href']}"))
                continue
            label = _label_of(target)
        found.append(Shown(_text(item), label, "summary"))
    for message in soup.select(".govuk-error-message"):
        text = re.sub(r"^Error:\s*", "", _text(message))
        found.append(Shown(text, _label_of(message), "field"))
    return found


def message_problems(shown):
    """What is wrong with one message: a Django default, or not naming its field."""
    problems = []
    if shown.where.startswith("summary link to missing"):
        problems.append(shown.where)
    if not shown.message:
        problems.append("an empty message")
    if any(
        pattern.fullmatch(shown.message.rstrip(".")) or pattern.fullmatch(shown.message) for pattern in DJANGO_MESSAGES
    ):
        problems.append("Django's own message")
    label = shown.label
    named = label is None or (
        _stems(label) & _stems(shown.message) if _stems(label) else label.lower().rstrip("?") in shown.message.lower()
    )
    if not named:
        problems.append(f"does not name its field ({shown.label!r})")
    return problems


# Filling in a form ------------------------------------------------------------------------------


def _button(form):
    button = form.find(lambda tag: tag.name in ("button", "input") and tag.get("type", "submit") == "submit")
    if button is None or not button.get("name"):
        return {}
    return {button["name"]: button.get("value", "")}


def _wrong_text(control):
    name = control.get("name", "")
    classes = " ".join(control.get("class") or [])
    if "govuk-date-input__input" in classes:
        return {"0": "32", "1": "13", "2": "20"}.get(name.rsplit("_", 1)[-1], "99")
    if control.get("type") == "email" or "email" in name:
        return "not an email address"
    if control.get("inputmode") == "numeric":
        return "lots"
    if control.get("maxlength"):
        return "x" * (int(control["maxlength"]) + 1)
    return "not right at all"


def payload(form, *, wrong):
    """What the browser sends for `form`: hidden fields and its button, and the rest empty or wrong."""
    data, files = {}, {}
    for control in form.find_all(["input", "select", "textarea"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        kind = control.get("type", "text") if control.name == "input" else control.name
        if kind in ("submit", "button", "image", "reset"):
            continue
        if kind == "hidden":
            data.setdefault(name, control.get("value", ""))
        elif kind in ("checkbox", "radio"):
            if wrong:
                data[name] = "not-on-the-list"
        elif kind == "file":
            if wrong:
                files[name] = SimpleUploadedFile("notes.txt", b"Just some words.\n", content_type="text/plain")
        elif kind == "select":
            data[name] = "not-on-the-list" if wrong else ""
        elif kind == "textarea":
            limit = control.get("maxlength")
            data[name] = ("x" * (int(limit) + 1) if limit else "not right at all") if wrong else ""
        else:
            data[name] = _wrong_text(control) if wrong else ""
    data.update(_button(form))
    return data | files


# Who opens each page --------------------------------------------------------------------------------


def _may(profile, kind):
    return profile is not None and profile.get(kind) in (None, OK)


def _visitors(rule, world, signed_in):
    """Clients that may open the page, best first: the link's holder, or staff, or anyone."""
    if rule.link is not None:
        client = Client()
        access._open_link(client, world, rule.link)
        return [("the link's holder", client)]
    clients = []
    # A public page is for people without an account (signed in, the sign-in page moves on).
    public = rule.get.get(ANONYMOUS) == OK
    for kind in (ANONYMOUS, BUSINESS_MANAGER, ASSIGNED_REVIEWER) if public else (BUSINESS_MANAGER, ASSIGNED_REVIEWER):
        if _may(rule.get, kind):
            clients.append((kind, signed_in(kind)))
    # Whoever may send the page's own forms first (a review's answers are its reviewer's to write).
    return sorted(clients, key=lambda pair: not _may(rule.post, pair[0]))


def _target_rule(action):
    try:
        match = resolve(urlparse(action).path)
    except Resolver404:
        return None, None
    return match.view_name, ACCESS.get(match.view_name)


def _counts():
    return AuditEntry.objects.count(), OutboundMessage.objects.count()


def _send(client, method, action, data):
    """Send the form in a transaction that is rolled back; the response, and whether an audit entry and whether
    an email were written."""
    with transaction.atomic():
        before = _counts()
        if method == "get":
            plain = {key: value for key, value in data.items() if not hasattr(value, "read")}
            response = client.get(f"{action}?{urlencode(plain, doseq=True)}")
        else:
            response = client.post(action, data)
        after = _counts()
        changed = (after[0] != before[0], after[1] != before[1])
        transaction.set_rollback(True)
    return response, changed


def walk_page(url, visitors, findings, *, unlisted=False):
    """Send each form on the page empty and with wrong values; `unlisted`: also forms posting to pages outside
    the access table (allauth's, where a failed attempt to sign in is audited, and only an email counts as a
    change)."""
    kind, client = visitors[0]
    page = client.get(url)
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
        return
    soup = BeautifulSoup(page.content, "html.parser")
    for number, form in enumerate(soup.find_all("form")):
        method = form.get("method", "get").lower()
        action = form.get("action") or url
        view_name, rule = _target_rule(action)
        if view_name in NOT_WALKED or (rule is None and method == "post" and not unlisted):
            continue
        sender = client
        if method == "post" and rule is not None and not _may(rule.post, kind):
            able = [c for k, c in visitors if _may(rule.post, k)]
            if not able:
                continue
            sender = able[0]
        for wrong in (False, True):
            if method == "get" and not wrong:
                continue  # an empty search is the page itself
            data = payload(form, wrong=wrong)
            where = f"{method.upper()} {action} (form {number + 1} on {url}, {'wrong' if wrong else 'empty'})"
            try:
                response, changed = _send(sender, method, action, data)
            except Exception as error:  # the report names it
                findings.problems.append(f"{where}: raised {type(error).__name__}: {error}")
                continue
            findings.forms_sent += 1
            if response.status_code >= 500:
                findings.problems.append(f"{where}: {response.status_code}")
                continue
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            errors = shown_errors(response.content)
            findings.errors_seen += len(errors)
            for shown in errors:
                for problem in message_problems(shown):
                    findings.problems.append(f"{where}: “{shown.message}”: {problem}")
            if errors and method == "post" and (changed[1] if unlisted else any(changed)):
                findings.problems.append(f"{where}: shows errors but wrote an audit entry or an email")


def _url(name, world):
    values = {argument: KWARGS[argument](world) for argument in access._kwargs_of(name) if argument != "token"}
    if "token" in access._kwargs_of(name):
        return None  # the link's own address only opens it
    return reverse(name, kwargs=values)


# Pages whose forms show only at a later stage than the world's: the world is moved on before the visit.


def _signed_off(world):
    from reviews.models import Review

    Review.objects.filter(pk=world.review.pk).update(status=Review.Status.SIGNED_OFF)


def _terms_accepted(world):
    from reports.models import Checker

    Checker.objects.filter(pk=world.objects["checker"].pk).update(terms_accepted_at=timezone.now())


def _comments_sent(world):
    from reports.models import Checker

    Checker.objects.filter(pk=world.objects["checker"].pk).update(responded_at=timezone.now())


def _attended(world):
    from events.models import Attendance, Invitation

    Invitation.objects.filter(pk=world.objects["invitation"].pk).update(attendance=Attendance.ATTENDED)


def _names_checked(world):
    from events.models import SummaryVersion
    from reports.models import ReportVersion

    ReportVersion.objects.filter(review=world.review).update(name_check_at=timezone.now())
    SummaryVersion.objects.filter(event__review=world.review).update(name_check_at=timezone.now())


def _not_yet_circulated(world):
    from reports.models import Circulation, NameHit, ReportVersion

    Circulation.objects.filter(review=world.review).delete()
    NameHit.objects.filter(version__review=world.review).delete()
    ReportVersion.objects.filter(review=world.review).update(name_check_at=timezone.now())


LATER_STAGES = {
    "actions:": _signed_off,
    "draft:": _terms_accepted,
    "invitation:feedback": _attended,
    "reports:report_responses": _comments_sent,
    "reports:report_version": _names_checked,
    "events:summary_version": _names_checked,
    "reports:report_circulate": _not_yet_circulated,
}


def _move_on(name, world):
    if name == "draft:terms":
        return  # the terms themselves, before they are accepted
    for prefix, move in LATER_STAGES.items():
        if name == prefix or (prefix.endswith(":") and name.startswith(prefix)):
            move(world)


PAGES = sorted(name for name, rule in ACCESS.items() if rule.get is not None and name not in NOT_WALKED)


@pytest.mark.parametrize("name", PAGES)
def test_every_form_says_what_to_do(name, world, signed_in):
    rule = ACCESS[name]
    url = _url(name, world)
    if url is None:
        pytest.skip("a personal link's own address only opens the link")
    _move_on(name, world)
    findings = Findings()
    walk_page(url, _visitors(rule, world, signed_in), findings)
    assert not findings.problems, "\n".join(findings.problems)


# allauth's pages: outside the table, each with its own way in.


def test_signing_in_and_passwords_say_what_to_do(people):
    from tests.conftest import PASSWORD

    manager = people[BUSINESS_MANAGER]
    findings = Findings()
    anonymous = Client()
    walk_page(reverse("account_reset_password"), [(ANONYMOUS, anonymous)], findings, unlisted=True)
    signed_in = Client()
    signed_in.force_login(manager)
    for name in ("account_reauthenticate", "account_change_password"):
        walk_page(reverse(name), [(BUSINESS_MANAGER, signed_in)], findings, unlisted=True)
    # Half-way through signing in: the authenticator code.
    halfway = Client()
    halfway.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})
    walk_page(reverse("mfa_authenticate"), [(BUSINESS_MANAGER, halfway)], findings, unlisted=True)
    assert findings.forms_sent >= 6
    assert not findings.problems, "\n".join(findings.problems)


def test_a_hidden_field_that_is_wrong_is_explained_and_changes_nothing(bm_client, review):
    from reviews.models import Review

    url = reverse("overview:review_advance", args=[review.partnership.slug, review.pk])
    response = bm_client.post(url, {"to_status": "not-a-stage", "confirm": "on"})

    assert response.status_code == 200
    errors = shown_errors(response.content)
    assert {shown.message for shown in errors} == {
        "The page was out of date. Tick the box again to move the review to its next stage"
    }
    assert Review.objects.get(pk=review.pk).status == review.status


# The checks themselves ------------------------------------------------------------------------------


def test_django_messages_are_recognised():
    for text in ("This field is required.", "Enter a valid email address.", "Enter a whole number."):
        assert message_problems(Shown(text, None, "field")), text
    select = "Select a valid choice. That choice is not one of the available choices."
    assert message_problems(Shown(select, None, "field"))
    longer = "Ensure this value has at most 40 characters (it has 41)."
    assert message_problems(Shown(longer, None, "field"))


def test_a_message_must_name_its_field():
    assert message_problems(Shown("Enter a value", "Reference", "field"))
    assert not message_problems(Shown("Enter the date the review was commissioned", "Review commissioned", "field"))


# Every form uses the one mechanism ------------------------------------------------------------------

APPS = ("core", "notifications", "partnerships", "reviews", "practitioners", "submissions", "events", "reports")
APPS += ("actions", "overview", "demo")


def _project_form_classes():
    import importlib
    import pkgutil

    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    classes, seen = [], [forms.BaseForm]
    while seen:
        klass = seen.pop()
        seen.extend(klass.__subclasses__())
        if klass.__module__.split(".")[0] in APPS:
            classes.append(klass)
    return classes


def test_every_form_of_the_product_names_its_fields():
    from core.forms import NamedErrors

    classes = _project_form_classes()
    assert len(classes) > 30
    plain = sorted(
        f"{klass.__module__}.{klass.__qualname__}" for klass in classes if not issubclass(klass, NamedErrors)
    )
    assert not plain, f"forms built on Django's own Form or ModelForm instead of core.forms': {plain}"


def test_messages_are_built_from_the_label(db):
    from core.forms import Form

    class Sample(Form):
        reference = forms.CharField(label="Reference", max_length=5)
        email = forms.EmailField(label="Work email address (optional)", required=False)
        places = forms.IntegerField(label="Number of places", min_value=1, max_value=10)
        kind = forms.ChoiceField(label="Type of review", choices=[("cspr", "CSPR")])
        agree = forms.BooleanField(label="I accept", error_messages={"required": "Tick to accept the terms"})

    empty = Sample(data={})
    assert empty.errors == {
        "reference": ["Enter the reference"],
        "places": ["Enter the number of places"],
        "kind": ["Choose the type of review"],
        "agree": ["Tick to accept the terms"],
    }
    wrong = Sample(data={"reference": "CSPR 2026", "email": "no", "places": "11", "kind": "sar", "agree": "on"})
    assert wrong.errors == {
        "reference": ["The reference must be 5 characters or fewer"],
        "email": ["Enter the work email address in the correct format, like name@example.org"],
        "places": ["The number of places must be between 1 and 10"],
        "kind": ["Choose the type of review from the list"],
    }
    assert Sample(data={"places": "lots"}).errors["places"] == ["Enter the number of places as a whole number, like 10"]
