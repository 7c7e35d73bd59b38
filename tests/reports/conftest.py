from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from fazhi.core.roles import Role
from tests.factories import member

from .fixtures import YEAR, seed_ledgers


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(YEAR + 1, 1, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def leader_a(world):
    return member(world.township_a, Role.LEADER, username="leader_a")


@pytest.fixture
def seeded(world, frozen):
    seed_ledgers(world)
    return world
