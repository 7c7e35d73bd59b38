"""Page helpers for the legalservice ledgers: the shared ones in ``fazhi.web.ledger``, with this app's list template."""

from __future__ import annotations

from functools import partial

from fazhi.web import ledger
from fazhi.web.ledger import EXPORT_MAX, PAGE_SIZE, history_rows, parse_day

ledger_page = partial(ledger.ledger_page, template="legalservice/list.html")

__all__ = ["EXPORT_MAX", "PAGE_SIZE", "history_rows", "ledger_page", "parse_day"]
