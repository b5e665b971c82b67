"""Hostile and oversized roll files for the hardening tests (issue 12), and how to measure a door's memory.

Every file is a valid roll (the title, header and people of `tests.voters.test_services.xlsx`) with
something added to its sheet XML, as the issue reproduces them.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from voters.extent import column_letters

ROOT = Path(__file__).resolve().parents[2]
SHEET = "xl/worksheets/sheet1.xml"
FAR_CELL = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def with_sheet_xml(data: bytes, change) -> bytes:
    """The xlsx `data` with its first sheet's XML passed through `change` (bytes -> bytes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == SHEET:
                body = change(body)
            archive.writestr(info, body)
    return out.getvalue()


def append_rows(data: bytes, rows_xml: bytes) -> bytes:
    return with_sheet_xml(data, lambda body: body.replace(b"</sheetData>", rows_xml + b"</sheetData>"))


def far_cell(data: bytes, reference: str = "XFD1048576") -> bytes:
    """The issue's file: one extra cell far away (by default the last cell Excel has)."""
    row = re.fullmatch(r"[A-Z]+([0-9]+)", reference).group(1)
    return append_rows(
        data, f'<row r="{row}"><c r="{reference}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    )


def wide(data: bytes, columns: int = 1000, rows: int = 100) -> bytes:
    """`rows` more rows filled to `columns` columns (a roll pasted next to a wide table)."""
    cells = "".join(
        f'<c r="{column_letters(c)}{{row}}" t="inlineStr"><is><t>x</t></is></c>'
        for c in range(1, columns + 1)
    )
    body = "".join(f'<row r="{r}">{cells.format(row=r)}</row>' for r in range(100, 100 + rows))
    return append_rows(data, body.encode())


# --- measuring a door ----------------------------------------------------------------------------------


@dataclass
class Measured:
    seconds: float
    peak_mb: float
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""


# The command in a process of its own, measured from inside: the process's peak RSS (VmHWM, Django and
# everything it loaded included) and the command's time once Django has started (its start alone takes
# 1-3 s on the 2-core machine). Not ru_maxrss from wait4: Linux carries a forked parent's high-water mark
# over exec, so it reports this test process's size.
_DRIVER = """
import json, os, re, sys, time
import django
django.setup()
from django.core.management import execute_from_command_line
started = time.perf_counter()
try:
    execute_from_command_line(["manage.py", *sys.argv[1:]])
finally:
    with open("/proc/self/status") as status:
        peak = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
    with open(os.environ["MEASURE_TO"], "w") as out:
        json.dump({"seconds": time.perf_counter() - started, "peak_kb": peak}, out)
"""


def run_command(args: list[str], *, env: dict[str, str], tmp_path: Path) -> Measured:
    """Run `manage.py args` in its own process and measure it (see _DRIVER)."""
    report = tmp_path / "measured.json"
    env = {**env, "MEASURE_TO": str(report), "DJANGO_SETTINGS_MODULE": "config.settings"}
    process = subprocess.run(
        [sys.executable, "-c", _DRIVER, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    measured = json.loads(report.read_text())
    return Measured(
        seconds=measured["seconds"],
        peak_mb=measured["peak_kb"] / 1024,
        returncode=process.returncode,
        stdout=process.stdout,
        stderr=process.stderr,
    )


def database_url(tmp_path: Path) -> str:
    """A URL another process can open and see this test's committed data at: PostgreSQL's test database,
    or a file copy of SQLite's in-memory one."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return (
            f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    connection.ensure_connection()
    path = tmp_path / "copy.sqlite3"
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    return f"sqlite:///{path}"


def _high_water_kb() -> int:
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1))


class PeakMemory:
    """The peak RSS of this process while the block runs, everything included (Python, Rust, C):
    Linux resets the high-water mark when 5 is written to /proc/self/clear_refs."""

    def __enter__(self) -> PeakMemory:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        self._started = time.perf_counter()
        self.start_mb = _high_water_kb() / 1024
        return self

    def __exit__(self, *exc_info) -> None:
        self.seconds = time.perf_counter() - self._started
        self.peak_mb = _high_water_kb() / 1024
        self.grown_mb = self.peak_mb - self.start_mb
