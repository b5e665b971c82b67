import pytest
from django.db import connection

from . import summary


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("benchmarks measure PostgreSQL: set DATABASE_URL=postgres://… (see README)")


def pytest_sessionstart(session):
    print(f"\nbenchmarks start: {summary.load_average()}", flush=True)


def pytest_terminal_summary(terminalreporter):
    text = summary.table()
    if text:
        terminalreporter.section("benchmark summary")
        terminalreporter.write_line(text)
