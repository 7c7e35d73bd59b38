"""Text with an offset map back to the original text as read.

``MText.offs[i]`` is the offset in the original text of clean character ``i``.
Every cleaning step produces a new ``MText`` through :meth:`MText.edit`, so the map
survives any number of deletions, 1:1 replacements and insertions.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import eq, mul, sub

_SPAN = re.Match.span

_IDENTITY_MAX = 1 << 20  # 4 MB of offsets kept for reuse
_identity = array("i")


def identity(n: int) -> array:
    """``array("i", range(n))``, sliced from a kept one (a copy in C) up to
    :data:`_IDENTITY_MAX` entries instead of built one integer at a time."""
    global _identity
    if n > _IDENTITY_MAX:
        return array("i", range(n))
    if n > len(_identity):
        _identity = array("i", range(max(n, min(2 * len(_identity), _IDENTITY_MAX))))
    return _identity[:n]


class MText:
    __slots__ = ("text", "offs", "orig_len")

    def __init__(self, text: str, offs: array | None = None, orig_len: int | None = None):
        self.text = text
        if offs is None:
            offs = identity(len(text))
        self.offs = offs
        self.orig_len = len(text) if orig_len is None else orig_len

    def __len__(self) -> int:
        return len(self.text)

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> MText:
        """Apply non-overlapping ``(start, end, replacement)`` edits sorted by start.

        A replacement of the same length maps 1:1; otherwise every new character maps
        to the original offset of the first replaced character (or, for a pure
        insertion, of the character that follows it).
        """
        text, offs = self.text, self.offs
        if not isinstance(edits, list):
            edits = list(edits)
        if not edits:
            return self
        if all(len(repl) == end - start for start, end, repl in edits):
            # 1:1 replacements only: the offsets stay as they are, only the text changes
            out: list[str] = []
            pos = 0
            for start, end, repl in edits:
                if start < pos:
                    continue  # overlapping edit: ignore
                out.append(text[pos:start])
                out.append(repl)
                pos = end
            out.append(text[pos:])
            return MText("".join(out), offs, self.orig_len)
        out = []
        noffs = array("i")
        pos = 0
        n = len(text)
        changed = False
        for start, end, repl in edits:
            if start < pos:
                continue  # overlapping edit: ignore
            changed = True
            out.append(text[pos:start])
            noffs.extend(offs[pos:start])
            if repl:
                if len(repl) == end - start:
                    noffs.extend(offs[start:end])
                else:
                    if start < n:
                        anchor = offs[start]
                    elif n:
                        anchor = offs[n - 1] + 1
                    else:
                        anchor = 0
                    noffs.extend([anchor] * len(repl))
                out.append(repl)
            pos = end
        if not changed:
            return self
        out.append(text[pos:])
        noffs.extend(offs[pos:])
        return MText("".join(out), noffs, self.orig_len)

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str | None]) -> MText:
        """Like ``pattern.sub`` but keeping the offset map; a callable may return None
        to leave a match untouched."""
        edits = []
        if isinstance(repl, str) and "\\" not in repl and len(repl) <= 1:
            return self._sub_short(pattern, repl)
        if isinstance(repl, str):
            for m in pattern.finditer(self.text):
                edits.append((m.start(), m.end(), m.expand(repl) if "\\" in repl else repl))
        else:
            for m in pattern.finditer(self.text):
                r = repl(m)
                if r is not None and r != m.group(0):
                    edits.append((m.start(), m.end(), r))
        return self.edit(edits)

    def _sub_short(self, pattern: re.Pattern, repl: str) -> MText:
        """``sub`` with a literal replacement of at most one character (a deletion, or a
        run of characters made one): the pieces between the matches, of the text and of
        the offsets, are sliced and joined in C, with no Python step per match. The
        result is the one :meth:`edit` gives: a deleted match leaves no offset, a
        one-character replacement of the same length keeps its character's offset and
        one of a longer match takes the offset of the match's first character."""
        text, offs = self.text, self.offs
        spans = list(map(_SPAN, pattern.finditer(text)))
        if not spans:
            return self
        starts, ends = zip(*spans, strict=True)
        k = len(repl)
        if k and min(map(sub, ends, starts)) < k:
            # an empty match with a one-character insertion: the general path
            return self.edit([(s, e, repl) for s, e in spans])
        n = len(text)
        keep_from = (0, *ends)
        keep_to = (*(map(k.__add__, starts) if k else starts), n)
        if k and all(map(eq, map(sub, ends, starts), repeat(k))):
            noffs = offs  # every match replaced by one character: 1:1
        else:
            raw = memoryview(offs).cast("B")
            size = offs.itemsize
            noffs = array(
                "i",
                b"".join(
                    map(
                        raw.__getitem__,
                        map(
                            slice,
                            map(mul, keep_from, repeat(size)),
                            map(mul, keep_to, repeat(size)),
                        ),
                    )
                ),
            )
        new = repl.join(map(text.__getitem__, map(slice, (0, *ends), (*starts, n))))
        return MText(new, noffs, self.orig_len)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean ``[start, end)`` span to the original text."""
        return self.spans(((start, end),))[0]

    def spans(self, pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Map each clean ``(start, end)`` pair to the original text, in one call (the
        paragraphs and the figures of a text are mapped together)."""
        offs = self.offs
        n = len(offs)
        if n == 0:
            return [(0, 0) for _ in pairs]
        olen = self.orig_len
        out = []
        for start, end in pairs:
            start = min(max(start, 0), n - 1)
            end = min(max(end, start + 1), n)
            ostart = offs[start]
            oend = offs[end - 1] + 1
            if oend < ostart:
                oend = ostart
            out.append((ostart, min(oend, olen)))
        return out
