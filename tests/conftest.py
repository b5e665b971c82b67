import os

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _plain_http_settings():
    """Tests talk plain HTTP to the test client and live server, and serve static files unhashed."""
    if not settings.configured:  # pure-module tests run without Django (-p no:django)
        yield
        return
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
