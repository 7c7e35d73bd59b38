"""``fazhi.core.params``: the one parser of page query parameters (issue 21, L3), and the
safety net that turns an overflow escaping a page into a 400. The pages themselves are
fuzzed in ``tests/security/test_page_params.py``."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from fazhi.core.params import ID_MAX, ParamErrorMiddleware, Query, parse_date, parse_int

BIG = "99999999999999999999"


# -- the safety net ----------------------------------------------------------------------


def _parses_by_hand(request):
    import datetime as dt

    from django.http import HttpResponse

    # No helper: a 20-digit year overflows in Python on every database (an id in a
    # filter overflows on SQLite, but Django's PostgreSQL backend reads it as no match).
    return HttpResponse(dt.date(int(request.GET["year"]), 1, 1).isoformat())


urlpatterns = [path("by-hand/", _parses_by_hand)]


@pytest.mark.django_db
def test_a_page_that_overflows_answers_400_in_chinese(settings):
    """A page still parsing by hand (here: ``int()`` into a query, the L3 pattern) gets a
    400 page in Chinese from ``ParamErrorMiddleware``, not a 500."""
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    resp = Client(raise_request_exception=False).get("/by-hand/", {"year": BIG})
    assert resp.status_code == 400
    assert "请求参数无效" in resp.content.decode()


def test_overflow_escaping_a_page_is_a_400_in_chinese(rf):
    mw = ParamErrorMiddleware(lambda r: None)
    for exc in (OverflowError("Python int too large to convert to SQLite INTEGER"), ValueError()):
        resp = mw.process_exception(rf.get("/disputes/cases/?year=1"), exc)
        assert resp.status_code == 400
        assert "请求参数无效" in resp.content.decode()
    assert mw.process_exception(rf.get("/api/v1/me"), OverflowError()) is None
    assert mw.process_exception(rf.get("/disputes/cases/"), KeyError("x")) is None


# -- the helper --------------------------------------------------------------------------


@pytest.mark.parametrize("value", [BIG, "-1", "0", "x'", "１２", "٣", "³", "", " ", "1e3", None])
def test_parse_int_takes_ascii_digits_in_range_only(value):
    assert parse_int(value) is None


def test_parse_int_and_date_accept_good_values():
    assert parse_int("12") == 12 and parse_int(str(ID_MAX)) == ID_MAX
    assert parse_int(str(ID_MAX + 1)) is None
    assert parse_int("-3", lo=-5, hi=5) == -3
    assert parse_date("2026-02-28").day == 28
    for bad in ("99999-12-31", "2026-02-30", "２０２６-01-01", "0001-01-01", "20260228", "x"):
        assert parse_date(bad) is None


def test_query_records_what_it_read_and_what_it_refused():
    q = Query({"year": BIG, "unit": "7", "status": "nope", "q": " 张 "})
    assert q.year() is None and q.id("unit") == 7
    assert q.choice("status", ("open",)) is None and q.text("q") == "张"
    assert q.date("due_from") is None and q.page() == 1
    assert q.read == {
        "year": "year",
        "unit": "id",
        "status": "choice",
        "q": "text",
        "due_from": "date",
        "page": "page",
    }
    assert q.bad == ["year", "status"]
    assert q.notices == ["参数“year”无效，已忽略", "参数“status”无效，已忽略"]


# -- form values parsed with the same rules ----------------------------------------------


@pytest.mark.django_db
def test_the_unit_switcher_refuses_a_bad_unit_and_year(world, client_for):
    c = client_for(world.clerk_a)
    for bad in (BIG, "x'", "١٢"):
        assert c.post("/switch/", {"unit": bad}).status_code == 404
        resp = c.post("/switch/", {"year": bad}, follow=True)
        assert resp.status_code == 200
        assert "年度格式不正确" in resp.content.decode()
        assert "fazhi_year" not in c.session


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["int", "user", "ints"])
def test_ledger_form_numbers_refuse_overflow(world, kind):
    """Action forms of the decisions and enforcement ledgers (``decisions.flow``): a 20-digit
    number is refused with a message, not sent to the database."""
    from fazhi.core.errors import InvalidInput
    from fazhi.ledgers.fields import F, parse_value

    with pytest.raises(InvalidInput):
        parse_value(F("n", "数量", kind), BIG)
