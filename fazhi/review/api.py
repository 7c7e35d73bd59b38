"""Review API: POST a report, get the review; POST several, get the comparison."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from . import county, services

router = Router(tags=["review"])


@router.post("/", summary="审阅一份年度报告（TXT、HTML、DOCX、PDF）", response=dict)
def review(request, file: UploadedFile = File(...)):
    return services.review_upload(file)


@router.post("/compare", summary="比较多份年度报告", response=dict)
def compare(request, files: list[UploadedFile] = File(...)):
    return services.compare_uploads(files)


class UnitRef(Schema):
    id: int
    code: str
    name: str


class SectionOut(Schema):
    number: int
    name: str
    present: bool


class FigureOut(Schema):
    subject: str
    value: int | float
    unit: str
    approx: bool
    text: str


class TopicOut(Schema):
    topic: str
    count: int
    figures: list[FigureOut]


class FailedCheckOut(Schema):
    code: str
    reason: str


class ScoreOut(Schema):
    total: int
    max: int
    complete: bool
    verdict: str


class TownshipReviewOut(Schema):
    sections: list[SectionOut]
    missing: list[int]
    topics: list[TopicOut]
    failed_checks: list[FailedCheckOut]
    placeholders: int
    score: ScoreOut


class ErrorOut(Schema):
    code: str
    message: str


class TownshipOut(Schema):
    unit: UnitRef
    report_id: int | None
    published: bool
    state: str
    published_on: date | None
    index_number: str
    review_url: str | None
    review: TownshipReviewOut | None
    error: ErrorOut | None


class StatutoryOut(Schema):
    number: int
    name: str


class CountyReviewOut(Schema):
    county: UnitRef
    year: int
    statutory: list[StatutoryOut]
    topics: list[str]
    published: int
    townships: list[TownshipOut]


@router.get(
    "/county",
    response=CountyReviewOut,
    summary="一个县（区）各乡镇一个年度已公开报告的审阅对照",
)
def county_review(request, unit: str, year: str):
    c = county.resolve_county(request.user, unit)
    data = county.county_review(request.user, c, county.check_year(year))
    for row in data["townships"]:
        row["review_url"] = (
            reverse("review:report", args=[row["report_id"]]) if row["published"] else None
        )
    return data
