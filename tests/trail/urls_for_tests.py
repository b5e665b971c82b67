"""The project's URLs plus the trail's, until config/urls.py includes them."""

from django.urls import include, path

urlpatterns = [
    path("", include("trail.urls")),
    path("", include("config.urls")),
]
