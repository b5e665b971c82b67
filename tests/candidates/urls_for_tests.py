"""The project's URLs plus candidates.urls, until config/urls.py includes them."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

_wired = any(getattr(entry, "namespace", None) == "candidates" for entry in project_urlpatterns)
urlpatterns = (
    [*project_urlpatterns] if _wired else [*project_urlpatterns, path("", include("candidates.urls"))]
)
