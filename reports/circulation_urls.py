from django.urls import path

from reports import circulation_views as views

REVIEW = "p/<slug:slug>/reviews/<int:review_id>/report/"

urlpatterns = [
    path(f"{REVIEW}versions/<int:number>/circulate/", views.report_circulate, name="report_circulate"),
    path(f"{REVIEW}check/", views.report_check_progress, name="report_check_progress"),
    path(f"{REVIEW}check/remind/", views.report_check_remind, name="report_check_remind"),
    path(f"{REVIEW}check/checkers/<int:checker_id>/stop/", views.report_check_stop, name="report_check_stop"),
    path(
        f"{REVIEW}check/checkers/<int:checker_id>/new-link/",
        views.report_check_new_link,
        name="report_check_new_link",
    ),
    # The checker's pages come before "draft-report/<str:token>/", which would otherwise take "read" as a token.
    path("draft-report/read/", views.draft_read, name="draft_read"),
    path("draft-report/download/", views.draft_download, name="draft_download"),
    path("draft-report/send/", views.draft_submit, name="draft_submit"),
    path("draft-report/no-comments/", views.draft_no_comments, name="draft_no_comments"),
    path("draft-report/comments/add/", views.draft_comment_add, name="draft_comment_add"),
    path("draft-report/comments/<int:comment_id>/edit/", views.draft_comment_edit, name="draft_comment_edit"),
    path("draft-report/comments/<int:comment_id>/delete/", views.draft_comment_delete, name="draft_comment_delete"),
    path("draft-report/<str:token>/", views.draft_link, name="draft_link"),
]
