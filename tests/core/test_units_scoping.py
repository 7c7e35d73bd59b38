import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from fazhi.core import scoping
from fazhi.core.models import Unit, UnitKind
from fazhi.core.roles import Perm, Role
from tests.factories import UnitFactory, member
from tests.ledgerapp.models import Note

pytestmark = pytest.mark.django_db


def test_path_and_subtree_is_one_query(world):
    UnitFactory(name="甲镇司法所", kind=UnitKind.DEPARTMENT, parent=world.township_a)
    assert world.village_a.path.startswith(world.township_a.path)
    assert world.township_a.path.startswith(world.county.path)
    assert world.village_a.depth == 2
    with CaptureQueriesContext(connection) as ctx:
        names = set(Unit.objects.subtree(world.county).values_list("name", flat=True))
    assert len(ctx.captured_queries) == 1
    assert names == {"甲县", "甲镇", "乙乡", "甲村", "甲镇司法所"}
    assert set(Unit.objects.subtree(world.township_a).values_list("name", flat=True)) == {
        "甲镇",
        "甲村",
        "甲镇司法所",
    }


def test_moving_a_unit_rewrites_descendant_paths(world):
    world.township_a.parent = world.other_county
    world.township_a.save()
    world.village_a.refresh_from_db()
    assert world.village_a.path.startswith(world.other_county.path)
    assert world.village_a.depth == 2


def test_unit_parent_rules(world):
    from django.core.exceptions import ValidationError

    bad = Unit(code="X1", name="村挂县下", kind=UnitKind.VILLAGE, parent=world.county)
    with pytest.raises(ValidationError):
        bad.full_clean()
    orphan = Unit(code="X2", name="无上级镇", kind=UnitKind.TOWNSHIP)
    with pytest.raises(ValidationError):
        orphan.full_clean()


def test_by_ref_takes_code_or_exact_name(world):
    assert Unit.objects.by_ref("100001") == world.township_a
    assert Unit.objects.by_ref("甲镇") == world.township_a
    with pytest.raises(Unit.DoesNotExist):
        Unit.objects.by_ref("甲")


def test_visible_to_follows_the_tree(world):
    Note.objects.create(unit=world.township_a, title="a")
    Note.objects.create(unit=world.village_a, title="village")
    Note.objects.create(unit=world.township_b, title="b")
    Note.objects.create(unit=world.other_township, title="other")

    def titles(user, perm=Perm.VIEW):
        return set(Note.objects.visible_to(user, perm).values_list("title", flat=True))

    assert titles(world.supervisor) == {"a", "village", "b"}
    assert titles(world.clerk_a) == {"a", "village"}
    assert titles(world.mediator_a) == {"village"}
    assert titles(world.clerk_b) == {"b"}
    assert titles(world.outsider) == {"other"}
    # County supervisors read and supervise but do not register cases.
    assert titles(world.supervisor, Perm.CHANGE) == set()
    assert titles(world.clerk_a, Perm.CHANGE) == {"a", "village"}


def test_separated_admins_see_no_business_data(world):
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        user = member(world.county, role)
        Note.objects.create(unit=world.township_a, title="a")
        assert not Note.objects.visible_to(user).exists()


def test_get_visible_or_404(world):
    note = Note.objects.create(unit=world.township_a, title="a")
    assert scoping.get_visible_or_404(Note.objects.all(), world.clerk_a, pk=note.pk) == note
    with pytest.raises(Http404):
        scoping.get_visible_or_404(Note.objects.all(), world.clerk_b, pk=note.pk)
    with pytest.raises(Http404):
        scoping.get_visible_or_404(Note.objects.all(), world.clerk_a, pk="not-a-number")


def test_can(world):
    assert scoping.can(world.clerk_a, Perm.CHANGE, world.village_a)
    assert not scoping.can(world.clerk_b, Perm.VIEW, world.village_a)
    assert not scoping.can(world.clerk_a, Perm.APPROVE, world.township_a)
    assert scoping.can(world.supervisor, Perm.SUPERVISE, world.township_b)


def test_inactive_user_sees_nothing(world):
    world.clerk_a.is_active = False
    world.clerk_a.save()
    scoping.clear_cache(world.clerk_a)
    Note.objects.create(unit=world.township_a, title="a")
    assert not Note.objects.visible_to(world.clerk_a).exists()


def test_scope_is_the_units_ids_read_once_and_again_after_a_unit_changes(world):
    """A ledger is scoped by the ids of the user's units (PostgreSQL plans a list of ids in a
    fraction of the time a subquery on the unit paths takes), read once per user object;
    a unit added afterwards is in scope at once."""
    Note.objects.create(unit=world.township_a, title="a")
    assert Note.objects.visible_to(world.clerk_a).count() == 1
    with CaptureQueriesContext(connection) as ctx:
        assert Note.objects.visible_to(world.clerk_a).count() == 1
    assert len(ctx.captured_queries) == 1  # the ids were read the first time
    assert "core_unit" not in ctx.captured_queries[0]["sql"]
    new_village = UnitFactory(name="甲镇新村", kind=UnitKind.VILLAGE, parent=world.township_a)
    Note.objects.create(unit=new_village, title="b")
    assert Note.objects.visible_to(world.clerk_a).count() == 2
    assert not Note.objects.visible_to(world.clerk_b).filter(unit=new_village).exists()
