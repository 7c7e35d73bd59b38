"""Query parameters of pages, parsed in one place.

Pages never call ``int()``, ``date.fromisoformat()`` or ``str.isdecimal()`` on
``request.GET`` themselves: they ask ``query(request)`` for a typed value::

    p = query(request)
    village = p.id("village")          # 1 ≤ id ≤ ID_MAX, or None
    year = p.year()                    # YEAR_MIN ≤ year ≤ YEAR_MAX, or None
    day = p.date("due_from")           # an ISO date (YYYY-MM-DD), or None
    status = p.choice("status", DisputeStatus.values)
    page = p.page()                    # the page number for ``Paginator.get_page``

A value that does not parse or is out of range (a 20-digit id, ``-1``, ``x'``, full-width
or Arabic-Indic digits, a year of five digits) is ignored: the getter returns its default
and the page shows "参数“year”无效，已忽略" (``base.html``, through the context processor
``param_notices``). Only ASCII digits are numbers here: ``int()`` would read ``'１２'`` and
``'٣'`` too, and a number outside the database's integer range made SQLite raise
``OverflowError`` (issue 21, L3: 27 page/parameter pairs answered 500).

Every parameter a page asks for is recorded with its kind (``Query.read``): the test of
every page's parameters (``tests/security/test_page_params.py``) asks each page which
parameters it reads and sends hostile values to each. Ledger filters shared with the API
take the same object or a plain mapping (``Query.of``); the API validates its own
parameters with its schemas.

``ParamErrorMiddleware`` is the safety net: an ``OverflowError`` or ``ValueError`` that
still escapes a page (a parameter parsed by hand somewhere new) answers 400 with a
Chinese page instead of 500, and is logged so the cause gets fixed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping

# Primary keys are BigAutoField (settings.DEFAULT_AUTO_FIELD): 64-bit signed on SQLite
# and PostgreSQL. Some foreign keys and older columns are 32-bit integers on PostgreSQL;
# no real id comes near either bound, so the narrower one is the limit for all.
ID_MAX = 2**31 - 1
YEAR_MIN, YEAR_MAX = 1900, 2100
PAGE_MAX = 1_000_000
TEXT_MAX = 200

_DIGITS = re.compile(r"[0-9]{1,10}", re.ASCII)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

log = logging.getLogger(__name__)


def notice(name: str) -> str:
    return f"参数“{name}”无效，已忽略"


def parse_int(value, lo: int = 1, hi: int = ID_MAX) -> int | None:
    """ASCII digits within ``lo``..``hi`` (``-`` allowed only when ``lo`` < 0), else None."""
    if value is None:
        return None
    text = str(value).strip()
    negative = text.startswith("-") and lo < 0
    digits = text[1:] if negative else text
    if not _DIGITS.fullmatch(digits):
        return None
    n = -int(digits) if negative else int(digits)
    return n if lo <= n <= hi else None


def parse_date(value) -> dt.date | None:
    """An ISO date ``YYYY-MM-DD`` (ASCII digits) with a year within YEAR_MIN..YEAR_MAX."""
    text = str(value or "").strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if YEAR_MIN <= day.year <= YEAR_MAX else None


class Query:
    """The query parameters of one request (or a plain mapping), read through typed getters.

    ``read`` maps each parameter asked for to its kind; ``bad`` lists those whose value
    was refused (each gives one notice). ``get`` returns the raw text, for free-text
    parameters read by code shared with the API (a search term)."""

    def __init__(self, data: Mapping | None = None, request=None):
        self.data = data if data is not None else {}
        self.request = request
        self.read: dict[str, str] = {}
        self.bad: list[str] = []

    @classmethod
    def of(cls, params) -> Query:
        """``params`` as a Query: itself, or a mapping (the API's ``request.GET``) wrapped."""
        return params if isinstance(params, Query) else cls(params)

    # -- raw access (mapping protocol, for code that reads free text) --------------------

    def _raw(self, name: str, kind: str) -> str:
        self.read.setdefault(name, kind)
        value = self.data.get(name)
        if value is None:
            return ""
        return str(value).strip()

    def get(self, name: str, default=None):
        self.read.setdefault(name, "text")
        value = self.data.get(name)
        return default if value is None else value

    def __getitem__(self, name: str):
        self.read.setdefault(name, "text")
        return self.data[name]

    def __contains__(self, name) -> bool:
        return name in self.data

    def _refuse(self, name: str, default):
        if name not in self.bad:
            self.bad.append(name)
        return default

    # -- typed getters -------------------------------------------------------------------

    def text(self, name: str, default: str = "", max_length: int = TEXT_MAX) -> str:
        return self._raw(name, "text")[:max_length] or default

    def int(self, name: str, default=None, *, lo: int = 1, hi: int = ID_MAX):
        raw = self._raw(name, "int")
        if not raw:
            return default
        n = parse_int(raw, lo, hi)
        return self._refuse(name, default) if n is None else n

    def id(self, name: str, default=None):
        """A primary key: 1..ID_MAX."""
        raw = self._raw(name, "id")
        if not raw:
            return default
        n = parse_int(raw, 1, ID_MAX)
        return self._refuse(name, default) if n is None else n

    def year(self, name: str = "year", default=None):
        raw = self._raw(name, "year")
        if not raw:
            return default
        n = parse_int(raw, YEAR_MIN, YEAR_MAX)
        return self._refuse(name, default) if n is None else n

    def date(self, name: str, default=None):
        raw = self._raw(name, "date")
        if not raw:
            return default
        day = parse_date(raw)
        return self._refuse(name, default) if day is None else day

    def choice(self, name: str, choices: Iterable, default=None):
        """One of ``choices`` (values, or (value, label) pairs), else ``default``."""
        raw = self._raw(name, "choice")
        if not raw:
            return default
        values = {c[0] if isinstance(c, tuple | list) else c for c in choices}
        return raw if raw in values else self._refuse(name, default)

    def flag(self, name: str) -> bool:
        """A check box or link that sends ``1``; anything else is off."""
        return self._raw(name, "flag") == "1"

    def page(self, name: str = "page") -> int:
        """The page number for ``Paginator.get_page`` (past the last page: the last)."""
        raw = self._raw(name, "page")
        if not raw:
            return 1
        n = parse_int(raw, 1, PAGE_MAX)
        return self._refuse(name, 1) if n is None else n

    @property
    def notices(self) -> list[str]:
        return [notice(name) for name in self.bad]

    def strict(self) -> None:
        """What a page ignores with a notice, the API and the CLI refuse: a value outside
        a filter's choices (or not a number, date or year) is ``InvalidInput``
        (``bad_parameter``, 400), never a silently unfiltered list."""
        if self.bad:
            from .errors import InvalidInput

            said = "；".join(
                f"参数“{name}”的取值“{str(self.data.get(name, ''))[:40]}”无效" for name in self.bad
            )
            raise InvalidInput(said, code="bad_parameter")


def query(request) -> Query:
    """The request's query parameters, parsed once per request (kept on the request)."""
    q = getattr(request, "fazhi_query", None)
    if q is None:
        q = Query(request.GET, request)
        request.fazhi_query = q
    return q


def post(request) -> Query:
    """The form fields of a POST, read through the same getters (no notices kept: a form
    answers a bad value with its own message)."""
    return Query(request.POST, request)


def param_notices(request) -> dict:
    """Context processor: the notices for parameters this request's page ignored."""
    q = getattr(request, "fazhi_query", None)
    return {"param_notices": q.notices if q is not None else []}


class ParamErrorMiddleware:
    """The safety net: ``OverflowError`` / ``ValueError`` escaping a page is a bad request
    (a parameter parsed outside ``Query``), answered 400 with a page in Chinese, not 500.
    API requests are left to the API's own error handlers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            return None
        if not isinstance(exception, OverflowError | ValueError):
            return None
        from django.shortcuts import render

        log.warning(
            "bad request parameter on %s: %s: %s",
            request.path,
            type(exception).__name__,
            exception,
            exc_info=exception,
        )
        return render(
            request,
            "400.html",
            {"message": "请求参数无效，请检查地址中的参数后重试"},
            status=400,
        )
