"""Reference corpus for the boilerplate check: sentence shingles with document counts.

A sentence is normalised (Han characters only, digits -> ``#``), cut into 6-character
shingles hashed with CRC32; the index keeps, per shingle, in how many reference
documents it occurs. A sentence is *boilerplate* when at least 60 % of its shingles
occur in some other reference document. A document that is itself in the index is not
compared with itself (its own contribution is subtracted).

The index is built from a directory of reports (any format the reader takes) or loaded
from a saved index file (gzip JSON, see :meth:`Reference.save`). The default is the
reports shipped in ``engine/data/reference/``; extend it with ``review`` CLI option
``--reference DIR_OR_FILE`` or ``Reference.from_paths``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from .clean import HAN

SHINGLE = 6
MIN_SENTENCE = 12
BOILER_THRESHOLD = 0.6
FORMAT = "fazhi-review-reference/1"
DATA_DIR = Path(__file__).parent / "data" / "reference"

_NON_HAN = re.compile(rf"[^{HAN}\d]+")
_NON_HAN_KEEP = re.compile(rf"[^{HAN}\d。！？；\n]+")  # sentence ends kept
_TERM = re.compile(r"[。！？；\n]")
_DIGITS = re.compile(r"\d+")
_ASCII = re.compile(r"[\x00-\x7f]")
_NOT_1_OR_3_BYTES = re.compile(r"[^\x00-\x7f\u0800-\uffff]")
_SENT = re.compile(r"[^。！？；\n]+")


def han_split(text: str, minimum: int = MIN_SENTENCE) -> tuple[list[tuple[int, int, str]], int]:
    """:func:`han_sentences` and :func:`doc_fingerprint` of ``text`` from the same pass:
    the pieces between the sentence ends, joined, are the text's Han characters and
    digits, which the fingerprint hashes."""
    out = []
    s = 0
    pieces = _TERM.split(_NON_HAN_KEEP.sub("", text))
    for norm, raw in zip(pieces, _TERM.split(text), strict=True):
        e = s + len(raw)
        if len(norm) >= minimum:
            out.append((s, e, norm))
        s = e + 1
    return out, zlib.crc32("".join(pieces).encode("utf-8"))


def han_sentences(text: str, minimum: int = MIN_SENTENCE) -> list[tuple[int, int, str]]:
    """``(start, end, Han and digits)`` of each sentence with at least ``minimum`` of them.

    One regex pass over the whole text (sentence ends kept, so the pieces align with the
    original's), instead of one per sentence; shared by the boilerplate and the
    repeated-sentence checks."""
    return han_split(text, minimum)[0]


def sentences(text: str, han: list | None = None) -> list[tuple[int, int, str]]:
    """Sentences normalised for shingling (digits -> ``#``); ``han`` from
    :func:`han_sentences` when the caller has it already."""
    if han is None:
        han = han_sentences(text)
    out = []
    # one substitution over all sentences (none holds a newline) instead of one each
    normed = _DIGITS.sub("#", "\n".join(norm for _s, _e, norm in han)).split("\n")
    for (s, e, _raw), norm in zip(han, normed if han else [], strict=True):
        if len(norm) >= MIN_SENTENCE:  # the length after digits collapse, as always
            out.append((s, e, norm))
    return out


def shingles(norm: str) -> set[int]:
    """CRC-32 of the UTF-8 of every ``SHINGLE`` characters of ``norm``; the text is
    encoded once and the shingles are slices of its bytes (Han characters are 3 bytes,
    digits and ``#`` one)."""
    b = norm.encode("utf-8")
    n = len(norm) - SHINGLE + 1
    if n <= 0:
        return set()
    crc = zlib.crc32
    if len(b) == 3 * len(norm):  # Han only
        w = 3 * SHINGLE
        return {crc(b[i : i + w]) for i in range(0, 3 * n, 3)}
    if _NOT_1_OR_3_BYTES.search(norm):  # 2- or 4-byte characters: slice the text
        return {crc(norm[i : i + SHINGLE].encode("utf-8")) for i in range(n)}
    ascii_at = [m.start() for m in _ASCII.finditer(norm)]
    lens = [3] * len(norm)
    for i in ascii_at:
        lens[i] = 1
    offs = list(accumulate(lens, initial=0))
    return {crc(b[offs[i] : offs[i + SHINGLE]]) for i in range(n)}


def doc_fingerprint(text: str) -> int:
    return zlib.crc32(_NON_HAN.sub("", text).encode("utf-8"))


class Reference:
    def __init__(self) -> None:
        self.df: dict[int, int] = {}
        self.docs: set[int] = set()
        self.sources: list[str] = []
        self._sets: tuple[set[int], set[int]] | None = None

    def _keysets(self) -> tuple[set[int], set[int]]:
        """(shingles in >= 1 document, shingles in >= 2 documents), cached."""
        if self._sets is None:
            self._sets = (set(self.df), {h for h, c in self.df.items() if c >= 2})
        return self._sets

    @property
    def n_docs(self) -> int:
        return len(self.docs)

    def add_clean_text(self, text: str, source: str = "") -> bool:
        fp = doc_fingerprint(text)
        if fp in self.docs:
            return False
        self.docs.add(fp)
        if source:
            self.sources.append(source)
        seen: set[int] = set()
        for _s, _e, norm in sentences(text):
            seen |= shingles(norm)
        df = self.df
        for h in seen:
            df[h] = df.get(h, 0) + 1
        self._sets = None
        return True

    def add_path(self, path: str | os.PathLike) -> bool:
        from .clean import clean
        from .reader import ReviewInputError, read_bytes, read_path

        try:
            data, name = read_path(str(path))
            text = read_bytes(data, name).text
        except ReviewInputError:
            return False
        return self.add_clean_text(clean(text).text, os.path.basename(str(path)))

    @classmethod
    def from_paths(cls, *paths: str | os.PathLike, base: Reference | None = None) -> Reference:
        ref = cls()
        if base is not None:
            ref.df = dict(base.df)
            ref.docs = set(base.docs)
            ref.sources = list(base.sources)
        for p in paths:
            p = Path(p)
            if p.is_dir():
                for root, _dirs, files in os.walk(p):
                    for f in sorted(files):
                        if not f.startswith("."):
                            ref.add_path(Path(root) / f)
            elif p.suffix == ".gz" or p.name.endswith(".refidx"):
                other = cls.load(p)
                for h, c in other.df.items():
                    ref.df[h] = ref.df.get(h, 0) + c
                ref.docs |= other.docs
                ref.sources += other.sources
                ref._sets = None
            else:
                ref.add_path(p)
        return ref

    def save(self, path: str | os.PathLike) -> None:
        items = sorted(self.df.items())
        payload = {
            "format": FORMAT,
            "shingle": SHINGLE,
            "docs": sorted(self.docs),
            "sources": self.sources,
            "h": [h for h, _ in items],
            "c": [c for _, c in items],
        }
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            json.dump(payload, fh, separators=(",", ":"))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Reference:
        from .reader import ReviewInputError

        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                payload = json.load(fh)
        except (OSError, ValueError) as exc:
            raise ReviewInputError(
                "bad_reference", f"参照索引无法读取 / cannot read reference index: {exc}"
            )
        if payload.get("format") != FORMAT or payload.get("shingle") != SHINGLE:
            raise ReviewInputError(
                "bad_reference", "参照索引格式不符 / reference index has another format"
            )
        ref = cls()
        ref.df = dict(zip(payload["h"], payload["c"], strict=True))
        ref.docs = set(payload["docs"])
        ref.sources = payload.get("sources", [])
        return ref

    def boilerplate(
        self, text: str, han: list | None = None, fingerprint: int | None = None
    ) -> dict:
        """Share of sentence characters that are boilerplate against this reference
        (``han``, ``fingerprint``: :func:`han_split` of ``text``, if the caller has them)."""
        if fingerprint is None:
            fingerprint = doc_fingerprint(text)
        self_in = fingerprint in self.docs
        sub = 1 if self_in else 0
        known = self._keysets()[sub]
        total = 0
        boiler = 0
        n_sent = 0
        n_boiler = 0
        spans = []
        for s, e, norm in sentences(text, han):
            sh = shingles(norm)
            if not sh:
                continue
            hits = len(sh & known)
            n_sent += 1
            total += len(norm)
            if hits / len(sh) >= BOILER_THRESHOLD:
                boiler += len(norm)
                n_boiler += 1
                spans.append((s, e))
        return {
            "share": (boiler / total) if total else 0.0,
            "sentences": n_sent,
            "boilerplate_sentences": n_boiler,
            "spans": spans,
            "reference_docs": self.n_docs - sub,
        }


@lru_cache(maxsize=1)
def default_reference() -> Reference:
    return Reference.from_paths(DATA_DIR)


def resolve(reference) -> Reference:
    if reference is None:
        return default_reference()
    if isinstance(reference, Reference):
        return reference
    if isinstance(reference, str | os.PathLike):
        return _cached_from_path(str(reference))
    if isinstance(reference, list | tuple):
        return Reference.from_paths(*reference)
    raise TypeError("reference must be None, a Reference, a path or a list of paths")


@lru_cache(maxsize=8)
def _cached_from_path(path: str) -> Reference:
    return Reference.from_paths(path)
