from django.urls import path

from voters import views

app_name = "voters"
urlpatterns = [
    path("voters/election/<int:pk>/", views.roll, name="roll"),
    path("voters/election/<int:pk>/template.xlsx", views.template_download, name="template"),
    path("voters/election/<int:pk>/upload/", views.upload, name="upload"),
    path("voters/election/<int:pk>/publish/", views.publish, name="publish"),
    path("voters/election/<int:pk>/add/", views.add_person, name="add"),
    path("voters/election/<int:pk>/leave-off/", views.leave_off, name="leave_off"),
    path("voters/election/<int:pk>/print/", views.print_roll, name="print"),
    path("voters/election/<int:pk>/cards/", views.print_cards, name="cards"),
    path("voters/election/<int:pk>/export.xlsx", views.export, name="export"),
    path("voters/election/<int:pk>/omissions/", views.omissions, name="omissions"),
    path("voters/election/<int:pk>/kinship/", views.kinship, name="kinship"),
    path("voters/election/<int:pk>/kinship/add/", views.kinship_add, name="kinship_add"),
    path("voters/election/<int:pk>/kinship/remove/", views.kinship_remove, name="kinship_remove"),
    path("voters/election/<int:pk>/kinship/template.xlsx", views.kinship_template, name="kinship_template"),
    path("voters/election/<int:pk>/kinship/upload/", views.kinship_upload, name="kinship_upload"),
    path("voters/election/<int:pk>/proxies/", views.proxies, name="proxies"),
    path("voters/election/<int:pk>/proxies/search/", views.proxy_search, name="proxy_search"),
    path("voters/election/<int:pk>/proxies/revoke/", views.proxy_revoke, name="proxy_revoke"),
    path("voters/election/<int:pk>/picker/", views.roll_picker, name="roll_picker"),
    path("voters/election/<int:pk>/objections/", views.objections, name="objections"),
    path(
        "voters/election/<int:pk>/objections/<int:objection_pk>/answer/",
        views.objection_answer,
        name="objection_answer",
    ),
    path("voters/import/<int:job_pk>/", views.job, name="job"),
    path("voters/import/<int:job_pk>/confirm/", views.confirm, name="confirm"),
    path("voters/import/<int:job_pk>/errors.xlsx", views.job_errors, name="job_errors"),
    path("voters/search/", views.search, name="search"),
    path("voters/conflicts/", views.conflicts, name="conflicts"),
    path("voters/conflicts/request/", views.conflict_request, name="conflict_request"),
    path("voters/conflicts/<int:pk>/answer/", views.conflict_answer, name="conflict_answer"),
]
