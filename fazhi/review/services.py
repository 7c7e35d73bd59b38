"""The review engine as the web and API use it: uploaded files in, results out."""

from __future__ import annotations

from fazhi.core import audit
from fazhi.core.errors import InvalidInput

from .engine import review_bytes
from .engine.compare import compare
from .engine.reader import DEFAULT_MAX_BYTES, ReviewInputError

MAX_FILES = 20


def review_upload(upload, *, include_text: bool = False) -> dict:
    data = upload.read(DEFAULT_MAX_BYTES + 1)
    name = (getattr(upload, "name", "") or "report").replace("\\", "/").split("/")[-1][:200]
    from fazhi.core.sandbox import run_limited

    try:
        return run_limited(_review, data, name, include_text)
    except InvalidInput as exc:
        audit.record(
            audit.E.INPUT_REJECTED, outcome="refused", detail={"review": exc.code, "file": name}
        )
        raise
    except ReviewInputError as exc:
        audit.record(
            audit.E.INPUT_REJECTED, outcome="refused", detail={"review": exc.code, "file": name}
        )
        raise InvalidInput(exc.message, code=exc.code)


def _review(data: bytes, name: str, include_text: bool) -> dict:
    try:
        return review_bytes(data, name, options={"include_text": include_text})
    except ReviewInputError as exc:  # crosses the process boundary as a DomainError
        raise InvalidInput(exc.message, code=exc.code)


def compare_uploads(uploads) -> dict:
    if len(uploads) < 2:
        raise InvalidInput("比较至少需要两份报告", code="too_few_files")
    if len(uploads) > MAX_FILES:
        raise InvalidInput(f"一次最多比较 {MAX_FILES} 份报告", code="too_many_files")
    return compare([review_upload(u) for u in uploads])


_MARK_ORDER = {"heading": 0, "placeholder": 1, "fact": 2}


def highlight_segments(text: str, result: dict) -> list[dict]:
    """The original text cut into pieces for the page: plain, heading (with its section),
    placeholder (numbered as in the placeholders check, for its anchor) or fact."""
    marks = []
    for s in result["sections"]:
        # A section spans its whole body; highlight only its heading.
        marks.append((s["start"], s.get("heading_end", s["start"]), "heading", s))
    for c in result["checks"]:
        if c["code"] == "placeholders":
            for i, it in enumerate(c.get("items") or [], 1):
                marks.append((it["start"], it["end"], "placeholder", {**it, "n": i}))
    for f in result["facts"]:
        marks.append((f["start"], f["end"], "fact", f))
    marks.sort(key=lambda m: (m[0], _MARK_ORDER[m[2]]))
    out, pos = [], 0
    for start, end, kind, item in marks:
        if start < pos or end <= start:
            continue
        if start > pos:
            out.append({"kind": "text", "text": text[pos:start]})
        out.append({"kind": kind, "text": text[start:end], "item": item})
        pos = end
    if pos < len(text):
        out.append({"kind": "text", "text": text[pos:]})
    return out
