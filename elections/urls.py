from django.urls import path

from . import views, workflow_views

app_name = "elections"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("overview/<str:code>/", views.overview, name="overview_region"),
    path("elections/", views.election_list, name="list"),
    path("elections/export.xlsx", views.election_export, name="export"),
    path("elections/<int:pk>/", views.election_detail, name="detail"),
]

# The workflow (elections.workflow_views): stages, steps, exceptions, handover, archive, board, approvals.
urlpatterns += [
    path("elections/<int:pk>/workflow/", workflow_views.election_workflow, name="workflow"),
    path("elections/<int:pk>/workflow/advance/", workflow_views.advance, name="advance"),
    path("elections/<int:pk>/workflow/election-day/", workflow_views.election_day, name="election_day"),
    path(
        "elections/<int:pk>/workflow/exceptions/", workflow_views.request_exception, name="request_exception"
    ),
    path(
        "elections/<int:pk>/workflow/exceptions/decide/",
        workflow_views.decide_exception,
        name="decide_exception",
    ),
    path("elections/<int:pk>/steps/<str:step>/", workflow_views.step_page, name="step"),
    path("elections/<int:pk>/documents/<int:document_pk>/", workflow_views.document, name="document"),
    path("elections/<int:pk>/handover/", workflow_views.handover_page, name="handover"),
    path("elections/<int:pk>/archive.zip", workflow_views.archive, name="archive"),
    path("board/", workflow_views.progress_board, name="board"),
    path("board/<str:code>/", workflow_views.progress_board, name="board_region"),
    path("approvals/", workflow_views.approvals, name="approvals"),
]
