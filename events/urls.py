"""Events, invitees, the confidential summary, attendance, reviewers' notes and nominations, for staff."""

from django.urls import path

from events import (
    attendance_views,
    calendar_views,
    decline_views,
    nomination_views,
    note_views,
    outline_views,
    pdfs,
    send_views,
    summary_staff_views,
    summary_views,
    views,
    witness_views,
)

app_name = "events"

urlpatterns = [
    path("calendar/", calendar_views.event_calendar, name="event_calendar"),
    path("calendar/feed/", calendar_views.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/feed/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("reviews/<int:review_id>/nominations/", nomination_views.nomination_list, name="nomination_list"),
    path(
        "reviews/<int:review_id>/nominations/request/", nomination_views.nomination_request, name="nomination_request"
    ),
    path("reviews/<int:review_id>/nominations/accept/", nomination_views.nomination_accept, name="nomination_accept"),
    path(
        "reviews/<int:review_id>/nominations/<int:request_id>/chase/",
        nomination_views.nomination_chase,
        name="nomination_chase",
    ),
    path("events/<int:event_id>/summary/release/", summary_views.summary_release, name="summary_release"),
    path("events/<int:event_id>/summary/readers/", summary_views.summary_readers, name="summary_readers"),
    path(
        "events/<int:event_id>/summary/readers/export.csv",
        summary_views.summary_readers_csv,
        name="summary_readers_csv",
    ),
    path("events/<int:event_id>/summary/readers/remind/", summary_views.summary_remind, name="summary_remind"),
    path(
        "events/<int:event_id>/summary/readers/<int:reader_id>/withdraw/",
        summary_views.summary_withdraw,
        name="summary_withdraw",
    ),
    path("events/<int:event_id>/summary/", summary_staff_views.summary_versions, name="summary_versions"),
    path("events/<int:event_id>/summary/write/", summary_staff_views.summary_write, name="summary_write"),
    path("events/<int:event_id>/summary/upload/", summary_staff_views.summary_upload, name="summary_upload"),
    path(
        "events/<int:event_id>/summary/versions/<int:number>/",
        summary_staff_views.summary_version,
        name="summary_version",
    ),
    path(
        "events/<int:event_id>/summary/versions/<int:number>/hits/<int:hit_id>/not-a-person/",
        summary_staff_views.summary_hit_dismiss,
        name="summary_hit_dismiss",
    ),
    path(
        "events/<int:event_id>/summary/versions/<int:number>/file/",
        summary_staff_views.summary_version_file,
        name="summary_version_file",
    ),
    path(
        "events/<int:event_id>/summary/versions/<int:number>/pdf/",
        summary_staff_views.summary_version_pdf,
        name="summary_version_pdf",
    ),
    path("events/<int:event_id>/attendance/", attendance_views.attendance_register, name="attendance_register"),
    path(
        "events/<int:event_id>/attendance/register.pdf",
        attendance_views.attendance_register_pdf,
        name="attendance_register_pdf",
    ),
    path("events/<int:event_id>/thank-you/", attendance_views.thank_you_send, name="thank_you_send"),
    path("events/<int:event_id>/feedback/", attendance_views.feedback_summary, name="feedback_summary"),
    path("reviews/<int:review_id>/notes/", note_views.review_notes, name="review_notes"),
    path("reviews/<int:review_id>/notes/new/", note_views.review_note_add, name="review_note_add"),
    path("events/<int:event_id>/notes/", note_views.event_notes, name="event_notes"),
    path("events/<int:event_id>/notes/new/", note_views.event_note_add, name="event_note_add"),
    path("notes/<int:note_id>/", note_views.note_detail, name="note_detail"),
    path("notes/<int:note_id>/edit/", note_views.note_edit, name="note_edit"),
    path("notes/<int:note_id>/delete/", note_views.note_delete, name="note_delete"),
    path("reviews/<int:review_id>/events/new/", views.event_add, name="event_add"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:event_id>/about/", outline_views.event_outline, name="event_outline"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/invitees/add/", views.invitee_add, name="invitee_add"),
    path("events/<int:event_id>/invitees/new/", views.invitee_add_new, name="invitee_add_new"),
    path("events/<int:event_id>/invitees/<int:invitation_id>/remove/", views.invitee_remove, name="invitee_remove"),
    path("events/<int:event_id>/send/", views.event_send, name="event_send"),
    path("events/<int:event_id>/send/email/", send_views.event_send_email, name="event_send_email"),
    path(
        "events/<int:event_id>/send/attachments/<int:number>/",
        send_views.event_send_attachment,
        name="event_send_attachment",
    ),
    path("events/<int:event_id>/sending/", views.event_sending, name="event_sending"),
    path("events/<int:event_id>/replies.csv", views.event_replies_csv, name="event_replies_csv"),
    path("events/<int:event_id>/invitees/<int:invitation_id>/", views.invitee_detail, name="invitee_detail"),
    path(
        "events/<int:event_id>/invitees/<int:invitation_id>/witness/",
        witness_views.invitee_witness,
        name="invitee_witness",
    ),
    path(
        "events/<int:event_id>/invitees/<int:invitation_id>/new-link/",
        views.invitee_resend_link,
        name="invitee_resend_link",
    ),
    path(
        "events/<int:event_id>/invitees/<int:invitation_id>/stop-link/",
        views.invitee_revoke_link,
        name="invitee_revoke_link",
    ),
    path(
        "events/<int:event_id>/invitees/<int:invitation_id>/invite-colleague/",
        decline_views.invite_colleague,
        name="invite_colleague",
    ),
    path(
        "events/<int:event_id>/invitees/<int:invitation_id>/ask-agency/",
        decline_views.ask_agency,
        name="ask_agency",
    ),
    path(
        "events/<int:event_id>/invitees/<int:invitation_id>/access-needs/",
        decline_views.access_needs_arranged,
        name="access_needs_arranged",
    ),
    path("events/<int:event_id>/emails/<int:message_id>/retry/", views.email_retry, name="email_retry"),
    path("events/<int:event_id>/sign-in-sheet.pdf", pdfs.event_sign_in_sheet, name="event_sign_in_sheet"),
]
