"""Public API: :func:`review_bytes`, :func:`review_file`, :func:`review_text`."""

from __future__ import annotations

import os
import re
from bisect import bisect_right

from . import checks as ck
from . import openness
from .clean import clean
from .facts import extract_facts, not_counted_thing, tag_paragraphs
from .meta import extract_meta
from .quality import REPEAT_MIN, find_placeholders, head_parts, repeated_sentences, shared_by_heads
from .reader import DEFAULT_MAX_BYTES, ReviewInputError, read_bytes, read_path
from .reference import han_split, resolve
from .sections import find_headings, map_statutory, statutory_order

DEFAULT_OPTIONS = {
    "include_text": False,  # add "text" (the original text as read) for highlighting
    "include_clean": False,  # add "clean_text" and "clean_map"-free clean text
    "max_bytes": DEFAULT_MAX_BYTES,
    "watermarks": None,  # extra watermark strings to remove
    "density_min": ck.DENSITY_MIN,
    "boilerplate_max": ck.BOILERPLATE_MAX,
    "boilerplate": True,  # run the boilerplate check (needs the reference corpus)
    "paragraphs": True,  # add paragraph mechanism tags
}

_FIRST_RESP = re.compile(r"第一责任人")


def _opts(options: dict | None) -> dict:
    o = dict(DEFAULT_OPTIONS)
    if options:
        unknown = set(options) - set(o)
        if unknown:
            raise TypeError(f"unknown options: {sorted(unknown)}")
        o.update(options)
    return o


