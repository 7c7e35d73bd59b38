"""Spreadsheet cells without formulas: the one rule for every Excel and CSV file fazhi writes.

Pure Python (no Django), so the review engine's CSV uses it too. A text cell that a
spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, OWASP "CSV injection") is written with a leading apostrophe, which
spreadsheets show as text. Numbers written as text ("-12.5") are left alone.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value):
    """``value`` as it may go into a spreadsheet cell: formula-like text gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
