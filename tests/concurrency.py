"""Real concurrency for PostgreSQL tests: n threads released together, one database connection each.

`fire_concurrently(n, fn)` calls `fn(i)` for i in 0..n-1, each in its own thread; a barrier releases them
at once so their transactions overlap. It returns the outcomes in the order of i: what `fn` returned, or
the exception it raised (collected, not re-raised: each test says which outcomes it expects). Each thread
closes its database connections at the end, so the test database can be dropped afterwards.

Hand-written rather than a thread pool: the barrier needs exactly n live threads, and a pool may start
fewer workers than tasks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

# Long enough for 20 requests queueing on one row lock on a shared two-core machine; a hang fails the test.
JOIN_TIMEOUT_S = 120


def fire_concurrently(n: int, fn: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def runner(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = fn(i)
        except BaseException as exc:  # handed back to the test, which asserts on it
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)
    hung = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not hung, f"threads {hung} still running after {JOIN_TIMEOUT_S} s"
    return outcomes


def logged_in_clients(user, n: int) -> list[Client]:
    """n test clients logged in as `user`, made in the calling thread (the sessions are committed rows)."""
    clients = []
    for _ in range(n):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections and row locks")


def failures(outcomes: list[Any]) -> list[Any]:
    """The outcomes that are not an answer: an exception raised in the thread, or an HTTP 5xx."""
    return [o for o in outcomes if isinstance(o, BaseException) or getattr(o, "status_code", 200) >= 500]
