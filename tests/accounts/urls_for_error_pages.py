"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied("English detail that no user may see")


def broken(request):
    raise RuntimeError("English detail that no user may see")


urlpatterns = [
    *project_urlpatterns,
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
]
