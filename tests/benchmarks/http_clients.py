"""Election night's clients: processes of threads, each thread one clerk signed in over HTTP, posting the
real tally form (no Django here: the standard library only, so that the clients cost the machine little).

Run by tests/benchmarks/test_tally_concurrency.py as `python http_clients.py plan.json result.json`:
the plan names the server, the password and, per client, its user and the entries it submits in order.
The result gives every entry's latency and status. Written by hand (not locust or wrk) because each
client must sign in through the login form and carry its session and CSRF token, which a few dozen
lines of http.client do with nothing to install.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import re
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        # gunicorn's sync workers close every connection after its response: one connection per request.
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers.get("Location", ""), text

    def login(self, username: str, password: str) -> None:
        status, _location, page = self.request("GET", "/accounts/login/")
        token = TOKEN.search(page)
        if status != 200 or not token:
            raise RuntimeError(f"login page: {status}")
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        status, location, _page = self.request("POST", "/accounts/login/", form)
        if status != 302:
            raise RuntimeError(f"login of {username} refused ({status})")


def run_client(server: dict, password: str, client: dict, ready) -> list[tuple[int, float, float, int]]:
    """Sign in, wait for every other client to be signed in too (signing in hashes the password, which is
    slow on purpose and not what is measured), then post each entry: (sheet id, start time, seconds,
    HTTP status) per entry."""
    session = Client(server["host"], server["port"])
    try:
        session.login(client["username"], password)
    finally:
        ready.wait()
    out = []
    for entry in client["entries"]:
        form = dict(entry["form"], csrfmiddlewaretoken=session.cookies["csrftoken"])
        at, started = time.time(), time.perf_counter()
        status, location, _page = session.request("POST", entry["path"], form)
        elapsed = time.perf_counter() - started
        if status == 302 and "/sheet/" not in location:
            status = 0  # redirected elsewhere: not saved
        out.append((entry["sheet"], at, elapsed, status))
    return out


def run_process(server: dict, password: str, clients: list[dict], ready) -> list:
    results: list = []
    errors: list[str] = []

    def thread(client):
        try:
            results.extend(run_client(server, password, client, ready))
        except Exception as error:  # reported to the benchmark, which fails on any
            errors.append(f"{client['username']}: {error!r}")

    threads = [threading.Thread(target=thread, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [results, errors]


def main(plan_path: str, result_path: str) -> None:
    with open(plan_path, encoding="utf-8") as fh:
        plan = json.load(fh)
    clients, processes = plan["clients"], plan["processes"]
    groups = [clients[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.Manager() as manager, ProcessPoolExecutor(max_workers=processes) as pool:
        ready = manager.Barrier(len(clients))
        done = list(
            pool.map(
                run_process,
                [plan["server"]] * processes,
                [plan["password"]] * processes,
                groups,
                [ready] * processes,
            )
        )
    elapsed = time.perf_counter() - started
    results = [r for group, _errors in done for r in group]
    errors = [e for _group, group_errors in done for e in group_errors]
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump({"elapsed": elapsed, "results": results, "errors": errors}, fh)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
