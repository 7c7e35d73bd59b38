"""The API's record shapes of the publicity ledgers (``Ledger.out``): the fields clients
of ``/api/v1/publicity/…`` have read since before the ledger framework."""

import datetime as dt

from ninja import Field, Schema

from fazhi.core import pii
from fazhi.core.apitypes import DbId, Year

from .models import ModelKind, ModelLevel


class EventOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    date: dt.date
    title: str
    theme: str
    theme_label: str
    place_kind: str
    place_kind_name: str = Field(..., alias="get_place_kind_display")
    place: str
    partners: str
    duty_id: DbId | None
    laws: str
    form: str
    form_name: str = Field(..., alias="get_form_display")
    audience: int
    materials: int
    banners: int
    posters: int
    led_screens: int
    consultations: int


class DutyOut(Schema):
    id: int
    unit_id: DbId
    year: Year
    body: str
    laws: str
    tasks: str
    target_events: int
    held: int

    @staticmethod
    def resolve_held(obj):
        """Events recorded against the duty in its year (annotated on the list)."""
        held = getattr(obj, "held", None)
        return obj.events.filter(date__year=obj.year).count() if held is None else held


class LiaisonOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    name: str
    phone: str
    occupation: str
    appointed_on: dt.date | None
    active: bool

    @staticmethod
    def resolve_phone(obj):
        return pii.mask_mobile(obj.phone)


class ModelVillageOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    kind: ModelKind
    level: ModelLevel
    year: Year
    awarded_by: str
    document_no: str


class TrainingOut(Schema):
    id: int
    unit_id: DbId
    unit_name: str = Field(..., alias="unit.name")
    date: dt.date
    topic: str
    trainer: str
    hours: float
    liaison_ids: list[int]

    @staticmethod
    def resolve_liaison_ids(obj):
        return [p.pk for p in obj.liaisons.all()]
