"""Text with an offset map back to the original text as read.

``MText.at(i)`` (``MText.offs[i]``) is the offset in the original text of clean
character ``i``. Every cleaning step produces a new ``MText`` through
:meth:`MText.edit`, so the map survives any number of deletions, 1:1 replacements and
insertions.

The map is kept as runs, not one entry per character: a run starting at clean offset
``c`` maps ``c + k`` to ``o + k`` (a stretch of text kept or replaced 1:1) or to ``o``
(a replacement of another length: every new character maps to one original offset).
An edit costs the number of edits and runs, not the length of the text; a lookup is a
bisection.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence


class MText:
    __slots__ = ("text", "orig_len", "_cs", "_os", "_sl")

    def __init__(self, text: str, offs: Sequence[int] | None = None, orig_len: int | None = None):
        self.text = text
        self.orig_len = len(text) if orig_len is None else orig_len
        self._cs: list[int] = []  # clean start of each run
        self._os: list[int] = []  # original offset at the run's start
        self._sl: list[int] = []  # 1: advances with the text; 0: constant
        if offs is None:
            if text:
                self._cs, self._os, self._sl = [0], [0], [1]
        else:  # an explicit per-character map
            for i, o in enumerate(offs):
                self._add(i, o, 1)

    @classmethod
    def _runs(cls, text: str, cs, os_, sl, orig_len: int) -> MText:
        mt = cls.__new__(cls)
        mt.text, mt.orig_len, mt._cs, mt._os, mt._sl = text, orig_len, cs, os_, sl
        return mt

    def with_text(self, text: str) -> MText:
        """The same map for a text of the same length (a 1:1 conversion)."""
        return MText._runs(text, self._cs, self._os, self._sl, self.orig_len)

    def _add(self, c: int, o: int, s: int) -> None:
        """Append a run at clean offset ``c`` (merged into the last run when it
        continues it)."""
        cs = self._cs
        if cs and self._sl[-1] == s and self._os[-1] + (c - cs[-1]) * s == o:
            return
        cs.append(c)
        self._os.append(o)
        self._sl.append(s)

    def __len__(self) -> int:
        return len(self.text)

    def at(self, i: int) -> int:
        """The original offset of clean character ``i`` (0 <= i < len)."""
        k = bisect_right(self._cs, i) - 1
        return self._os[k] + (i - self._cs[k]) * self._sl[k]

    @property
    def offs(self) -> array:
        """The map, one entry per clean character (built on demand)."""
        out = array("i")
        cs, os_, sl = self._cs, self._os, self._sl
        n = len(self.text)
        for k in range(len(cs)):
            end = cs[k + 1] if k + 1 < len(cs) else n
            if sl[k]:
                out.extend(range(os_[k], os_[k] + end - cs[k]))
            else:
                out.extend([os_[k]] * (end - cs[k]))
        return out

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> MText:
        """Apply non-overlapping ``(start, end, replacement)`` edits sorted by start.

        A replacement of the same length maps 1:1; otherwise every new character maps
        to the original offset of the first replaced character (or, for a pure
        insertion, of the character that follows it).
        """
        text = self.text
        n = len(text)
        cs, os_, sl = self._cs, self._os, self._sl
        new = MText._runs("", [], [], [], self.orig_len)
        npos = 0  # length of the new text so far

        def keep(a: int, b: int) -> None:
            nonlocal npos
            b = min(b, n)
            if a >= b:
                return
            k = bisect_right(cs, a) - 1
            while True:
                c0 = cs[k]
                hi = min(b, cs[k + 1] if k + 1 < len(cs) else n)
                new._add(npos, os_[k] + (a - c0) * sl[k], sl[k])
                npos += hi - a
                if hi >= b:
                    return
                a = hi
                k += 1

        out: list[str] = []
        pos = 0
        changed = False
        for start, end, repl in edits:
            if start < pos:
                continue  # overlapping edit: ignore
            changed = True
            out.append(text[pos:start])
            keep(pos, start)
            if repl:
                if len(repl) == end - start:
                    keep(start, end)
                else:
                    if start < n:
                        anchor = self.at(start)
                    elif n:
                        anchor = self.at(n - 1) + 1
                    else:
                        anchor = 0
                    new._add(npos, anchor, 0)
                    npos += len(repl)
                out.append(repl)
            pos = end
        if not changed:
            return self
        out.append(text[pos:])
        keep(pos, n)
        new.text = "".join(out)
        return new

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str | None]) -> MText:
        """Like ``pattern.sub`` but keeping the offset map; a callable may return None
        to leave a match untouched."""
        edits = []
        if isinstance(repl, str):
            for m in pattern.finditer(self.text):
                edits.append((m.start(), m.end(), m.expand(repl) if "\\" in repl else repl))
        else:
            for m in pattern.finditer(self.text):
                r = repl(m)
                if r is not None and r != m.group(0):
                    edits.append((m.start(), m.end(), r))
        return self.edit(edits)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean ``[start, end)`` span to the original text."""
        n = len(self.text)
        if n == 0:
            return 0, 0
        start = min(max(start, 0), n - 1)
        end = min(max(end, start + 1), n)
        ostart = self.at(start)
        oend = self.at(end - 1) + 1
        if oend < ostart:
            oend = ostart
        return ostart, min(oend, self.orig_len)
