"""Issue 21 M1: a masked identifier cannot be recovered by searching for it.

The outside test looped ``q=`` over the hidden digits of a party's ID number and phone on
the dispute list and read which search matched. Here the same loop runs, as roles that may
not reveal personal data, on every list API, list page and export that searches; it finds
nothing. A role that may reveal still finds by the exact number, and each such search is
audited without the number.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from fazhi.core import pii
from fazhi.core.models import AuditEvent
from fazhi.core.roles import Role
from fazhi.disputes.services import disputes as ds
from fazhi.disputes.services import grid as gs
from tests.disputes.helpers import ID_A, PHONE_A, appeal, dispute, petition
from tests.factories import member

pytestmark = pytest.mark.django_db

API_LISTS = (
    "/disputes/disputes",
    "/disputes/petitions",
    "/disputes/hotline",
    "/disputes/grid",
)
PAGES = ("/disputes/cases/", "/disputes/petitions/", "/disputes/hotline/", "/disputes/grid/")


def id_candidates():
    """What the tester tried: prefix and suffix as shown masked, a birth date in between,
    only numbers whose check digit is the one shown."""
    prefix, suffix = ID_A[:6], ID_A[-4:]
    day = dt.date(1949, 1, 1)
    out = []
    while day.year == 1949:
        first17 = prefix + day.strftime("%Y%m%d") + suffix[:3]
        if pii.id_check_digit(first17) == suffix[3]:
            out.append(first17 + suffix[3])
        day += dt.timedelta(days=1)
    assert ID_A in out
    return out


def phone_candidates():
    """138****5678 with the hidden four digits looped (a window around the truth: the
    whole 10,000 would only repeat the same answer)."""
    out = [f"{PHONE_A[:3]}{n:04d}{PHONE_A[-4:]}" for n in range(1200, 1300)]
    assert PHONE_A in out
    return out


def seed(world):
    d = dispute(world)
    p = petition(world)
    h = appeal(world)  # caller's phone is PHONE_A
    g = gs.report_case(
        actor=world.clerk_a,
        unit=world.township_a,
        data={
            "village": world.village_a.pk,
            "grid": "第3网格",
            "category": "sanitation",
            "summary": "垃圾收集点满溢",
            "reporter": "王网格",
            "reported_at": "2024-09-27T10:00",
            "person_name": "赵六",
            "phone": PHONE_A,
        },
    )
    return d, p, h, g


def _search_results(api, page, term):
    """How many rows each list API, page and export shows for ``term``."""
    found = {}
    for path in API_LISTS:
        r = api.get(path, q=term)
        assert r.status_code == 200, (path, r.content)
        found[path] = r.json()["count"]
    for path in PAGES:
        r = page.get(path, {"q": term})
        assert r.status_code == 200
        found[path] = int(r.content.decode().split("共 ")[1].split(" 件")[0])
    return found


def _export_rows(page, path, term):
    r = page.get(path + "export.xlsx", {"q": term})
    if r.status_code == 403:  # the role may not export at all
        return 0
    ws = load_workbook(io.BytesIO(r.content)).active
    return ws.max_row - 1


@pytest.mark.parametrize("role", [Role.LEGAL_ADVISER, Role.LEADER, Role.VIEWER])
def test_recovery_loop_finds_nothing_without_reveal(world, api_for, client_for, role):
    seed(world)
    user = member(world.township_a, role, username=f"no_reveal_{role}")
    api, page = api_for(user), client_for(user)
    assert api.get("/disputes/disputes").json()["count"] == 1  # the case is visible
    before = AuditEvent.objects.filter(event="pii_reveal").count()
    # the whole loop as the tester ran it for the legal adviser; the exact numbers for all
    for term in id_candidates() if role == Role.LEGAL_ADVISER else ():
        assert set(_search_results(api, page, term).values()) == {0}, term
    for term in phone_candidates() if role == Role.LEGAL_ADVISER else ():
        for path in API_LISTS:
            assert api.get(path, q=term).json()["count"] == 0, (path, term)
    for term in (ID_A, PHONE_A):
        assert set(_search_results(api, page, term).values()) == {0}
        for path in PAGES:
            assert _export_rows(page, path, term) == 0
            assert pii.SEARCH_REFUSED_NOTICE in page.get(path, {"q": term}).content.decode()
    # no identifier search ran, so none was audited
    assert AuditEvent.objects.filter(event="pii_reveal").count() == before


def test_county_supervisor_cannot_search_identifiers(world, api_for):
    seed(world)
    api = api_for(world.supervisor)  # county-wide view, no reveal_pii
    for term in (ID_A, PHONE_A):
        assert {api.get(p, q=term).json()["count"] for p in API_LISTS} == {0}


def test_reveal_in_one_unit_does_not_search_another(world, api_for):
    """Reveal in township B, only view in township A: A's identifiers are not searchable."""
    seed(world)
    user = member(world.township_b, Role.TOWNSHIP_STAFF, username="b_staff_a_adviser")
    from fazhi.core.models import Membership

    Membership.objects.create(user=user, unit=world.township_a, role=Role.LEGAL_ADVISER)
    api = api_for(user)
    assert api.get("/disputes/disputes").json()["count"] == 1
    for term in (ID_A, PHONE_A):
        assert {api.get(p, q=term).json()["count"] for p in API_LISTS} == {0}
    # the same person on a case of township B is found there
    ds.register_dispute(
        actor=world.clerk_b,
        unit=world.township_b,
        data={"title": "乙乡的纠纷", "source": "screening", "category": "宅基地", "amount": "0"},
        parties=[{"name": "张三", "id_number": ID_A, "phone": PHONE_A}],
    )
    items = api.get("/disputes/disputes", q=ID_A).json()["items"]
    assert [i["unit_name"] for i in items] == ["乙乡"]


