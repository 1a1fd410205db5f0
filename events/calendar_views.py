"""Events across reviews: the month view, and each member of staff's calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.access import partnership_for
from core.formatting import uk_datetime
from core.models import Partnership
from events import feeds, month


@login_required
@require_GET
def event_calendar(request, slug):
    """The month's events of every review the user may see: a grid on wide screens, a list on a phone."""
    partnership = partnership_for(request, slug)
    today = timezone.localdate()
    shown = month.Month.parse(request.GET.get("month", ""), today)
    if shown is None:
        messages.error(request, "Enter the month as a year and month, like 2026-12. This is the current month.")
        return redirect("events:event_calendar", slug)
    grid, days_with_events = month.layout(shown, month.events_in(request.user, partnership, shown), today)
    this_month = month.Month(today.replace(day=1))
    return render(
        request,
        "events/calendar/month.html",
        {
            "partnership": partnership,
            "month": shown,
            "this_month": this_month,
            "is_this_month": shown == this_month,
            "weeks": grid,
            "days_with_events": days_with_events,
            "event_count": sum(len(day.events) for day in days_with_events),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed_settings(request, slug):
    """Make, reset or stop the user's own feed address; a new address is shown once, on the answer to the POST."""
    partnership = partnership_for(request, slug)
    address = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reset":
            token = feeds.reset_feed(user=request.user, partnership=partnership, request=request)
            address = request.build_absolute_uri(reverse("events:calendar_feed", args=[slug, token]))
        elif action == "stop":
            if feeds.stop_feed(user=request.user, partnership=partnership, request=request):
                messages.success(request, "Your calendar feed is stopped. Its address no longer works.")
            return redirect("events:calendar_feed_settings", slug)
        else:
            messages.error(request, "Choose whether to get a new address or stop the feed.")
            return redirect("events:calendar_feed_settings", slug)
    feed = feeds.feed_of(request.user, partnership)
    return render(
        request,
        "events/calendar/feed.html",
        {
            "partnership": partnership,
            "feed": feed,
            "feed_made": uk_datetime(feed.created_at) if feed else "",
            "address": address,
        },
    )


@require_GET
def calendar_feed(request, slug, token):
    """The feed a calendar program fetches: no session, the address's secret is the key. 404 for any other."""
    partnership = get_object_or_404(Partnership, slug=slug)
    feed = feeds.lookup(partnership, token)
    if feed is None:
        raise Http404("No such calendar feed")

    def event_url(event):
        return request.build_absolute_uri(reverse("events:event_detail", args=[slug, event.pk]))

    body = feeds.build(partnership, feeds.feed_events(feed.user, partnership), event_url=event_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="practitioner-events.ics"'
    return response
