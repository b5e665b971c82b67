"""The settings come from the environment; production settings pass Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import in_ci

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    return run_python("manage.py", *args, **env)


def run_python(*args, **env):
    """A fresh process with the environment of a deployment: no pytest (PYTEST_VERSION gives the suite its
    own key), no key unless given, no database or Redis unless given."""
    dropped = (
        "DATABASE_URL",
        "REDIS_URL",
        "DEBUG",
        "SECRET_KEY",
        "PYTEST_VERSION",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )  # the e2e harness sets the last
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_variables_prints_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x7!" * 20 + "production-secret",
        ALLOWED_HOSTS="huanjie.example.gov.cn",
        DATABASE_URL="postgres://huanjie@127.0.0.1:5432/huanjie",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "command",
    [("manage.py", "check"), ("-c", "import config.wsgi"), ("-m", "celery", "-A", "config", "report")],
)
def test_the_app_refuses_to_start_with_debug_off_and_no_secret_key(command):
    result = run_python(*command, DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


def test_the_app_refuses_the_committed_development_key_with_debug_off():
    result = run_manage("check", DEBUG="0", SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0 and "ImproperlyConfigured: SECRET_KEY" in result.stderr


def test_the_embedded_run_starts_without_a_key():
    result = run_manage("check", DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_a_weak_key():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY="short")
    assert result.returncode != 0 and "security.W009" in result.stdout + result.stderr


def test_every_response_carries_the_content_security_and_permissions_policies(client):
    response = client.get("/accounts/login/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )


def test_chinese_is_the_default_language_and_shanghai_the_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_ci_runs_against_real_postgresql_and_redis():
    """In CI the suite fails, never skips, when PostgreSQL or Redis is missing."""
    if not in_ci():
        pytest.skip("outside CI the embedded SQLite default is allowed")
    assert connection.vendor == "postgresql"
    import redis

    assert redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]


INLINE = re.compile(
    r"<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:|<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")",
    re.IGNORECASE,
)


def test_no_template_holds_inline_code_or_styles_the_policy_refuses():
    """Inline <style>, style="", onclick="" and javascript: links are refused by the Content-Security-Policy:
    templates use static/css and static/js (data-confirm, data-print) instead."""
    found = [
        f"{path.relative_to(ROOT)}:{n}: {match.group(0)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        for match in [INLINE.search(line)]
        if match
    ]
    assert found == []