def review_text(
    text: str,
    filename: str = "-",
    *,
    reference=None,
    options: dict | None = None,
    kind: str = "txt",
) -> dict:
    """Review already-extracted text (the original for offsets). A 政府信息公开工作年度报告
    is reviewed against its own format (``openness.review``)."""
    o = _opts(options)
    if openness.is_openness(text):
        result = openness.review(text, filename, kind=kind)
        if o["include_text"]:
            result["text"] = text
        return result
    cr = clean(text, watermarks=o["watermarks"])
    mt = cr.mt
    ctext = mt.text
    meta = extract_meta(cr)
    heads = find_headings(ctext)
    parts = map_statutory(heads, meta["year"], len(ctext))
    part_ids = {id(h) for h in parts}

    # sections: every heading; statutory number inherited from the innermost part
    sections = []
    stack: list = []
    located = []  # (clean start, clean end, statutory, heading) for locating check items
    for h in heads:
        while stack and stack[-1].end <= h.start:
            stack.pop()
        if id(h) in part_ids:
            stat = h.statutory
        else:
            stat = next((p.statutory for p in reversed(stack) if id(p) in part_ids), None)
        stack.append(h)
        located.append((h.start, h.end, stat, h.text))
        s, e = mt.span(h.start, max(h.end, h.start + 1))
        he = mt.span(h.start, min(h.end, h.start + max(len(h.text), 1)))[1]
        sections.append(
            {
                "heading_end": he,
                "statutory": stat,
                "heading": h.text,
                "start": s,
                "end": e,
                "level": h.level,
                "part": id(h) in part_ids,
            }
        )

    present = {h.statutory for h in parts if h.statutory}
    missing = [n for n in (1, 2, 3, 4, 5) if n not in present]
    top_order = statutory_order(parts)

    loc_starts = [x[0] for x in located]

    def where(cpos: int) -> dict:
        """The statutory part and the innermost heading around a clean offset."""
        i = bisect_right(loc_starts, cpos) - 1
        while i >= 0:
            hs, he, stat, htext = located[i]
            if cpos < he:
                return {"section": stat, "heading": htext}
            i -= 1
        return {"section": None, "heading": None}

    def span_item(cs: int, ce: int, **extra) -> dict:
        s, e = mt.span(cs, ce)
        d = {"start": s, "end": e}
        d.update(where(cs))
        d.update(extra)
        return d

    facts_c = extract_facts(ctext)
    phs_c = find_placeholders(ctext)
    # goals among the results, results that say not what they count (clean offsets)
    pledged = [
        (f["start"], f["end"], f["statement"])
        for f in facts_c
        if f.get("pledge") and where(f["start"])["section"] in (1, 3)
    ]
    subjectless = [
        (f["start"], f["end"], f["statement"])
        for f in facts_c
        if f["kind"] == "result" and not_counted_thing(f)
    ]
    # targets and thresholds are figures, but not results: kept out of every count
    cstarts = [f["start"] for f in facts_c if f["kind"] == "result"]
    facts = []
    for f, (s, e) in zip(facts_c, mt.spans([(f["start"], f["end"]) for f in facts_c]), strict=True):
        f["start"], f["end"] = s, e
        facts.append(f)

    # checks
    checks = [ck.check_sections_present(present), ck.check_sections_order(top_order)]
    sec2 = [h for h in parts if h.statutory == 2]
    if sec2:
        # the body only: a heading such as "存在的不足和原因" names causes, it gives none
        s2_text = "\n".join(ctext[h.head_end : h.end] for h in sec2)
        n_fig = sum(1 for c in cstarts if any(h.start <= c < h.end for h in sec2))
        checks.append(ck.check_shortcomings(s2_text, n_fig, len(phs_c)))
    else:
        checks.append(ck.check_shortcomings(None, 0))
    sec3 = [h for h in parts if h.statutory == 3]
    checks.append(
        ck.check_first_responsible(
            bool(sec3),
            bool(sec3) and sec3[0].level > min(h.level for h in parts),
            bool(_FIRST_RESP.search(ctext)),
        )
    )
    checks.append(ck.check_deadline(meta["year"], meta["published"], meta["signed"]))
    han, fingerprint = han_split(ctext)  # sentences for the boilerplate and repeat checks
    if o["boilerplate"]:
        ref = resolve(reference)
        bp = ref.boilerplate(ctext, han, fingerprint)
        bp_items = [span_item(a, b) for a, b in bp["spans"]]
        for it in bp_items:
            it["text"] = text[it["start"] : it["end"]]  # as written in the original
        checks.append(ck.check_boilerplate(bp, o["boilerplate_max"], bp_items))
    checks.append(ck.check_density(len(cstarts), len(ctext), o["density_min"]))
    checks.append(ck.check_metadata(meta))

    # checks a draft cannot fool (quality.py)
    phs = [span_item(p["start"], p["end"], text=p["text"]) for p in phs_c]
    checks.append(ck.check_placeholders(phs))
    checks.append(
        ck.check_pledges(
            [
                span_item(a, b, statement=st, why="力争/确保/计划……是要达到的目标，写在成效部分")
                for a, b, st in pledged
            ]
        )
    )
    checks.append(
        ck.check_subjects(
            [
                span_item(a, b, statement=st, why="数字前没有说明统计对象")
                for a, b, st in subjectless
            ],
            len(cstarts),
        )
    )
    reps = [
        {
            "text": r["text"],
            "count": r["count"],
            "occurrences": [span_item(a, b) for a, b in r["spans"]],
        }
        for r in repeated_sentences(ctext, han)
    ]
    checks.append(ck.check_repeated(reps, REPEAT_MIN))
    sec3_spans = [(h.start, h.end) for h in sec3]
    sub3 = [
        h for h in heads if id(h) not in part_ids and any(a <= h.start < b for a, b in sec3_spans)
    ]
    hp = head_parts(ctext, sec3_spans, sub3) if sec3 else {}
    shared = [
        {
            "text": it["text"],
            "length": it["length"],
            "occurrences": [
                span_item(a, b, head=hp[cls]["role"]) for cls, (a, b) in it["spans"].items()
            ],
        }
        for it in shared_by_heads(ctext, hp)
    ]
    checks.append(
        ck.check_heads_shared(
            "party" in hp and "gov" in hp, {k: v["role"] for k, v in hp.items()}, shared
        )
    )

    result = {
        "file": filename,
        "kind": kind,
        "meta": meta,
        "sections": sections,
        "missing": missing,
        "facts": facts,
        "checks": checks,
        "score": ck.score(checks),
        "chars": len(text),
    }
    if o["paragraphs"]:
        paras = tag_paragraphs(ctext)
        mapped = mt.spans([(p["start"], max(p["end"], p["start"] + 1)) for p in paras])
        for p, (s, e) in zip(paras, mapped, strict=True):
            p["start"], p["end"] = s, e
        result["paragraphs"] = paras
    if o["include_text"]:
        result["text"] = text
    if o["include_clean"]:
        result["clean_text"] = ctext
    return result


def review_bytes(
    data: bytes, filename: str = "-", *, reference=None, options: dict | None = None
) -> dict:
    o = _opts(options)
    rr = read_bytes(data, filename, max_bytes=o["max_bytes"])
    res = review_text(rr.text, filename, reference=reference, options=o, kind=rr.kind)
    if rr.encoding:
        res["encoding"] = rr.encoding
    return res


def review_file(path: str | os.PathLike, *, reference=None, options: dict | None = None) -> dict:
    o = _opts(options)
    path = os.fspath(path)
    if path == "-":
        import sys

        data = sys.stdin.buffer.read(o["max_bytes"] + 1)
        return review_bytes(data, "-", reference=reference, options=o)
    data, name = read_path(path, max_bytes=o["max_bytes"])
    return review_bytes(data, name, reference=reference, options=o)


__all__ = ["ReviewInputError", "review_bytes", "review_file", "review_text"]
