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
    # Tests read the chain right after a write, inside their own transaction, where no commit (and so
    # no after-commit seal) happens: they chain inline. The deferred seal, PostgreSQL's default, has its
    # own tests (tests/trail/test_seal.py, and the tamper tests run in both modes).
    settings.TRAIL_SEAL = "inline"
    yield


@pytest.fixture(autouse=True)
def _celery_eager(request):
    """Tasks run in the calling thread unless a test asks for the real worker (marker `celery_worker`)."""
    if "celery_worker" in request.keywords or not settings.configured:
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _trail_anchor_file(request, tmp_path_factory):
    """Anchors written by a test (the milestones call `anchor_on_commit`) go to a temporary file, never to
    the repository's var/ folder, and no anchor is mailed."""
    if not settings.configured:
        yield
        return
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("anchors")
    with override_settings(TRAIL_ANCHOR_FILE=folder / "trail-anchors.log", TRAIL_ANCHOR_EMAILS=[]):
        yield
