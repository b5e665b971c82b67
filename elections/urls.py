from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("overview/", views.overview, name="overview"),
    path("overview/<str:code>/", views.overview, name="overview_region"),
    path("elections/", views.election_list, name="list"),
    path("elections/export.xlsx", views.election_export, name="export"),
    path("elections/<int:pk>/", views.election_detail, name="detail"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download.xlsx", views.export_download, name="export_download"),
]
