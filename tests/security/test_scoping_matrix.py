"""The scoping matrix (SECURITY.md row 7): every page and API route × every role × the units
that must not see township A's records (A's village, sibling township B, another county),
and the county (parent) for the roles that carry no business permission. 0 leaks; 404."""

import pytest

from fazhi.core.models import UnitKind
from fazhi.core.roles import Role
from tests.factories import UnitFactory, member
from tests.scoping import check_routes

pytestmark = pytest.mark.django_db

RELATIONS = {"child": "village_a2", "sibling": "township_b", "other_county": "other_township"}
# A county's separated admins manage users and roles below them by design: those routes are theirs.
PARENT_SKIP = {
    Role.SYSTEM_ADMIN: frozenset(
        {"web:users", "web:user_action", "/api/v1/users/", "/api/v1/users/{user_id}/{action}"}
    ),
    Role.SECURITY_ADMIN: frozenset(
        {"web:roles", "web:role_revoke", "/api/v1/roles/", "/api/v1/roles/{membership_id}"}
    ),
    Role.AUDIT_ADMIN: frozenset({"web:audit", "/api/v1/audit/"}),
}
CELLS = [(role, rel) for role in Role.values for rel in RELATIONS] + [
    (role, "parent") for role in PARENT_SKIP
]


@pytest.mark.parametrize(("role", "relation"), CELLS)
def test_no_leak(world, client_for, api_for, role, relation):
    if (
        relation == "child"
    ):  # another village of A: A's own and its village's records are not theirs
        world.village_a2 = UnitFactory(
            code="10000102", name="甲二村", kind=UnitKind.VILLAGE, parent=world.township_a
        )
    unit = world.county if relation == "parent" else getattr(world, RELATIONS[relation])
    user = member(unit, role, username=f"m_{role}_{relation}")
    skip = PARENT_SKIP.get(role, frozenset()) if relation == "parent" else frozenset()
    problems = check_routes(
        world, client_for(user), api_for(user), skip=skip, names=relation != "child"
    )
    assert problems == [], f"{role} @ {relation}: {problems[:10]}"
