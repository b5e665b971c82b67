from django.urls import path

from . import views
from .choices import NoticeKind

app_name = "candidates"
urlpatterns = [
    path("candidates/approvals/", views.approvals, name="approvals"),
    path("candidates/void/", views.void_decisions, name="void_decisions"),
    path("candidates/reviews/", views.inbox, name="inbox"),
    path("candidates/<int:pk>/", views.board, name="board"),
    path("candidates/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("candidates/<int:pk>/nominee/", views.nominee, name="nominee"),
    path("candidates/<int:pk>/reviews/", views.review_progress, name="review_progress"),
    path("candidates/<int:pk>/list/", views.shortlist, name="shortlist"),
    path("candidates/<int:pk>/slate/", views.slate_check, name="slate"),
    path("candidates/<int:pk>/election-committee/", views.election_committee, name="election_committee"),
    path("candidates/<int:pk>/previous-term/", views.previous_term, name="previous_term"),
    path(
        "candidates/<int:pk>/notices/preliminary/",
        views.notice,
        {"kind": NoticeKind.PRELIMINARY},
        name="notice_preliminary",
    ),
    path(
        "candidates/<int:pk>/notices/formal/", views.notice, {"kind": NoticeKind.FORMAL}, name="notice_formal"
    ),
    path(
        "candidates/<int:pk>/notices/preliminary.xlsx",
        views.notice_export,
        {"kind": NoticeKind.PRELIMINARY},
        name="export_preliminary",
    ),
    path(
        "candidates/<int:pk>/notices/formal.xlsx",
        views.notice_export,
        {"kind": NoticeKind.FORMAL},
        name="export_formal",
    ),
]
