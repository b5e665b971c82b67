from django.urls import path

from . import views

app_name = "lifecycle"

# The workflow (lifecycle.views): stages, steps, exceptions, handover, archive, board, approvals.
urlpatterns = [
    path("elections/<int:pk>/workflow/", views.election_workflow, name="workflow"),
    path("elections/<int:pk>/workflow/advance/", views.advance, name="advance"),
    path("elections/<int:pk>/workflow/catch-up/", views.catch_up, name="catch_up"),
    path("elections/<int:pk>/workflow/election-day/", views.election_day, name="election_day"),
    path("elections/<int:pk>/workflow/exceptions/", views.request_exception, name="request_exception"),
    path(
        "elections/<int:pk>/workflow/exceptions/decide/",
        views.decide_exception,
        name="decide_exception",
    ),
    path("elections/<int:pk>/steps/<str:step>/", views.step_page, name="step"),
    path("elections/<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("elections/<int:pk>/handover/", views.handover_page, name="handover"),
    path("elections/<int:pk>/archive.zip", views.archive, name="archive"),
    path("board/", views.progress_board, name="board"),
    path("board/<str:code>/", views.progress_board, name="board_region"),
    path("board/<str:code>/villages/", views.board_villages, name="board_villages"),
    path("board/<str:code>/stages.xlsx", views.export_stages, name="export_stages"),
    path("board/<str:code>/holds.xlsx", views.export_holds, name="export_holds"),
    path("board/<str:code>/villages.xlsx", views.export_villages, name="export_villages"),
    path("approvals/", views.approvals, name="approvals"),
]
