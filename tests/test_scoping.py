"""Every page and API route refuses a user of a sibling township (and of another county)."""

import pytest

from tests.scoping import check_routes


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["clerk_b", "outsider"])
def test_other_units_are_refused_everywhere(world, client_for, api_for, who):
    user = getattr(world, who)
    problems = check_routes(world, client_for(user), api_for(user))
    assert problems == []


@pytest.mark.django_db
def test_own_unit_can_reach_the_routes(world, client_for):
    """The same cases answer 200 for township A's own admin: the 404s above are scoping, not broken URLs."""
    from django.urls import reverse

    from tests.scoping import ROUTES, seed

    objs = seed(world)
    c = client_for(world.admin_a)
    for name in ("web:unit_history", "web:attachment"):
        resp = c.get(reverse(name, kwargs=ROUTES[name](world, objs)))
        assert resp.status_code == 200, name


@pytest.mark.django_db
def test_the_helper_can_fail(world, client_for, api_for):
    """Asked as township A's own admin, every object route answers 200, which the helper reports."""
    problems = check_routes(world, client_for(world.admin_a), api_for(world.admin_a))
    assert any("web:unit_history" in p for p in problems)
    assert any("/api/v1/units/" in p for p in problems)
