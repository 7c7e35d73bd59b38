"""The API's shapes of the four ledgers, as their clients have read them since before the
ledger framework: the declarations (``ledgers.py``) name them as ``out`` and as the
``create_in`` of their ``api`` options, and ``fazhi.ledgers.api`` mounts the routes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Schema

from fazhi.core import pii

from .models import Dispute, GridCase, Petition


class PersonOut(Schema):
    name: str
    id_number: str
    phone: str


def _people(obj) -> list[dict]:
    if isinstance(obj, Dispute):
        rows = [
            (p.name, p.id_number if p.kind == "org" else pii.mask_resident_id(p.id_number), p.phone)
            for p in obj.parties.all()
        ]
    elif isinstance(obj, Petition):
        rows = [(p.name, pii.mask_resident_id(p.id_number), p.phone) for p in obj.petitioners.all()]
    else:
        rows = [(obj.caller, "", obj.phone)]
    return [{"name": n, "id_number": i, "phone": pii.mask_mobile(ph)} for n, i, ph in rows]


def _jsonable(v):
    if isinstance(v, dt.datetime):
        return timezone.localtime(v).isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


DETAIL_FIELDS = {
    "dispute": (
        "title",
        "source",
        "category_id",
        "amount",
        "village_id",
        "grid",
        "registered_on",
        "risk_group",
        "risk_criminal",
        "police_reported_on",
        "committee_id",
        "route",
        "court_case_number",
        "court_referred_on",
        "mediation_due",
        "extended",
        "outcome",
        "agreement_form",
        "agreement_on",
        "resolved_level",
        "termination_reason",
        "terminated_on",
        "followup_due",
        "judicial_confirmed_on",
    ),
    "petition": (
        "channel",
        "petition_type",
        "first_petition",
        "is_group",
        "group_size",
        "matter",
        "received_on",
        "acceptance_due",
        "return_due",
        "accepted_on",
        "handling_due",
        "extended",
        "opinion",
        "replied_on",
        "replied_on_time",
        "review_request_due",
        "review_due",
        "reviewed_on",
        "re_review_due",
        "re_reviewed_on",
        "satisfaction",
        "backlog",
        "backlog_resolved_at",
        "confidential",
        "leader_name",
        "leader_post",
        "over_level",
    ),
    "hotline": (
        "line",
        "category_id",
        "received_at",
        "received_on",
        "content",
        "deadline",
        "signed_at",
        "replied_on",
        "completed_on",
        "satisfaction",
        "redo_count",
        "escalated",
    ),
}


def _kind(obj) -> str:
    if isinstance(obj, Dispute):
        return "dispute"
    return "petition" if isinstance(obj, Petition) else "hotline"


class CaseOut(Schema):
    """A dispute, a petition or a hotline appeal (people masked)."""

    id: int
    number: str
    unit_id: int
    unit_name: str
    status: str
    status_name: str
    handler: str | None
    due_date: dt.date | None
    due_label: str
    due_provisional: bool
    overdue: bool
    supervised: bool
    closed_on: dt.date | None
    version: int
    people: list[PersonOut]
    detail: dict[str, Any]

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_status_name(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_handler(obj):
        return obj.handler.label if obj.handler_id else None

    @staticmethod
    def resolve_people(obj):
        return _people(obj)

    @staticmethod
    def resolve_detail(obj):
        return {f: _jsonable(getattr(obj, f)) for f in DETAIL_FIELDS[_kind(obj)]}


class GridCaseOut(Schema):
    id: int
    number: str
    unit_id: int
    unit_name: str
    village_id: int | None
    village_name: str
    grid: str
    category: str
    category_name: str
    reported_at: dt.datetime
    reported_on: dt.date
    summary: str
    reporter: str
    person_name: str
    phone: str  # masked: 138****5678
    status: str
    status_name: str
    due_on: dt.date
    due_provisional: bool
    overdue: bool
    disposal: str
    handled_on: dt.date | None
    handled_on_time: bool | None
    handling: str
    referred_to: str
    dispute_id: int | None
    dispute_number: str | None
    handler: str | None
    supervised: bool
    closed_on: dt.date | None
    version: int

    @staticmethod
    def resolve_unit_name(g: GridCase):
        return g.unit.name

    @staticmethod
    def resolve_village_name(g: GridCase):
        return g.village.name if g.village_id else ""

    @staticmethod
    def resolve_category_name(g: GridCase):
        return g.get_category_display()

    @staticmethod
    def resolve_phone(g: GridCase):
        return pii.mask_mobile(g.phone)

    @staticmethod
    def resolve_status_name(g: GridCase):
        return g.get_status_display()

    @staticmethod
    def resolve_due_provisional(g: GridCase):
        return g.due_on_provisional

    @staticmethod
    def resolve_dispute_number(g: GridCase):
        return g.dispute.number if g.dispute_id else None

    @staticmethod
    def resolve_handler(g: GridCase):
        return g.handler.label if g.handler_id else None


class DisputeActionIn(Schema):
    data: dict[str, Any] = {}
    comment: str = ""
    version: int | None = None


class PersonIn(Schema):
    name: str
    kind: str = "person"
    side: str = "applicant"
    id_number: str = ""
    phone: str = ""
    address: str = ""
    representative: bool = False


class DisputeIn(Schema):
    unit_id: int
    title: str
    source: str
    category: str
    amount: Decimal = Decimal("0")
    village: int | None = None
    grid: str = ""
    summary: str = ""
    registered_on: dt.date | None = None
    risk_group: bool = False
    risk_criminal: bool = False
    parties: list[PersonIn]


class PetitionIn(Schema):
    unit_id: int
    channel: str
    petition_type: str
    matter: str
    request: str = ""
    received_on: dt.date | None = None
    village: int | None = None
    is_group: bool = False
    group_size: int | None = None
    first_petition: bool = True
    prior: int | None = None
    confidential: bool = False
    complained_unit: int | None = None
    leader_name: str = ""
    leader_post: str = ""
    over_level: str = ""  # county | city | province | capital (越级访), blank: none
    petitioners: list[PersonIn]


class HotlineIn(Schema):
    unit_id: int
    number: str
    category: str
    received_at: dt.datetime
    content: str
    line: str = "12345"
    caller: str = ""
    phone: str = ""
    address: str = ""
    village: str | None = None


class GridCaseIn(Schema):
    unit_id: int
    category: str
    summary: str
    village: str | None = None
    grid: str = ""
    reported_at: dt.datetime | None = None
    reporter: str = ""
    person_name: str = ""
    phone: str = ""