def test_revealing_role_finds_by_exact_number_and_is_audited(world, api_for, client_for):
    d, p, h, g = seed(world)
    api, page = api_for(world.clerk_a), client_for(world.clerk_a)
    assert api.get("/disputes/disputes", q=ID_A).json()["items"][0]["id"] == d.pk
    assert api.get("/disputes/petitions", q=ID_A).json()["items"][0]["id"] == p.pk
    for path, obj in zip(API_LISTS, (d, p, h, g), strict=True):
        assert [i["id"] for i in api.get(path, q=PHONE_A).json()["items"]] == [obj.pk], path
    found = _search_results(api, page, PHONE_A)
    assert set(found.values()) == {1}
    assert _export_rows(page, "/disputes/cases/", ID_A) == 1
    rows = AuditEvent.objects.filter(event="pii_reveal", detail__action="search")
    assert rows.count() == 2 + 4 + 8 + 1  # one per search that matched on a number
    assert {r.username for r in rows} == {"clerk_a"}
    assert {r.detail["field"] for r in rows} == {"id_number", "phone"}
    for r in rows:
        assert ID_A not in str(r.detail) and PHONE_A not in str(r.detail)
    assert (
        pii.SEARCH_REFUSED_NOTICE not in page.get("/disputes/cases/", {"q": ID_A}).content.decode()
    )


def _windows(value: str, size: int) -> list[str]:
    return [value[i : i + size] for i in range(len(value) - size + 1)]


def test_free_text_search_does_not_tell_the_digits_of_a_number_in_the_text(
    world, api_for, client_for
):
    """A number typed into a hotline appeal's content is shown masked to an adviser;
    searching for pieces of it (every window of 2 to 11 digits, as a chained search would)
    finds nothing, while a revealing clerk finds it and the adviser still finds by words
    and by a year written in a text without a long number."""
    from fazhi.disputes.services import hotline as hs

    content = f"来电人手机{PHONE_A}，身份证{ID_A}，反映路灯损坏"
    hs.create_appeal(
        actor=world.clerk_a,
        unit=world.township_a,
        data={
            "number": "T0009",
            "category": "投诉",
            "received_at": "2024-09-27T10:00:00",
            "content": content,
            "caller": "赵六",
        },
    )
    appeal(world, number="T0010")  # content 路灯损坏, no number in it
    adviser = member(world.township_a, Role.LEGAL_ADVISER, username="adviser_ft")
    api, page = api_for(adviser), client_for(adviser)
    terms = {w for n in range(2, 12) for v in (PHONE_A, ID_A[:17]) for w in _windows(v, n)}
    for term in sorted(t for t in terms if t not in "T0009 T0010"):  # not the ticket numbers
        assert api.get("/disputes/hotline", q=term).json()["count"] == 0, term
    assert "共 0 件" in page.get("/disputes/hotline/", {"q": PHONE_A[3:7]}).content.decode()
    assert api.get("/disputes/hotline", q="路灯").json()["count"] == 2
    clerk = api_for(world.clerk_a)
    assert clerk.get("/disputes/hotline", q=PHONE_A[3:9]).json()["count"] == 1


def test_other_ledgers_text_search_keeps_numbers_in_text_for_revealing_roles(world, api_for):
    """The decisions-style ledgers (enforcement here) and the other text searches use the
    same rule: an adviser finds the case by its number and words, not by digits of the ID
    number written in its legal basis; the clerk does."""
    from tests.enforcement.helpers import case

    c = case(world, legal_basis=f"《食品安全法》第一百二十四条（当事人{ID_A}）")
    adviser = member(world.township_a, Role.LEGAL_ADVISER, username="adviser_enf")
    api = api_for(adviser)
    assert api.get("/enforcement/cases/").json()["count"] == 1
    for term in (ID_A[6:14], ID_A[8:12], ID_A[:11]):
        assert api.get("/enforcement/cases/", q=term).json()["count"] == 0, term
    assert api.get("/enforcement/cases/", q="食品安全法").json()["count"] == 1
    assert api.get("/enforcement/cases/", q=c.number).json()["count"] == 1
    assert api_for(world.clerk_a).get("/enforcement/cases/", q=ID_A[6:14]).json()["count"] == 1
