"""Shared factories and the named actors every test module uses."""

from __future__ import annotations

from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model

from fazhi.core.models import Membership, Unit, UnitKind
from fazhi.core.roles import Role

PASSWORD = "Test@pass2026"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.TOWNSHIP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()


def member(unit: Unit, role: str = Role.TOWNSHIP_STAFF, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


@dataclass
class World:
    """Two counties; county 1 has townships A and B (siblings), A has a village.

    Actors: a county supervisor, a clerk and an admin in A, a mediator in A's village,
    a clerk in B (the sibling), and a clerk in the other county. A's admin (the 司法所's
    head) also holds the corrections role there: the special groups' roster is open to
    no one else.
    """

    county: Unit
    township_a: Unit
    township_b: Unit
    village_a: Unit
    other_county: Unit
    other_township: Unit
    supervisor: object
    clerk_a: object
    admin_a: object
    mediator_a: object
    clerk_b: object
    outsider: object


def build_world() -> World:
    county = UnitFactory(code="100000", name="甲县", kind=UnitKind.COUNTY)
    a = UnitFactory(code="100001", name="甲镇", kind=UnitKind.TOWNSHIP, parent=county)
    b = UnitFactory(code="100002", name="乙乡", kind=UnitKind.TOWNSHIP, parent=county)
    village = UnitFactory(code="10000101", name="甲村", kind=UnitKind.VILLAGE, parent=a)
    other = UnitFactory(code="200000", name="丙县", kind=UnitKind.COUNTY)
    other_t = UnitFactory(code="200001", name="丙镇", kind=UnitKind.TOWNSHIP, parent=other)
    world = World(
        county=county,
        township_a=a,
        township_b=b,
        village_a=village,
        other_county=other,
        other_township=other_t,
        supervisor=member(county, Role.COUNTY_SUPERVISOR, username="supervisor"),
        clerk_a=member(a, Role.TOWNSHIP_STAFF, username="clerk_a"),
        admin_a=member(a, Role.TOWNSHIP_ADMIN, username="admin_a"),
        mediator_a=member(village, Role.VILLAGE_MEDIATOR, username="mediator_a"),
        clerk_b=member(b, Role.TOWNSHIP_STAFF, username="clerk_b"),
        outsider=member(other_t, Role.TOWNSHIP_STAFF, username="outsider"),
    )
    Membership.objects.create(user=world.admin_a, unit=a, role=Role.CORRECTIONS_OFFICER)
    return world
