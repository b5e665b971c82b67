"""The settings come from the environment; production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import in_ci

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    dropped = (
        "DATABASE_URL",
        "REDIS_URL",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )  # the e2e harness sets the last
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
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


def test_check_deploy_flags_the_development_key():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", DEBUG="0")
    assert result.returncode != 0 and "SECRET_KEY" in result.stdout + result.stderr


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
