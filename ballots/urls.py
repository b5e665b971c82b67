from django.urls import path

from ballots import views

app_name = "ballots"
urlpatterns = [
    path("ballots/election/<int:pk>/", views.overview, name="overview"),
    path("ballots/election/<int:pk>/boxes/", views.add_box, name="add_box"),
    path("ballots/election/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("ballots/election/<int:pk>/enter/", views.enter, name="enter"),
    path("ballots/election/<int:pk>/sheet/", views.sheet, name="sheet"),
    path("ballots/election/<int:pk>/reconcile/", views.reconcile, name="reconcile"),
    path("ballots/election/<int:pk>/count/", views.count, name="count"),
    path("ballots/election/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("ballots/election/<int:pk>/approve/", views.approve, name="approve"),
    path("ballots/election/<int:pk>/results/", views.results, name="results"),
    path("ballots/election/<int:pk>/plenary/", views.plenary, name="plenary"),
    path("ballots/election/<int:pk>/mobile/", views.mobile, name="mobile"),
    path("ballots/election/<int:pk>/announcement/", views.announcement, name="announcement"),
    path("ballots/election/<int:pk>/certificates/", views.certificates, name="certificates"),
    path(
        "ballots/election/<int:pk>/certificates/issued/", views.issue_certificates, name="issue_certificates"
    ),
    path("ballots/election/<int:pk>/voting-notice/", views.voting_notice, name="voting_notice"),
    path(
        "ballots/election/<int:pk>/voting-notice/print/",
        views.voting_notice_print,
        name="voting_notice_print",
    ),
    path("ballots/election/<int:pk>/stations/", views.add_station, name="add_station"),
]
