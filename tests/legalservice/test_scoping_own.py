"""Township A's own admin reaches every legal-services detail route (the 404s elsewhere are scoping)."""

import pytest
from django.urls import reverse

from tests.scoping import ROUTES, seed

pytestmark = pytest.mark.django_db


def test_own_unit_reaches_every_detail_route(world, client_for):
    objs = seed(world)
    c = client_for(world.admin_a)
    for name, kwargs in ROUTES.items():
        if name.startswith("legalservice:"):
            # A step is POST only: reached (not 404), it answers GET with 405.
            expected = 405 if name.endswith("_act") else 200
            resp = c.get(reverse(name, kwargs=kwargs(world, objs)))
            assert resp.status_code == expected, name
