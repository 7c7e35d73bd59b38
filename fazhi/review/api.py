"""Review API: POST a report, get the review; POST several, get the comparison."""

from __future__ import annotations

from ninja import File, Router
from ninja.files import UploadedFile

from . import services

router = Router(tags=["review"])


@router.post("/", summary="审阅一份年度报告（TXT、HTML、DOCX、PDF）", response=dict)
def review(request, file: UploadedFile = File(...)):
    return services.review_upload(file)


@router.post("/compare", summary="比较多份年度报告", response=dict)
def compare(request, files: list[UploadedFile] = File(...)):
    return services.compare_uploads(files)
