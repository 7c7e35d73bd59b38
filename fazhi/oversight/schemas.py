"""The API's record shapes of the oversight ledgers (``Ledger.out``), as they were before
the ledger framework: clients read these fields."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Schema

from fazhi.core.apitypes import DbId, Year


class MemberOut(Schema):
    role: str
    name: str
    post: str


class GroupOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    name: str
    doc_number: str
    office: str
    members: list[MemberOut]

    @staticmethod
    def resolve_members(obj):
        return list(obj.members.all())


class DutyReportOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    person_name: str
    post: str
    study: list[str]
    topics: list[str]
    report_text: str
    report_date: dt.date | None

    @staticmethod
    def resolve_study(obj):
        return obj.study_list

    @staticmethod
    def resolve_topics(obj):
        return obj.topic_list


class FundingOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    kind: str
    item: str
    amount: Decimal
    spent: Decimal


class InspectionOut(Schema):
    id: int
    kind: str
    unit_id: DbId
    target_id: DbId
    date: dt.date
    title: str


class RectificationOut(Schema):
    id: int
    unit_id: DbId
    inspection_id: DbId
    kind: str
    number: int
    problem: str
    owner_name: str
    owner_user_id: DbId | None
    deadline: dt.date
    deadline_provisional: bool
    measures: str
    evidence_note: str
    status: str
    overdue: bool
    signed_off_on: dt.date | None
    version: int

    @staticmethod
    def resolve_kind(obj):
        return obj.inspection.kind

    @staticmethod
    def resolve_overdue(obj):
        return obj.overdue_on(timezone.localdate())
