"""The one generator of valid resident identity numbers (GB 11643) for the demo and the tests."""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric


def id_number(region: str, birth: date, serial: int = 1, sex: str = "M") -> str:
    """A valid 18-character ID number: `region` (6 digits), birth date, an order code from `serial` (odd
    for men, even for women; 500 distinct codes per sex, region and day) and the check character."""
    order = (serial % 500) * 2 + (1 if sex == "M" else 0)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check character
