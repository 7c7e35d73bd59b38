"""The API's answers for cadres and sessions (kept as they were before the ledgers): the
routes in ``api.py`` return them and ``ledgers.py`` names them as those ledgers' ``out``."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from fazhi.core.apitypes import DbId


class CadreOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    name: str
    post: str
    is_leader: bool
    in_leadership_group: bool
    active: bool


class AttendanceOut(Schema):
    cadre_id: DbId
    cadre_name: str = Field(..., alias="cadre.name")
    hours: Decimal
    source: str


class SessionOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    kind: str
    kind_name: str = Field(..., alias="get_kind_display")
    date: dt.date
    topic: str
    laws: str
    lecturer: str
    hours: Decimal
    leadership_group: bool
    place: str
    attendance_count: int = 0


class SessionDetailOut(SessionOut):
    attendance: list[AttendanceOut]
