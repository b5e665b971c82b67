"""The project's URLs plus the audits' and the trail's, until config/urls.py includes them."""

from django.urls import include, path

urlpatterns = [
    path("", include("audits.urls")),
    path("", include("trail.urls")),
    path("", include("config.urls")),
]
